import { parse } from 'csv-parse/sync';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema.ts';
import { XLSX_TYPE } from '../src/lib/spreadsheet.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let tayNinhCenter: string;
let haNoiCenter: string;
const admin = actors.admin();

const get = (url: string, as = admin) => t.request({ method: 'GET', url, as });
const names = (body: { items: { fullName: string; movement: string }[] }) =>
  body.items.map((i) => `${i.movement}:${i.fullName}`);

beforeAll(async () => {
  t = await createTestApp();
  tayNinhCenter = (await t.seed.center({ provinceCode: '80' })).id;
  haNoiCenter = (await t.seed.center({ provinceCode: '01' })).id;
  const worker = async (
    fullName: string,
    center: string,
    home: { code: string; boundaries: '2008' | '2025'; in2025: string },
    placement: { departedOn: string; returnedOn?: string; destinationCountry?: string },
  ) => {
    const c = await t.seed.candidate({
      trainingCenterId: center,
      fullName,
      nationalId: `0${String(fullName.length).padStart(2, '0')}${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`,
      homeProvinceCode: home.code,
      provinceBoundaries: home.boundaries,
      homeProvince2025: home.in2025,
      status: placement.returnedOn ? 'returned' : 'departed',
    });
    await t.seed.placement({
      candidateId: c.id,
      status: placement.returnedOn ? 'returned' : 'departed',
      employerName: '株式会社さくら',
      ...placement,
    });
    return c;
  };
  // Long An (2008 code 80) lies in the 2025 Tây Ninh.
  await worker(
    'Lê Văn An',
    tayNinhCenter,
    { code: '80', boundaries: '2008', in2025: '80' },
    { departedOn: '2026-10-05' },
  );
  await worker(
    '=cmd|calc',
    tayNinhCenter,
    { code: '80', boundaries: '2025', in2025: '80' },
    { departedOn: '2026-10-31' },
  );
  await worker(
    'Phạm Thị Về',
    tayNinhCenter,
    { code: '80', boundaries: '2025', in2025: '80' },
    { departedOn: '2023-10-01', returnedOn: '2026-10-15' },
  );
  await worker(
    'Nguyễn Hà Nội',
    haNoiCenter,
    { code: '01', boundaries: '2025', in2025: '01' },
    { departedOn: '2026-10-20' },
  );
  // Outside the month on both sides.
  await worker(
    'Ngoài Tháng',
    tayNinhCenter,
    { code: '80', boundaries: '2025', in2025: '80' },
    { departedOn: '2026-11-01' },
  );
  await worker(
    'Tháng Trước',
    tayNinhCenter,
    { code: '80', boundaries: '2025', in2025: '80' },
    { departedOn: '2026-09-30' },
  );
});
afterAll(() => t.close());

describe('the monthly list of departed and returned workers', () => {
  it("lists the month's departures and returns with the identity columns, for an admin", async () => {
    const res = await get('/reports/monthly-workers?month=2026-10');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.month).toBe('2026-10');
    expect(names(body)).toEqual([
      'departed:Lê Văn An',
      'departed:Nguyễn Hà Nội',
      'departed:=cmd|calc',
      'returned:Phạm Thị Về',
    ]);
    const an = body.items[0];
    expect(an).toMatchObject({
      homeProvinceCode: '80',
      provinceBoundaries: '2008',
      homeProvinceName: 'Long An',
      destinationCountry: 'JP',
      prefectureName: '岡山県',
      employerName: '株式会社さくら',
      program: 'titp_1',
      contractStart: '2024-01-01',
      contractEnd: '2027-01-01',
      departedOn: '2026-10-05',
      returnedOn: null,
      dateOfBirth: '2000-01-15',
    });
    expect(an.nationalId).toMatch(/^0\d{11}$/);
  });

  it('a center reads its own trainees, a province officer its province, a partner nothing', async () => {
    expect(
      names((await get('/reports/monthly-workers?month=2026-10', actors.center(haNoiCenter))).json()),
    ).toEqual(['departed:Nguyễn Hà Nội']);
    expect(
      names((await get('/reports/monthly-workers?month=2026-10', actors.province('80'))).json()),
    ).toHaveLength(3);
    expect(
      names((await get('/reports/monthly-workers?month=2026-10', actors.province('01'))).json()),
    ).toEqual(['departed:Nguyễn Hà Nội']);
    const partner = await get(
      '/reports/monthly-workers?month=2026-10',
      actors.partner('00000000-0000-4000-8000-0000000000aa'),
    );
    expect(partner.statusCode).toBe(403);
  });

  it('every download is written to the audit log with who, the month, the format and whom it named', async () => {
    const officer = actors.province('01');
    await get('/reports/monthly-workers?month=2026-10&format=csv', officer);
    const entries = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, 'monthly-workers:2026-10'), eq(auditLog.actorId, officer.id)));
    const csvEntry = entries.find((e) => (e.after as { format: string }).format === 'csv');
    expect(csvEntry).toMatchObject({ action: 'export_monthly_workers', entity: 'disclosure' });
    expect(csvEntry!.after).toMatchObject({ month: '2026-10', role: 'province', rows: 1 });
    expect((csvEntry!.after as { candidateIds: string[] }).candidateIds).toHaveLength(1);
  });

  it('the workbook: a Japanese title and date, IDs as text with their zero, date cells, no formula', async () => {
    const res = await get('/reports/monthly-workers?month=2026-10&format=xlsx&lang=ja');
    expect(res.headers['content-type']).toBe(XLSX_TYPE);
    expect(res.headers['content-disposition']).toBe('attachment; filename="monthly-workers_2026-10.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A1').value).toBe('月間の出国者・帰国者名簿');
    expect(sheet.getCell('A2').value).toBe('条件: 月: 2026-10');
    expect(String(sheet.getCell('A3').value)).toMatch(/^作成日: \d{4}年\d{1,2}月\d{1,2}日$/);
    const header = (sheet.getRow(4).values as unknown[]).slice(1);
    expect(header).toEqual([
      '区分',
      '登録番号',
      '氏名',
      '生年月日',
      '身分証番号',
      '出身省コード',
      '出身省',
      '渡航先',
      '都道府県',
      '雇用主',
      '制度',
      '契約開始日',
      '契約終了日',
      '出国日',
      '帰国日',
    ]);
    const first = sheet.getRow(5);
    expect(first.getCell(1).value).toBe('出国');
    expect(first.getCell(3).value).toBe('Lê Văn An');
    expect(first.getCell(5).value).toMatch(/^0\d{11}$/);
    expect(first.getCell(5).numFmt).toBe('@');
    expect(first.getCell(7).value).toBe('Long An (2008)');
    expect(first.getCell(8).value).toBe('日本');
    expect(first.getCell(11).value).toBe('技能実習1号');
    expect(first.getCell(14).value).toEqual(new Date('2026-10-05T00:00:00Z'));
    expect(first.getCell(14).numFmt).toBe('yyyy"年"m"月"d"日"');
    expect(sheet.getRow(7).getCell(3).value).toBe("'=cmd|calc");
    expect(sheet.getRow(8).getCell(1).value).toBe('帰国');
  });

  it('a Vietnamese CSV with semicolons and DD/MM/YYYY dates', async () => {
    const res = await get('/reports/monthly-workers?month=2026-10&format=csv&lang=vi&sep=semicolon');
    const rows = parse(res.body.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
    expect(rows[0]!.slice(0, 5)).toEqual(['Biến động', 'Mã hồ sơ', 'Họ và tên', 'Ngày sinh', 'Số CCCD']);
    expect(rows[1]).toEqual(
      expect.arrayContaining([
        'Xuất cảnh',
        'Lê Văn An',
        '15/01/2000',
        'Long An (2008)',
        'Nhật Bản',
        '05/10/2026',
      ]),
    );
    expect(rows[3]![2]).toBe("'=cmd|calc");
    expect(rows[4]![0]).toBe('Về nước');
  });

  it('refuses a month that is not YYYY-MM, naming it', async () => {
    for (const month of ['2026-13', '2026-1', 'oct']) {
      const res = await get(`/reports/monthly-workers?month=${month}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('month');
    }
    expect((await get('/reports/monthly-workers')).statusCode).toBe(400);
  });
});
