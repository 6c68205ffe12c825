import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProblem } from '../src/plugins/errors.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('service basics', () => {
  it('health reports the database as reachable', async () => {
    const res = await t.request({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('an unknown route answers 404 problem+json', async () => {
    const res = await t.request({ method: 'GET', url: '/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('a request without a token gets 401', async () => {
    const res = await t.request({ method: 'GET', url: '/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('a role that may not call an endpoint gets 403', async () => {
    const res = await t.request({ method: 'GET', url: '/audit', as: actors.province('80') });
    expect(res.statusCode).toBe(403);
  });

  it('malformed JSON is a 400 problem, not a 500', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/users',
      as: actors.admin(),
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "x@y.vn",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().detail).toMatch(/not valid JSON/);
  });

  it('a body of the wrong type is 415, and one too large is 413', async () => {
    const xml = await t.request({
      method: 'POST',
      url: '/users',
      as: actors.admin(),
      headers: { 'content-type': 'application/xml' },
      payload: '<user/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.headers['content-type']).toMatch(/problem\+json/);
    const small = await createTestApp({ JSON_BODY_LIMIT_BYTES: '2048' });
    try {
      const big = await small.request({
        method: 'POST',
        url: '/users',
        as: actors.admin(),
        payload: { email: 'x@y.vn', password: 'p'.repeat(5000), role: 'admin' },
      });
      expect(big.statusCode).toBe(413);
      expect(big.headers['content-type']).toMatch(/problem\+json/);
    } finally {
      await small.close();
    }
  });

  it('never echoes internals in a 500, and turns database errors into the right 4xx', () => {
    const boom = toProblem(new Error('secret connection string postgres://admin:hunter2@db'));
    expect(boom).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(JSON.stringify(boom)).not.toContain('hunter2');
    // drizzle wraps the driver's error in `cause`.
    const unique = new Error('query failed', {
      cause: { code: '23505', severity: 'ERROR', constraint: 'candidates_national_id_unique' },
    });
    expect(toProblem(unique)).toMatchObject({
      status: 409,
      errors: [{ path: 'nationalId', message: 'is already registered' }],
    });
    expect(toProblem({ code: '23503', severity: 'ERROR' } as unknown as Error).status).toBe(400);
    expect(toProblem({ code: '40001', severity: 'ERROR' } as unknown as Error).status).toBe(409);
  });

  it('the OpenAPI document lists the routes', async () => {
    const res = await t.request({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/login', '/provinces', '/users']));
  });
});

describe('reference data', () => {
  it('has 34 provinces under the 2025 boundaries by default and 63 under 2008', async () => {
    const admin = actors.admin();
    const now = await t.request({ method: 'GET', url: '/provinces', as: admin });
    const before = await t.request({ method: 'GET', url: '/provinces?boundaries=2008', as: admin });
    expect(now.json().items).toHaveLength(34);
    expect(before.json().items).toHaveLength(63);
  });

  it('maps merged provinces to their 2025 unit', async () => {
    const res = await t.request({ method: 'GET', url: '/provinces?boundaries=2008', as: actors.admin() });
    const byCode = new Map(res.json().items.map((p: { code: string }) => [p.code, p]));
    expect(byCode.get('80')).toMatchObject({ nameVi: 'Long An', code2025: '80' });
    expect(byCode.get('26')).toMatchObject({ nameVi: 'Vĩnh Phúc', code2025: '25' });
    expect(byCode.get('94')).toMatchObject({ nameVi: 'Sóc Trăng', code2025: '92' });
    expect(t.app.services.reference.to2025('80', '2008')).toBe('80');
    expect(t.app.services.reference.province('80', '2025')?.nameVi).toBe('Tây Ninh');
    expect(
      t.app.services.reference
        .from2025('80')
        .map((p) => p.nameVi)
        .sort(),
    ).toEqual(['Long An', 'Tây Ninh']);
  });

  it('lists the 47 prefectures with Japanese names', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/prefectures',
      as: actors.partner('00000000-0000-4000-8000-0000000000aa'),
    });
    expect(res.json().items).toHaveLength(47);
    expect(res.json().items.find((p: { code: string }) => p.code === '33')).toMatchObject({
      nameJa: '岡山県',
      nameEn: 'Okayama',
    });
  });

  it('rejects an unknown boundary set naming the field', async () => {
    const res = await t.request({ method: 'GET', url: '/provinces?boundaries=1999', as: actors.admin() });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'boundaries', message: expect.stringMatching(/^must be one of: .*2008/) },
    ]);
  });
});
