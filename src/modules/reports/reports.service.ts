import { type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { queryRows } from '../../db/query.ts';
import { validationFailed } from '../../lib/errors.ts';
import type { Actor } from '../../plugins/auth.ts';
import { CANDIDATE_STATUSES } from '../candidates/candidates.table.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import { type CsvCell, toCsv } from './reports.csv.ts';
import { planRange } from './reports.range.ts';
import type {
  PipelineQuery,
  PipelineReport,
  PrefecturesQuery,
  PrefecturesReport,
  ProvinceShareQuery,
  ProvinceShareReport,
  ReintegrationQuery,
  ReintegrationReport,
} from './reports.schemas.ts';

export interface ReportServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

/** Partners see aggregates only, and no count below this (small-cell disclosure control). */
export const SUPPRESSION_THRESHOLD = 5;

/** A report rendered as CSV, with a file name that says what it holds. */
export interface CsvReport {
  filename: string;
  body: string;
}

interface Filters {
  program?: string | undefined;
  gender?: string | undefined;
  field?: string | undefined;
  destinationCountry?: string | undefined;
}

/** Where each recorded (code, boundaries) lands in the requested boundary set. */
interface MapEntry {
  code: string;
  boundaries: Boundaries;
  out_code: string;
  attributable: boolean;
}

function buildProvinceMaps(reference: ReferenceService): Record<Boundaries, string> {
  const all = [...reference.listProvinces('2008'), ...reference.listProvinces('2025')];
  const to2025: MapEntry[] = all.map((p) => ({
    code: p.code,
    boundaries: p.boundaries,
    out_code: p.code2025,
    attributable: true,
  }));
  const to2008: MapEntry[] = all.map((p) => {
    if (p.boundaries === '2008')
      return { code: p.code, boundaries: '2008', out_code: p.code, attributable: true };
    // A 2025 unit that is exactly one 2008 province ("unchanged") maps back to it; a merged one
    // cannot be split, so its records stay on the 2025 unit, flagged.
    const before = reference.from2025(p.code);
    return before.length === 1
      ? { code: p.code, boundaries: '2025', out_code: before[0]!.code, attributable: true }
      : { code: p.code, boundaries: '2025', out_code: p.code, attributable: false };
  });
  return { '2025': JSON.stringify(to2025), '2008': JSON.stringify(to2008) };
}

/** `and column = value` for each filter given. */
function filterSql(filters: Filters, opts = { destination: true }) {
  const parts: SQL[] = [];
  if (filters.program) parts.push(sql` and program = ${filters.program}`);
  if (filters.field) parts.push(sql` and field = ${filters.field}`);
  if (filters.gender) parts.push(sql` and gender = ${filters.gender}`);
  if (filters.destinationCountry && opts.destination)
    parts.push(sql` and destination_country = ${filters.destinationCountry}`);
  return sql.join(parts, sql``);
}

/**
 * The rows of `rollup` and `report_placement_facts` that together cover [from, to] exactly once:
 * yearly rows for whole years, monthly rows for whole months, facts for the days at the edges.
 */
function coveringSources(args: {
  rollup: SQL;
  rollupColumns: SQL;
  factColumns: SQL;
  factDate: SQL;
  where: SQL;
  /** Extra conditions on the facts only (the rollup was already narrowed when it was written). */
  factWhere?: SQL;
  from: string | undefined;
  to: string | undefined;
}): SQL {
  const plan = planRange(args.from, args.to);
  const parts: SQL[] = [];
  const [ya, yb] = plan.years;
  if (ya < yb) {
    parts.push(sql`select ${args.rollupColumns} from ${args.rollup}
      where grain = 'year' and period >= ${ya}::date and period < ${yb}::date ${args.where}`);
  }
  for (const [a, b] of plan.months.filter(([a, b]) => a < b)) {
    parts.push(sql`select ${args.rollupColumns} from ${args.rollup}
      where grain = 'month' and period >= ${a}::date and period < ${b}::date ${args.where}`);
  }
  for (const [a, b] of plan.days.filter(([a, b]) => a < b)) {
    parts.push(sql`select ${args.factColumns} from report_placement_facts
      where ${args.factDate} >= ${a}::date and ${args.factDate} < ${b}::date ${args.where} ${args.factWhere ?? sql``}`);
  }
  return sql.join(parts, sql` union all `);
}

/** The coarse rollup answers when no programme, field or gender filter asks for the fine one. */
const needsFine = (f: Filters) => Boolean(f.program || f.field || f.gender);

/**
 * Secondary suppression of one column of a partner's table. With the total shown, a single withheld
 * count could be recovered as the total minus the others, so the smallest shown count of the column is
 * withheld too: two unknowns with one known sum. Counts already withheld stay withheld.
 */
export function protectColumn(counts: (number | null)[], total: number | null): (number | null)[] {
  if (total === null) return counts;
  let withheld = 0;
  let smallest = -1;
  counts.forEach((n, i) => {
    if (n === null) withheld++;
    else if (smallest < 0 || n < counts[smallest]!) smallest = i;
  });
  if (withheld !== 1 || smallest < 0) return counts;
  return counts.map((n, i) => (i === smallest ? null : n));
}

const ratio = (part: number | null, whole: number | null) =>
  part === null || whole === null || whole === 0 ? null : Math.round((part / whole) * 10000) / 10000;

export function createReportService({ db, reference }: ReportServiceDeps) {
  const provinceMaps = buildProvinceMaps(reference);

  /**
   * One column of a report as the actor may see it: exact for admins, province officers and centers;
   * for partners no count below 5, and no withheld count that the total would give away.
   */
  const column = (actor: Actor, counts: number[], total: number) => {
    if (actor.role !== 'partner')
      return { counts: counts as (number | null)[], total: total as number | null };
    const show = (n: number) => (n < SUPPRESSION_THRESHOLD ? null : n);
    const shownTotal = show(total);
    return { counts: protectColumn(counts.map(show), shownTotal), total: shownTotal };
  };

  const provinceLabel = (code: string, attributable: boolean, boundaries: Boundaries) => {
    const set: Boundaries = attributable ? boundaries : '2025';
    return {
      provinceCode: code,
      provinceBoundaries: set,
      provinceName: reference.province(code, set)?.nameVi ?? code,
      attributable,
    };
  };

  /** Rows grouped by the requested boundary set, and the grand total, in one GROUP BY. */
  async function byProvince(
    sources: SQL,
    boundaries: Boundaries,
    a: string,
    b: string,
  ): Promise<{ code: string | null; attributable: boolean | null; a: number; b: number; total: boolean }[]> {
    return queryRows(
      db,
      sql`
      with src as (${sources}),
      by_code as (
        select province_code, boundaries, sum(a) as a, sum(b) as b from src group by 1, 2
      ),
      mapped as (
        select coalesce(m.out_code, c.province_code) as code, coalesce(m.attributable, false) as attributable,
               c.a, c.b
          from by_code c
          left join jsonb_to_recordset(${provinceMaps[boundaries]}::jsonb)
               as m(code text, boundaries text, out_code text, attributable boolean)
            on m.code = c.province_code and m.boundaries = c.boundaries
      )
      select code, attributable, coalesce(sum(a), 0)::int as ${sql.raw(a)},
             coalesce(sum(b), 0)::int as ${sql.raw(b)}, grouping(code, attributable) <> 0 as total
        from mapped
       group by grouping sets ((code, attributable), ())
      having coalesce(sum(a), 0) > 0 or grouping(code, attributable) <> 0
       order by total, code, attributable desc`,
    ).then((rows) =>
      (rows as Record<string, unknown>[]).map((r) => ({
        code: r.code as string | null,
        attributable: r.attributable as boolean | null,
        a: Number(r[a]),
        b: Number(r[b]),
        total: Boolean(r.total),
      })),
    );
  }

  /**
   * The two province reports have one shape: two counts per province (a, b) and b / a. `fine` and
   * `totals` are the rollups with and without the programme/field/gender columns.
   */
  async function provincePair(
    actor: Actor,
    q: ProvinceShareQuery | ReintegrationQuery,
    spec: {
      fine: SQL;
      totals: SQL;
      rollupColumns: SQL;
      factColumns: SQL;
      factDate: SQL;
      names: [string, string];
    },
  ) {
    const sources = coveringSources({
      rollup: needsFine(q) ? spec.fine : spec.totals,
      rollupColumns: spec.rollupColumns,
      factColumns: spec.factColumns,
      factDate: spec.factDate,
      where: filterSql(q),
      from: q.from,
      to: q.to,
    });
    const rows = await byProvince(sources, q.boundaries, ...spec.names);
    const total = rows.find((r) => r.total)!;
    const body = rows.filter((r) => !r.total);
    const a = column(
      actor,
      body.map((r) => r.a),
      total.a,
    );
    const b = column(
      actor,
      body.map((r) => r.b),
      total.b,
    );
    const shape = (a: number | null, b: number | null) => ({
      a,
      b,
      ratio: ratio(b, a),
      suppressed: a === null || b === null,
    });
    return {
      rows: body.map((r, i) => ({
        label: provinceLabel(r.code!, r.attributable!, q.boundaries),
        ...shape(a.counts[i]!, b.counts[i]!),
      })),
      totals: shape(a.total, b.total),
    };
  }

  async function provinceShare(actor: Actor, q: ProvinceShareQuery): Promise<ProvinceShareReport> {
    const pair = await provincePair(actor, q, {
      fine: sql`report_departure_rollup`,
      totals: sql`report_departure_totals`,
      rollupColumns: sql`province_code, boundaries, departed as a, case when destination_country = 'JP' then departed else 0 end as b`,
      factColumns: sql`province_code, boundaries, 1 as a, case when destination_country = 'JP' then 1 else 0 end as b`,
      factDate: sql`departed_on`,
      names: ['departed_total', 'departed_japan'],
    });
    const shape = (p: (typeof pair)['totals']) => ({
      departedTotal: p.a,
      departedJapan: p.b,
      japanShare: p.ratio,
      suppressed: p.suppressed,
    });
    return { rows: pair.rows.map((r) => ({ ...r.label, ...shape(r) })), totals: shape(pair.totals) };
  }

  async function reintegration(actor: Actor, q: ReintegrationQuery): Promise<ReintegrationReport> {
    const pair = await provincePair(actor, q, {
      fine: sql`report_return_rollup`,
      totals: sql`report_return_totals`,
      rollupColumns: sql`province_code, boundaries, returned as a, reintegrated as b`,
      factColumns: sql`province_code, boundaries, 1 as a, case when reintegrated then 1 else 0 end as b`,
      factDate: sql`returned_on`,
      names: ['returned', 'reintegrated'],
    });
    const shape = (p: (typeof pair)['totals']) => ({
      returned: p.a,
      reintegrated: p.b,
      rate: p.ratio,
      suppressed: p.suppressed,
    });
    return { rows: pair.rows.map((r) => ({ ...r.label, ...shape(r) })), totals: shape(pair.totals) };
  }

  async function prefectures(actor: Actor, q: PrefecturesQuery): Promise<PrefecturesReport> {
    const sources = coveringSources({
      rollup: needsFine(q) ? sql`report_prefecture_rollup` : sql`report_prefecture_totals`,
      rollupColumns: sql`prefecture_code, departed as n`,
      factColumns: sql`prefecture_code, 1 as n`,
      factDate: sql`departed_on`,
      where: filterSql(q, { destination: false }),
      factWhere: sql` and destination_country = 'JP'`,
      from: q.from,
      to: q.to,
    });
    const rows = await queryRows<{ code: string | null; departed: number; total: boolean }>(
      db,
      sql`
      with src as (${sources})
      select prefecture_code as code, coalesce(sum(n), 0)::int as departed, grouping(prefecture_code) <> 0 as total
        from src
       group by grouping sets ((prefecture_code), ())
      having coalesce(sum(n), 0) > 0 or grouping(prefecture_code) <> 0
       order by total, code`,
    );
    const body = rows.filter((r) => !r.total);
    const { counts, total } = column(
      actor,
      body.map((r) => Number(r.departed)),
      Number(rows.find((r) => r.total)!.departed),
    );
    return {
      rows: body.map((r, i) => {
        const p = reference.prefecture(r.code!);
        return {
          prefectureCode: r.code!,
          prefectureName: p?.nameEn ?? r.code!,
          prefectureNameJa: p?.nameJa ?? r.code!,
          departed: counts[i]!,
          suppressed: counts[i] === null,
        };
      }),
      totals: { departed: total, suppressed: total === null },
    };
  }

  async function pipeline(actor: Actor, q: PipelineQuery): Promise<PipelineReport> {
    if (q.homeProvinceCode && !reference.province(q.homeProvinceCode, '2025')) {
      throw validationFailed([
        { path: 'homeProvinceCode', message: 'must be a province code of the 2025 boundaries (34 units)' },
      ]);
    }
    const parts: SQL[] = [];
    if (q.homeProvinceCode) parts.push(sql` and province_2025 = ${q.homeProvinceCode}`);
    if (q.trainingCenterId) parts.push(sql` and training_center_id = ${q.trainingCenterId}`);
    const rows = await queryRows<{ status: string | null; candidates: number; total: boolean }>(
      db,
      sql`
      select status, coalesce(sum(candidates), 0)::int as candidates, grouping(status) <> 0 as total
        from report_pipeline_rollup
       where true ${sql.join(parts, sql``)}
       group by grouping sets ((status), ())`,
    );
    const counts = new Map(rows.filter((r) => !r.total).map((r) => [r.status!, Number(r.candidates)]));
    const { counts: shown, total } = column(
      actor,
      CANDIDATE_STATUSES.map((status) => counts.get(status) ?? 0),
      Number(rows.find((r) => r.total)!.candidates),
    );
    return {
      rows: CANDIDATE_STATUSES.map((status, i) => ({
        status,
        candidates: shown[i]!,
        suppressed: shown[i] === null,
      })),
      totals: { candidates: total, suppressed: total === null },
    };
  }

  const rangeName = (q: { from?: string | undefined; to?: string | undefined }) =>
    `${q.from ?? 'start'}_${q.to ?? 'end'}`;
  const TOTAL = 'TOTAL';

  return {
    provinceShare,
    prefectures,
    pipeline,
    reintegration,

    /** The same numbers as the JSON, one line per row and a totals line; suppressed counts empty. */
    provinceShareCsv(report: ProvinceShareReport, q: ProvinceShareQuery): CsvReport {
      const t = report.totals;
      const cells = (r: ProvinceShareReport['totals']): CsvCell[] => [
        r.departedTotal,
        r.departedJapan,
        r.japanShare,
        r.suppressed,
      ];
      return {
        filename: `province-share_${q.boundaries}_${rangeName(q)}.csv`,
        body: toCsv(
          [
            'provinceCode',
            'provinceBoundaries',
            'provinceName',
            'attributable',
            'departedTotal',
            'departedJapan',
            'japanShare',
            'suppressed',
          ],
          [
            ...report.rows.map((r) => [
              r.provinceCode,
              r.provinceBoundaries,
              r.provinceName,
              r.attributable,
              ...cells(r),
            ]),
            [TOTAL, q.boundaries, 'Tổng cộng', '', ...cells(t)],
          ],
        ),
      };
    },

    prefecturesCsv(report: PrefecturesReport, q: PrefecturesQuery): CsvReport {
      return {
        filename: `prefectures_${rangeName(q)}.csv`,
        body: toCsv(
          ['prefectureCode', 'prefectureName', 'prefectureNameJa', 'departed', 'suppressed'],
          [
            ...report.rows.map((r) => [
              r.prefectureCode,
              r.prefectureName,
              r.prefectureNameJa,
              r.departed,
              r.suppressed,
            ]),
            [TOTAL, 'Total', '合計', report.totals.departed, report.totals.suppressed],
          ],
        ),
      };
    },

    pipelineCsv(report: PipelineReport, q: PipelineQuery): CsvReport {
      const scope = [q.homeProvinceCode && `province-${q.homeProvinceCode}`, q.trainingCenterId && 'center']
        .filter(Boolean)
        .join('_');
      return {
        filename: `pipeline${scope ? `_${scope}` : ''}.csv`,
        body: toCsv(
          ['status', 'candidates', 'suppressed'],
          [
            ...report.rows.map((r) => [r.status, r.candidates, r.suppressed]),
            [TOTAL, report.totals.candidates, report.totals.suppressed],
          ],
        ),
      };
    },

    reintegrationCsv(report: ReintegrationReport, q: ReintegrationQuery): CsvReport {
      const cells = (r: ReintegrationReport['totals']): CsvCell[] => [
        r.returned,
        r.reintegrated,
        r.rate,
        r.suppressed,
      ];
      return {
        filename: `reintegration_${q.boundaries}_${rangeName(q)}.csv`,
        body: toCsv(
          [
            'provinceCode',
            'provinceBoundaries',
            'provinceName',
            'attributable',
            'returned',
            'reintegrated',
            'rate',
            'suppressed',
          ],
          [
            ...report.rows.map((r) => [
              r.provinceCode,
              r.provinceBoundaries,
              r.provinceName,
              r.attributable,
              ...cells(r),
            ]),
            [TOTAL, q.boundaries, 'Tổng cộng', '', ...cells(report.totals)],
          ],
        ),
      };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
