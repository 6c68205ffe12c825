import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

/*
 * The verification page as a phone shows it after scanning a certificate's QR code: Debian's Chromium
 * (playwright-core) against the app on a loopback port. Chromium is required, as for the dashboard
 * tests (scripts/install-chromium.sh). Screenshots are left in the directory printed at the end.
 */

const CHROMIUM = '/usr/bin/chromium';

let t: TestApp;
let base: string;
let profileDir: string;
let shotsDir: string;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
let valid: { serial: string; verifyCode: string };
let revoked: { serial: string; verifyCode: string };

async function issue(centerId: string, fullName: string) {
  const trainee = await t.seed.candidate({ trainingCenterId: centerId, fullName });
  const course = await t.seed.course({
    trainingCenterId: centerId,
    name: 'Tiếng Nhật N3 – khóa tăng cường',
    kind: 'language',
  });
  const e = await t.seed.enrollment({
    courseId: course.id,
    candidateId: trainee.id,
    outcome: 'passed',
    score: 91.5,
    jlptLevel: 'N3',
  });
  const res = await t.request({
    method: 'POST',
    url: '/certificates',
    payload: { enrollmentId: e.id },
    as: actors.center(centerId),
  });
  return res.json() as { id: string; serial: string; verifyCode: string };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with scripts/install-chromium.sh`);
  }
  t = await createTestApp();
  const center = await t.seed.center({
    name: 'Trung tâm Đào tạo Nghề Long An',
    serialPrefix: 'LA',
    provinceCode: '80',
  });
  valid = await issue(center.id, 'Nguyễn Thị Phương Hoàng Ngọc Diễm Quỳnh');
  revoked = await issue(center.id, 'Lê Văn Hùng');
  await t.request({
    method: 'POST',
    url: `/certificates/${(revoked as { id?: string }).id}/revoke`,
    payload: { reason: 'Sai ngày sinh', category: 'data_error' },
    as: actors.center(center.id),
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  profileDir = mkdtempSync(join(tmpdir(), 'kh-chromium-profile-'));
  shotsDir = mkdtempSync(join(tmpdir(), 'kh-verify-shots-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
    locale: 'vi-VN',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
});

afterAll(async () => {
  await context?.close();
  await t?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (shotsDir) console.info(`verification page screenshots: ${shotsDir}`);
});

const url = (c: { serial: string; verifyCode: string }) => `${base}/verify/${c.serial}?code=${c.verifyCode}`;

describe('the verification page in a browser', () => {
  it('shows a valid certificate in green, styled under its strict CSP, at 1280 px', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const res = await page.goto(url(valid));
    expect(res?.status()).toBe(200);
    await expect(page.locator('.status strong').textContent()).resolves.toContain('HỢP LỆ');
    // The style block ran: the CSP hash matches (a blocked style would leave the default transparent).
    const background = await page.locator('.status').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(233, 247, 239)');
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(shotsDir, 'verify-valid-1280.png'), fullPage: true });
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url(valid));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const size = await page
      .locator('td')
      .first()
      .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(15);
    await page.screenshot({ path: join(shotsDir, 'verify-valid-390.png'), fullPage: true });
  });

  it('shows a revoked certificate in red, with the day and category of the revocation', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url(revoked));
    const text = await page.locator('main').textContent();
    expect(text).toContain('ĐÃ THU HỒI');
    expect(text).toContain('Sai thông tin trên chứng nhận');
    const background = await page.locator('.status').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(253, 236, 234)');
    await page.screenshot({ path: join(shotsDir, 'verify-revoked-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(shotsDir, 'verify-revoked-1280.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
