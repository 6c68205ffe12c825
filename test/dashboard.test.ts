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
import { actors } from './helpers/seed.ts';

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
    to: { destinationCountry?: string; prefectureCode?: string; program?: string },
  ) => {
    const c = await person(home, 'departed');
    const placement = await t.seed.placement({
      candidateId: c.id,
      status: 'departed',
      departedOn,
      monthlyWageJpy: 200_000,
      ...to,
    });
    return { candidate: c, placement };
  };
  // Inside 2024–2025: Long An 2 to Okayama + 1 to Taiwan, Tây Ninh 1 to Tokyo, Nghệ An 1 to Osaka.
  const okayama1 = await departed(longAn, '2024-03-10', { prefectureCode: '33' });
  const okayama2 = await departed(longAn, '2024-05-20', { prefectureCode: '33' });
  const taiwan = await departed(longAn, '2024-06-01', { destinationCountry: 'TW', program: 'other' });
  const tokyo = await departed(tayNinh, '2025-08-15', { prefectureCode: '13' });
  await departed(ngheAn, '2025-09-01', { prefectureCode: '27' });

  // Recruitment costs of the 2024 departures (wage ¥200,000, 36-month contracts: cap ¥600,000):
  // 2.5 and 3.5 months' wage to Okayama (the second over the cap), half a month to Taiwan.
  const fee = async (placementId: string, amount: number) => {
    const res = await t.request({
      method: 'POST',
      url: `/placements/${placementId}/fees`,
      as: actors.admin(),
      payload: {
        category: 'service_fee',
        payer: 'worker',
        amount,
        currency: 'JPY',
        paidOn: '2024-01-15',
        source: 'receipt',
      },
    });
    expect(res.statusCode).toBe(201);
  };
  await fee(okayama1.placement.id, 500_000);
  await fee(okayama2.placement.id, 700_000);
  await fee(taiwan.placement.id, 100_000);

  // Two grievances of Tây Ninh workers: unpaid wages (open, long overdue), housing (resolved).
  const grievance = async (candidateId: string, category: string, receivedAt: string) => {
    const res = await t.request({
      method: 'POST',
      url: '/grievances',
      as: actors.admin(),
      payload: {
        candidateId,
        category,
        description: 'Qua đường dây nóng',
        receivedVia: 'hotline',
        receivedAt,
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  await grievance(tokyo.candidate.id, 'wage_unpaid', '2025-09-20T09:00:00+07:00');
  const housing = await grievance(okayama1.candidate.id, 'housing', '2025-10-01T09:00:00+07:00');
  await t.request({
    method: 'POST',
    url: `/grievances/${housing}/resolve`,
    as: actors.admin(),
    payload: { resolution: 'Đã chuyển phòng' },
  });

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
    // The demo's (and today's) provincial department: Sở Nội vụ, which took over labour in 2025.
    expect(await page.locator('#login p').first().textContent()).toContain('Sở Nội vụ');

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
    // Dates as a Vietnamese officer writes them (the API's ISO form is taken too), whatever the
    // browser's own locale: no mm/dd/yyyy anywhere.
    expect(await page.getByLabel('Từ ngày').getAttribute('placeholder')).toBe('ngày/tháng/năm');
    await page.getByLabel('Từ ngày').fill('31/02/2024');
    await page.getByRole('button', { name: 'Xem' }).click();
    expect(await page.locator('#from-error').textContent()).toBe('Ngày không hợp lệ. Ví dụ: 01/07/2025');
    expect(await page.getByLabel('Từ ngày').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Từ ngày').fill('2024-01-01');
    await page.getByLabel('Đến ngày').fill('31/12/2025');
    await page.getByRole('button', { name: 'Xem' }).click();
    expect(await page.getByLabel('Từ ngày').inputValue()).toBe('01/01/2024');
    expect(await page.locator('#from-error').textContent()).toBe('');

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

    // The trend: the years of the range, year by year.
    expect(await tableText('trend-table')).toEqual([
      ['Năm', 'Nhật Bản', 'Nước khác', 'Tổng số xuất cảnh', 'Tỷ lệ sang Nhật'],
      ['2024', '2', '1', '3', '66,7%'],
      ['2025', '2', '0', '2', '100,0%'],
      ['Tổng cộng', '4', '1', '5', '80,0%'],
    ]);
    expect(await pixelsOfColour('trend-chart', JAPAN_RED)).toBeGreaterThan(200);

    // A full-page screenshot (the page grows, the charts are redrawn) keeps every bar.
    await page.screenshot({ path: join(shotsDir, 'dashboard-1280.png'), fullPage: true });
    expect(await pixelsOfColour('pipeline-chart', [0x1f, 0x5f, 0xa8])).toBeGreaterThan(200);
    expect(await pixelsOfColour('reintegration-chart', [0x1b, 0x7f, 0x4b])).toBeGreaterThan(200);
    // The host-prefecture card beside the longer pipeline card is as tall as its content.
    const gap = await page.evaluate(() => {
      const card = document.getElementById('prefectures')!.getBoundingClientRect();
      const last = document.querySelector('#prefectures .downloads')!.getBoundingClientRect();
      return card.bottom - last.bottom;
    });
    expect(gap).toBeLessThan(40);
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
    expect(await page.locator('#monthly-month').getAttribute('placeholder')).toBe('tháng/năm');
    await page.locator('#monthly-month').fill('05/2024');
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

  it('shows the recruitment cost (SDG 10.7.1) of a year of departure, with CSV and Excel downloads', async () => {
    await page.getByLabel('Năm xuất cảnh').selectOption('2024');
    // By hand: Okayama ¥500,000 and ¥700,000 on ¥200,000 → 2.5 and 3.5 months (median = mean = 3),
    // the second over the ¥600,000 cap; Taiwan ¥100,000 → 0.5.
    await expect
      .poll(() => tableText('recruitment-table'))
      .toEqual([
        ['Tỉnh, thành', 'Chương trình', 'Số lao động', 'Trung vị', 'Trung bình', 'Vượt trần'],
        ['Tây Ninh', 'Khác', '1', '0,50', '0,50', '0'],
        ['Tây Ninh', 'Thực tập kỹ năng số 1', '2', '3,00', '3,00', '1'],
        ['Tổng cộng', '', '3', '', '', '1'],
      ]);
    expect(await pixelsOfColour('recruitment-chart', [0x7a, 0x4b, 0x00])).toBeGreaterThan(100);
    expect(await page.locator('#recruitment [data-note]').textContent()).toContain('SDG 10.7.1');
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', { name: 'Tải Excel: Chi phí tuyển dụng người lao động phải trả (SDG 10.7.1)' })
        .click(),
    ]);
    const file = join(shotsDir, xlsx.suggestedFilename());
    await xlsx.saveAs(file);
    expect(file).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const cells = workbook.worksheets[0]!.getSheetValues().flat().map(String);
    expect(cells).toContain('Tây Ninh');
    const csvRequest = requests.find(
      (r) => r.url().includes('/reports/recruitment-cost') && r.url().includes('format=xlsx'),
    );
    expect(csvRequest?.url()).toContain('year=2024');
    expect(csvRequest?.url()).toContain('lang=vi');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', { name: 'Tải CSV: Chi phí tuyển dụng người lao động phải trả (SDG 10.7.1)' })
        .click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  });

  it('counts grievances by province and category in the date range, with what is unresolved and overdue', async () => {
    expect(await tableText('grievances-table')).toEqual([
      ['Tỉnh, thành', 'Loại', 'Đã nhận', 'Chưa giải quyết', 'Quá hạn'],
      ['Tây Ninh', 'Nhà ở', '1', '0', '0'],
      ['Tây Ninh', 'Không trả lương', '1', '1', '1'],
      ['Tổng cộng', '', '2', '1', '1'],
    ]);
    expect(await pixelsOfColour('grievances-chart', [0xa4, 0x00, 0x1f])).toBeGreaterThan(50);
    expect(await page.getByRole('button', { name: 'Tải Excel: Khiếu nại của người lao động' }).count()).toBe(
      1,
    );
  });

  it('filters departures by programme and gender, as the API allows', async () => {
    await page.getByLabel('Chương trình').selectOption('other');
    await expect
      .poll(() => tableText('share-table'))
      .toEqual([
        ['Tỉnh, thành', 'Nhật Bản', 'Nước khác', 'Tổng số xuất cảnh', 'Tỷ lệ sang Nhật'],
        ['Tây Ninh', '0', '1', '1', '0,0%'],
        ['Tổng cộng', '0', '1', '1', '0,0%'],
      ]);
    expect((await tableText('trend-table')).at(-1)).toEqual(['Tổng cộng', '0', '1', '1', '0,0%']);
    await page.getByLabel('Giới tính').selectOption('female');
    await expect.poll(() => tableText('share-table')).toContainEqual(['Tổng cộng', '0', '0', '0', '—']);
    const last = requests.filter((r) => r.url().includes('/reports/province-share')).at(-1)!;
    expect(last.url()).toContain('program=other');
    expect(last.url()).toContain('gender=female');
    // The pipeline has no such filter in the API: it is asked as before.
    const pipeline = requests.filter((r) => r.url().includes('/reports/pipeline')).at(-1)!;
    expect(pipeline.url()).not.toContain('gender=');
    await page.getByLabel('Chương trình').selectOption('');
    await page.getByLabel('Giới tính').selectOption('');
    await expect
      .poll(async () => (await tableText('share-table')).at(-1))
      .toEqual(['Tổng cộng', '4', '1', '5', '80,0%']);
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
      'Other countries',
      'All',
      'Share to Japan',
    ]);
    // The dates follow the language: DD/MM/YYYY in English, YYYY年M月D日 in Japanese.
    expect(await page.locator('#from').inputValue()).toBe('01/01/2024');
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
    expect(await page.locator('#from').inputValue()).toBe('2024年1月1日');
    // Column headers break between phrases, never inside a word: "日本" stays on one line.
    const japanHeader = await page.evaluate(() => {
      const th = document.querySelectorAll('#share-table thead th')[1]!;
      const range = document.createRange();
      range.selectNodeContents(th);
      return {
        text: th.textContent,
        lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size,
      };
    });
    expect(japanHeader).toEqual({ text: '日本', lines: 1 });
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
    // After the full-page screenshot every chart still has its bars.
    expect(await pixelsOfColour('pipeline-chart', [0x1f, 0x5f, 0xa8])).toBeGreaterThan(100);
    expect(await pixelsOfColour('reintegration-chart', [0x1b, 0x7f, 0x4b])).toBeGreaterThan(100);
    for (const key of ['filters', 'share', 'prefectures', 'pipeline', 'reintegration']) {
      await page.locator(`#${key}`).screenshot({ path: join(shotsDir, `${key}-390.png`) });
    }
    // In English the share table fits the phone; a table that cannot fit says so under it.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    const tables = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.table-wrap')].map((wrap) => ({
        id: wrap.querySelector('table')!.id,
        overflows: wrap.scrollWidth > wrap.clientWidth + 1,
        hint: !(wrap.nextElementSibling as HTMLElement).hidden,
      })),
    );
    expect(tables.find((x) => x.id === 'share-table')).toEqual({
      id: 'share-table',
      overflows: false,
      hint: false,
    });
    for (const table of tables) expect(table.hint, table.id).toBe(table.overflows);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByLabel('Language').selectOption('vi');
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
    // (Chromium's advice on repeated getImageData comes from this file's own pixel counting.)
    expect(problems.filter((p) => !/status of 401|Multiple readback operations/.test(p))).toEqual([]);
  });
});
