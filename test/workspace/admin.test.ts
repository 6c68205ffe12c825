import { desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobRuns, users } from '../../src/db/schema.ts';
import { DEMO_PASSWORD, SHOTS_DIR, signIn, type Workspace, workspaceForFile } from './browser.ts';

/*
 * An administrator disables the account of a center clerk who is signed in in another browser tab:
 * the clerk's next request is refused and the app asks them to sign in again, which fails too.
 * On the way: the jobs screen runs a job, the audit log shows the change to the user.
 * Then a job's runs, newest first, and a message that leaves the view with the screen that raised it.
 */

let w: Workspace;
workspaceForFile({ demo: true }, (opened) => {
  w = opened;
});

const CLERK = 'vinhphuc@demo.kakehashi.vn';

describe("an admin's work", () => {
  it('disables a signed-in user, whose next request is refused', async () => {
    const { page, base, context } = w;
    // The clerk, in a tab of their own (sessionStorage, hence the session, is per tab).
    const clerk = await context.newPage();
    const clerkProblems: string[] = [];
    clerk.on('pageerror', (e) => clerkProblems.push(e.message));
    await signIn(clerk, base, CLERK, DEMO_PASSWORD);
    await clerk.getByRole('heading', { level: 1 }).waitFor();
    await clerk.getByRole('link', { name: 'Học viên' }).first().waitFor();

    await signIn(page, base, 'admin@demo.kakehashi.vn', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Tài khoản người dùng' }).first().click();
    await page.getByRole('heading', { name: 'Tài khoản người dùng', level: 1 }).waitFor();
    await page.getByRole('cell', { name: CLERK, exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/workspace-admin-1280.png`, fullPage: true });

    await page.getByRole('button', { name: `Vô hiệu hóa ${CLERK}` }).click();
    await page.getByRole('button', { name: `Kích hoạt lại ${CLERK}` }).waitFor();
    expect(await page.locator('#live-status').textContent()).toContain(`Đã vô hiệu hóa ${CLERK}.`);
    const [row] = await w.t.database.db.select().from(users).where(eq(users.email, CLERK));
    expect(row!.disabled).toBe(true);

    // The clerk's next action: the API refuses the old token, the app asks to sign in again…
    const refused = clerk.waitForResponse((r) => r.url().includes('/candidates') && r.status() === 401);
    await clerk.getByRole('link', { name: 'Học viên' }).first().click();
    await refused;
    const dialog = clerk.getByRole('dialog', { name: 'Phiên làm việc đã hết hạn' });
    await dialog.waitFor();
    // …and signing in again is refused as well.
    await dialog.getByLabel('Mật khẩu', { exact: false }).fill(DEMO_PASSWORD);
    const relogin = clerk.waitForResponse((r) => r.url().endsWith('/auth/login'));
    await dialog.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    expect((await relogin).status()).toBe(401);
    await expect(dialog.isVisible()).resolves.toBe(true);
    expect(clerkProblems).toEqual([]);
    await clerk.close();

    // The audit log has the change.
    await page.getByRole('link', { name: 'Nhật ký thay đổi' }).first().click();
    await page.getByRole('heading', { name: 'Nhật ký thay đổi', level: 1 }).waitFor();
    await page.getByLabel('Đối tượng', { exact: true }).selectOption('user');
    await page.getByLabel('Mã đối tượng', { exact: true }).fill(row!.id);
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.getByRole('cell', { name: row!.id, exact: true }).first().waitFor();

    // A job runs on demand.
    await page.getByRole('link', { name: 'Tác vụ định kỳ' }).first().click();
    await page.getByRole('heading', { name: 'Tác vụ định kỳ', level: 1 }).waitFor();
    const run = page.getByRole('button', { name: /^Chạy ngay / }).first();
    await run.click();
    await page.locator('#live-status', { hasText: 'Tác vụ' }).waitFor();

    // A training center is created; the API's refusal lands next to the field it names.
    await page.getByRole('link', { name: 'Tổ chức' }).first().click();
    await page.getByRole('heading', { name: 'Tổ chức', level: 1 }).waitFor();
    await page.getByText('Thêm trung tâm').click();
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.locator('#f-name-error').waitFor();
    await expect(page.locator('#f-name').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.locator('#f-name').fill('Trung tâm Thử nghiệm Tây Ninh');
    await page.locator('#f-provinceCode').selectOption('80');
    await page.getByRole('button', { name: 'Lưu', exact: true }).click();
    await page.getByRole('cell', { name: 'Trung tâm Thử nghiệm Tây Ninh', exact: true }).waitFor();
    await expect(page.locator('#f-name-error').count()).resolves.toBe(0);

    // The main screen at phone width.
    await page.getByRole('link', { name: 'Tài khoản người dùng' }).first().click();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('cell', { name: CLERK, exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/workspace-admin-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 180_000);

  it('runs a job and reads its runs; a message leaves the view with the screen that raised it', async () => {
    const { page, base } = w;
    await page.evaluate(() => sessionStorage.clear());
    await signIn(page, base, 'admin@demo.kakehashi.vn', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Tác vụ định kỳ' }).first().click();
    await page.getByRole('heading', { name: 'Tác vụ định kỳ', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Chạy ngay deadline-alerts', exact: true }).click();
    // The result is shown (and read out) on this screen.
    await page.locator('#live-status .toast', { hasText: 'Tác vụ deadline-alerts: Thành công.' }).waitFor();

    // The job's runs, newest first: the one just made is on top, as job_runs holds it.
    await page.getByRole('button', { name: 'Xem các lần chạy của deadline-alerts', exact: true }).click();
    const runs = page.getByRole('table', { name: 'Các lần chạy của deadline-alerts' });
    await runs.locator('tbody tr').first().waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('ad-runs-title');
    const held = await w.t.database.db
      .select()
      .from(jobRuns)
      .where(eq(jobRuns.jobName, 'deadline-alerts'))
      .orderBy(desc(jobRuns.id));
    expect(held[0]!.trigger).toBe('manual');
    await expect.poll(() => runs.locator('tbody tr').count()).toBe(held.length);
    // Started as the page writes it: DD/MM/YYYY HH:mm in the browser's time zone.
    const started = await page.evaluate((iso) => {
      const d = new Date(iso);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
    }, held[0]!.startedAt.toISOString());
    const cells = await runs.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells[0]).toBe(started);
    expect(cells[1]).toMatch(/^\d+(,\d)? giây$/);
    expect(cells[2]).toBe('Thành công');
    expect(cells[3]).toMatch(/Hợp đồng kết thúc trong 90 ngày: \d/);

    // Another screen: the last message ("… rows shown", raised on the jobs screen) is gone from view at
    // once, not seconds later, while its text stays in the live region.
    const message = await page.locator('#live-status').textContent();
    expect(message).not.toBe('');
    await expect(page.locator('#live-status .toast').count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Trang chính' }).first().click();
    await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();
    await expect(page.locator('#live-status .toast').count()).resolves.toBe(0);
    expect(await page.locator('#live-status').textContent()).toBe(message);
  }, 120_000);
});
