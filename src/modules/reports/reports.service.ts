import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { validationFailed } from '../../lib/errors.ts';
import { CANDIDATE_STATUSES } from '../../lib/vocab.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import { type MonthlyWorkersQuery, monthlyWorkersReport } from './reports.monthly.ts';
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
import {
  reportPlacementFacts as facts,
  reportDepartureRollup,
  reportDepartureTotals,
  reportPipelineRollup,
  reportPrefectureRollup,
  reportPrefectureTotals,
  reportReturnRollup,
  reportReturnTotals,
} from './reports.table.ts';

export interface ReportServiceDeps {
  db: Db;
  reference: ReferenceService;
}

/** What the reports read: the deps, and the province maps built once from the reference data. */
export interface ReportDeps extends ReportServiceDeps {
  provinceMaps: ProvinceMaps;
}

/** Partners see aggregates only, and no count below this (small-cell disclosure control). */
export const SUPPRESSION_THRESHOLD = 5;

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

/** Per requested boundary set, the JSON of `MapEntry` rows that maps every recorded province into it. */
type ProvinceMaps = Record<Boundaries, string>;

function buildProvinceMaps(reference: ReferenceService): ProvinceMaps {
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

/** The columns of one source (a rollup, the facts) that the filters narrow; a source without one is not split by it. */
type FilterColumns = { [K in keyof Filters]?: AnyPgColumn };

/** `and column = value` for each filter given that the source keeps. */
function filterSql(filters: Filters, columns: FilterColumns): SQL {
  const parts = (Object.keys(columns) as (keyof Filters)[]).flatMap((key) => {
    const value = filters[key];
    return value ? [sql` and ${columns[key]!} = ${value}`] : [];
  });
  return sql.join(parts, sql``);
}

/** A rollup (month and year rows) as a report reads it: its select list and its filter columns. */
interface RollupSource {
  table: PgTable;
  grain: AnyPgColumn;
  period: AnyPgColumn;
  select: SQL;
  filters: FilterColumns;
}

/** The placement facts as a report reads them for the days at the edges of a range. */
interface FactSource {
  date: AnyPgColumn;
  select: SQL;
  filters: FilterColumns;
  /** Extra conditions on the facts only (the rollup was already narrowed when it was written). */
  where?: SQL;
}

/**
 * The rows of the rollup and of `report_placement_facts` that together cover [from, to] exactly
 * once: yearly rows for whole years, monthly rows for whole months, facts for the days at the edges.
 */
function coveringSources(
  rollup: RollupSource,
  fact: FactSource,
  filters: Filters,
  from: string | undefined,
  to: string | undefined,
): SQL {
  const plan = planRange(from, to);
  const parts: SQL[] = [];
  // The grain as a literal, as the partial-range plans were measured with it.
  const rollupRows = (grain: 'year' | 'month', [a, b]: [string, string]) =>
    sql`select ${rollup.select} from ${rollup.table}
      where ${rollup.grain} = ${sql.raw(`'${grain}'`)} and ${rollup.period} >= ${a}::date and ${rollup.period} < ${b}::date
      ${filterSql(filters, rollup.filters)}`;
  if (plan.years[0] < plan.years[1]) parts.push(rollupRows('year', plan.years));
  for (const range of plan.months.filter(([a, b]) => a < b)) parts.push(rollupRows('month', range));
  for (const [a, b] of plan.days.filter(([a, b]) => a < b)) {
    parts.push(sql`select ${fact.select} from ${facts}
      where ${fact.date} >= ${a}::date and ${fact.date} < ${b}::date
      ${filterSql(filters, fact.filters)} ${fact.where ?? sql``}`);
  }
  return sql.join(parts, sql` union all `);
}

/** Two counts of a province report as the actor may see them, and b / a. */
interface Pair {
  a: number | null;
  b: number | null;
  ratio: number | null;
  suppressed: boolean;
}

type ProvinceRollup =
  | typeof reportDepartureRollup
  | typeof reportDepartureTotals
  | typeof reportReturnRollup
  | typeof reportReturnTotals;

/**
 * A province rollup read as (province_code, boundaries, a, b). The totals keep only the destination
 * of the filters; the fine rollups (`fineFilters`) every one.
 */
const provinceRollup = (
  t: ProvinceRollup,
  counts: SQL,
  filters: FilterColumns = { destinationCountry: t.destinationCountry },
): RollupSource => ({
  table: t,
  grain: t.grain,
  period: t.period,
  select: sql`${t.provinceCode} as province_code, ${t.boundaries} as boundaries, ${counts}`,
  filters,
});

const fineFilters = (
  t: typeof reportDepartureRollup | typeof reportReturnRollup | typeof facts,
): FilterColumns => ({
  program: t.program,
  field: t.field,
  gender: t.gender,
  destinationCountry: t.destinationCountry,
});

/** The placement facts read as (province_code, boundaries, a, b), by departure or return date. */
const provinceFacts = (date: AnyPgColumn, counts: SQL): FactSource => ({
  date,
  select: sql`${facts.provinceCode} as province_code, ${facts.boundaries} as boundaries, ${counts}`,
  filters: fineFilters(facts),
});

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

/** A UUID no center has: a center token without a center id reads nothing rather than everything. */

/**
 * One column of a report as the actor may see it: exact for admins, province officers and centers;
 * for partners no count below 5, and no withheld count that the total would give away.
 */
function visibleColumn(actor: Actor, counts: number[], total: number) {
  if (actor.role !== 'partner') return { counts: counts as (number | null)[], total: total as number | null };
  const show = (n: number) => (n < SUPPRESSION_THRESHOLD ? null : n);
  const shownTotal = show(total);
  return { counts: protectColumn(counts.map(show), shownTotal), total: shownTotal };
}

/** The province columns of a row: its code and name in the boundary set it is counted in. */
function provinceLabel(
  reference: ReferenceService,
  code: string,
  attributable: boolean,
  boundaries: Boundaries,
) {
  const set: Boundaries = attributable ? boundaries : '2025';
  return {
    provinceCode: code,
    provinceBoundaries: set,
    provinceName: reference.province(code, set)?.nameVi ?? code,
    attributable,
  };
}

/**
 * Rows grouped by the requested boundary set, and the grand total, in one GROUP BY. `sources` yields
 * (province_code, boundaries, a, b): the province as recorded and the two counts.
 */
function byProvince(
  { db, provinceMaps }: Pick<ReportDeps, 'db' | 'provinceMaps'>,
  sources: SQL,
  boundaries: Boundaries,
) {
  // Names of this query's own derived tables; the tables underneath come from the schema.
  const mapped = sql`(
    select coalesce(m.out_code, c.province_code) as code, coalesce(m.attributable, false) as attributable,
           c.a, c.b
      from (select province_code, boundaries, sum(a) as a, sum(b) as b from (${sources}) src group by 1, 2) c
      left join jsonb_to_recordset(${provinceMaps[boundaries]}::jsonb)
           as m(code text, boundaries text, out_code text, attributable boolean)
        on m.code = c.province_code and m.boundaries = c.boundaries) mapped`;
  const grouped = sql`grouping(code, attributable) <> 0`;
  return db
    .select({
      code: sql<string | null>`code`,
      attributable: sql<boolean | null>`attributable`,
      a: sql<number>`coalesce(sum(a), 0)::int`.mapWith(Number),
      b: sql<number>`coalesce(sum(b), 0)::int`.mapWith(Number),
      total: sql<boolean>`${grouped}`.mapWith(Boolean),
    })
    .from(mapped)
    .groupBy(sql`grouping sets ((code, attributable), ())`)
    .having(sql`coalesce(sum(a), 0) > 0 or ${grouped}`)
    .orderBy(sql`${grouped}`, sql`code`, sql`attributable desc`);
}

/** Two counts and their ratio b / a, as shown. */
const pairOf = (a: number | null, b: number | null): Pair => ({
  a,
  b,
  ratio: ratio(b, a),
  suppressed: a === null || b === null,
});

/**
 * The two province reports have one shape: two counts per province (a, b) and b / a. `fine` and
 * `totals` are the rollups with and without the programme/field/gender columns.
 */
async function provincePair<S>(
  deps: ReportDeps,
  actor: Actor,
  q: ProvinceShareQuery | ReintegrationQuery,
  spec: { fine: RollupSource; totals: RollupSource; fact: FactSource; shape: (pair: Pair) => S },
) {
  const sources = coveringSources(needsFine(q) ? spec.fine : spec.totals, spec.fact, q, q.from, q.to);
  const rows = await byProvince(deps, sources, q.boundaries);
  const total = rows.find((r) => r.total)!;
  const body = rows.filter((r) => !r.total);
  const a = visibleColumn(
    actor,
    body.map((r) => r.a),
    total.a,
  );
  const b = visibleColumn(
    actor,
    body.map((r) => r.b),
    total.b,
  );
  return {
    rows: body.map((r, i) => ({
      ...provinceLabel(deps.reference, r.code!, r.attributable!, q.boundaries),
      ...spec.shape(pairOf(a.counts[i]!, b.counts[i]!)),
    })),
    totals: spec.shape(pairOf(a.total, b.total)),
  };
}

/** Each home province's departures in [from, to] and the share of them that went to Japan. */
export async function provinceShareReport(
  deps: ReportDeps,
  actor: Actor,
  q: ProvinceShareQuery,
): Promise<ProvinceShareReport> {
  const japan = (t: { destinationCountry: AnyPgColumn }, n: SQL) =>
    sql`${n} as a, case when ${t.destinationCountry} = 'JP' then ${n} else 0 end as b`;
  const [fine, totals] = [reportDepartureRollup, reportDepartureTotals];
  return provincePair(deps, actor, q, {
    fine: provinceRollup(fine, japan(fine, sql`${fine.departed}`), fineFilters(fine)),
    totals: provinceRollup(totals, japan(totals, sql`${totals.departed}`)),
    fact: provinceFacts(facts.departedOn, japan(facts, sql`1`)),
    shape: (p) => ({
      departedTotal: p.a,
      departedJapan: p.b,
      japanShare: p.ratio,
      suppressed: p.suppressed,
    }),
  });
}

/** Returns in [from, to] per home province, and how many returnees found a job at a home employer. */
export async function reintegrationReport(
  deps: ReportDeps,
  actor: Actor,
  q: ReintegrationQuery,
): Promise<ReintegrationReport> {
  const counts = (t: typeof reportReturnRollup | typeof reportReturnTotals) =>
    sql`${t.returned} as a, ${t.reintegrated} as b`;
  const [fine, totals] = [reportReturnRollup, reportReturnTotals];
  return provincePair(deps, actor, q, {
    fine: provinceRollup(fine, counts(fine), fineFilters(fine)),
    totals: provinceRollup(totals, counts(totals)),
    fact: provinceFacts(
      facts.returnedOn,
      sql`1 as a, case when ${facts.reintegrated} then 1 else 0 end as b`,
    ),
    shape: (p) => ({ returned: p.a, reintegrated: p.b, rate: p.ratio, suppressed: p.suppressed }),
  });
}

/** Departures to Japan in [from, to] by host prefecture. */
export async function prefecturesReport(
  { db, reference }: Pick<ReportDeps, 'db' | 'reference'>,
  actor: Actor,
  q: PrefecturesQuery,
): Promise<PrefecturesReport> {
  const fine = reportPrefectureRollup;
  const totals = reportPrefectureTotals;
  const sources = coveringSources(
    needsFine(q)
      ? {
          table: fine,
          grain: fine.grain,
          period: fine.period,
          select: sql`${fine.prefectureCode} as prefecture_code, ${fine.departed} as n`,
          filters: { program: fine.program, field: fine.field, gender: fine.gender },
        }
      : {
          table: totals,
          grain: totals.grain,
          period: totals.period,
          select: sql`${totals.prefectureCode} as prefecture_code, ${totals.departed} as n`,
          filters: {},
        },
    {
      date: facts.departedOn,
      select: sql`${facts.prefectureCode} as prefecture_code, 1 as n`,
      filters: { program: facts.program, field: facts.field, gender: facts.gender },
      where: sql` and ${facts.destinationCountry} = 'JP'`,
    },
    q,
    q.from,
    q.to,
  );
  // `prefecture_code` and `n` are the columns of the derived table `src`.
  const grouped = sql`grouping(prefecture_code) <> 0`;
  const rows = await db
    .select({
      code: sql<string | null>`prefecture_code`,
      departed: sql<number>`coalesce(sum(n), 0)::int`.mapWith(Number),
      total: sql<boolean>`${grouped}`.mapWith(Boolean),
    })
    .from(sql`(${sources}) src`)
    .groupBy(sql`grouping sets ((prefecture_code), ())`)
    .having(sql`coalesce(sum(n), 0) > 0 or ${grouped}`)
    .orderBy(sql`${grouped}`, sql`prefecture_code`);
  const body = rows.filter((r) => !r.total);
  const { counts, total } = visibleColumn(
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

/** Candidates per lifecycle status today, optionally of one home province or training center. */
export async function pipelineReport(
  { db, reference }: Pick<ReportDeps, 'db' | 'reference'>,
  actor: Actor,
  q: PipelineQuery,
): Promise<PipelineReport> {
  if (q.homeProvinceCode && !reference.province(q.homeProvinceCode, '2025')) {
    throw validationFailed([
      { path: 'homeProvinceCode', message: 'must be a province code of the 2025 boundaries (34 units)' },
    ]);
  }
  // Exact counts of a center or a province are its own business (src/lib/access.ts): a center reads
  // only its own trainees, a province officer only its own province; partners read suppressed counts
  // (visibleColumn()), admins anything.
  const { homeProvinceCode: province, trainingCenterId: center } = access.reportSlice(actor, q);
  const r = reportPipelineRollup;
  const rows = await db
    .select({
      status: r.status,
      candidates: sql<number>`coalesce(sum(${r.candidates}), 0)::int`.mapWith(Number),
      total: sql<boolean>`grouping(${r.status}) <> 0`.mapWith(Boolean),
    })
    .from(r)
    .where(
      and(
        province ? eq(r.province2025, province) : undefined,
        center ? eq(r.trainingCenterId, center) : undefined,
      ),
    )
    .groupBy(sql`grouping sets ((${r.status}), ())`);
  const counts = new Map(rows.filter((r) => !r.total).map((r) => [r.status!, Number(r.candidates)]));
  const { counts: shown, total } = visibleColumn(
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

/** Binds the deps once; routes call `app.services.reports.provinceShare(actor, query)`. */
export function createReportService(deps: ReportServiceDeps) {
  const all: ReportDeps = { ...deps, provinceMaps: buildProvinceMaps(deps.reference) };
  return {
    provinceShare: (actor: Actor, q: ProvinceShareQuery) => provinceShareReport(all, actor, q),
    prefectures: (actor: Actor, q: PrefecturesQuery) => prefecturesReport(all, actor, q),
    pipeline: (actor: Actor, q: PipelineQuery) => pipelineReport(all, actor, q),
    reintegration: (actor: Actor, q: ReintegrationQuery) => reintegrationReport(all, actor, q),
    monthlyWorkers: (actor: Actor, q: Pick<MonthlyWorkersQuery, 'month' | 'format'>) =>
      monthlyWorkersReport(all, actor, q),
  };
}

export type ReportService = ReturnType<typeof createReportService>;
