import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages, EXPORT_ROW_CAP, neutralise, XLSX_TYPE } from '../src/lib/spreadsheet.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let otherCenterId: string;
const admin = actors.admin();

const get = (url: string, as = admin, headers: Record<string, string> = {}) =>
  t.request({ method: 'GET', url, as, headers });

/** The workbook of an answer, read back with exceljs; its first sheet as arrays of cells. */
async function sheetOf(payload: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0]!;
  const rows: ExcelJS.Row[] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => rows.push(row));
  const values = rows.map((row) => (row.values as unknown[]).slice(1));
  return { sheet, rows, values };
}

const csvOf = (body: string, delimiter = ',') =>
  parse(body.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true }) as string[][];

const NASTY = '=HYPERLINK("http://evil.example","bấm")';

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center({ provinceCode: '80' })).id;
  otherCenterId = (await t.seed.center({ provinceCode: '01' })).id;
  // Cao Bằng (04) keeps its zero; the 2008 Tây Ninh (72) and the 2025-coded merged Tây Ninh (80).
  for (const [code, boundaries, home2025, departedOn, country] of [
    ['04', '2025', '04', '2025-03-01', 'JP'],
    ['04', '2025', '04', '2025-03-02', 'KR'],
    ['72', '2008', '80', '2025-03-03', 'JP'],
    ['80', '2025', '80', '2025-08-01', 'JP'],
  ] as const) {
    const c = await t.seed.candidate({
      trainingCenterId: centerId,
      homeProvinceCode: code,
      provinceBoundaries: boundaries,
      homeProvince2025: home2025,
      status: 'departed',
    });
    await t.seed.placement({
      candidateId: c.id,
      status: 'departed',
      departedOn,
      destinationCountry: country,
    });
  }
  await t.seed.candidate({
    trainingCenterId: centerId,
    fullName: NASTY,
    nationalId: '001099012345',
    phone: '0912345678',
    homeProvinceCode: '04',
    homeProvince2025: '04',
    status: 'registered',
  });
  await t.seed.candidate({
    trainingCenterId: otherCenterId,
    fullName: 'Trần Thị Khác',
    homeProvinceCode: '01',
  });
  // A certificate of a trainee whose name a clerk typed with a leading "+".
  const holder = await t.seed.candidate({
    trainingCenterId: centerId,
    fullName: '+Hoàng Văn Cộng',
    status: 'training',
  });
  const course = await t.seed.course({ trainingCenterId: centerId, name: 'Tiếng Nhật N4' });
  const enrollment = await t.seed.enrollment({
    courseId: course.id,
    candidateId: holder.id,
    outcome: 'passed',
  });
  const issued = await t.request({
    method: 'POST',
    url: '/certificates',
    payload: { enrollmentId: enrollment.id },
    as: admin,
  });
  expect(issued.statusCode).toBe(201);
});
afterAll(() => t.close());

describe('report workbooks', () => {
  it('a province-share workbook has a title row, headers in the language, numbers and codes as text', async () => {
    const res = await get('/reports/province-share?from=2025-01-01&to=2025-12-31&format=xlsx&lang=vi');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX_TYPE);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="province-share_2025_2025-01-01_2025-12-31.xlsx"',
    );
    const { values, sheet } = await sheetOf(res.rawPayload);
    expect(values[0]![0]).toBe('Tỷ lệ lao động sang Nhật Bản theo tỉnh');
    expect(values[1]![0]).toBe('Điều kiện lọc: Từ ngày: 01/01/2025 · Đến ngày: 31/12/2025 · Ranh giới: 2025');
    expect(String(values[2]![0])).toMatch(/^Ngày xuất: \d\d\/\d\d\/\d{4}$/);
    expect(values[3]).toEqual([
      'Mã tỉnh',
      'Ranh giới',
      'Tỉnh, thành',
      'Quy được về tỉnh cũ',
      'Tổng số xuất cảnh',
      'Sang Nhật Bản',
      'Tỷ lệ sang Nhật',
      'Ẩn số nhỏ',
    ]);
    const caoBang = values.find((r) => r[2] === 'Cao Bằng')!;
    expect(caoBang).toEqual(['04', '2025', 'Cao Bằng', 'Có', 2, 1, 0.5, 'Không']);
    const row = sheet.getRow(values.indexOf(caoBang) + 1);
    expect(row.getCell(1).numFmt).toBe('@');
    expect(row.getCell(5).numFmt).toBe('#,##0');
    expect(row.getCell(7).numFmt).toBe('0.00%');
    const total = values.at(-1)!;
    expect(total.slice(0, 1)).toEqual(['Tổng cộng']);
    expect(total.slice(4, 7)).toEqual([4, 3, 0.75]);
    expect(sheet.getRow(values.length).font?.bold).toBe(true);
  });

  it('headers and labels follow lang or Accept-Language (ja, en), with the date as the language writes it', async () => {
    const ja = await sheetOf(
      (await get('/reports/pipeline?format=xlsx', admin, { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.5' }))
        .rawPayload,
    );
    expect(ja.values[0]![0]).toBe('状況別の候補者数');
    expect(String(ja.values[2]![0])).toMatch(/^作成日: \d{4}年\d{1,2}月\d{1,2}日$/);
    expect(ja.values[3]).toEqual(['状況', '候補者数', '秘匿']);
    expect(ja.values.find((r) => r[0] === '登録')).toEqual(['登録', 2, 'いいえ']);
    const en = await sheetOf((await get('/reports/pipeline?format=xlsx&lang=en')).rawPayload);
    expect(en.values[3]).toEqual(['Status', 'Candidates', 'Suppressed']);
    expect(en.values.find((r) => r[0] === 'Departed')).toEqual(['Departed', 4, 'No']);
    expect(en.values.at(-1)).toEqual(['Total', 7, 'No']);
  });

  it('the 2008 export tells the two Tây Ninh rows apart in the name', async () => {
    const { values } = await sheetOf(
      (await get('/reports/province-share?boundaries=2008&format=xlsx&lang=vi')).rawPayload,
    );
    const names = values.slice(4, -1).map((r) => r[2]);
    expect(names).toContain('Tây Ninh (2008)');
    expect(names).toContain('Tây Ninh (2025)');
    expect(values.find((r) => r[2] === 'Tây Ninh (2025)')!.slice(0, 4)).toEqual([
      '80',
      '2025',
      'Tây Ninh (2025)',
      'Không',
    ]);
  });

  it('a Vietnamese CSV: semicolons, decimal comma, yes/no and statuses in Vietnamese, a BOM', async () => {
    const res = await get(
      '/reports/province-share?from=2025-01-01&to=2025-12-31&format=csv&lang=vi&sep=semicolon',
    );
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'Mã tỉnh;Ranh giới;Tỉnh, thành;Quy được về tỉnh cũ;Tổng số xuất cảnh;Sang Nhật Bản;Tỷ lệ sang Nhật;Ẩn số nhỏ',
    );
    expect(lines).toContain('04;2025;Cao Bằng;Có;2;1;0,5;Không');
    expect(lines).toContain('Tổng cộng;2025;;;4;3;0,75;Không');
    const pipeline = csvOf((await get('/reports/pipeline?format=csv&lang=vi&sep=semicolon')).body, ';');
    expect(pipeline).toContainEqual(['Đăng ký', '2', 'Không']);
  });

  it('the worker-protection reports export the same way', async () => {
    const cost = await sheetOf(
      (await get('/reports/recruitment-cost?year=2025&boundaries=2008&format=xlsx&lang=vi')).rawPayload,
    );
    expect(cost.values[0]![0]).toBe('Chi phí tuyển dụng người lao động phải trả (tháng lương)');
    expect(cost.values[1]![0]).toBe('Điều kiện lọc: Năm: 2025 · Ranh giới: 2008');
    expect(cost.values[3]).toEqual([
      'Mã tỉnh',
      'Tỉnh, thành',
      'Chương trình',
      'Số lao động',
      'Trung vị chi phí (tháng lương)',
      'Trung bình chi phí (tháng lương)',
      'Vượt mức trần',
      'Ẩn số nhỏ',
    ]);
    const grievances = await sheetOf((await get('/reports/grievances?format=xlsx&lang=en')).rawPayload);
    expect(grievances.values[0]![0]).toBe('Grievances by province and category');
    expect(grievances.values[3]![2]).toBe('Category');
    const csv = csvOf((await get('/reports/grievances?format=csv&lang=ja&sep=semicolon')).body, ';');
    expect(csv[0]).toEqual(['省コード', '省・市', '種類', '苦情件数', '未解決', '期限超過', '秘匿']);
  });

  it('a CSV without a language keeps the API field names (machine-readable)', async () => {
    const rows = csvOf((await get('/reports/pipeline?format=csv')).body);
    expect(rows[0]).toEqual(['status', 'candidates', 'suppressed']);
    expect(rows).toContainEqual(['registered', '2', 'false']);
  });

  it('refuses an unknown language or separator with a 400 naming the parameter', async () => {
    for (const [url, path] of [
      ['/reports/pipeline?format=xlsx&lang=fr', 'lang'],
      ['/reports/pipeline?format=csv&sep=tab', 'sep'],
      ['/reports/pipeline?format=pdf', 'format'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(JSON.stringify(res.json().errors), url).toContain(path);
    }
  });
});

describe('list files', () => {
  it('a candidate list workbook keeps ID and phone zeros as text and never holds a formula', async () => {
    const res = await get('/candidates?format=xlsx&lang=vi', actors.center(centerId));
    expect(res.statusCode).toBe(200);
    const { values, sheet } = await sheetOf(res.rawPayload);
    expect(values[0]![0]).toBe('Danh sách ứng viên');
    const header = values[3]!;
    expect(header.slice(0, 6)).toEqual([
      'Mã hồ sơ',
      'Họ và tên',
      'Ngày sinh',
      'Giới tính',
      'Số CCCD',
      'Số điện thoại',
    ]);
    const nasty = values.find((r) => String(r[1]).includes('HYPERLINK'))!;
    expect(nasty[1]).toBe(`'${NASTY}`);
    expect(nasty[4]).toBe('001099012345');
    expect(nasty[5]).toBe('0912345678');
    expect(nasty[6]).toBe('04');
    expect(nasty[header.indexOf('Trạng thái')]).toBe('Đăng ký');
    expect(nasty[header.indexOf('Đồng ý chia sẻ')]).toBe('Có');
    // A date of birth is a date cell shown DD/MM/YYYY.
    const rowNo = values.indexOf(nasty) + 1;
    expect(sheet.getRow(rowNo).getCell(3).value).toEqual(new Date('2000-01-15T00:00:00Z'));
    expect(sheet.getRow(rowNo).getCell(3).numFmt).toBe('dd/mm/yyyy');
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        expect(cell.formula).toBeUndefined();
        if (typeof cell.value === 'string') expect(cell.value).not.toMatch(/^[=+\-@]/);
      }),
    );
    // The center's own trainees only: six of them, none of the other center.
    expect(values.slice(4)).toHaveLength(6);
    expect(values.some((r) => r[1] === 'Trần Thị Khác')).toBe(false);
  });

  it('a candidate CSV neutralises formulas and keeps the zeros, in every page of the scope', async () => {
    const res = await get('/candidates?format=csv&lang=en&limit=1', admin);
    const rows = csvOf(res.body);
    expect(rows[0]!.slice(0, 5)).toEqual(['Code', 'Full name', 'Date of birth', 'Gender', 'National ID']);
    // limit pages the JSON; a file holds every page of the caller's scope.
    expect(rows.slice(1)).toHaveLength(7);
    const nasty = rows.find((r) => r[1]!.includes('HYPERLINK'))!;
    expect(nasty[1]).toBe(`'${NASTY}`);
    expect(nasty[4]).toBe('001099012345');
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('placement and certificate lists export with labels; a partner still sees only its scope', async () => {
    const placements = csvOf((await get('/placements?format=csv&lang=vi&sep=semicolon')).body, ';');
    expect(placements[0]!.slice(0, 4)).toEqual(['Mã hồ sơ', 'Mã tỉnh', 'Tỉnh, thành', 'Nước đến']);
    expect(
      placements
        .slice(1)
        .map((r) => r[3])
        .sort(),
    ).toEqual(['Hàn Quốc', 'Nhật Bản', 'Nhật Bản', 'Nhật Bản']);
    expect(placements.slice(1).every((r) => r[12] === 'Đang ở nước ngoài')).toBe(true);
    const partner = actors.partner('00000000-0000-4000-8000-0000000000aa');
    expect(csvOf((await get('/placements?format=csv', partner)).body)).toHaveLength(1);
    const certificates = await sheetOf((await get('/certificates?format=xlsx&lang=ja')).rawPayload);
    expect(certificates.values[0]![0]).toBe('修了証一覧');
    expect(certificates.values[3]!.slice(0, 4)).toEqual(['証書番号', '照合コード', '種類', '取得者']);
    const [certificate] = certificates.values.slice(4);
    expect(certificate![3]).toBe("'+Hoàng Văn Cộng");
    expect(certificate![4]).toBe('Tiếng Nhật N4');
    expect(certificate![6]).toBe('いいえ');
    expect(certificates.values.slice(4)).toHaveLength(1);
  });

  it('a bad cursor in a file export is still a 400, not a broken file', async () => {
    const res = await get('/candidates?format=xlsx&cursor=nonsense');
    expect(res.statusCode).toBe(400);
  });

  it(`a list export stops at ${EXPORT_ROW_CAP.toLocaleString('en')} rows and says where to continue`, async () => {
    let served = 0;
    const { rows, truncated } = await allPages(async (cursor, limit) => {
      const start = Number(cursor ?? 0);
      served += limit;
      return { items: Array.from({ length: limit }, (_, i) => start + i), nextCursor: String(start + limit) };
    }, undefined);
    let n = 0;
    for await (const _ of rows) n++;
    expect(n).toBe(EXPORT_ROW_CAP);
    expect(served).toBe(EXPORT_ROW_CAP);
    expect(truncated()).toBe(String(EXPORT_ROW_CAP));
  });

  it('neutralises every formula lead character (OWASP CSV injection)', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(neutralise(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(neutralise('Nguyễn - Văn')).toBe('Nguyễn - Văn');
  });
});
