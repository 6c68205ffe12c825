import { readFileSync } from 'node:fs';
import { inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/lib/actor.ts';
import { candidates } from '../src/modules/candidates/candidates.table.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors, nationalId } from './helpers/seed.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const VI_HEADER = [
  'Họ và tên',
  'Ngày sinh',
  'Giới tính',
  'Số CCCD',
  'Số điện thoại',
  'Tỉnh',
  'Ngành nghề',
  'Trình độ tiếng Nhật',
  'Đồng ý chia sẻ',
];

let t: TestApp;
let center: { id: string };
let as: Actor;

beforeAll(async () => {
  t = await createTestApp();
  center = await t.seed.center();
  as = actors.center(center.id);
});
afterAll(() => t.close());

/** A workbook as exceljs writes it: the rows on the first sheet, a decoy sheet after it. */
async function workbook(rows: unknown[][], format?: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Danh sách');
  for (const r of rows) ws.addRow(r);
  format?.(ws);
  wb.addWorksheet('Khác').addRow(['not', 'read']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const upload = (payload: Buffer, type = XLSX, who: Actor = as) =>
  t.request({
    method: 'POST',
    url: '/candidates/import',
    as: who,
    headers: { 'content-type': type },
    payload,
  });

const stored = (ids: string[]) =>
  t.database.db.select().from(candidates).where(inArray(candidates.nationalId, ids));

describe('importing an Excel workbook', () => {
  it('reads Vietnamese headers, Excel dates and lost leading zeros, and answers each row’s code', async () => {
    // The first is a Hà Nội CCCD (province 001): typed as a number, Excel drops both of its zeros.
    const ids = [`001${nationalId().slice(3)}`, nationalId(), nationalId()];
    const book = await workbook([
      VI_HEADER,
      // A date cell, a CCCD typed as a number (its 0 dropped by Excel), a phone that lost its 0.
      [
        'Hoàng Thị Lan',
        new Date(Date.UTC(2001, 4, 17)),
        'Nữ',
        Number(ids[0]),
        987654321,
        'Hà Nội',
        'Xây dựng',
        'N3',
        'có',
      ],
      // DD/MM/YYYY text, the API's own values, a province by name with its accents dropped.
      ['Đinh Văn Bảo', '03/11/1999', 'Nam', ids[1], '0901234567', 'Tay Ninh', 'construction', 'n5', 'không'],
      // Excel's own TRUE, a date typed as YYYY-MM-DD.
      [
        'Lý Thu Hà',
        '2000-02-29',
        'nữ',
        ids[2],
        null,
        'Thành phố Hồ Chí Minh',
        'Điều dưỡng, chăm sóc',
        null,
        true,
      ],
    ]);
    const res = await upload(book);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { inserted: number; items: { row: number; code: string; id: string }[] };
    expect(body.inserted).toBe(3);
    expect(body.items.map((i) => i.row)).toEqual([1, 2, 3]);

    const rows = await stored(ids);
    const byId = new Map(rows.map((r) => [r.nationalId, r]));
    expect(byId.get(ids[0]!)).toMatchObject({
      fullName: 'Hoàng Thị Lan',
      dateOfBirth: '2001-05-17',
      gender: 'female',
      nationalId: ids[0],
      phone: '+84987654321',
      homeProvinceCode: '01',
      occupationField: 'construction',
      jlptLevel: 'N3',
      consentToShare: true,
      trainingCenterId: center.id,
    });
    expect(byId.get(ids[0]!)!.code).toBe(body.items[0]!.code);
    expect(byId.get(ids[1]!)).toMatchObject({
      dateOfBirth: '1999-11-03',
      gender: 'male',
      homeProvinceCode: '80',
      jlptLevel: 'N5',
      consentToShare: false,
    });
    expect(byId.get(ids[2]!)).toMatchObject({
      dateOfBirth: '2000-02-29',
      gender: 'female',
      homeProvinceCode: '79',
      occupationField: 'nursing_care',
      phone: null,
      consentToShare: true,
    });
  });

  it('refuses a bad workbook whole, echoing each value with its spreadsheet row', async () => {
    const ok = nationalId();
    const book = await workbook([
      VI_HEADER,
      ['Hoàng Thị Lan', '17/05/2001', 'Nữ', ok, '', 'Hà Nội', 'Xây dựng', 'N3', 'có'],
      ['Sai Ngày', '31/02/2001', 'Nam', nationalId(), '', 'Hà Nội', 'Xây dựng', '', 'có'],
      ['Sai Tháng', '01/13/2001', 'Nam', nationalId(), '', 'Hà Nội', 'Xây dựng', '', 'có'],
      ['Thiếu Số', '17/05/2001', 'Nam', 123456789, 12345, 'Hà Nội', 'Xây dựng', '', 'có'],
      ['Không Tỉnh', '17/05/2001', 'Nam', nationalId(), '', 'Atlantis', 'Xây dựng', '', 'chắc chắn'],
      ['Lạ', '17/05/2001', 'Khác', nationalId(), '', 'Hà Nội', 'Phi hành gia', 'N9', 'có'],
    ]);
    const res = await upload(book);
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as { row: number; path: string; message: string }[];
    const at = (row: number, path: string) => errors.find((e) => e.row === row && e.path === path)?.message;
    // Excel shows the header on row 1, so data row 2 is spreadsheet row 3.
    expect(at(2, 'dateOfBirth')).toMatch(/"31\/02\/2001".*row 3/);
    expect(at(3, 'dateOfBirth')).toMatch(/DD\/MM\/YYYY.*"01\/13\/2001".*row 4/);
    expect(at(4, 'nationalId')).toMatch(/12 digits.*"123456789".*row 5/);
    expect(at(4, 'phone')).toMatch(/"12345"/);
    expect(at(5, 'homeProvinceName')).toMatch(/not a province.*"Atlantis"/);
    expect(at(5, 'consentToShare')).toMatch(/có\/không.*"chắc chắn"/);
    expect(at(6, 'gender')).toMatch(/"Khác"/);
    expect(at(6, 'occupationField')).toMatch(/"Phi hành gia"/);
    expect(at(6, 'jlptLevel')).toMatch(/"N9"/);
    expect(errors.some((e) => e.row === 1)).toBe(false);
    expect(await stored([ok])).toHaveLength(0);
  });

  it('reads a workbook saved by LibreOffice Calc, sent as application/octet-stream', async () => {
    // test/fixtures/candidates-libreoffice.xlsx: `soffice --headless --convert-to xlsx` of the CSV
    // beside it (vi-VN), which turned the dates into date cells and the IDs and phones into numbers.
    const res = await upload(
      readFileSync(new URL('./fixtures/candidates-libreoffice.xlsx', import.meta.url)),
      'application/octet-stream',
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().inserted).toBe(2);
    const rows = await stored(['012345678901', '079201001234']);
    expect(
      rows.map((r) => [r.fullName, r.dateOfBirth, r.gender, r.phone, r.homeProvinceCode]).sort(),
    ).toEqual([
      ['Hoàng Thị Lan', '2001-05-17', 'female', '+84987654321', '01'],
      ['Đinh Văn Bảo', '1999-11-03', 'male', '+84901234567', '80'],
    ]);
  });

  it('a file that is not a workbook is a 400, and nothing is read from other sheets', async () => {
    const broken = await upload(Buffer.from('PK\u0003\u0004 not really a zip'));
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors[0]).toMatchObject({ path: 'body', message: expect.stringMatching(/xlsx/) });
    const headerOnly = await upload(await workbook([VI_HEADER]));
    expect(headerOnly.statusCode).toBe(400);
    expect(headerOnly.json().errors).toEqual([{ path: 'body', message: 'has a header but no data rows' }]);
  });

  it('a CSV with the template’s headers and DD/MM/YYYY dates imports too', async () => {
    const id = nationalId();
    const csv = `${VI_HEADER.join(';')}\r\nPhan Văn Tú;05/01/2000;Nam;${id.slice(1)};912345678;Đà Nẵng;Nông nghiệp;N4;có\r\n`;
    const res = await upload(Buffer.from(csv), 'text/csv');
    expect(res.statusCode, res.body).toBe(201);
    expect((await stored([id]))[0]).toMatchObject({
      dateOfBirth: '2000-01-05',
      nationalId: id,
      phone: '+84912345678',
      occupationField: 'agriculture',
    });
  });
});

describe('the import template', () => {
  it('has Vietnamese headers, an example row, lists, text ID and phone columns and a help sheet', async () => {
    const res = await t.request({ method: 'GET', url: '/candidates/import/template.xlsx', as });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const [data, help] = wb.worksheets;
    expect((data!.getRow(1).values as unknown[]).slice(1)).toEqual(VI_HEADER);
    expect(data!.getCell('A2').value).toBe('Nguyễn Văn An');
    expect(data!.getCell('D1').numFmt === '@' || data!.getColumn(4).numFmt === '@').toBe(true);
    expect(data!.getColumn(5).numFmt).toBe('@');
    expect(data!.getCell('D2').value).toBe('001201004567');
    for (const cell of ['C2', 'F2', 'G2', 'H2', 'I2', 'C300']) {
      expect(data!.getCell(cell).dataValidation, cell).toMatchObject({ type: 'list' });
    }
    expect(help!.getCell('A2').value).toBe('Họ và tên');
    expect(String(help!.getCell('C5').value)).toMatch(/CCCD/);
    // No Trung tâm column for a center; an admin gets one.
    expect(data!.getRow(1).cellCount).toBe(9);
    const admin = await t.request({
      method: 'GET',
      url: '/candidates/import/template.xlsx',
      as: actors.admin(),
    });
    const wbAdmin = new ExcelJS.Workbook();
    await wbAdmin.xlsx.load(admin.rawPayload as unknown as ArrayBuffer);
    expect(wbAdmin.worksheets[0]!.getCell('J1').value).toBe('Trung tâm');
  });

  it('imports as it is downloaded (the example row), as xlsx and as CSV', async () => {
    const xlsx = await t.request({ method: 'GET', url: '/candidates/import/template.xlsx', as });
    const res = await upload(xlsx.rawPayload);
    expect(res.statusCode, res.body).toBe(201);
    expect((await stored(['001201004567']))[0]).toMatchObject({
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '2001-05-17',
    });

    const csv = await t.request({ method: 'GET', url: '/candidates/import/template.csv', as });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toBe(`\uFEFF${VI_HEADER.join(';')}`);
    // The same person again: refused as already registered, which shows the file was read.
    const again = await upload(csv.rawPayload, 'text/csv');
    expect(again.statusCode).toBe(400);
    expect(again.json().errors).toEqual([{ row: 1, path: 'nationalId', message: 'is already registered' }]);
  });

  it('is for those who import: province officers and partners get 403', async () => {
    for (const who of [actors.province('01'), actors.partner((await t.seed.partner()).id)]) {
      const res = await t.request({ method: 'GET', url: '/candidates/import/template.csv', as: who });
      expect(res.statusCode).toBe(403);
    }
  });
});
