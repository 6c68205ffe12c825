/**
 * `npm run bench`: every performance target of DESIGN.md, each measured against its baseline in the
 * same run on this machine, printed as a table and as one JSON line.
 *
 * Runs on PostgreSQL: each part gets a fresh database on BENCH_SERVER_URL (default the local server,
 * postgres@127.0.0.1:5432). `--only http,verify,import,import-memory,reports,search,pdf,rss` picks parts
 * (`--only workspace`: the browser figures of issue 19, not in the default set); `--candidates N` sets
 * the report volume (default 1,000,000); `--quick` shortens the load runs.
 */
import { parseArgs } from 'node:util';
import {
  benchCandidateGet,
  benchCandidateList,
  benchProvinceShareHttp,
  benchRss,
  benchVerifyPage,
  seedCandidates,
} from './http.ts';
import { benchImport, benchImportMemory } from './import.ts';
import { type BenchResult, DEFAULT_SERVER, describe, printTable, scratchDatabase } from './lib.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    candidates: { type: 'string', default: '1000000' },
    quick: { type: 'boolean', default: false },
  },
});
const parts = new Set((values.only ?? 'http,verify,import,import-memory,reports,search,pdf,rss').split(','));
const quick = values.quick;
const results: BenchResult[] = [];

async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const db = await scratchDatabase();
  try {
    return await fn(db.url);
  } finally {
    await db.drop();
  }
}

async function part(name: string, fn: () => Promise<BenchResult[]>) {
  if (!parts.has(name)) return;
  console.error(`… ${name}`);
  const started = performance.now();
  const got = await fn();
  results.push(...got);
  // Each line as soon as it is measured: the figure, its target, pass or fail.
  for (const r of got)
    console.error(`  ${r.met ? 'PASS' : 'FAIL'}  ${r.name}: ${describe(r)}; target ${r.target}`);
  console.error(`  ${name} done in ${Math.round((performance.now() - started) / 1000)} s`);
}

// PDFs first: they need no database, and after the other parts PostgreSQL is still busy in the
// background (checkpoints, autovacuum of a million rows), which slows a CPU-bound measure on 2 cores.
await part('pdf', async () => {
  const { benchPdf } = await import('./pdf.ts');
  return benchPdf();
});
// Each HTTP ratio: ≥ 3 samples of each side in alternating order, the median (see http.ts).
const samples = { samples: quick ? 3 : 5, seconds: quick ? 4 : 8 };
await part('http', async () => [
  ...(await withDatabase((url) => benchCandidateGet(url, samples))),
  ...(await withDatabase((url) => benchCandidateList(url, samples))),
]);
await part('verify', () => withDatabase((url) => benchVerifyPage(url, quick ? 8 : 15)));
// Three samples of each side, COPY and the API in alternating order, the median ratio (import.ts).
await part('import', () => withDatabase((url) => benchImport(url, quick ? 20_000 : 100_000, 3)));
await part('import-memory', () => withDatabase((url) => benchImportMemory(url)));
await part('reports', async () => {
  const { BENCH_DATABASE, BENCH_RANGES, benchReports } = await import('./reports.ts');
  const inProcess = await benchReports({ candidates: Number(values.candidates) });
  // The same database (seeded by benchReports), through HTTP as deployed.
  const url = new URL(process.env.BENCH_SERVER_URL ?? DEFAULT_SERVER);
  url.pathname = `/${BENCH_DATABASE}`;
  return [...inProcess, ...(await benchProvinceShareHttp(url.toString(), BENCH_RANGES, quick ? 8 : 20))];
});
await part('search', async () => {
  const { benchSearch } = await import('./search.ts');
  return benchSearch({ candidates: Number(values.candidates), seconds: quick ? 5 : 10 });
});
// Opt-in (`--only workspace`): Chromium against the deployed service (workspace.ts).
await part('workspace', async () => {
  const { benchWorkspace } = await import('./workspace.ts');
  return benchWorkspace({ navigations: quick ? 5 : 7, imports: quick ? 3 : 5 });
});
await part('rss', () =>
  withDatabase(async (url) => {
    await seedCandidates(url, 20_000);
    return benchRss(url, quick ? 15 : 60);
  }),
);

console.log('');
printTable(results);
console.log(JSON.stringify({ bench: results }));
if (results.some((r) => !r.met)) process.exitCode = 1;
