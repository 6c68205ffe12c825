import { readFileSync } from 'node:fs';
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { candidates, placements } from '../../src/db/schema.ts';
import { DEMO_PASSWORD, SHOTS_DIR, signIn, type Workspace, workspaceForFile } from './browser.ts';

/*
 * A statistician of the Tây Ninh department (province 80) opens the reports, picks the month of the
 * province's latest departure, sees the workers in the table and downloads the monthly list as xlsx.
 */

let w: Workspace;
workspaceForFile({ demo: true }, (opened) => {
  w = opened;
});

describe("a provincial officer's reports", () => {
  it('shows the monthly list of workers and downloads it as xlsx', async () => {
    const { page, base } = w;
    const [latest] = await w.t.database.db
      .select({ departedOn: placements.departedOn, fullName: candidates.fullName })
      .from(placements)
      .innerJoin(candidates, eq(candidates.id, placements.candidateId))
      .where(and(eq(candidates.homeProvince2025, '80'), isNotNull(placements.departedOn)))
      .orderBy(desc(placements.departedOn))
      .limit(1);
    expect(latest).toBeDefined();
    const month = String(latest!.departedOn).slice(0, 7);

    await signIn(page, base, 'tayninh@demo.kakehashi.vn', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Báo cáo' }).first().click();
    await page.getByRole('heading', { name: 'Báo cáo', level: 1 }).waitFor();
    await expect(
      page
        .getByRole('link', { name: /thống kê/i })
        .first()
        .getAttribute('href'),
    ).resolves.toBe('/dashboard');
    const monthly = page.locator('section.card', {
      has: page.getByRole('heading', { name: 'Danh sách người lao động theo tháng' }),
    });
    await monthly.getByLabel('Tháng', { exact: true }).selectOption(month);
    await monthly.getByRole('button', { name: 'Xem', exact: true }).click();
    const [y, m] = month.split('-');
    await monthly.getByRole('table', { name: `Người lao động tháng ${m}/${y}` }).waitFor();
    await monthly.getByRole('cell', { name: latest!.fullName }).first().waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/workspace-officer-1280.png`, fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      monthly.getByRole('button', { name: 'Tải Excel (.xlsx)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = readFileSync((await download.path())!);
    expect(file.subarray(0, 2).toString()).toBe('PK');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ExcelJS.Buffer);
    const cells: string[] = [];
    book.worksheets[0]!.eachRow((row) => {
      row.eachCell((c) => {
        cells.push(String(c.value));
      });
    });
    expect(cells).toContain(latest!.fullName);
    // Headers in Vietnamese (the app's language), e.g. the column "Họ và tên".
    expect(cells.some((c) => /Họ và tên/.test(c))).toBe(true);
    const status = await page.locator('#live-status').textContent();
    expect(status).toContain('Đã tải xuống');

    // The recruitment-cost report answers too (its table is drawn, whatever the year holds).
    const cost = page.locator('section.card', {
      has: page.getByRole('heading', { name: /Chi phí tuyển dụng/ }),
    });
    await cost.getByRole('button', { name: 'Xem', exact: true }).click();
    await cost.getByRole('table').waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('heading', { name: 'Báo cáo', level: 1 }).waitFor();
    await page.screenshot({ path: `${SHOTS_DIR}/workspace-officer-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);
});
