import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { candidates, users } from '../../src/db/schema.ts';
import type { Actor } from '../../src/lib/actor.ts';
import { openWorkspace, shootFailure, signIn, type Workspace } from './browser.ts';

/*
 * The frame every role shares: the language switch (and a partner's Japanese start), the forced
 * password change after an administrator's reset, and an expired session that asks to sign in again
 * over a half-filled form, then sends what was submitted.
 */

let w: Workspace;
let centerId: string;
let adminActor: Actor;
const CENTER_EMAIL = 'clerk@tayninh-center.example.vn';
const CENTER_PASSWORD = 'mat-khau-trung-tam-2026';
const PARTNER_EMAIL = 'recruiter@okayama-kumiai.example.jp';
const PARTNER_PASSWORD = 'okayama-password-2026';

beforeAll(async () => {
  w = await openWorkspace();
  const users = w.t.app.services.users;
  centerId = (await w.t.seed.center({ provinceCode: '80' })).id;
  const partner = await w.t.seed.partner();
  const admin = await users.create(null, {
    email: 'admin@tayninh.example.vn',
    password: 'admin-password-tay-ninh',
    role: 'admin',
  });
  adminActor = { id: admin.id, role: 'admin', trainingCenterId: null, provinceCode: null, partnerId: null };
  await users.create(null, {
    email: CENTER_EMAIL,
    password: CENTER_PASSWORD,
    role: 'center',
    trainingCenterId: centerId,
  });
  await users.create(null, {
    email: PARTNER_EMAIL,
    password: PARTNER_PASSWORD,
    role: 'partner',
    partnerId: partner.id,
  });
});
afterEach(async (ctx) => shootFailure(w, ctx.task.name, ctx.task.result?.state === 'fail'));
afterAll(async () => {
  const problems = w?.problems;
  await w?.close();
  expect(problems).toEqual([]);
});

const html = () => w.page.locator('html');
const h1 = () => w.page.locator('h1');

describe('the workspace frame', () => {
  it('serves the page with a strict policy and hashed, immutable assets', async () => {
    const res = await fetch(`${w.base}/app/trainees`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const body = await res.text();
    const script = /src="(\/app\/assets\/main-[A-Z0-9]{8}\.js)"/.exec(body)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${w.base}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${w.base}/app/assets/nothing-AAAAAAAA.js`)).status).toBe(404);
  });

  it('switches the language, keeps the choice, and starts a partner in Japanese', async () => {
    await w.page.goto(`${w.base}/app`);
    expect(await html().getAttribute('lang')).toBe('vi');
    expect(await h1().textContent()).toBe('Đăng nhập vào Kakehashi');
    await w.page.getByRole('button', { name: '日本語' }).click();
    expect(await h1().textContent()).toBe('Kakehashi にログイン');
    expect(await html().getAttribute('lang')).toBe('ja');
    await w.page.reload();
    expect(await h1().textContent()).toBe('Kakehashi にログイン');
    await w.page.getByRole('button', { name: 'English' }).click();
    expect(await h1().textContent()).toBe('Sign in to Kakehashi');
    expect(await w.page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');

    // Nobody chose yet: a partner starts in Japanese.
    await w.page.evaluate(() => localStorage.clear());
    await signIn(w.page, w.base, PARTNER_EMAIL, PARTNER_PASSWORD);
    await w.page.getByRole('heading', { name: 'ようこそ（日本側パートナー）' }).waitFor();
    expect(await html().getAttribute('lang')).toBe('ja');
    await w.page.getByRole('button', { name: 'ログアウト' }).click();
    await w.page.evaluate(() => localStorage.clear());
  });

  it('after a reset, the temporary password leads to the change form and nowhere else', async () => {
    const clerk = await w.t.database.db.query.users.findFirst({ where: eq(users.email, CENTER_EMAIL) });
    const { temporaryPassword } = await w.t.app.services.users.resetPassword(adminActor, clerk!.id);
    await signIn(w.page, w.base, CENTER_EMAIL, temporaryPassword);
    await w.page.getByText('Mật khẩu của bạn do quản trị viên đặt').waitFor();
    expect(await h1().textContent()).toBe('Đổi mật khẩu');
    expect(await w.page.getByRole('navigation').count()).toBe(0);

    // The API's rule, shown next to the field it names.
    await w.page.getByLabel('Mật khẩu hiện tại').fill(temporaryPassword);
    await w.page.getByLabel('Mật khẩu mới').fill(CENTER_EMAIL);
    await w.page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    const error = w.page.locator('#f-newPassword-error');
    await error.waitFor();
    expect(await w.page.getByLabel('Mật khẩu mới').getAttribute('aria-describedby')).toContain(
      'f-newPassword-error',
    );
    expect(await w.page.locator('#live-error').textContent()).toMatch(/newPassword|lỗi/);

    await w.page.getByLabel('Mật khẩu mới').fill(CENTER_PASSWORD);
    await w.page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await w.page.getByRole('heading', { name: 'Xin chào, trung tâm đào tạo' }).waitFor();
    await expect.poll(() => w.page.locator('#live-status').textContent()).toBe('Đã đổi mật khẩu.');
    expect(await w.page.getByRole('navigation', { name: 'Điều hướng chính' }).isVisible()).toBe(true);
  });

  it('an expired session asks to sign in again over the half-filled form, then sends it', async () => {
    await w.page.getByRole('link', { name: 'Học viên', exact: true }).click();
    await w.page.getByRole('link', { name: 'Đăng ký học viên' }).click();
    await expect.poll(() => w.page.evaluate(() => document.activeElement?.id)).toBe('screen-title');
    await w.page.getByLabel('Họ và tên').fill('Trần Thị Hồng Nhung');
    await w.page.getByLabel('Ngày sinh').fill('14/02/2001');
    await w.page.getByLabel('Giới tính').selectOption({ label: 'Nữ' });
    await w.page.getByLabel('Số CCCD').fill('072301004455');
    await w.page.getByLabel('Mã tỉnh').selectOption('80');
    await w.page.getByLabel('Ngành nghề').selectOption('nursing_care');

    // Every token issued so far stops working: an administrator disables the account and enables it again.
    const clerk = await w.t.database.db.query.users.findFirst({ where: eq(users.email, CENTER_EMAIL) });
    await w.t.app.services.users.update(adminActor, clerk!.id, { disabled: true });
    await w.t.app.services.users.update(adminActor, clerk!.id, { disabled: false });
    await w.page.getByRole('button', { name: 'Đăng ký', exact: true }).click();

    const dialog = w.page.getByRole('dialog', { name: 'Phiên làm việc đã hết hạn' });
    await dialog.waitFor();
    // The form under the dialog is as it was.
    expect(await w.page.locator('#f-fullName').inputValue()).toBe('Trần Thị Hồng Nhung');
    expect(await w.page.locator('#f-dateOfBirth').inputValue()).toBe('14/02/2001');
    await dialog.getByLabel('Mật khẩu').fill('wrong password here');
    await dialog.getByRole('button', { name: 'Đăng nhập' }).click();
    await dialog.getByText('Email hoặc mật khẩu không đúng.').waitFor();
    await dialog.getByLabel('Mật khẩu').fill(CENTER_PASSWORD);
    await dialog.getByRole('button', { name: 'Đăng nhập' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The waiting request went out: the trainee exists, and the page says so.
    await w.page.getByText('Đã đăng ký Trần Thị Hồng Nhung').waitFor();
    const rows = await w.t.database.db
      .select()
      .from(candidates)
      .where(eq(candidates.nationalId, '072301004455'));
    expect(rows.map((r) => [r.fullName, r.dateOfBirth, r.gender, r.trainingCenterId])).toEqual([
      ['Trần Thị Hồng Nhung', '2001-02-14', 'female', centerId],
    ]);
  });
});
