import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { rateLimits } from '../src/modules/operations/operations.table.ts';
import { createTestApp, type TestApp, testConfig } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let partnerId: string;
const admin = actors.admin();

beforeAll(async () => {
  t = await createTestApp({ LOGIN_RATE_LIMIT: '5' });
  centerId = (await t.seed.center()).id;
  partnerId = (await t.seed.partner()).id;
  await t.app.services.users.create(null, {
    email: 'clerk@trungtam.vn',
    password: 'mật-khẩu-dài-1',
    role: 'center',
    trainingCenterId: centerId,
  });
});
afterAll(() => t.close());

const login = (email: string, password: string, ip = '127.0.0.1') =>
  t.request({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress: ip });

describe('logging in', () => {
  it('the right password gives a token that works, carrying the role and scope', async () => {
    const res = await login('Clerk@TrungTam.vn', 'mật-khẩu-dài-1');
    expect(res.statusCode).toBe(200);
    const { token, user } = res.json();
    expect(user).toMatchObject({
      email: 'clerk@trungtam.vn',
      role: 'center',
      trainingCenterId: centerId,
      provinceCode: null,
      partnerId: null,
    });
    const me = await t.request({ method: 'GET', url: '/me', as: token });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(user);
    expect(me.json()).not.toHaveProperty('passwordHash');
  });

  it('a wrong password or an unknown email is the same 401', async () => {
    const wrong = await login('clerk@trungtam.vn', 'not-the-password', '10.0.0.2');
    const unknown = await login('nobody@trungtam.vn', 'not-the-password', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('locks an account after LOGIN_RATE_LIMIT failed attempts a minute, whatever the address', async () => {
    await t.app.services.users.create(null, {
      email: 'target@trungtam.vn',
      password: 'target-password-1',
      role: 'admin',
    });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await login('target@trungtam.vn', `guess-${i}`, `10.1.0.${i + 1}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password, from an address never seen before, waits.
    const limited = await login('target@trungtam.vn', 'target-password-1', '10.1.0.99');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.json().type).toMatch(/rate-limited$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another account from those addresses is not held back.
    expect((await login('clerk@trungtam.vn', 'mật-khẩu-dài-1', '10.1.0.1')).statusCode).toBe(200);
  });

  it('holds back an address after LOGIN_RATE_LIMIT failed attempts a minute, whatever the accounts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await login(`guess-${i}@trungtam.vn`, 'not-the-password', '10.0.0.9')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401]);
    // A sixth account from the same address waits, even with its right password.
    const limited = await login('clerk@trungtam.vn', 'mật-khẩu-dài-1', '10.0.0.9');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // From another address it signs in.
    expect((await login('clerk@trungtam.vn', 'mật-khẩu-dài-1', '10.0.0.10')).statusCode).toBe(200);
  });

  it('counts only failures: an office behind one address signs in as often as it needs', async () => {
    for (let i = 0; i < 8; i++)
      expect((await login('clerk@trungtam.vn', 'mật-khẩu-dài-1', '10.0.0.30')).statusCode).toBe(200);
  });

  it('counts attempts in the database, across instances, without storing the email or the address', async () => {
    const second = await buildApp(testConfig({ LOGIN_RATE_LIMIT: '5' }), {
      database: t.database,
      logger: false,
    });
    try {
      const attempt = (app: typeof second, i: number) =>
        app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'shared@trungtam.vn', password: `guess-${i}` },
          remoteAddress: '10.0.0.20',
        });
      const codes: number[] = [];
      // Alternating between two instances, as a load balancer would.
      for (let i = 0; i < 6; i++) codes.push((await attempt(i % 2 ? second : t.app, i)).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
      const keys = (await t.database.db.select().from(rateLimits)).map((r) => r.key);
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) expect(k).not.toMatch(/clerk|trungtam|shared|10\.0\.0/);
      // When the window has run out, the count starts again.
      await t.database.db.update(rateLimits).set({ expiresAt: new Date(Date.now() - 1000) });
      expect((await attempt(second, 7)).statusCode).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('behind a proxy (TRUST_PROXY) counts the client address from X-Forwarded-For', async () => {
    const proxied = await buildApp(testConfig({ LOGIN_RATE_LIMIT: '5', TRUST_PROXY: '127.0.0.1' }), {
      database: t.database,
      logger: false,
    });
    try {
      const attempt = (client: string, email: string) =>
        proxied.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email, password: 'not-the-password' },
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': client },
        });
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await attempt('203.0.113.5', `proxy-${i}@x.vn`)).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
      // Another client behind the same proxy is not held back.
      expect((await attempt('203.0.113.6', 'proxy-9@x.vn')).statusCode).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('a forged or expired token is a 401', async () => {
    const forged = `${t.tokenFor(admin).slice(0, -4)}AAAA`;
    expect((await t.request({ method: 'GET', url: '/me', as: forged })).statusCode).toBe(401);
    const expired = t.app.jwt.sign(
      { sub: admin.id, role: 'admin', tc: null, pc: null, pid: null },
      { expiresIn: '-1s' },
    );
    expect((await t.request({ method: 'GET', url: '/me', as: expired })).statusCode).toBe(401);
  });
});

describe('creating users (admin)', () => {
  const create = (payload: object, as = admin) => t.request({ method: 'POST', url: '/users', as, payload });

  it('requires the scope field that matches the role, and no other', async () => {
    const res = await create({ email: 'a@x.vn', password: 'long-enough-pw', role: 'center' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'trainingCenterId', message: 'is required for the center role' },
    ]);
    const mixed = await create({
      email: 'b@x.vn',
      password: 'long-enough-pw',
      role: 'province',
      provinceCode: '80',
      partnerId,
    });
    expect(mixed.json().errors).toEqual([{ path: 'partnerId', message: 'is only for the partner role' }]);
  });

  it('the scope must exist: a real center, partner, or 2025 province', async () => {
    const ghost = await create({
      email: 'c@x.vn',
      password: 'long-enough-pw',
      role: 'center',
      trainingCenterId: '00000000-0000-4000-8000-000000000999',
    });
    expect(ghost.json().errors).toEqual([
      { path: 'trainingCenterId', message: 'must be an existing training center' },
    ]);
    const oldProvince = await create({
      email: 'd@x.vn',
      password: 'long-enough-pw',
      role: 'province',
      provinceCode: '72',
    });
    expect(oldProvince.json().errors[0].path).toBe('provinceCode');
    const ok = await create({
      email: 'tayninh@sonoivu.gov.vn',
      password: 'long-enough-pw',
      role: 'province',
      provinceCode: '80',
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ role: 'province', provinceCode: '80' });
    expect(ok.body).not.toContain('long-enough-pw');
  });

  it('refuses a duplicate email with 409 naming the field, and a short or common password with 400', async () => {
    const dup = await create({ email: 'CLERK@trungtam.vn', password: 'long-enough-pw', role: 'admin' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors).toEqual([{ path: 'email', message: 'is already in use' }]);
    const short = await create({ email: 'e@x.vn', password: 'eleven-char', role: 'admin' });
    expect(short.json().errors).toEqual([{ path: 'password', message: 'must be at least 12 characters' }]);
    const common = await create({ email: 'e@x.vn', password: 'Password1234', role: 'admin' });
    expect(common.statusCode).toBe(400);
    expect(common.json().errors).toEqual([
      { path: 'password', message: 'is one of the most common passwords; choose another' },
    ]);
  });

  it('only an admin may create users', async () => {
    for (const who of [actors.center(centerId), actors.province('80'), actors.partner(partnerId)]) {
      expect(
        (await create({ email: 'f@x.vn', password: 'long-enough-pw', role: 'admin' }, who)).statusCode,
      ).toBe(403);
    }
  });

  it('stores passwords as scrypt hashes', async () => {
    const [row] = await t.database.db.query.users.findMany({
      where: (u, { eq }) => eq(u.email, 'clerk@trungtam.vn'),
    });
    expect(row!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row!.passwordHash).not.toContain('mật-khẩu');
  });
});
