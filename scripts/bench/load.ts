/**
 * The load generator, run in a process of its own so that it never shares an event loop with the
 * server it measures: `node --import tsx scripts/bench/load.ts spec.json` (a LoadSpec) prints one JSON
 * line (LoadResult). Requests cycle through `paths`; with `latencies`, each response time is kept
 * and p50/p95/p99 are computed exactly (autocannon's histogram has no p95).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  seconds: number;
  connections: number;
  latencies?: boolean;
  /** Requests per second over all connections (open loop); absent: as fast as the server answers. */
  rate?: number;
}

export interface LoadResult {
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p95: number;
  p99: number;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
let i = 0;
const times: number[] = [];
const instance = autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  headers: spec.headers,
  ...(spec.rate ? { overallRate: spec.rate } : {}),
  requests: [
    {
      setupRequest: (req) => {
        req.path = spec.paths[i++ % spec.paths.length]!;
        return req;
      },
    },
  ],
});
if (spec.latencies) {
  (instance as unknown as import('node:events').EventEmitter).on(
    'response',
    (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms),
  );
}
const result = await instance;
times.sort((a, b) => a - b);
const at = (p: number) =>
  times.length ? times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]! : Number.NaN;
const out: LoadResult = {
  rps: result.requests.average,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  p50: spec.latencies ? at(50) : result.latency.p50,
  p95: spec.latencies ? at(95) : Number.NaN,
  p99: spec.latencies ? at(99) : result.latency.p99,
};
console.log(JSON.stringify(out));
