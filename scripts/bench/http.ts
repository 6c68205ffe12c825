/**
 * HTTP benchmarks on PostgreSQL, measured as deployed: the service started as `npm start` runs it (its
 * own process, default log level `info` with its log written to a file, production mode), called with
 * a center's token from POST /auth/login (checked per request against the user's token version), by a
 * load generator in a process of its own (load.ts). The floor is a bare Fastify server in a process
 * of its own (bare.ts) running the same SQL with the same driver. Service and floor are measured in
 * alternating, mirrored order (app–bare–bare–app, bare–app–app–bare, …: see `measureRatio`) after a
 * warm-up, and the median ratio of the samples is the figure:
 * - GET /candidates/:id over 100,000 candidates: ≥ 0.8 × the bare route;
 * - GET /candidates?status=&homeProvinceCode=&limit=50 over 20,000 candidates: ≥ 0.5 × the bare route
 *   running the same query and writing the same items;
 * - peak RSS of the service process through a 60 s mixed load (reads, writes, reports, PDFs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/migrate.ts';
import { type BenchResult, benchEnv } from './lib.ts';
import type { LoadResult, LoadSpec } from './load.ts';

/**
 * Candidates in one training center, made in SQL, newest first one minute apart. With `varied`, the
 * statuses (registered, training, ready) and home provinces (80, 01) alternate, so that a filter on
 * both selects a sixth of them.
 */
export async function seedCandidates(
  url: string,
  count = 100_000,
  varied = false,
): Promise<{ centerId: string; ids: string[] }> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  await migrateDatabase(database);
  const sql = database.sql!;
  const [center] = await sql<{ id: string }[]>`
    insert into training_centers (name, province_code, serial_prefix) values ('Bench center', '80', 'BC') returning id`;
  const status = varied ? sql`(array['registered','training','ready'])[g % 3 + 1]` : sql`'registered'`;
  const province = varied ? sql`(array['80','01'])[g % 2 + 1]` : sql`'80'`;
  await sql`
    insert into candidates (full_name, name_search, date_of_birth, gender, national_id, phone, home_province_code,
      province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share, training_center_id,
      status, created_at, updated_at)
    select 'Nguyễn Văn ' || g, 'nguyen van ' || g, date '1995-01-01' + (g % 3000), case when g % 3 = 0 then 'female' else 'male' end,
      lpad(g::text, 12, '0'), '09' || lpad((g % 100000000)::text, 8, '0'), ${province}, '2025', ${province}, 'construction',
      'N4', true, ${center!.id}, ${status}, now() - g * interval '1 minute', now() - g * interval '1 minute'
    from generate_series(1, ${count}) g`;
  await sql`analyze candidates`;
  const ids = (await sql<{ id: string }[]>`select id from candidates order by random() limit 5000`).map(
    (r) => r.id,
  );
  await database.close();
  return { centerId: center!.id, ids };
}

/** A server process the benchmarks started, stopped with `stop()` (SIGTERM, then waits for its exit). */
export interface Served {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const randomPort = () => 39000 + Math.floor(Math.random() * 2000);

async function stopChild(child: ChildProcess, name: string) {
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) console.error(`${name} exited with code ${code} after SIGTERM`);
}

async function waitForHealth(base: string, child: ChildProcess, path = '/health') {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}${path}`)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer ${path}`);
}

export const BENCH_ADMIN = { email: 'bench@kakehashi.local', password: 'bench-password-0123456789' };

/**
 * The service as `npm start` runs it (package.json), in its own process, with the environment of
 * `benchEnv` plus `env`. Its log (default level `info`: one line per request) goes to a file, as a
 * deployment writes it somewhere; `LOG_LEVEL` in `env` overrides.
 */
export async function startService(url: string, env: Record<string, string> = {}): Promise<Served> {
  const port = randomPort();
  const base = `http://127.0.0.1:${port}`;
  const logDir = mkdtempSync(join(tmpdir(), 'kh-bench-log-'));
  const log = openSync(join(logDir, 'service.log'), 'a');
  const { LOG_LEVEL: _quiet, ...deployed } = benchEnv(url, {
    PORT: String(port),
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
  });
  const childEnv: Record<string, string | undefined> = { ...process.env, ...deployed, ...env };
  if (!env.LOG_LEVEL) delete childEnv.LOG_LEVEL;
  // Exactly what `npm start` runs (package.json), so the figures are the deployed service's.
  const child = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', 'src/server.ts'], {
    env: childEnv,
    stdio: ['ignore', log, 'inherit'],
  });
  try {
    await waitForHealth(base, child);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    base,
    child,
    stop: async () => {
      await stopChild(child, 'the service');
      closeSync(log);
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/** The bare Fastify floor (bare.ts) in its own process, answering for `centerId`'s scope. */
async function startBare(url: string, centerId: string): Promise<Served> {
  const port = randomPort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/bare.ts'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), BENCH_CENTER_ID: centerId },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHealth(base, child, '/candidates/00000000-0000-4000-8000-000000000000');
  return { base, child, stop: () => stopChild(child, 'the bare server') };
}

/** Runs load.ts in its own process and returns what it measured. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kh-bench-load-'));
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/load.ts', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the load generator exited with ${code}`);
    return JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postJson<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A login token, as a client gets one (with the first password changed when the service asks). */
export async function login(base: string, email: string, password: string): Promise<string> {
  type Login = { token: string; user: { mustChangePassword?: boolean } };
  const first = await postJson<Login>(base, '/auth/login', { email, password });
  if (!first.user.mustChangePassword) return first.token;
  const changed = `${password}-changed`;
  await postJson(base, '/me/password', { currentPassword: password, newPassword: changed }, first.token);
  return (await postJson<Login>(base, '/auth/login', { email, password: changed })).token;
}

/**
 * A user of `role` made through the API by the bench admin, and its login token: what a client of
 * that role sends, checked on every request against the user's token version.
 */
export async function userToken(
  base: string,
  user: { role: 'center'; trainingCenterId: string } | { role: 'province'; provinceCode: string },
): Promise<string> {
  const admin = await login(base, BENCH_ADMIN.email, BENCH_ADMIN.password);
  const email = `bench-${user.role}-${Math.random().toString(36).slice(2, 8)}@kakehashi.local`;
  const password = 'bench-user-password-0123';
  await postJson(base, '/users', { ...user, email, password }, admin);
  return login(base, email, password);
}

/** User + system CPU time of a process so far, in ms (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Runs of equal length as one: requests and CPU summed, the rate over their time together. */
function combined<T extends LoadResult & { cpuUs: number }>(runs: T[]): T {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  return {
    ...runs[0]!,
    requests,
    rps: runs.reduce((n, r) => n + r.rps, 0) / runs.length,
    cpuUs: runs.reduce((n, r) => n + r.cpuUs * r.requests, 0) / Math.max(1, requests),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
  };
}

export interface RatioOptions {
  /** Samples of each side (≥ 3), taken in alternating order. */
  samples: number;
  seconds: number;
  connections?: number;
}

/**
 * The service against the bare floor: a warm-up of each, then `samples` rounds, the side measured
 * first alternating from round to round. Within a round each side runs twice, in mirrored order
 * (app–bare–bare–app, then bare–app–app–bare), half of `seconds` each time, and its rate is its
 * requests over its time: on a machine shared with other work, a burst of that work or a drift
 * (PostgreSQL's background writes after the seeding) then weighs on both sides alike instead of on
 * whichever side ran during it — what made single app-then-bare rounds range from 0.6 to 1.4.
 * Every run is a load-generator process of its own. Fails on any non-2xx answer or connection error.
 */
async function measureRatio(
  label: string,
  app: { base: string; pid: number; paths: string[]; headers: Record<string, string> },
  bare: { base: string; pid: number; paths: string[] },
  opts: RatioOptions,
) {
  const connections = opts.connections ?? 50;
  const run = async (side: 'app' | 'bare', seconds: number) => {
    const pid = side === 'app' ? app.pid : bare.pid;
    const cpuBefore = cpuMs(pid);
    const r = await runLoad({
      url: side === 'app' ? app.base : bare.base,
      paths: side === 'app' ? app.paths : bare.paths,
      headers: side === 'app' ? app.headers : {},
      seconds,
      connections,
    });
    // CPU time of the server process per request: steadier than req/s on a busy machine.
    return { ...r, cpuUs: ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, r.requests) };
  };
  // Warm until each side has answered enough requests for its code to be compiled (the service runs
  // far more code than the floor): on a machine busy with other work, 3 s may be a few hundred
  // requests, and the first sample would measure the service's compiler, not the service.
  for (const side of ['app', 'bare'] as const) {
    let answered = 0;
    for (let i = 0; i < 5 && answered < 5000; i++) answered += (await run(side, 3)).requests;
  }
  type Sample = LoadResult & { cpuUs: number };
  const rounds: { app: Sample; bare: Sample; ratio: number }[] = [];
  for (let k = 0; k < opts.samples; k++) {
    const order: ('app' | 'bare')[] = k % 2 === 0 ? ['app', 'bare'] : ['bare', 'app'];
    const runs: Record<'app' | 'bare', Sample[]> = { app: [], bare: [] };
    for (const side of [...order, ...[...order].reverse()]) {
      const r = await run(side, opts.seconds / 2);
      if (r.non2xx || r.errors || r.timeouts)
        throw new Error(
          `${label} (${side}): ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
        );
      runs[side].push(r);
    }
    const got = { app: combined(runs.app), bare: combined(runs.bare) };
    const ratio = got.app!.rps / got.bare!.rps;
    rounds.push({ app: got.app!, bare: got.bare!, ratio });
    console.error(
      `  ${label} sample ${k + 1} (${[...order, ...[...order].reverse()].join(', ')}): app ${Math.round(got.app!.rps)} req/s (${Math.round(got.app!.cpuUs)} µs CPU/req), bare ${Math.round(got.bare!.rps)} req/s (${Math.round(got.bare!.cpuUs)} µs CPU/req), ratio ${ratio.toFixed(3)}`,
    );
  }
  const ratios = rounds.map((r) => r.ratio);
  return {
    app: median(rounds.map((r) => r.app.rps)),
    bare: median(rounds.map((r) => r.bare.rps)),
    ratio: median(ratios),
    lowest: Math.min(...ratios),
    ratios,
  };
}

function ratioResult(name: string, m: Awaited<ReturnType<typeof measureRatio>>, target: number): BenchResult {
  return {
    name: `${name} (median of ${m.ratios.length}: ${m.ratios.map((r) => r.toFixed(2)).join(' ')})`,
    value: m.app,
    unit: 'req/s',
    baseline: m.bare,
    ratio: m.ratio,
    target: `ratio ≥ ${target}`,
    met: m.ratio >= target,
  };
}

/** GET /candidates/:id as a center, 50 connections, against the bare route. */
export async function benchCandidateGet(url: string, opts: RatioOptions): Promise<BenchResult[]> {
  const { centerId, ids } = await seedCandidates(url);
  const service = await startService(url);
  const bare = await startBare(url, centerId);
  try {
    const token = await userToken(service.base, { role: 'center', trainingCenterId: centerId });
    const m = await measureRatio(
      'GET /candidates/:id',
      {
        base: service.base,
        pid: service.child.pid!,
        paths: ids.map((id) => `/candidates/${id}`),
        headers: { authorization: `Bearer ${token}` },
      },
      { base: bare.base, pid: bare.child.pid!, paths: ids.map((id) => `/candidates/${id}`) },
      opts,
    );
    return [ratioResult('GET /candidates/:id as a center, 50 conn., vs bare Fastify + same query', m, 0.8)];
  } finally {
    await service.stop();
    await bare.stop();
  }
}

export const LIST_QUERY = '/candidates?status=registered&homeProvinceCode=80&limit=50';

/** A filtered page of 50 as a center, over 20,000 candidates, against the bare route. */
export async function benchCandidateList(url: string, opts: RatioOptions): Promise<BenchResult[]> {
  const { centerId } = await seedCandidates(url, 20_000, true);
  const service = await startService(url);
  const bare = await startBare(url, centerId);
  try {
    const token = await userToken(service.base, { role: 'center', trainingCenterId: centerId });
    const headers = { authorization: `Bearer ${token}` };
    // The same page on both sides, item for item.
    const [a, b] = await Promise.all([
      fetch(`${service.base}${LIST_QUERY}`, { headers }).then((r) => r.json()),
      fetch(`${bare.base}${LIST_QUERY}`).then((r) => r.json()),
    ]);
    const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id).join();
    if (a.items.length !== 50 || ids(a) !== ids(b) || a.nextCursor !== b.nextCursor)
      throw new Error('the service and the bare route do not answer the same page');
    const m = await measureRatio(
      'GET /candidates?status&homeProvinceCode&limit=50',
      { base: service.base, pid: service.child.pid!, paths: [LIST_QUERY], headers },
      { base: bare.base, pid: bare.child.pid!, paths: [LIST_QUERY] },
      opts,
    );
    return [
      ratioResult(
        'GET /candidates?status=&homeProvinceCode=&limit=50 (20,000 rows) as a center vs bare',
        m,
        0.5,
      ),
    ];
  } finally {
    await service.stop();
    await bare.stop();
  }
}

/** Peak RSS (VmHWM) of a process, in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * A 60 s mixed load against the service started as `npm start` would (its own process): candidate
 * reads and lists, registrations, the province-share report and certificate PDFs. Reports the peak
 * RSS of that process, and fails on any 5xx or connection error.
 */
export async function benchRss(url: string, seconds = 60): Promise<BenchResult[]> {
  const service = await startService(url);
  const { base, child } = service;
  try {
    const token = await login(base, BENCH_ADMIN.email, BENCH_ADMIN.password);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const ids = (await sql<{ id: string }[]>`select id from candidates order by random() limit 1000`).map(
      (r) => r.id,
    );
    const [center] = await sql<{ id: string }[]>`select id from training_centers limit 1`;
    const certificate = await makeCertificate(base, headers, center!.id, ids[0]!);
    await sql.end();

    let n = 0;
    const errorKinds = new Map<string, number>();
    const instance = autocannon({
      url: base,
      connections: 20,
      duration: seconds,
      headers,
      requests: [
        {
          // Each request built afresh, headers included: autocannon adds content-length to the
          // headers object of a request with a body, and a GET that inherits it hangs the connection.
          setupRequest: (template) => {
            const req = { ...template, headers: { ...headers } };
            const k = n++;
            const slot = k % 20;
            if (slot < 12)
              return { ...req, method: 'GET', body: undefined, path: `/candidates/${ids[k % ids.length]}` };
            if (slot < 14) return { ...req, method: 'GET', body: undefined, path: '/candidates?limit=50' };
            if (slot < 16) {
              return {
                ...req,
                method: 'POST',
                path: '/candidates',
                body: JSON.stringify({
                  fullName: `Trần Thị Bench ${k}`,
                  dateOfBirth: '2000-05-05',
                  gender: 'female',
                  nationalId: `9${String(k).padStart(11, '0')}`,
                  homeProvinceCode: '80',
                  occupationField: 'nursing_care',
                  consentToShare: true,
                  trainingCenterId: center!.id,
                }),
              };
            }
            if (slot < 18)
              return {
                ...req,
                method: 'GET',
                body: undefined,
                path: '/reports/province-share?from=2016-01-01&to=2026-12-31',
              };
            return {
              ...req,
              method: 'GET',
              body: undefined,
              path: certificate ? `/certificates/${certificate}/pdf` : '/health',
            };
          },
        },
      ],
    });
    (instance as unknown as import('node:events').EventEmitter).on('reqError', (err: Error) =>
      errorKinds.set(err.message, (errorKinds.get(err.message) ?? 0) + 1),
    );
    const result = await instance;
    if (errorKinds.size) console.error('mixed load errors:', Object.fromEntries(errorKinds));
    const peak = peakRssMb(child.pid!);
    const fivexx = result['5xx'];
    const ok = fivexx === 0 && result.errors === 0 && result.timeouts === 0;
    if (!ok) console.error(`mixed load: ${fivexx} 5xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    return [
      {
        name: `peak RSS through a ${seconds} s mixed load (${Math.round(result.requests.average)} req/s, ${fivexx} 5xx, ${result.errors} errors)`,
        value: peak,
        unit: 'MB',
        baseline: null,
        ratio: null,
        target: '≤ 300 MB, no 5xx, no errors',
        met: peak <= 300 && ok,
      },
    ];
  } finally {
    // Stopped and waited for before its database is dropped.
    await service.stop();
  }
}

/** A passed orientation enrollment and its certificate, through the API; null if documents are absent. */
async function makeCertificate(
  base: string,
  headers: Record<string, string>,
  centerId: string,
  candidateId: string,
) {
  const post = async (path: string, body: unknown): Promise<{ id: string }> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const course = await post('/courses', {
    name: 'Giáo dục định hướng (bench)',
    kind: 'orientation',
    startsOn: '2026-01-05',
    endsOn: '2026-01-20',
    hours: 74,
    trainingCenterId: centerId,
  });
  // The course has ended: entered as a late entry of a past enrollment.
  const enrollment = await post(`/courses/${course.id}/enrollments`, {
    candidateId,
    lateEntryReason: 'bench: past orientation course',
  });
  await post(`/enrollments/${enrollment.id}/result`, { outcome: 'passed', score: 90 });
  return (await post('/certificates', { enrollmentId: enrollment.id })).id;
}

/**
 * The filtered province-share report (women, TITP 1, to Japan) through HTTP, as a province officer
 * with a login token, from `connections` concurrent clients cycling through the report ranges of
 * reports.ts, on the seeded national-volume database `url`. p95 over every request.
 */
export async function benchProvinceShareHttp(
  url: string,
  ranges: readonly { from: string; to: string }[],
  seconds = 15,
  connections = 4,
): Promise<BenchResult[]> {
  const service = await startService(url);
  try {
    const token = await userToken(service.base, { role: 'province', provinceCode: '01' });
    const paths = ranges.map(
      (r) =>
        `/reports/province-share?from=${r.from}&to=${r.to}&gender=female&program=titp_1&destinationCountry=JP`,
    );
    const spec = { url: service.base, paths, headers: { authorization: `Bearer ${token}` }, connections };
    await runLoad({ ...spec, seconds: 3 });
    const r = await runLoad({ ...spec, seconds, latencies: true });
    if (r.non2xx || r.errors || r.timeouts)
      throw new Error(
        `province-share over HTTP: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
      );
    const name = `reports: province-share (filtered) over HTTP as a province officer, ${connections} clients (${Math.round(r.rps)} req/s)`;
    return [
      {
        name: `${name} p95`,
        value: r.p95,
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: '≤ 100 ms',
        met: r.p95 <= 100,
      },
      {
        name: `${name} p50`,
        value: r.p50,
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: 'info',
        met: true,
      },
    ];
  } finally {
    await service.stop();
  }
}

/**
 * The public verification page as a phone gets it after scanning a certificate's QR code (`Accept:
 * text/html`), from 50 connections — one address, like an airport's or an office's. DESIGN.md: p95
 * ≤ 5 ms. Latency is measured at a steady arrival rate (`rate` requests/s over the 50 connections, an
 * open loop paced by load.ts): a closed loop at saturation measures only the queue (50 connections ÷
 * throughput), and so did autocannon's `overallRate`, which sends each second's requests in a burst.
 * The saturated throughput and the service's CPU time per request are reported beside it. The page is public and rate-limited per address; the
 * bench raises the limit through configuration (VERIFY_RATE_LIMIT) so that it measures the page and
 * the limiter's counting, not 429s.
 */
export async function benchVerifyPage(
  url: string,
  seconds = 15,
  connections = 50,
  rate = 300,
): Promise<BenchResult[]> {
  const { centerId, ids } = await seedCandidates(url, 100);
  const service = await startService(url, { VERIFY_RATE_LIMIT: '100000000' });
  try {
    const token = await login(service.base, BENCH_ADMIN.email, BENCH_ADMIN.password);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const id = await makeCertificate(service.base, headers, centerId, ids[0]!);
    const res = await fetch(`${service.base}/certificates/${id}`, { headers });
    const { serial, verifyCode } = (await res.json()) as { serial: string; verifyCode: string };
    const spec = {
      url: service.base,
      paths: [`/verify/${serial}?code=${verifyCode}`],
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' },
      connections,
    };
    const saturated = await runLoad({ ...spec, seconds: 5 });
    const cpuBefore = cpuMs(service.child.pid!);
    const r = await runLoad({ ...spec, seconds, latencies: true, rate });
    // CPU per request depends little on what else runs on the machine; latency depends on it a lot.
    const cpuPerRequest = (cpuMs(service.child.pid!) - cpuBefore) / r.requests;
    for (const run of [saturated, r])
      if (run.non2xx || run.errors || run.timeouts)
        throw new Error(`verify page: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`);
    const name = `verify page (text/html), ${connections} connections from one address at ${rate} req/s`;
    const info = { baseline: null, ratio: null, target: 'info', met: true };
    return [
      {
        name: `${name} p95`,
        value: r.p95,
        unit: 'ms',
        baseline: null,
        ratio: null,
        target: '≤ 5 ms',
        met: r.p95 <= 5,
      },
      { name: `${name} p50`, value: r.p50, unit: 'ms', ...info },
      { name: `${name}, service CPU per request`, value: cpuPerRequest, unit: 'ms', ...info },
      {
        name: `verify page, ${connections} connections from one address, as fast as it answers`,
        value: Math.round(saturated.rps),
        unit: 'req/s',
        ...info,
      },
    ];
  } finally {
    await service.stop();
  }
}
