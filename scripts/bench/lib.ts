import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Config, loadConfig } from '../../src/config.ts';

/** One benchmark figure, measured beside its baseline in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string;
  met: boolean;
}

export const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The signing key of the services the benchmarks start (in-process and as `npm start`). */
export const BENCH_JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0';

/** The environment the benchmarks give the service: production mode, quiet, no scheduled jobs. */
export function benchEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: url,
    JWT_SECRET: BENCH_JWT_SECRET,
    LOG_LEVEL: 'silent',
    CRON_ENABLED: 'false',
    NODE_ENV: 'production',
    ...extra,
  };
}

/** The service's configuration for an in-process benchmark. */
export function benchConfig(url: string, extra: Record<string, string> = {}): Config {
  return loadConfig(benchEnv(url, extra));
}

/** A fresh database on the given server for one run; `drop()` removes it. */
export async function scratchDatabase(
  serverUrl = process.env.BENCH_SERVER_URL ?? DEFAULT_SERVER,
  prefix = 'kh_bench',
) {
  const name = `${prefix}_${randomBytes(3).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** "5,120 req/s vs 6,010 req/s: ratio 0.852", or the value alone where there is no baseline. */
export function describe(r: BenchResult): string {
  const v = `${round(r.value).toLocaleString('en')} ${r.unit}`;
  if (r.baseline === null) return v;
  const ratio = r.ratio === null ? '' : `: ratio ${round(r.ratio, 3)}`;
  return `${v} vs ${round(r.baseline).toLocaleString('en')} ${r.unit}${ratio}`;
}

export function printTable(results: BenchResult[]) {
  const rows = results.map((r) => [
    r.name,
    `${round(r.value)} ${r.unit}`,
    r.baseline === null ? '—' : `${round(r.baseline)} ${r.unit}`,
    r.ratio === null ? '—' : String(round(r.ratio, 3)),
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const head = ['benchmark', 'value', 'baseline', 'ratio', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
