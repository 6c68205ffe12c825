/**
 * `/candidates?q=` at national volume (DESIGN.md, issue 17: p95 ≤ 50 ms at 1,000,000 candidates):
 * the service as deployed (`npm start`, its own process) over the database of the reports bench
 * (`kh_bench_reports`, seeded by scripts/seed-volume.ts and reused when already seeded), the load
 * from a process of its own (load.ts) at a steady rate, so that the figure is the latency a person
 * sees and not a queue. Four lines: plain and accented queries, as the center with the most trainees
 * and as an admin (every candidate). The queries mix common names (the page fills from the newest
 * candidates), rare ones and names no one bears (the tier reads its few matches from the word
 * indexes), several words, and a part of a word. The baseline of each line is the page without
 * `q` of the same scope, measured the same way in the same run.
 *
 * `npm run bench -- --only search [--candidates 1000000] [--quick]`
 */
import postgres from 'postgres';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/migrate.ts';
import { BENCH_ADMIN, login, runLoad, startService, userToken } from './http.ts';
import { type BenchResult, DEFAULT_SERVER, round } from './lib.ts';
import { benchDatabase } from './reports.ts';

const TARGET_MS = 50;

/** Without accents: what a person types on a keyboard without Vietnamese input. */
export const PLAIN_QUERIES = ['huong', 'nguyen van', 'tuan', 'nguyen van hung', 'le thi', 'huon', 'xuyen'];
/** With accents: exact matches first (`Hường` is borne by no one in the seeded names). */
export const ACCENTED_QUERIES = [
  'Hường',
  'Nguyễn Văn',
  'Tuấn',
  'Nguyễn Văn Hùng',
  'Lê Thị',
  'Phương',
  'Xuyến',
];

export interface BenchSearchOptions {
  /** The server to find or create kh_bench_reports on (any database URL on it). */
  databaseUrl?: string;
  /** A database already seeded by `seed:volume` to measure instead (kh_bench_reports is then left alone). */
  seeded?: string;
  candidates?: number;
  seconds?: number;
  /** Requests per second over `connections` (an open loop). */
  rate?: number;
  connections?: number;
  log?: (line: string) => void;
}

export async function benchSearch(opts: BenchSearchOptions = {}): Promise<BenchResult[]> {
  const serverUrl = opts.databaseUrl ?? process.env.BENCH_SERVER_URL ?? DEFAULT_SERVER;
  const candidates = opts.candidates ?? 1_000_000;
  const seconds = opts.seconds ?? 10;
  const rate = opts.rate ?? 10;
  const connections = opts.connections ?? 4;
  const log = opts.log ?? ((s: string) => console.error(s));

  const url = opts.seeded ?? (await benchDatabase(serverUrl, candidates, false, log));
  // The migrations newer than the seeded database (an index over a million rows takes seconds) run
  // here, not in the service's start-up, which the bench waits for only so long.
  // Two connections: the migration holds one for its lock.
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  try {
    await migrateDatabase(database);
  } finally {
    await database.close();
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  let centerId: string;
  let trainees: number;
  try {
    const [biggest] = await sql<{ id: string; n: number }[]>`
      select training_center_id as id, count(*)::int as n from candidates group by 1 order by 2 desc limit 1`;
    centerId = biggest!.id;
    trainees = biggest!.n;
  } finally {
    await sql.end();
  }

  const service = await startService(url);
  try {
    const who = [
      {
        label: `a center (${trainees.toLocaleString('en')} trainees)`,
        token: await userToken(service.base, { role: 'center', trainingCenterId: centerId }),
      },
      {
        label: 'an admin (every candidate)',
        token: await login(service.base, BENCH_ADMIN.email, BENCH_ADMIN.password),
      },
    ];
    const results: BenchResult[] = [];
    for (const actor of who) {
      const load = async (label: string, paths: string[]) => {
        const spec = {
          url: service.base,
          paths,
          headers: { authorization: `Bearer ${actor.token}` },
          connections,
        };
        await runLoad({ ...spec, seconds: 2, rate });
        const r = await runLoad({ ...spec, seconds, latencies: true, rate });
        if (r.non2xx || r.errors || r.timeouts)
          throw new Error(`${label}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
        log(
          `  ${label}: p50 ${round(r.p50)} ms, p95 ${round(r.p95)} ms, p99 ${round(r.p99)} ms (${r.requests} requests)`,
        );
        return r;
      };
      // The baseline of the same run: the newest page of the same scope without `q` (on a machine
      // that other work slows, the ratio says what the search itself costs).
      const list = await load(`GET /candidates as ${actor.label}`, ['/candidates']);
      for (const [kind, queries] of [
        ['plain', PLAIN_QUERIES],
        ['accented', ACCENTED_QUERIES],
      ] as const) {
        const name = `GET /candidates?q= (${kind}) as ${actor.label}, ${candidates.toLocaleString('en')} candidates, ${rate} req/s`;
        const r = await load(
          name,
          queries.map((q) => `/candidates?q=${encodeURIComponent(q)}`),
        );
        const vs = (p: 'p50' | 'p95') => ({
          unit: 'ms',
          baseline: round(list[p]),
          ratio: round(r[p] / list[p]),
        });
        results.push(
          {
            name: `${name} p95`,
            value: round(r.p95),
            ...vs('p95'),
            target: `≤ ${TARGET_MS} ms`,
            met: r.p95 <= TARGET_MS,
          },
          { name: `${name} p50`, value: round(r.p50), ...vs('p50'), target: 'info', met: true },
        );
      }
    }
    return results;
  } finally {
    await service.stop();
  }
}
