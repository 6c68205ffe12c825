import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidates } from '../../src/modules/candidates/candidates.table.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/database.ts';
import { actors, nationalId, registration } from '../helpers/seed.ts';

/**
 * API.md "Limits and hostile input": the body limits hold before anything is parsed, the process
 * survives what used to kill it, and every malformed request is a 4xx problem+json naming the fault.
 */
let t: TestApp;
let centerId: string;

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
});
afterAll(() => t.close());

/** `{"email":…,"password":…,"pad":[{},{},…]}` of about `bytes` bytes: cheap to send, costly to parse. */
function paddedLogin(bytes: number): string {
  const head = '{"email":"someone@example.vn","password":"not-the-password","pad":[';
  const count = Math.floor((bytes - head.length - 2) / 3);
  return `${head}${'{},'.repeat(count)}{}]}`;
}

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.body);
  expect(problem.status).toBe(status);
  return problem as {
    type: string;
    detail: string;
    errors?: { row?: number; path: string; message: string }[];
  };
}

describe('JSON bodies are limited before they are parsed', () => {
  it('a body over JSON_BODY_LIMIT_BYTES (1 MB by default) is a 413, even on the public login', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: paddedLogin(1024 * 1024 + 100),
    });
    const problem = expectProblem(res, 413);
    expect(problem.type).toMatch(/payload-too-large$/);
    expect(problem.detail).toContain(String(1024 * 1024));
  });

  it('a chunked body (no Content-Length) is counted as it arrives and refused past the limit', async () => {
    const chunk = '{},'.repeat(20_000);
    let sent = 0;
    const body = Readable.from(
      (function* () {
        yield '{"email":"a@b.vn","password":"x","pad":[';
        // 40 chunks of 60 kB: 2.4 MB in all, no length announced.
        for (let i = 0; i < 40; i++) {
          sent += chunk.length;
          yield chunk;
        }
        yield '{}]}';
      })(),
    );
    const res = await t.request({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(res.headers['content-length'] === undefined || sent > 0).toBe(true);
    expectProblem(res, 413);
  });

  it('a body just under the limit is parsed as usual', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: paddedLogin(1024 * 1024 - 1024),
    });
    // Read and refused for what it says (an unknown field or a wrong password), not for its size.
    expect([400, 401]).toContain(res.statusCode);
  });

  it('JSON_BODY_LIMIT_BYTES sets the limit', async () => {
    const small = await createTestApp({ JSON_BODY_LIMIT_BYTES: '4096' });
    try {
      const res = await small.request({
        method: 'POST',
        url: '/candidates',
        as: actors.admin(),
        payload: { ...registration(), fullName: 'A'.repeat(5000) },
      });
      expectProblem(res, 413);
    } finally {
      await small.close();
    }
  });

  it('the service started as `npm start` starts it survives three 10 MB padded logins and keeps answering', async () => {
    const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
    const flags = start.split(/\s+/).filter((a) => a.startsWith('--max-old-space-size'));
    expect(flags).toHaveLength(1);
    const port = 40000 + Math.floor(Math.random() * 2000);
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'src/server.ts'], {
      env: {
        ...process.env,
        ...(onPostgres() ? { DATABASE_URL: t.database.url } : { DATABASE_URL: '' }),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'kh-limits-')),
        PORT: String(port),
        JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
        CRON_ENABLED: 'false',
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
      },
      stdio: 'ignore',
    });
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        if (i > 240 || exited) throw new Error('the service did not start');
        try {
          if ((await fetch(`${base}/health`)).ok) break;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      const body = paddedLogin(10 * 1024 * 1024);
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).catch((err: Error) => ({ status: 0, err }));
        // Refused up front from Content-Length (the server may close before reading it all).
        expect(res.status === 413 || res.status === 0).toBe(true);
        const health = await fetch(`${base}/health`);
        expect(health.status).toBe(200);
      }
      expect(exited).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('hostile input is refused with a 4xx naming the fault', () => {
  it('invalid UTF-8 in a JSON body is a 400, not stored as U+FFFD', async () => {
    const id = nationalId();
    const json = Buffer.from(JSON.stringify({ ...registration(), nationalId: id, fullName: 'Nguyen XX An' }));
    const at = json.indexOf('XX');
    json[at] = 0xff;
    json[at + 1] = 0xfe;
    const res = await t.request({
      method: 'POST',
      url: '/candidates',
      as: actors.center(centerId),
      headers: { 'content-type': 'application/json' },
      payload: json,
    });
    const problem = expectProblem(res, 400);
    expect(problem.detail).toMatch(/UTF-8/);
    const stored = await t.database.db.select().from(candidates).where(eq(candidates.nationalId, id));
    expect(stored).toHaveLength(0);
    // The same body, valid UTF-8, goes in.
    const ok = await t.request({
      method: 'POST',
      url: '/candidates',
      as: actors.center(centerId),
      payload: { ...registration(), nationalId: id, fullName: 'Nguyễn Văn An' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('an unknown query parameter is a 400 naming it, on a route with a query schema', async () => {
    const res = await t.request({ method: 'GET', url: '/candidates?limit=5&colour=red', as: actors.admin() });
    const problem = expectProblem(res, 400);
    expect(problem.errors).toEqual([{ path: 'colour', message: 'is not a known query parameter' }]);
    const ok = await t.request({ method: 'GET', url: '/candidates?limit=5', as: actors.admin() });
    expect(ok.statusCode).toBe(200);
  });

  it('an unknown query parameter is a 400 on every route, with or without a query schema', async () => {
    const candidate = await t.seed.candidate({ trainingCenterId: centerId });
    const reads = t.app.routeList.filter(
      (r) => r.method === 'GET' && !/^\/(docs|dashboard)(\/|$)/.test(r.url),
    );
    expect(reads.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const route of reads) {
      const url = `${route.url.replace(/:[a-zA-Z]+/g, candidate.id)}?zzUnknown=1`;
      const res = await t.request({ method: 'GET', url, as: actors.admin() });
      if (res.statusCode !== 400 || !res.body.includes('zzUnknown'))
        failures.push(`${url} → ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('the query parameters a route reads are still accepted: /verify takes its code, the dashboard a cache-buster', async () => {
    const verify = await t.request({ method: 'GET', url: '/verify/KH-CERT-0000?code=ABCDEF' });
    expect(verify.statusCode).not.toBe(400);
    expect(verify.body).not.toContain('is not a known query parameter');
    const page = await t.request({ method: 'GET', url: '/dashboard/?v=2' });
    expect(page.statusCode).toBe(200);
  });

  it('a method a path does not have is a 405 with Allow', async () => {
    const res = await t.request({ method: 'DELETE', url: '/candidates', as: actors.admin() });
    const problem = expectProblem(res, 405);
    const allow = String(res.headers.allow).split(/,\s*/);
    expect(allow).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(allow).not.toContain('DELETE');
    expect(problem.detail).toContain('/candidates');
    const health = await t.request({ method: 'PUT', url: '/health' });
    expectProblem(health, 405);
    expect(String(health.headers.allow)).toMatch(/GET/);
    // A path that does not exist at all stays a 404.
    expectProblem(await t.request({ method: 'DELETE', url: '/no-such-thing', as: actors.admin() }), 404);
  });

  it('a path with broken percent-encoding (GET /verify/%ff) is a problem+json 400', async () => {
    const res = await t.request({ method: 'GET', url: '/verify/%ff' });
    expectProblem(res, 400);
  });

  it('a malformed cursor on a list is a 400 naming cursor', async () => {
    const lists = t.app.routeList.filter(
      (r) => r.method === 'GET' && ['/candidates', '/placements', '/job-orders'].includes(r.url),
    );
    expect(lists).toHaveLength(3);
    for (const route of lists) {
      for (const cursor of ['garbage', Buffer.from('["not a date","x"]').toString('base64url'), '%00']) {
        const res = await t.request({
          method: 'GET',
          url: `${route.url}?cursor=${cursor}`,
          as: actors.admin(),
        });
        const problem = expectProblem(res, 400);
        expect(
          problem.errors?.map((e) => e.path),
          `${route.url} cursor=${cursor}`,
        ).toContain('cursor');
      }
    }
  });
});

describe('the CSV import holds its limits', () => {
  const header = 'fullName,dateOfBirth,gender,nationalId,homeProvinceCode,occupationField,consentToShare';

  it('a file of invalid rows lists the first 1,000 problems and counts every one', async () => {
    const rows = Array.from(
      { length: 2500 },
      (_, i) => `Nguyễn Văn ${i},not-a-date,male,${nationalId()},80,construction,true`,
    );
    const res = await t.request({
      method: 'POST',
      url: '/candidates/import',
      as: actors.center(centerId),
      headers: { 'content-type': 'text/csv' },
      payload: `${header}\n${rows.join('\n')}\n`,
    });
    const problem = expectProblem(res, 400);
    expect(problem.errors).toHaveLength(1000);
    expect(problem.detail).toContain('2500 rows');
    expect(problem.detail).toContain('The first 1000 of 2500 problems are listed');
    expect(problem.errors!.map((e) => e.row).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('an import over IMPORT_LIMIT_BYTES is a 413 from Content-Length, and one sent chunked is cut off at the limit', async () => {
    const small = await createTestApp({ IMPORT_LIMIT_BYTES: '4096' });
    try {
      const c = await small.seed.center();
      const text = `${header}\n${Array.from({ length: 100 }, () => `Lê Thị Hoa,2000-01-01,female,${nationalId()},80,construction,true`).join('\n')}\n`;
      const sized = await small.request({
        method: 'POST',
        url: '/candidates/import',
        as: actors.center(c.id),
        headers: { 'content-type': 'text/csv' },
        payload: text,
      });
      expectProblem(sized, 413);
      // Sent chunked over a real connection (no Content-Length): the reader counts the bytes.
      const base = await small.app.listen({ port: 0, host: '127.0.0.1' });
      const chunks = text.match(/[\s\S]{1,500}/g)!.map((s) => new TextEncoder().encode(s));
      const chunked = await fetch(`${base}/candidates/import`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${small.tokenFor(actors.center(c.id))}`,
          'content-type': 'text/csv',
        },
        body: new ReadableStream({
          pull(controller) {
            const next = chunks.shift();
            if (next) controller.enqueue(next);
            else controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expectProblem(
        {
          statusCode: chunked.status,
          headers: { 'content-type': chunked.headers.get('content-type') },
          body: await chunked.text(),
        },
        413,
      );
      const [n] = await small.database.db
        .select()
        .from(candidates)
        .where(eq(candidates.trainingCenterId, c.id));
      expect(n).toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it('the import is not bound by the JSON limit: a file larger than JSON_BODY_LIMIT_BYTES goes in', async () => {
    const small = await createTestApp({ JSON_BODY_LIMIT_BYTES: '2048' });
    try {
      const c = await small.seed.center();
      const text = `${header}\n${Array.from({ length: 100 }, () => `Lê Thị Hoa,2000-01-01,female,${nationalId()},80,construction,true`).join('\n')}\n`;
      expect(text.length).toBeGreaterThan(2048);
      const res = await small.request({
        method: 'POST',
        url: '/candidates/import',
        as: actors.center(c.id),
        headers: { 'content-type': 'text/csv' },
        payload: text,
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ inserted: 100 });
      expect(res.json().items).toHaveLength(100);
    } finally {
      await small.close();
    }
  });
});
