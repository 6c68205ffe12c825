/**
 * Report latency at national volume: each report over several date ranges (ten years, one year, one
 * month, odd day ranges), p50/p95, beside the naive GROUP BY over the raw tables (placements JOIN
 * candidates) measured in the same run. Target (DESIGN.md): province-share p95 ≤ 100 ms on
 * PostgreSQL at 1,000,000 candidates / ~600,000 placements.
 *
 * Seeds `kh_bench_reports` on the server with scripts/seed-volume.ts; a database already seeded
 * completely at the same volume is reused (seeding a million takes a few minutes) unless --fresh.
 *
 * Alone: `npx tsx scripts/bench/reports.ts [--candidates 1000000] [--database-url postgres://…/postgres] [--fresh]`
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type SQL, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { queryRows } from '../../src/db/query.ts';
import type { Actor } from '../../src/lib/actor.ts';
import { migrateDatabase } from '../../src/migrate.ts';
import { createReferenceService } from '../../src/modules/reference/reference.service.ts';
import { createReportService } from '../../src/modules/reports/reports.service.ts';
import { seedVolume } from '../seed-volume.ts';
import { type BenchResult, DEFAULT_SERVER, percentile, round } from './lib.ts';

export const BENCH_DATABASE = 'kh_bench_reports';
const TARGET_MS = 100;

export interface NaiveFilters {
  from: string;
  to: string;
  boundaries: '2025' | '2008';
  program?: string;
  gender?: string;
  field?: string;
  destinationCountry?: string;
}

/**
 * The naive province-share: GROUP BY over placements JOIN candidates, translating provinces with
 * vn_provinces directly (2008 view: a 2025 unit that is exactly one 2008 province maps back to it;
 * merged units stay as non-attributable 2025 rows). The baseline here and the oracle in the tests.
 */
export function naiveProvinceShare(f: NaiveFilters): SQL {
  const where: SQL[] = [];
  if (f.program) where.push(sql` and p.program = ${f.program}`);
  if (f.field) where.push(sql` and p.field = ${f.field}`);
  if (f.gender) where.push(sql` and c.gender = ${f.gender}`);
  if (f.destinationCountry) where.push(sql` and p.destination_country = ${f.destinationCountry}`);
  const code =
    f.boundaries === '2025'
      ? sql`c.home_province_2025`
      : sql`case when c.province_boundaries = '2008' or u.n = 1 then coalesce(u.old_code, c.home_province_code) else c.home_province_code end`;
  const attributable = f.boundaries === '2025' ? sql`true` : sql`(c.province_boundaries = '2008' or u.n = 1)`;
  return sql`
    select ${code} as code, ${attributable} as attributable, count(*)::int as total,
           (count(*) filter (where p.destination_country = 'JP'))::int as japan
      from placements p
      join candidates c on c.id = p.candidate_id
      left join (select code_2025, count(*) as n, min(code) as old_code
                   from vn_provinces where boundaries = '2008' group by code_2025) u
        on c.province_boundaries = '2025' and u.code_2025 = c.home_province_code
     where p.departed_on between ${f.from}::date and ${f.to}::date
       and p.status in ('departed', 'returned') ${sql.join(where, sql``)}
     group by 1, 2
     order by 1, 2 desc`;
}

/** Naive returns per 2025 province, with the same "reintegrated" rule as the rollups. */
export function naiveReintegration(f: { from: string; to: string }): SQL {
  return sql`
    select c.home_province_2025 as code, count(*)::int as returned,
           (count(*) filter (where exists (
              select 1 from reintegrations r
               where r.candidate_id = p.candidate_id
                 and (r.placement_id = p.id or (r.placement_id is null and r.started_on >= p.returned_on)))))::int
             as reintegrated
      from placements p join candidates c on c.id = p.candidate_id
     where p.returned_on between ${f.from}::date and ${f.to}::date and p.status = 'returned'
     group by 1 order by 1`;
}

export function naivePrefectures(f: { from: string; to: string }): SQL {
  return sql`
    select p.prefecture_code as code, count(*)::int as departed
      from placements p join candidates c on c.id = p.candidate_id
     where p.departed_on between ${f.from}::date and ${f.to}::date
       and p.status in ('departed', 'returned') and p.destination_country = 'JP'
     group by 1 order by 1`;
}

/** The ranges every report is measured over. */
export const BENCH_RANGES: { label: string; from: string; to: string }[] = [
  { label: 'ten years', from: '2016-01-01', to: '2026-12-31' },
  { label: 'one year', from: '2024-01-01', to: '2024-12-31' },
  { label: 'one month', from: '2025-03-01', to: '2025-03-31' },
  { label: 'odd: 2016-03-15..2026-10-07', from: '2016-03-15', to: '2026-10-07' },
  { label: 'odd: 2019-02-17..2023-08-09', from: '2019-02-17', to: '2023-08-09' },
  { label: 'odd: 2025-06-20..2025-07-11', from: '2025-06-20', to: '2025-07-11' },
  { label: 'odd: 2017-12-31..2018-01-01', from: '2017-12-31', to: '2018-01-01' },
  { label: 'odd: 2021-05-30..2022-02-02', from: '2021-05-30', to: '2022-02-02' },
];

const admin: Actor = {
  id: '00000000-0000-4000-8000-000000000001',
  role: 'admin',
  trainingCenterId: null,
  provinceCode: null,
  partnerId: null,
};

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Runs `fn` over every range `rounds` times, interleaved, after one warm-up pass. */
async function measure(rounds: number, fn: (r: { from: string; to: string }) => Promise<unknown>) {
  for (const r of BENCH_RANGES) await fn(r);
  const all: number[] = [];
  const byRange = new Map<string, number[]>();
  for (let k = 0; k < rounds; k++) {
    for (const r of BENCH_RANGES) {
      const ms = await time(() => fn(r));
      all.push(ms);
      byRange.set(r.label, [...(byRange.get(r.label) ?? []), ms]);
    }
  }
  all.sort((a, b) => a - b);
  return {
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    byRange: [...byRange].map(([label, v]) => {
      v.sort((a, b) => a - b);
      return { label, p50: percentile(v, 50), p95: percentile(v, 95) };
    }),
  };
}

/** The URL of kh_bench_reports on `serverUrl`, seeded with `candidates` (reused when already seeded). */
export async function benchDatabase(
  serverUrl: string,
  candidates: number,
  fresh: boolean,
  log: (s: string) => void,
) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  // The schema is part of the marker: a database seeded before a migration change is reseeded.
  const schema = createHash('sha1')
    .update(readFileSync(new URL('../../drizzle/0000_init.sql', import.meta.url)))
    .update(readFileSync(new URL('../../src/db/sql/reports_rollups.sql', import.meta.url)))
    .digest('hex')
    .slice(0, 12);
  const marker = `kakehashi seed-volume candidates=${candidates} schema=${schema} complete`;
  try {
    const [row] = await admin<{ comment: string | null }[]>`
      select shobj_description(oid, 'pg_database') as comment from pg_database where datname = ${BENCH_DATABASE}`;
    const u = new URL(serverUrl);
    u.pathname = `/${BENCH_DATABASE}`;
    const url = u.toString();
    if (row && row.comment === marker && !fresh) {
      log(
        `reusing ${BENCH_DATABASE} (already seeded with ${candidates.toLocaleString('en')} candidates; --fresh to reseed)`,
      );
      return url;
    }
    await admin.unsafe(`drop database if exists ${BENCH_DATABASE} with (force)`);
    await admin.unsafe(`create database ${BENCH_DATABASE}`);
    await seedVolume({ databaseUrl: url, candidates, log: (s) => log(`  seed: ${s}`) });
    await admin.unsafe(`comment on database ${BENCH_DATABASE} is '${marker}'`);
    return url;
  } finally {
    await admin.end();
  }
}

export interface BenchReportsOptions {
  /** The server to create kh_bench_reports on (any database URL on it). */
  databaseUrl?: string;
  candidates?: number;
  fresh?: boolean;
  rounds?: number;
  log?: (line: string) => void;
}

export async function benchReports(arg: string | BenchReportsOptions = {}): Promise<BenchResult[]> {
  const opts: BenchReportsOptions = typeof arg === 'string' ? { databaseUrl: arg } : arg;
  const serverUrl = opts.databaseUrl ?? process.env.BENCH_SERVER_URL ?? DEFAULT_SERVER;
  const candidates = opts.candidates ?? 1_000_000;
  const rounds = opts.rounds ?? 12;
  const log = opts.log ?? ((s: string) => console.error(s));

  const url = await benchDatabase(serverUrl, candidates, opts.fresh ?? false, log);
  const database: Database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    await migrateDatabase(database);
    const { db } = database;
    const reference = await createReferenceService({ db });
    const reports = createReportService({ db, reference });
    const [volume] = await queryRows<{ candidates: number; departures: number }>(
      db,
      sql`select (select count(*) from candidates)::int as candidates,
                 (select count(*) from placements where departed_on is not null)::int as departures`,
    );
    log(
      `volume: ${volume!.candidates.toLocaleString('en')} candidates, ${volume!.departures.toLocaleString('en')} departures`,
    );

    const results: BenchResult[] = [];
    const report = (
      name: string,
      ours: Awaited<ReturnType<typeof measure>>,
      naive: Awaited<ReturnType<typeof measure>>,
      hardTarget: boolean,
    ) => {
      for (const r of ours.byRange) {
        const b = naive.byRange.find((x) => x.label === r.label)!;
        log(
          `  ${name.padEnd(34)} ${r.label.padEnd(30)} p50 ${round(r.p50)} ms  p95 ${round(r.p95)} ms   naive p50 ${round(b.p50)} ms`,
        );
      }
      results.push({
        name: `${name} p95`,
        value: round(ours.p95),
        unit: 'ms',
        baseline: round(naive.p95),
        ratio: round(ours.p95 / naive.p95, 4),
        target: hardTarget ? `≤ ${TARGET_MS} ms` : '< naive',
        met: hardTarget ? ours.p95 <= TARGET_MS : ours.p95 < naive.p95,
      });
      results.push({
        name: `${name} p50`,
        value: round(ours.p50),
        unit: 'ms',
        baseline: round(naive.p50),
        ratio: round(ours.p50 / naive.p50, 4),
        target: 'info',
        met: true,
      });
    };
    const naiveRounds = Math.max(2, Math.round(rounds / 4));

    for (const boundaries of ['2025', '2008'] as const) {
      const ours = await measure(rounds, (r) => reports.provinceShare(admin, { ...r, boundaries }));
      const naive = await measure(naiveRounds, (r) =>
        queryRows(db, naiveProvinceShare({ ...r, boundaries })),
      );
      report(`reports: province-share (${boundaries})`, ours, naive, true);
    }
    const filters = { gender: 'female', program: 'titp_1', destinationCountry: 'JP' } as const;
    {
      const ours = await measure(rounds, (r) =>
        reports.provinceShare(admin, { ...r, boundaries: '2025', ...filters }),
      );
      const naive = await measure(naiveRounds, (r) =>
        queryRows(db, naiveProvinceShare({ ...r, boundaries: '2025', ...filters })),
      );
      // DESIGN.md's 100 ms target is for the province-share report itself; the filtered variant
      // reads the fine rollup and is reported against the naive query.
      report('reports: province-share (filtered)', ours, naive, false);
    }
    {
      const ours = await measure(rounds, (r) => reports.prefectures(admin, r));
      const naive = await measure(naiveRounds, (r) => queryRows(db, naivePrefectures(r)));
      report('reports: prefectures', ours, naive, false);
    }
    {
      const ours = await measure(rounds, (r) => reports.reintegration(admin, { ...r, boundaries: '2025' }));
      const naive = await measure(naiveRounds, (r) => queryRows(db, naiveReintegration(r)));
      report('reports: reintegration', ours, naive, false);
    }
    {
      const ours = await measure(rounds, () => reports.pipeline(admin, {}));
      const naive = await measure(naiveRounds, () =>
        queryRows(db, sql`select status, count(*)::int from candidates group by status`),
      );
      report('reports: pipeline', ours, naive, false);
    }
    return results;
  } finally {
    await database.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      candidates: { type: 'string', default: '1000000' },
      'database-url': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '12' },
    },
  });
  const { printTable } = await import('./lib.ts');
  const results = await benchReports({
    databaseUrl: values['database-url'],
    candidates: Number(values.candidates!.replaceAll('_', '')),
    fresh: values.fresh,
    rounds: Number(values.rounds),
  });
  printTable(results);
  console.log(JSON.stringify({ bench: results }));
  if (results.some((r) => !r.met)) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
