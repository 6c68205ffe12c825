import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { candidates } from '../../src/db/schema.ts';
import { DEMO_PASSWORD, SHOTS_DIR, signIn, type Workspace, workspaceForFile } from './browser.ts';

/*
 * A clerk of the Long An center, on a fresh database with the demo data, does a day's work in the
 * browser: registers a trainee (after the API refused one field), imports a workbook with one bad
 * row (sees it, fixes it, imports), opens a course, enrolls, records a pass, marks the trainee
 * ready and prints the certificate.
 */

let w: Workspace;
workspaceForFile({ demo: true }, (opened) => {
  w = opened;
});

const dmy = (d: Date) =>
  `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
const daysFromNow = (n: number) => new Date(Date.now() + n * 86_400_000);

/** A workbook with the template's Vietnamese headers and two trainees. */
async function workbook(secondId: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Danh sách');
  sheet.addRow(['Họ và tên', 'Ngày sinh', 'Giới tính', 'Số CCCD', 'Mã tỉnh', 'Ngành nghề', 'Đồng ý chia sẻ']);
  sheet.addRow(['Lê Văn Phúc Hậu', '03/05/2000', 'Nam', '080200001111', '80', 'construction', 'có']);
  sheet.addRow(['Phạm Thị Thu', '21/11/2002', 'Nữ', secondId, '80', 'nursing_care', 'có']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe("a center's day in the workspace", () => {
  it('signs in and sees the trainees of the center (screenshots at 1280 and 390 px)', async () => {
    await signIn(w.page, w.base, 'longan@demo.kakehashi.vn', DEMO_PASSWORD);
    await w.page.getByRole('heading', { name: 'Xin chào, trung tâm đào tạo' }).waitFor();
    await w.page.getByRole('link', { name: 'Học viên', exact: true }).click();
    await w.page.getByRole('heading', { name: 'Học viên', level: 1 }).waitFor();
    await w.page.locator('tbody tr').first().waitFor();
    expect(await w.page.locator('tbody tr').count()).toBe(50);
    // Filters: the search words and a status, answered by the API.
    await w.page.getByLabel('Trạng thái', { exact: true }).selectOption({ label: 'Sẵn sàng' });
    await w.page.getByRole('button', { name: 'Lọc' }).click();
    await expect
      .poll(async () => new Set(await w.page.locator('tbody td .badge').allTextContents()))
      .toEqual(new Set(['Sẵn sàng']));
    await w.page.getByLabel('Trạng thái', { exact: true }).selectOption({ label: 'Tất cả' });
    await w.page.getByRole('button', { name: 'Lọc' }).click();
    await expect.poll(() => w.page.locator('tbody tr').count()).toBe(50);
    await w.page.screenshot({ path: `${SHOTS_DIR}/workspace-center-1280.png`, fullPage: false });
    // A phone: the page as it opens there (filters folded, the menu behind a button), nothing wider.
    await w.page.setViewportSize({ width: 390, height: 844 });
    await w.page.reload();
    await w.page.locator('tbody tr').first().waitFor();
    expect(await w.page.getByRole('navigation').isVisible()).toBe(false);
    expect(await w.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await w.page.screenshot({ path: `${SHOTS_DIR}/workspace-center-390.png`, fullPage: false });
    await w.page.getByRole('button', { name: 'Trình đơn' }).click();
    expect(await w.page.getByRole('navigation').isVisible()).toBe(true);
    await w.page.setViewportSize({ width: 1280, height: 900 });
    await w.page.reload();
    await w.page.locator('tbody tr').first().waitFor();
  });

  it('registers a trainee, with the refused field shown next to its input', async () => {
    await w.page.getByRole('link', { name: 'Học viên', exact: true }).click();
    await w.page.getByRole('link', { name: 'Đăng ký học viên' }).click();
    await w.page.getByLabel('Họ và tên').fill('Võ Thị Mai');
    await w.page.getByLabel('Ngày sinh').fill('09/09/2003');
    await w.page.getByLabel('Giới tính').selectOption({ label: 'Nữ' });
    await w.page.getByLabel('Số CCCD').fill('12345');
    await w.page.getByLabel('Mã tỉnh').selectOption('80');
    await w.page.getByLabel('Ngành nghề').selectOption('food_service');
    await w.page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    const error = w.page.locator('#f-nationalId-error');
    await error.waitFor();
    // The API's message for the field, and the focus on it.
    await expect.poll(() => w.page.evaluate(() => document.activeElement?.id)).toBe('f-nationalId');
    expect(await w.page.locator('#f-fullName-error').count()).toBe(0);
    await w.page.getByLabel('Số CCCD').fill('080303009999');
    await w.page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await w.page.getByRole('heading', { name: /^Võ Thị Mai — KH-/ }).waitFor();
    expect(await w.page.locator('#live-status').textContent()).toMatch(/^Đã đăng ký Võ Thị Mai/);
  });

  it('imports a workbook: one bad row is shown and nothing goes in; fixed, both rows go in', async () => {
    await w.page.getByRole('link', { name: 'Học viên', exact: true }).click();
    await w.page.getByRole('link', { name: 'Nhập từ tệp' }).click();
    const [template] = await Promise.all([
      w.page.waitForEvent('download'),
      w.page.getByRole('button', { name: 'Tải mẫu Excel (.xlsx)' }).click(),
    ]);
    expect(template.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(
      readFileSync((await template.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    await w.page.getByLabel('Tệp danh sách').setInputFiles({
      name: 'lop-thang-12.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await workbook('08020000222'.slice(0, 7)),
    });
    await w.page.getByRole('button', { name: 'Nhập danh sách' }).click();
    await w.page.getByRole('heading', { name: 'Các dòng cần sửa' }).waitFor();
    const rows = await w.page.locator('table tbody tr').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^2\tSố CCCD\t/);
    expect(await w.page.locator('#live-error').textContent()).toBe('Tệp có 1 lỗi; chưa nhập dòng nào.');
    expect(
      await w.t.database.db.select().from(candidates).where(eq(candidates.nationalId, '080200001111')),
    ).toEqual([]);

    await w.page.getByLabel('Tệp danh sách').setInputFiles({
      name: 'lop-thang-12.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await workbook('080202002222'),
    });
    await w.page.getByRole('button', { name: 'Nhập danh sách' }).click();
    await w.page.getByRole('heading', { name: 'Đã nhập 2 học viên.' }).waitFor();
    expect(await w.page.locator('table tbody tr').count()).toBe(2);
  });

  it('opens a course, enrolls the new trainee, records a pass, marks ready and prints the certificate', async () => {
    await w.page.getByRole('link', { name: 'Khóa học', exact: true }).click();
    await w.page.getByLabel('Tên khóa học').fill('Điều dưỡng cơ bản K12');
    await w.page.getByLabel('Loại khóa').selectOption({ label: 'Kỹ năng nghề' });
    await w.page.getByLabel('Ngày bắt đầu').fill(dmy(daysFromNow(-30)));
    await w.page.getByLabel('Ngày kết thúc').fill(dmy(daysFromNow(30)));
    await w.page.getByLabel('Số giờ').fill('240');
    await w.page.getByRole('button', { name: 'Tạo khóa học' }).click();
    await w.page.getByRole('heading', { name: 'Điều dưỡng cơ bản K12', level: 1 }).waitFor();

    await w.page.getByLabel('Tìm học viên').fill('Võ Thị Mai');
    await w.page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await w.page.locator('#f-candidateId').waitFor();
    await w.page.getByRole('button', { name: 'Ghi danh', exact: true }).click();
    await w.page.getByRole('cell', { name: 'Võ Thị Mai', exact: true }).waitFor();

    await w.page.getByRole('button', { name: 'Ghi kết quả: Võ Thị Mai' }).click();
    const dialog = w.page.getByRole('dialog');
    await dialog.getByLabel('Kết quả').selectOption('passed');
    await dialog.getByLabel('Điểm').fill('86,5');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await w.page.getByRole('cell', { name: 'Đạt', exact: true }).waitFor();
    expect(await w.page.getByRole('cell', { name: '86,5', exact: true }).count()).toBe(1);

    // The trainee, now in training, is marked ready.
    await w.page.getByRole('link', { name: /^KH-/ }).click();
    await w.page.getByRole('heading', { name: /^Võ Thị Mai — KH-/ }).waitFor();
    await w.page.getByRole('button', { name: 'Đánh dấu sẵn sàng' }).click();
    await expect.poll(() => w.page.locator('.facts .badge').textContent()).toBe('Sẵn sàng');
    expect(await w.page.locator('#live-status').textContent()).toBe('Trạng thái mới: Sẵn sàng.');

    // Back to the course: the certificate is issued and its PDF arrives.
    await w.page.getByRole('link', { name: 'Điều dưỡng cơ bản K12' }).click();
    const [pdf] = await Promise.all([
      w.page.waitForEvent('download'),
      w.page.getByRole('button', { name: 'In chứng nhận: Võ Thị Mai' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });
});
