import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { users } from '../src/modules/users/users.table.ts';
import { createTestApp, type TestApp, testConfig } from './helpers/app.ts';

let t: TestApp;
let centerA: string;
let centerB: string;
let partnerId: string;
/** A session token of the signed-in admin (a real user, as in production). */
let admin: string;

const login = (email: string, password: string, ip = '127.0.0.1') =>
  t.request({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress: ip });

async function tokenOf(email: string, password: string) {
  const res = await login(email, password);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token as string;
}

/** A user created by the admin, with its id and a fresh session token. */
async function user(email: string, body: Record<string, unknown>, password = 'a-long-password-1') {
  const res = await t.request({
    method: 'POST',
    url: '/users',
    as: admin,
    payload: { email, password, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as string, token: await tokenOf(email, password), password };
}

const get = (url: string, as: string) => t.request({ method: 'GET', url, as });
const patch = (id: string, payload: object, as = admin) =>
  t.request({ method: 'PATCH', url: `/users/${id}`, as, payload });
const changePassword = (as: string, currentPassword: string, newPassword: string) =>
  t.request({ method: 'POST', url: '/me/password', as, payload: { currentPassword, newPassword } });

beforeAll(async () => {
  t = await createTestApp({ LOGIN_RATE_LIMIT: '50' });
  centerA = (await t.seed.center()).id;
  centerB = (await t.seed.center()).id;
  partnerId = (await t.seed.partner()).id;
  await t.app.services.users.create(null, {
    email: 'root@kakehashi.vn',
    password: 'root-password-long',
    role: 'admin',
  });
  admin = await tokenOf('root@kakehashi.vn', 'root-password-long');
});
afterAll(() => t.close());

describe('listing users (admin)', () => {
  it('lists users by email with their state, filtered by role and disabled, page by page', async () => {
    const clerk = await user('list-clerk@x.vn', { role: 'center', trainingCenterId: centerA });
    await user('list-partner@x.vn', { role: 'partner', partnerId });
    const off = await user('list-off@x.vn', { role: 'center', trainingCenterId: centerB });
    expect((await patch(off.id, { disabled: true })).statusCode).toBe(200);

    type Account = { email: string; role: string; disabled: boolean };
    const emails = (items: Account[]) => items.map((u) => u.email);
    const centers = await get('/users?role=center', admin);
    expect(centers.statusCode).toBe(200);
    expect(emails(centers.json().items)).toEqual(
      expect.arrayContaining(['list-clerk@x.vn', 'list-off@x.vn']),
    );
    expect(emails(centers.json().items)).not.toContain('list-partner@x.vn');
    expect(centers.json().items.every((u: Account) => u.role === 'center')).toBe(true);
    expect(emails(centers.json().items)).toEqual([...emails(centers.json().items)].sort());
    const first = centers.json().items.find((u: Account) => u.email === 'list-clerk@x.vn');
    expect(first).toEqual({
      id: clerk.id,
      email: 'list-clerk@x.vn',
      role: 'center',
      trainingCenterId: centerA,
      provinceCode: null,
      partnerId: null,
      mustChangePassword: false,
      disabled: false,
      lastLoginAt: expect.any(String),
    });
    expect(Date.now() - Date.parse(first.lastLoginAt)).toBeLessThan(60_000);
    expect(centers.body).not.toMatch(/scrypt|passwordHash/);

    const disabled = (await get('/users?disabled=true', admin)).json().items as Account[];
    expect(emails(disabled)).toContain('list-off@x.vn');
    expect(disabled.every((u) => u.disabled)).toBe(true);
    const enabledCenters = (await get('/users?role=center&disabled=false', admin)).json().items as Account[];
    expect(emails(enabledCenters)).toContain('list-clerk@x.vn');
    expect(emails(enabledCenters)).not.toContain('list-off@x.vn');
    expect(enabledCenters.every((u) => u.role === 'center' && !u.disabled)).toBe(true);

    // Page by page, every user once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin);
      expect(page.statusCode).toBe(200);
      expect(page.json().items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json().items.map((u: { email: string }) => u.email));
      cursor = page.json().nextCursor;
    } while (cursor);
    const all = (await t.database.db.select({ email: users.email }).from(users)).map((u) => u.email).sort();
    expect(seen).toEqual(all);
  });

  it('refuses a bad cursor, an unknown role or filter, and every role but admin', async () => {
    const bad = await get('/users?cursor=not-a-cursor', admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('cursor');
    expect((await get('/users?role=boss', admin)).json().errors[0].path).toBe('role');
    expect((await get('/users?disabled=maybe', admin)).json().errors[0].path).toBe('disabled');
    const clerk = await user('list-denied@x.vn', { role: 'center', trainingCenterId: centerA });
    expect((await get('/users', clerk.token)).statusCode).toBe(403);
  });
});

describe('changing a user (admin)', () => {
  it('a re-roled user must name the scope of its new role, which must exist', async () => {
    const u = await user('rerole@x.vn', { role: 'center', trainingCenterId: centerA });
    const missing = await patch(u.id, { role: 'partner' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([
      { path: 'partnerId', message: 'is required for the partner role' },
    ]);
    const mixed = await patch(u.id, { role: 'province', provinceCode: '80', trainingCenterId: centerA });
    expect(mixed.json().errors).toEqual([
      { path: 'trainingCenterId', message: 'is only for the center role' },
    ]);
    const wrongScope = await patch(u.id, { provinceCode: '80' });
    expect(wrongScope.statusCode).toBe(400);
    expect(wrongScope.json().errors).toEqual([
      { path: 'provinceCode', message: 'is only for the province role' },
    ]);
    const ghost = await patch(u.id, { trainingCenterId: '00000000-0000-4000-8000-000000000999' });
    expect(ghost.json().errors).toEqual([
      { path: 'trainingCenterId', message: 'must be an existing training center' },
    ]);
    const unknown = await patch(u.id, { passwordHash: 'x' });
    expect(unknown.json().errors).toEqual([{ path: 'passwordHash', message: 'is not a known field' }]);
    expect((await patch('00000000-0000-4000-8000-000000000999', { disabled: true })).statusCode).toBe(404);

    const ok = await patch(u.id, { role: 'province', provinceCode: '80' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ role: 'province', provinceCode: '80', trainingCenterId: null });
  });

  it('re-roling or re-scoping a user ends its tokens at once; a new login carries the new scope', async () => {
    const u = await user('rescope@x.vn', { role: 'center', trainingCenterId: centerA });
    expect((await get('/me', u.token)).statusCode).toBe(200);
    expect((await patch(u.id, { trainingCenterId: centerB })).json().trainingCenterId).toBe(centerB);
    const stale = await get('/me', u.token);
    expect(stale.statusCode).toBe(401);
    expect(stale.headers['content-type']).toMatch(/problem\+json/);
    const fresh = await tokenOf('rescope@x.vn', u.password);
    expect((await get('/me', fresh)).json()).toMatchObject({ role: 'center', trainingCenterId: centerB });

    expect((await patch(u.id, { role: 'partner', partnerId })).statusCode).toBe(200);
    expect((await get('/me', fresh)).statusCode).toBe(401);
    const asPartner = await tokenOf('rescope@x.vn', u.password);
    expect((await get('/candidates', asPartner)).statusCode).toBe(403);
  });

  it('a change that changes nothing keeps the tokens', async () => {
    const u = await user('same@x.vn', { role: 'center', trainingCenterId: centerA });
    expect((await patch(u.id, { trainingCenterId: centerA, disabled: false })).statusCode).toBe(200);
    expect((await get('/me', u.token)).statusCode).toBe(200);
  });

  it('a disabled user cannot log in and its tokens stop working, also after it is enabled again', async () => {
    const u = await user('disable@x.vn', { role: 'center', trainingCenterId: centerA });
    const off = await patch(u.id, { disabled: true });
    expect(off.json().disabled).toBe(true);
    expect((await get('/candidates', u.token)).statusCode).toBe(401);
    const refused = await login('disable@x.vn', u.password);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().detail).toMatch(/disabled/);
    // A wrong password does not learn that the account is disabled.
    expect((await login('disable@x.vn', 'not-the-password')).json().detail).toBe(
      'The email or password is wrong.',
    );

    expect((await patch(u.id, { disabled: false })).json().disabled).toBe(false);
    expect((await get('/candidates', u.token)).statusCode).toBe(401);
    expect((await get('/candidates', await tokenOf('disable@x.vn', u.password))).statusCode).toBe(200);
  });

  it('the last enabled admin can be neither disabled nor demoted, by itself or anyone', async () => {
    const [self] = await t.database.db.select().from(users).where(eq(users.email, 'root@kakehashi.vn'));
    const second = await user('second-admin@x.vn', { role: 'admin' });
    // Two enabled admins: one may step down.
    expect((await patch(second.id, { role: 'center', trainingCenterId: centerA })).statusCode).toBe(200);
    const lastDisable = await patch(self!.id, { disabled: true });
    expect(lastDisable.statusCode).toBe(409);
    expect(lastDisable.json().errors).toEqual([
      { path: 'disabled', message: 'would leave no enabled admin' },
    ]);
    const lastDemote = await patch(self!.id, { role: 'province', provinceCode: '80' });
    expect(lastDemote.statusCode).toBe(409);
    expect(lastDemote.json().errors).toEqual([{ path: 'role', message: 'would leave no enabled admin' }]);
    // Nothing changed: the admin's token still works.
    expect((await get('/users', admin)).statusCode).toBe(200);
  });

  it('audits every change, never with a password hash', async () => {
    const u = await user('audited@x.vn', { role: 'center', trainingCenterId: centerA });
    await patch(u.id, { disabled: true });
    await t.request({ method: 'POST', url: `/users/${u.id}/reset-password`, as: admin });
    const audit = await get(`/audit?entity=user&entityId=${u.id}`, admin);
    expect(audit.statusCode).toBe(200);
    const actions = audit.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'update', 'reset-password']));
    const update = audit.json().items.find((e: { action: string }) => e.action === 'update');
    expect(update.before).toMatchObject({ disabled: false, role: 'center' });
    expect(update.after).toMatchObject({ disabled: true, role: 'center' });
    expect(update.actorId).toBeTruthy();
    expect(audit.body).not.toMatch(/scrypt|passwordHash|password_hash/);
  });
});

describe('resetting and changing passwords', () => {
  it('a reset gives a temporary password once; until it is changed only GET /me and POST /me/password work', async () => {
    const u = await user('forgot@x.vn', { role: 'center', trainingCenterId: centerA });
    const reset = await t.request({ method: 'POST', url: `/users/${u.id}/reset-password`, as: admin });
    expect(reset.statusCode).toBe(200);
    const { temporaryPassword } = reset.json();
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(12);
    // The old password and the old token are gone.
    expect((await get('/me', u.token)).statusCode).toBe(401);
    expect((await login('forgot@x.vn', u.password)).statusCode).toBe(401);

    const signedIn = await login('forgot@x.vn', temporaryPassword);
    expect(signedIn.json().user.mustChangePassword).toBe(true);
    const temp = signedIn.json().token;
    const blocked = await get('/candidates', temp);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().type).toMatch(/password-change-required$/);
    expect((await get('/me', temp)).json().mustChangePassword).toBe(true);

    expect((await changePassword(temp, temporaryPassword, 'a-brand-new-secret')).statusCode).toBe(204);
    // Every token from before the change stops working, the temporary one too.
    expect((await get('/me', temp)).statusCode).toBe(401);
    expect((await login('forgot@x.vn', temporaryPassword)).statusCode).toBe(401);
    const after = await login('forgot@x.vn', 'a-brand-new-secret');
    expect(after.json().user.mustChangePassword).toBe(false);
    expect((await get('/candidates', after.json().token)).statusCode).toBe(200);
  });

  it('a user changes its own password: earlier tokens stop working, the new password signs in', async () => {
    const u = await user('change@x.vn', { role: 'partner', partnerId });
    const other = await tokenOf('change@x.vn', u.password);
    expect((await changePassword(u.token, u.password, 'another-long-secret')).statusCode).toBe(204);
    expect((await get('/me', u.token)).statusCode).toBe(401);
    expect((await get('/me', other)).statusCode).toBe(401);
    expect((await login('change@x.vn', 'another-long-secret')).statusCode).toBe(200);
    const audit = await get(`/audit?entity=user&entityId=${u.id}`, admin);
    expect(audit.json().items.map((e: { action: string }) => e.action)).toContain('change-password');
    expect(audit.body).not.toMatch(/scrypt|another-long-secret/);
  });

  it('the password policy: 12 characters, not the email, not a common password, not the same', async () => {
    const u = await user('nguyen.van.an@trungtam.vn', { role: 'center', trainingCenterId: centerA });
    const refusal = async (newPassword: string) => {
      const res = await changePassword(u.token, u.password, newPassword);
      expect(res.statusCode, newPassword).toBe(400);
      return res.json().errors;
    };
    expect(await refusal('short-pw-11')).toEqual([
      { path: 'newPassword', message: 'must be at least 12 characters' },
    ]);
    expect(await refusal('Nguyen.Van.An@trungtam.vn')).toEqual([
      { path: 'newPassword', message: 'must not be your email address' },
    ]);
    expect(await refusal('nguyen.van.an')).toEqual([
      { path: 'newPassword', message: 'must not be your email address' },
    ]);
    for (const common of ['password1234', 'QWERTYUIOP123', '1q2w3e4r5t6y']) {
      expect(await refusal(common)).toEqual([
        { path: 'newPassword', message: 'is one of the most common passwords; choose another' },
      ]);
    }
    expect(await refusal(u.password)).toEqual([
      { path: 'newPassword', message: 'must differ from the current password' },
    ]);
    const wrong = await changePassword(u.token, 'not-my-password', 'a-good-new-password');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([
      { path: 'currentPassword', message: 'is not your current password' },
    ]);
    // None of the refusals changed anything.
    expect((await get('/me', u.token)).statusCode).toBe(200);
  });

  it('the first admin with a generated password must change it at its first login', async () => {
    const empty = await createTestApp();
    try {
      const first = await empty.app.services.users.ensureFirstAdmin('first@kakehashi.vn', undefined);
      expect(first).toMatchObject({ generated: true, mustChangePassword: true });
      const res = await empty.request({
        method: 'POST',
        url: '/auth/login',
        payload: { email: 'first@kakehashi.vn', password: first!.password },
      });
      const token = res.json().token;
      expect(res.json().user.mustChangePassword).toBe(true);
      const blocked = await empty.request({ method: 'GET', url: '/users', as: token });
      expect(blocked.statusCode).toBe(403);
      expect(blocked.json().type).toMatch(/password-change-required$/);
      const changed = await empty.request({
        method: 'POST',
        url: '/me/password',
        as: token,
        payload: { currentPassword: first!.password, newPassword: 'the-admins-own-secret' },
      });
      expect(changed.statusCode).toBe(204);
      // Started again, nothing is created twice.
      expect(await empty.app.services.users.ensureFirstAdmin('first@kakehashi.vn', undefined)).toBeNull();
    } finally {
      await empty.close();
    }
  });

  it('an ADMIN_PASSWORD that passes the policy is kept; one that does not must be changed', async () => {
    for (const [password, mustChange] of [
      ['an-operator-chosen-secret', false],
      ['password1234', true],
    ] as const) {
      const empty = await createTestApp();
      try {
        const first = await empty.app.services.users.ensureFirstAdmin('ops@kakehashi.vn', password);
        expect(first, password).toMatchObject({ generated: false, mustChangePassword: mustChange });
      } finally {
        await empty.close();
      }
    }
  });
});

describe('token revocation', () => {
  it('a token from before token versions existed, or for a user that was deleted, is refused', async () => {
    const u = await user('deleted@x.vn', { role: 'center', trainingCenterId: centerA });
    const legacy = t.app.jwt.sign({ sub: u.id, role: 'center', tc: centerA, pc: null, pid: null });
    expect((await get('/me', legacy)).statusCode).toBe(401);
    await t.database.db.delete(users).where(eq(users.id, u.id));
    // Another instance's write (here: straight to the database) is seen within the cache's second.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get('/me', u.token)).statusCode).toBe(401);
  });

  it('another instance sharing the database sees a disable within its cache time (about a second)', async () => {
    const u = await user('two-instances@x.vn', { role: 'center', trainingCenterId: centerA });
    const second = await buildApp(testConfig({ LOGIN_RATE_LIMIT: '50' }), {
      database: t.database,
      logger: false,
    });
    try {
      const onSecond = () =>
        second.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${u.token}` } });
      expect((await onSecond()).statusCode).toBe(200);
      expect((await patch(u.id, { disabled: true })).statusCode).toBe(200);
      // The instance that made the change refuses the token at once…
      expect((await get('/me', u.token)).statusCode).toBe(401);
      // …the other one after its cache entry runs out.
      await new Promise((r) => setTimeout(r, 1100));
      expect((await onSecond()).statusCode).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('a wrong current password counts as a failed login of the account', async () => {
    const limited = await createTestApp({ LOGIN_RATE_LIMIT: '3' });
    try {
      await limited.app.services.users.create(null, {
        email: 'stolen@x.vn',
        password: 'the-real-password',
        role: 'admin',
      });
      const token = (
        await limited.request({
          method: 'POST',
          url: '/auth/login',
          payload: { email: 'stolen@x.vn', password: 'the-real-password' },
        })
      ).json().token;
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await limited.request({
          method: 'POST',
          url: '/me/password',
          as: token,
          payload: { currentPassword: `guess-number-${i}`, newPassword: 'a-new-long-password' },
          remoteAddress: `10.9.0.${i}`,
        });
        codes.push(res.statusCode);
        if (res.statusCode === 429) expect(res.headers['retry-after']).toBeDefined();
      }
      expect(codes).toEqual([400, 400, 400, 429]);
    } finally {
      await limited.close();
    }
  });
});
