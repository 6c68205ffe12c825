/**
 * HTTP benchmarks on PostgreSQL:
 * - GET /candidates/:id through the whole stack (JWT, zod, service, prepared statement) against a bare
 *   Fastify route in the same process running the same single SQL query with the same driver;
 * - peak RSS of the service process through a 60 s mixed load (reads, writes, reports, PDFs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import postgres from 'postgres';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { type BenchResult, benchConfig, benchEnv } from './lib.ts';

const CANDIDATE_COLUMNS = `id, code, full_name, date_of_birth, gender, national_id, phone, home_province_code,
  province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share, training_center_id,
  status, version, created_at, updated_at`;

/** 100,000 candidates in one training center, made in SQL. */
export async function seedCandidates(
  url: string,
  count = 100_000,
): Promise<{ centerId: string; ids: string[] }> {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  await migrateDatabase(database);
  const sql = database.sql!;
  const [center] = await sql<{ id: string }[]>`
    insert into training_centers (name, province_code, serial_prefix) values ('Bench center', '80', 'BC') returning id`;
  await sql`
    insert into candidates (full_name, name_search, date_of_birth, gender, national_id, phone, home_province_code,
      province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share, training_center_id, status)
    select 'Nguyễn Văn ' || g, 'nguyen van ' || g, date '1995-01-01' + (g % 3000), case when g % 3 = 0 then 'female' else 'male' end,
      lpad(g::text, 12, '0'), '09' || lpad((g % 100000000)::text, 8, '0'), '80', '2025', '80', 'construction',
      'N4', true, ${center!.id}, 'registered'
    from generate_series(1, ${count}) g`;
  await sql`analyze candidates`;
  const ids = (await sql<{ id: string }[]>`select id from candidates order by random() limit 5000`).map(
    (r) => r.id,
  );
  await database.close();
  return { centerId: center!.id, ids };
}

async function load(
  url: string,
  paths: string[],
  headers: Record<string, string>,
  seconds: number,
  connections = 50,
) {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    requests: [
      {
        setupRequest: (req) => {
          req.path = paths[i++ % paths.length]!;
          return req;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    p99: result.latency.p99,
  };
}

export async function benchCandidateGet(url: string, seconds = 10): Promise<BenchResult[]> {
  const { ids } = await seedCandidates(url);
  const config = benchConfig(url, { DATABASE_POOL_SIZE: '10' });
  const app = await buildApp(config, { logger: false });
  const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const token = app.signToken({
    id: '00000000-0000-4000-8000-000000000001',
    role: 'admin',
    trainingCenterId: null,
    provinceCode: null,
    partnerId: null,
  });

  // The floor: the same query, the same driver, a bare Fastify route.
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const bare = Fastify({ logger: false });
  bare.get<{ Params: { id: string } }>('/bare/:id', async (request, reply) => {
    const [row] = await sql.unsafe(
      `select ${CANDIDATE_COLUMNS} from candidates where id = $1`,
      [request.params.id],
      { prepare: true },
    );
    if (!row) return reply.code(404).send({});
    return row;
  });
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  const appPaths = ids.map((id) => `/candidates/${id}`);
  const barePaths = ids.map((id) => `/bare/${id}`);
  const auth = { authorization: `Bearer ${token}` };
  // Warm both up (JIT, prepared statements, connection pools), then measure them in alternating
  // halves, so that a shared machine's drift in speed falls on both alike.
  await load(appUrl, appPaths, auth, 2);
  await load(bareUrl, barePaths, {}, 2);
  const halves: { app: Awaited<ReturnType<typeof load>>; bare: Awaited<ReturnType<typeof load>> }[] = [];
  for (let round = 0; round < 2; round++) {
    const half = Math.max(1, Math.round(seconds / 2));
    const appHalf = await load(appUrl, appPaths, auth, half);
    const bareHalf = await load(bareUrl, barePaths, {}, half);
    halves.push({ app: appHalf, bare: bareHalf });
  }
  const sum = (side: 'app' | 'bare') => ({
    rps: halves.reduce((n, h) => n + h[side].rps, 0) / halves.length,
    non2xx: halves.reduce((n, h) => n + h[side].non2xx, 0),
    errors: halves.reduce((n, h) => n + h[side].errors, 0),
  });
  const a = sum('app');
  const b = sum('bare');
  await app.close();
  await bare.close();
  await sql.end();
  if (a.non2xx || a.errors)
    throw new Error(`GET /candidates/:id answered ${a.non2xx} non-2xx and ${a.errors} errors`);
  const ratio = a.rps / b.rps;
  return [
    {
      name: 'GET /candidates/:id req/s (50 connections) vs bare Fastify + same query',
      value: a.rps,
      unit: 'req/s',
      baseline: b.rps,
      ratio,
      target: 'ratio ≥ 0.6',
      met: ratio >= 0.6,
    },
  ];
}

/** Peak RSS (VmHWM) of a process, in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function waitForHealth(base: string, child: ChildProcess) {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the service did not answer /health');
}

/**
 * A 60 s mixed load against the service started as `npm start` would (its own process): candidate
 * reads and lists, registrations, the province-share report and certificate PDFs. Reports the peak
 * RSS of that process, and fails on any 5xx or connection error.
 */
export async function benchRss(url: string, seconds = 60): Promise<BenchResult[]> {
  const port = 39000 + Math.floor(Math.random() * 500);
  const base = `http://127.0.0.1:${port}`;
  const password = 'bench-password-0123456789';
  // Exactly what `npm start` runs (package.json), so the figure is the deployed service's.
  const child = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      ...benchEnv(url, {
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ADMIN_EMAIL: 'bench@kakehashi.local',
        ADMIN_PASSWORD: password,
      }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth(base, child);
    const login = (await (
      await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench@kakehashi.local', password }),
      })
    ).json()) as { token: string };
    const headers = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
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
    // Stop the service and wait for it to finish closing before its database is dropped.
    const exited = new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) console.error(`the service exited with code ${code} after SIGTERM`);
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
  const enrollment = await post(`/courses/${course.id}/enrollments`, { candidateId });
  await post(`/enrollments/${enrollment.id}/result`, { outcome: 'passed', score: 90 });
  return (await post('/certificates', { enrollmentId: enrollment.id })).id;
}
