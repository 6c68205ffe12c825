import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { type BrowserContext, chromium, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../src/db/schema.ts';
import { hashPassword } from '../src/lib/password.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

/*
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core, against the app
 * listening on a loopback port with a fresh database. Chromium is required: without it this file
 * fails (CI installs it with scripts/install-chromium.sh).
 */

const CHROMIUM = '/usr/bin/chromium';
const EMAIL = 'can-bo@soldtbxh.tayninh.gov.vn';
const PASSWORD = 'mat-khau-tay-ninh-2026';

let t: TestApp;
let base: string;
let profileDir: string;
let shotsDir: string;
let context: BrowserContext;
let page: Page;
const requests: Request[] = [];
const problems: string[] = [];

/** Candidates of Long An (2008 code 80) and Tây Ninh (2025 code 80), and one of Nghệ An. */
async function seedProgramme() {
  const center = await t.seed.center({ provinceCode: '80' });
  const employer = await t.seed.homeEmployer({ provinceCode: '80' });
  const person = (home: { code: string; boundaries: '2008' | '2025'; home2025: string }, status: string) =>
    t.seed.candidate({
      trainingCenterId: center.id,
      homeProvinceCode: home.code,
      provinceBoundaries: home.boundaries,
      homeProvince2025: home.home2025,
      status,
    });
  const longAn = { code: '80', boundaries: '2008', home2025: '80' } as const;
  const tayNinh = { code: '80', boundaries: '2025', home2025: '80' } as const;
  const ngheAn = { code: '40', boundaries: '2025', home2025: '40' } as const;

  const departed = async (
    home: typeof longAn | typeof tayNinh | typeof ngheAn,
    departedOn: string,
    to: { destinationCountry?: string; prefectureCode?: string },
  ) => {
    const c = await person(home, 'departed');
    await t.seed.placement({ candidateId: c.id, status: 'departed', departedOn, ...to });
  };
  // Inside 2024–2025: Long An 2 to Okayama + 1 to Taiwan, Tây Ninh 1 to Tokyo, Nghệ An 1 to Osaka.
  await departed(longAn, '2024-03-10', { prefectureCode: '33' });
  await departed(longAn, '2024-05-20', { prefectureCode: '33' });
  await departed(longAn, '2024-06-01', { destinationCountry: 'TW' });
  await departed(tayNinh, '2025-08-15', { prefectureCode: '13' });
  await departed(ngheAn, '2025-09-01', { prefectureCode: '27' });

  // Departed in 2021 (outside the range), back in 2024: one found a job at home, one did not.
  const back = async (home: typeof longAn | typeof tayNinh, returnedOn: string, job: boolean) => {
    const c = await person(home, job ? 'reintegrated' : 'returned');
    const p = await t.seed.placement({
      candidateId: c.id,
      status: 'returned',
      departedOn: '2021-01-10',
      returnedOn,
      returnReason: 'completed',
      prefectureCode: '33',
    });
    if (job) {
      await t.seed.reintegration({
        candidateId: c.id,
        placementId: p.id,
        homeEmployerId: employer.id,
        startedOn: '2024-03-01',
      });
    }
  };
  await back(longAn, '2024-01-10', true);
  await back(tayNinh, '2024-02-01', false);

  // Still at home: one registered, one in training.
  await person(tayNinh, 'registered');
  await person(tayNinh, 'training');

  await t.database.db.insert(users).values({
    email: EMAIL,
    passwordHash: await hashPassword(PASSWORD),
    role: 'province',
    provinceCode: '80',
  });
}

/** The text of every row (head, body, foot) of a table, spaces normalised. */
function tableText(id: string): Promise<string[][]> {
  return page.evaluate((tableId) => {
    const table = document.getElementById(tableId) as HTMLTableElement;
    return [...table.rows].map((row) =>
      [...row.cells].map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim()),
    );
  }, id);
}

/** How many pixels of the canvas carry the given colour: proof that Chart.js drew the bars. */
function pixelsOfColour(canvasId: string, [r, g, b]: [number, number, number]): Promise<number> {
  return page.evaluate(
    ({ canvasId, r, g, b }) => {
      const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (
          Math.abs(data[i]! - r) < 8 &&
          Math.abs(data[i + 1]! - g) < 8 &&
          Math.abs(data[i + 2]! - b) < 8 &&
          data[i + 3]! > 200
        )
          n++;
      }
      return n;
    },
    { canvasId, r, g, b },
  );
}

/** The numbers Chart.js holds for each dataset of a chart. */
function chartData(canvasId: string): Promise<{ labels: string[]; data: (number | null)[][] }> {
  return page.evaluate((id) => {
    // biome-ignore lint/suspicious/noExplicitAny: Chart.js is a global of the page, untyped here
    const chart = (globalThis as any).Chart.getChart(id);
    return {
      labels: chart.data.labels.map(String),
      data: chart.data.datasets.map((d: { data: (number | null)[] }) => [...d.data]),
    };
  }, canvasId);
}

const JAPAN_RED: [number, number, number] = [0xb3, 0x00, 0x2d];

beforeAll(async () => {
  // Fail, never skip: a dashboard nobody rendered is not tested.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with scripts/install-chromium.sh`);
  }
  t = await createTestApp();
  await seedProgramme();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

  profileDir = mkdtempSync(join(tmpdir(), 'kh-chromium-profile-'));
  shotsDir = mkdtempSync(join(tmpdir(), 'kh-dashboard-shots-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
    locale: 'vi-VN',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('request', (request) => requests.push(request));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
});

afterAll(async () => {
  await context?.close();
  await t?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (shotsDir) console.info(`dashboard screenshots: ${shotsDir}`);
});

describe('the statistics dashboard in a browser', () => {
  it('an officer signs in with the keyboard alone and lands on Vietnamese charts of all time', async () => {
    await page.goto(`${base}/dashboard`);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.locator('#dashboard').isHidden()).toBe(true);

    await page.getByLabel('Email').focus();
    await page.keyboard.type(EMAIL);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');

    await page.getByText(`Đã đăng nhập: ${EMAIL} (cán bộ tỉnh)`).waitFor();
    // All time: the 2021 departures of the two returnees count too.
    await expect
      .poll(() => tableText('share-table'))
      .toEqual([
        ['Tỉnh, thành', 'Nhật Bản', 'Nước khác', 'Tổng số xuất cảnh', 'Tỷ lệ sang Nhật'],
        ['Nghệ An', '1', '0', '1', '100,0%'],
        ['Tây Ninh', '5', '1', '6', '83,3%'],
        ['Tổng cộng', '6', '1', '7', '85,7%'],
      ]);
    expect(await page.evaluate(() => sessionStorage.getItem('kh.dashboard.token'))).toMatch(/^ey/);
  });

  it('shows the seeded departures of a date range in every chart and the table under it', async () => {
    await page.getByLabel('Từ ngày').fill('2024-01-01');
    await page.getByLabel('Đến ngày').fill('2025-12-31');
    await page.getByRole('button', { name: 'Xem' }).click();

    await expect
      .poll(() => tableText('share-table'))
      .toEqual([
        ['Tỉnh, thành', 'Nhật Bản', 'Nước khác', 'Tổng số xuất cảnh', 'Tỷ lệ sang Nhật'],
        ['Nghệ An', '1', '0', '1', '100,0%'],
        ['Tây Ninh', '3', '1', '4', '75,0%'],
        ['Tổng cộng', '4', '1', '5', '80,0%'],
      ]);
    expect(await chartData('share-chart')).toEqual({
      labels: ['Nghệ An (100,0%)', 'Tây Ninh (75,0%)'],
      data: [
        [1, 3],
        [0, 1],
      ],
    });
    expect(await pixelsOfColour('share-chart', JAPAN_RED)).toBeGreaterThan(500);

    expect(await tableText('prefectures-table')).toEqual([
      ['Tỉnh tiếp nhận (Nhật Bản)', 'Số xuất cảnh'],
      ['Tokyo', '1'],
      ['Osaka', '1'],
      ['Okayama', '2'],
      ['Tổng cộng', '4'],
    ]);
    expect(await pixelsOfColour('prefectures-chart', [0x0f, 0x6e, 0x7a])).toBeGreaterThan(200);

    // The officer's own province only (Nghệ An's departure is not in it), stage by stage.
    expect(await page.locator('#pipeline h2').textContent()).toBe('Tiến trình ứng viên — Tây Ninh');
    expect(await tableText('pipeline-table')).toEqual([
      ['Bước', 'Số ứng viên'],
      ['Đăng ký', '1'],
      ['Đang đào tạo', '1'],
      ['Sẵn sàng', '0'],
      ['Được tuyển chọn', '0'],
      ['Đã xuất cảnh', '4'],
      ['Đã về nước', '1'],
      ['Tái hòa nhập (có việc làm)', '1'],
      ['Rút hồ sơ', '0'],
      ['Tổng cộng', '8'],
    ]);
    expect(await pixelsOfColour('pipeline-chart', [0x1f, 0x5f, 0xa8])).toBeGreaterThan(200);

    expect(await tableText('reintegration-table')).toEqual([
      ['Tỉnh, thành', 'Về nước', 'Có việc làm', 'Tỷ lệ tái hòa nhập'],
      ['Tây Ninh', '2', '1', '50,0%'],
      ['Tổng cộng', '2', '1', '50,0%'],
    ]);
    expect(await pixelsOfColour('reintegration-chart', [0x1b, 0x7f, 0x4b])).toBeGreaterThan(200);

    await page.screenshot({ path: join(shotsDir, 'dashboard-1280.png'), fullPage: true });
  });

  it('gives each chart a text alternative and each table a caption', async () => {
    for (const key of ['share', 'prefectures', 'pipeline', 'reintegration']) {
      const canvas = page.locator(`#${key}-chart`);
      expect(await canvas.getAttribute('role')).toBe('img');
      expect(await canvas.getAttribute('aria-label')).toMatch(/^Biểu đồ cột\. .+ Số liệu đầy đủ ở bảng/);
      expect((await page.locator(`#${key}-table caption`).textContent())?.length).toBeGreaterThan(5);
    }
    expect(await page.locator('#share-chart').getAttribute('aria-label')).toContain(
      'Tây Ninh: 4 người xuất cảnh, 3 sang Nhật Bản (75,0%).',
    );
  });

  it('switching to the 2008 boundaries splits Long An out, and back to 2025 folds it into Tây Ninh', async () => {
    await page.getByLabel('63 tỉnh, thành (trước 1/7/2025)').check();
    await expect
      .poll(() => tableText('share-table'))
      .toEqual([
        ['Tỉnh, thành', 'Nhật Bản', 'Nước khác', 'Tổng số xuất cảnh', 'Tỷ lệ sang Nhật'],
        ['Nghệ An', '1', '0', '1', '100,0%'],
        ['Long An', '2', '1', '3', '66,7%'],
        // Recorded with the merged province's 2025 code: it cannot be split, so it stays starred.
        ['Tây Ninh *', '1', '0', '1', '100,0%'],
        ['Tổng cộng', '4', '1', '5', '80,0%'],
      ]);
    expect(await page.locator('#share [data-note]').textContent()).toContain('không tách được về tỉnh cũ');
    expect(await tableText('reintegration-table')).toEqual([
      ['Tỉnh, thành', 'Về nước', 'Có việc làm', 'Tỷ lệ tái hòa nhập'],
      ['Long An', '1', '1', '100,0%'],
      ['Tây Ninh *', '1', '0', '0,0%'],
      ['Tổng cộng', '2', '1', '50,0%'],
    ]);

    await page.getByLabel('34 tỉnh, thành (từ 1/7/2025)').check();
    await expect
      .poll(() => tableText('share-table'))
      .toEqual([
        ['Tỉnh, thành', 'Nhật Bản', 'Nước khác', 'Tổng số xuất cảnh', 'Tỷ lệ sang Nhật'],
        ['Nghệ An', '1', '0', '1', '100,0%'],
        ['Tây Ninh', '3', '1', '4', '75,0%'],
        ['Tổng cộng', '4', '1', '5', '80,0%'],
      ]);
    expect(await page.locator('#share [data-note]').isHidden()).toBe(true);
  });

  it('"Tải CSV" downloads the same numbers with the bearer header, never a token in a URL', async () => {
    const token = await page.evaluate(() => sessionStorage.getItem('kh.dashboard.token'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải CSV: Tỷ lệ lao động sang Nhật Bản theo tỉnh' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('province-share_2025_2024-01-01_2025-12-31.csv');
    const file = join(shotsDir, download.suggestedFilename());
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    // The dashboard's language: Vietnamese headers and labels, semicolons and decimal commas for Excel.
    expect(lines).toEqual([
      'Mã tỉnh;Ranh giới;Tỉnh, thành;Quy được về tỉnh cũ;Tổng số xuất cảnh;Sang Nhật Bản;Tỷ lệ sang Nhật;Ẩn số nhỏ',
      '40;2025;Nghệ An;Có;1;1;1;Không',
      '80;2025;Tây Ninh;Có;4;3;0,75;Không',
      'Tổng cộng;2025;;;5;4;0,8;Không',
    ]);

    const csvRequest = requests.find(
      (r) => r.url().includes('/reports/province-share') && r.url().includes('format=csv'),
    );
    expect(csvRequest?.headers().authorization).toBe(`Bearer ${token}`);
    expect(requests.length).toBeGreaterThan(10);
    for (const request of requests) {
      expect(request.url()).not.toContain(token!);
      expect(request.url()).not.toContain(PASSWORD);
    }
  });

  it('"Tải danh sách (Excel)" downloads the monthly list of the officer\'s province as a workbook', async () => {
    await page.locator('#monthly-month').fill('2024-05');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải danh sách (Excel)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('monthly-workers_2024-05.xlsx');
    const file = join(shotsDir, download.suggestedFilename());
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('Danh sách lao động xuất cảnh và về nước trong tháng');
    expect(sheet.getCell('A4').value).toBe('Biến động');
    // Long An's departure of 20 May 2024, and nothing else.
    expect(sheet.getCell('A5').value).toBe('Xuất cảnh');
    expect(sheet.getCell('G5').value).toBe('Long An (2008)');
    expect(sheet.getCell('A6').value).toBeNull();
    const request = requests.find((r) => r.url().includes('/reports/monthly-workers'));
    expect(request?.url()).toContain('format=xlsx');
    expect(request?.url()).toContain('lang=vi');
  });

  it('speaks English and Japanese when asked, and keeps the choice', async () => {
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#share h2').textContent()).toBe(
      'Share of workers going to Japan, by province',
    );
    expect((await tableText('share-table'))[0]).toEqual([
      'Province',
      'Japan',
      'Other destinations',
      'All departures',
      'Share to Japan',
    ]);
    expect((await tableText('share-table'))[2]).toEqual(['Tây Ninh', '3', '1', '4', '75.0%']);
    expect(await page.getByRole('button', { name: /^Download CSV: Reintegration rate$/ }).count()).toBe(1);

    await page.getByLabel('Language').selectOption('ja');
    expect(await page.locator('#prefectures h2').textContent()).toBe('受入れ都道府県別の出国者数');
    expect((await tableText('prefectures-table')).map((row) => row[0])).toEqual([
      '受入れ都道府県',
      '東京都',
      '大阪府',
      '岡山県',
      '合計',
    ]);
    expect(await page.locator('#pipeline h2').textContent()).toBe('候補者の進捗 — Tây Ninh');
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(shotsDir, 'dashboard-ja-1280.png') });

    await page.reload();
    await page.locator('#share-table tbody tr').first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await page.getByLabel('言語').selectOption('vi');
    expect(await page.locator('#share h2').textContent()).toBe('Tỷ lệ lao động sang Nhật Bản theo tỉnh');
  });

  it('stays readable at phone width: no sideways scrolling, charts within the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => {
      const canvas = document.getElementById('share-chart') as HTMLCanvasElement;
      return canvas.getBoundingClientRect().width <= 390;
    });
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      charts: [...document.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect().right),
    }));
    expect(widths.page).toBeLessThanOrEqual(390);
    for (const right of widths.charts) expect(right).toBeLessThanOrEqual(390);
    expect(await pixelsOfColour('share-chart', JAPAN_RED)).toBeGreaterThan(200);
    await page.screenshot({ path: join(shotsDir, 'dashboard-390.png'), fullPage: true });
    for (const key of ['filters', 'share', 'prefectures', 'pipeline', 'reintegration']) {
      await page.locator(`#${key}`).screenshot({ path: join(shotsDir, `${key}-390.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signing out forgets the token and shows the sign-in form again', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    expect(await page.evaluate(() => sessionStorage.getItem('kh.dashboard.token'))).toBeNull();
    expect(await page.locator('#dashboard').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.screenshot({ path: join(shotsDir, 'login-1280.png') });
  });

  it('a wrong password is refused with a message, and the page broke no security policy', async () => {
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Mật khẩu').fill('not-the-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').getByText('Email hoặc mật khẩu không đúng.').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('kh.dashboard.token'))).toBeNull();
    // The refused login logs a 401 in the console (so the listener works); nothing else may be
    // there: no Content-Security-Policy violation, no script error.
    expect(problems.some((p) => /status of 401/.test(p))).toBe(true);
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
