/**
 * The load generator, run in a process of its own so that it never shares an event loop with the
 * server it measures: `node --import tsx scripts/bench/load.ts spec.json` (a LoadSpec) prints one JSON
 * line (LoadResult). Requests cycle through `paths`; with `latencies`, each response time is kept
 * and p50/p95/p99 are computed exactly (autocannon's histogram has no p95).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  seconds: number;
  connections: number;
  latencies?: boolean;
  /** Requests per second over all connections, at a steady pace (open loop); absent: as fast as the server answers. */
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
const nextPath = () => spec.paths[i++ % spec.paths.length]!;
/** The exact percentile of `times`, once sorted. */
const at = (p: number) =>
  times.length ? times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]! : Number.NaN;

/** Totals as autocannon reports them. */
type Counted = Pick<LoadResult, 'non2xx' | 'errors' | 'timeouts'> & {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
};

/** As fast as the server answers: each connection sends its next request when the last is answered. */
async function closedLoop(): Promise<Counted> {
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    headers: spec.headers,
    requests: [
      {
        setupRequest: (req) => {
          req.path = nextPath();
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
  return instance;
}

/**
 * An open loop at a steady pace: request k leaves at start + k / `rate` seconds, on a free one of
 * `connections` keep-alive connections (waiting in the agent while all are busy, which is timed too).
 * Not autocannon's `overallRate`: it lets each connection send its share of a second back to back as
 * the second starts, so every second opens with a burst at full concurrency and what it measures is
 * that burst's queue (p50 ≈ connections ÷ throughput), not the latency at the rate.
 */
async function steady(rate: number): Promise<Counted> {
  const base = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const counted = { non2xx: 0, errors: 0, timeouts: 0 };
  const send = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          path: nextPath(),
          headers: spec.headers,
          agent,
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            times.push(performance.now() - started);
            if (res.statusCode! < 200 || res.statusCode! >= 300) counted.non2xx++;
            resolve();
          });
        },
      );
      let timedOut = false;
      req.on('timeout', () => {
        timedOut = true;
        counted.timeouts++;
        req.destroy();
      });
      req.on('error', () => {
        if (!timedOut) counted.errors++;
        resolve();
      });
      req.end();
    });
  const sent: Promise<void>[] = [];
  const total = Math.round(rate * spec.seconds);
  const start = performance.now();
  while (sent.length < total) {
    // Every request whose time has come (a late timer sends the ones it missed at once).
    while (sent.length < total && start + (sent.length * 1000) / rate <= performance.now()) sent.push(send());
    const wait = start + (sent.length * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(sent);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  times.sort((a, b) => a - b);
  return {
    ...counted,
    // Answered per second until the last answer: below `rate` when the server fell behind.
    requests: { average: total / elapsed, total },
    latency: { p50: at(50), p99: at(99) },
  };
}

const result = spec.rate ? await steady(spec.rate) : await closedLoop();
times.sort((a, b) => a - b);
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
