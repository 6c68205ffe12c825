import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectColumn } from '../src/modules/reports/reports.service.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
const admin = actors.admin();
const officer = actors.province('80');
const partner = actors.partner('00000000-0000-4000-8000-0000000000aa');

type Cand = { homeProvinceCode: string; provinceBoundaries: '2008' | '2025'; gender?: 'male' | 'female' };

async function departure(
  cand: Cand,
  placement: {
    departedOn?: string | null;
    destinationCountry?: string;
    prefectureCode?: string;
    program?: string;
    field?: string;
    status?: 'planned' | 'departed' | 'returned' | 'cancelled';
    returnedOn?: string;
    returnReason?: string;
  },
) {
  const home2025 = t.app.services.reference.to2025(cand.homeProvinceCode, cand.provinceBoundaries)!;
  const candidate = await t.seed.candidate({
    trainingCenterId: centerId,
    homeProvince2025: home2025,
    gender: 'male',
    ...cand,
  });
  const row = await t.seed.placement({
    candidateId: candidate.id,
    status: placement.returnedOn ? 'returned' : placement.departedOn ? 'departed' : 'planned',
    ...placement,
  });
  return { candidate, placement: row };
}

const get = (url: string, as = admin) => t.request({ method: 'GET', url, as });

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center({ provinceCode: '80' })).id;
  const employer = await t.seed.homeEmployer({ provinceCode: '40' });

  // Long An (2008 code 80) is part of Tây Ninh (2025 code 80) since 1 July 2025.
  await departure(
    { homeProvinceCode: '80', provinceBoundaries: '2008' },
    { departedOn: '2023-03-10', prefectureCode: '23' },
  );
  await departure(
    { homeProvinceCode: '80', provinceBoundaries: '2008', gender: 'female' },
    { departedOn: '2023-05-01', destinationCountry: 'TW' },
  );
  // The old Tây Ninh (2008 code 72), also part of the new Tây Ninh.
  await departure({ homeProvinceCode: '72', provinceBoundaries: '2008' }, { departedOn: '2023-12-31' });
  // Recorded with the 2025 code of the merged Tây Ninh: cannot be split into Long An / old Tây Ninh.
  await departure({ homeProvinceCode: '80', provinceBoundaries: '2025' }, { departedOn: '2025-08-01' });
  // Nghệ An is unchanged by the merger: its 2025 code maps back to the 2008 province.
  await departure(
    { homeProvinceCode: '40', provinceBoundaries: '2025' },
    { departedOn: '2025-09-15', destinationCountry: 'KR' },
  );
  const na = await departure(
    { homeProvinceCode: '40', provinceBoundaries: '2008', gender: 'female' },
    { departedOn: '2024-01-01', returnedOn: '2025-12-31', returnReason: 'completed' },
  );
  await t.seed.reintegration({
    candidateId: na.candidate.id,
    placementId: na.placement.id,
    homeEmployerId: employer.id,
    startedOn: '2026-02-01',
  });
  await departure(
    { homeProvinceCode: '42', provinceBoundaries: '2008' },
    {
      departedOn: '2022-06-30',
      returnedOn: '2024-02-29',
      returnReason: 'early_termination',
      field: 'agriculture',
    },
  );
  for (const day of ['01', '02', '03', '04', '05']) {
    await departure(
      { homeProvinceCode: '40', provinceBoundaries: '2025' },
      { departedOn: `2021-04-${day}`, program: 'ssw_1' },
    );
  }
  // Not departures: a planned placement and a cancelled one.
  await departure({ homeProvinceCode: '40', provinceBoundaries: '2025' }, {});
  await departure({ homeProvinceCode: '40', provinceBoundaries: '2025' }, { status: 'cancelled' });
});
afterAll(() => t.close());

const pick = (rows: Record<string, unknown>[], ...keys: string[]) =>
  rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

describe('province share of departures', () => {
  it('rolls Long An departures up into Tây Ninh under the 2025 boundaries', async () => {
    const res = await get('/reports/province-share');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(
      pick(
        body.rows,
        'provinceCode',
        'provinceName',
        'attributable',
        'departedTotal',
        'departedJapan',
        'japanShare',
      ),
    ).toEqual([
      {
        provinceCode: '40',
        provinceName: 'Nghệ An',
        attributable: true,
        departedTotal: 7,
        departedJapan: 6,
        japanShare: 0.8571,
      },
      {
        provinceCode: '42',
        provinceName: 'Hà Tĩnh',
        attributable: true,
        departedTotal: 1,
        departedJapan: 1,
        japanShare: 1,
      },
      {
        provinceCode: '80',
        provinceName: 'Tây Ninh',
        attributable: true,
        departedTotal: 4,
        departedJapan: 3,
        japanShare: 0.75,
      },
    ]);
    expect(body.totals).toEqual({
      departedTotal: 12,
      departedJapan: 10,
      japanShare: 0.8333,
      suppressed: false,
    });
  });

  it('keeps Long An apart under the 2008 boundaries and flags merged-province records it cannot split', async () => {
    const res = await get('/reports/province-share?boundaries=2008');
    const body = res.json();
    expect(
      pick(
        body.rows,
        'provinceCode',
        'provinceBoundaries',
        'provinceName',
        'attributable',
        'departedTotal',
        'departedJapan',
      ),
    ).toEqual([
      {
        provinceCode: '40',
        provinceBoundaries: '2008',
        provinceName: 'Nghệ An',
        attributable: true,
        departedTotal: 7,
        departedJapan: 6,
      },
      {
        provinceCode: '42',
        provinceBoundaries: '2008',
        provinceName: 'Hà Tĩnh',
        attributable: true,
        departedTotal: 1,
        departedJapan: 1,
      },
      {
        provinceCode: '72',
        provinceBoundaries: '2008',
        provinceName: 'Tây Ninh',
        attributable: true,
        departedTotal: 1,
        departedJapan: 1,
      },
      {
        provinceCode: '80',
        provinceBoundaries: '2008',
        provinceName: 'Long An',
        attributable: true,
        departedTotal: 2,
        departedJapan: 1,
      },
      {
        provinceCode: '80',
        provinceBoundaries: '2025',
        provinceName: 'Tây Ninh',
        attributable: false,
        departedTotal: 1,
        departedJapan: 1,
      },
    ]);
    expect(body.totals).toMatchObject({ departedTotal: 12, departedJapan: 10 });
  });

  it('includes departures on both the first and the last day of the range', async () => {
    const both = await get('/reports/province-share?from=2023-03-10&to=2023-12-31');
    expect(both.json().totals.departedTotal).toBe(3);
    const after = await get('/reports/province-share?from=2023-03-11&to=2023-12-30');
    expect(after.json().totals.departedTotal).toBe(1);
    const oneDay = await get('/reports/province-share?from=2024-01-01&to=2024-01-01');
    expect(pick(oneDay.json().rows, 'provinceCode', 'departedTotal')).toEqual([
      { provinceCode: '40', departedTotal: 1 },
    ]);
  });

  it('counts a range across years, whole months and partial months exactly once', async () => {
    const res = await get('/reports/province-share?from=2022-06-30&to=2025-08-01');
    expect(pick(res.json().rows, 'provinceCode', 'departedTotal', 'departedJapan')).toEqual([
      { provinceCode: '40', departedTotal: 1, departedJapan: 1 },
      { provinceCode: '42', departedTotal: 1, departedJapan: 1 },
      { provinceCode: '80', departedTotal: 4, departedJapan: 3 },
    ]);
  });

  it('answers an empty range with no rows and zero totals', async () => {
    const res = await get('/reports/province-share?from=2019-01-01&to=2019-12-31');
    expect(res.json()).toEqual({
      rows: [],
      totals: { departedTotal: 0, departedJapan: 0, japanShare: null, suppressed: false },
    });
  });

  it('filters by destination country, gender, programme and field', async () => {
    const totals = async (q: string) => (await get(`/reports/province-share?${q}`)).json().totals;
    expect(await totals('destinationCountry=jp')).toMatchObject({
      departedTotal: 10,
      departedJapan: 10,
      japanShare: 1,
    });
    expect(await totals('destinationCountry=KR')).toMatchObject({ departedTotal: 1, departedJapan: 0 });
    expect(await totals('gender=female')).toMatchObject({ departedTotal: 2, departedJapan: 1 });
    expect(await totals('program=ssw_1')).toMatchObject({ departedTotal: 5, departedJapan: 5 });
    expect(await totals('field=agriculture&from=2022-01-01')).toMatchObject({ departedTotal: 1 });
    expect(await totals('gender=female&destinationCountry=TW&boundaries=2008')).toMatchObject({
      departedTotal: 1,
    });
  });

  it('rejects a range that ends before it starts, naming the field', async () => {
    const res = await get('/reports/province-share?from=2024-02-01&to=2024-01-31');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ path: 'to', message: 'must be on or after from' }),
    ]);
    const bad = await get('/reports/province-share?from=2024-02-30&boundaries=1999&destinationCountry=XX');
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['boundaries', 'destinationCountry', 'from']);
  });

  it('requires a token but no particular role', async () => {
    expect((await t.request({ method: 'GET', url: '/reports/province-share' })).statusCode).toBe(401);
    expect((await get('/reports/province-share', officer)).statusCode).toBe(200);
    expect((await get('/reports/province-share', actors.center(centerId))).statusCode).toBe(200);
  });
});

describe('small-count suppression', () => {
  it('withholds counts below 5 from partners, and shares computed from them', async () => {
    const body = (await get('/reports/province-share', partner)).json();
    expect(
      pick(body.rows, 'provinceCode', 'departedTotal', 'departedJapan', 'japanShare', 'suppressed'),
    ).toEqual([
      { provinceCode: '40', departedTotal: 7, departedJapan: 6, japanShare: 0.8571, suppressed: false },
      { provinceCode: '42', departedTotal: null, departedJapan: null, japanShare: null, suppressed: true },
      { provinceCode: '80', departedTotal: null, departedJapan: null, japanShare: null, suppressed: true },
    ]);
    expect(body.totals).toEqual({
      departedTotal: 12,
      departedJapan: 10,
      japanShare: 0.8333,
      suppressed: false,
    });
    const korea = (await get('/reports/province-share?destinationCountry=KR', partner)).json();
    expect(korea.totals).toEqual({
      departedTotal: null,
      departedJapan: null,
      japanShare: null,
      suppressed: true,
    });
  });

  it('never leaves a withheld count that the total and the other rows would reveal', async () => {
    const columns: [string, string[]][] = [
      ['/reports/province-share', ['departedTotal', 'departedJapan']],
      ['/reports/province-share?destinationCountry=JP', ['departedTotal', 'departedJapan']],
      ['/reports/province-share?boundaries=2008', ['departedTotal', 'departedJapan']],
      ['/reports/prefectures', ['departed']],
      ['/reports/reintegration', ['returned', 'reintegrated']],
      ['/reports/pipeline', ['candidates']],
    ];
    let checked = 0;
    for (const [url, names] of columns) {
      const body = (await get(url, partner)).json();
      for (const name of names) {
        if (body.totals[name] === null) continue;
        const withheld = body.rows.filter((r: Record<string, unknown>) => r[name] === null).length;
        expect(withheld, `${url} ${name}`).not.toBe(1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('protectColumn withholds the smallest other count when exactly one is withheld', () => {
    expect(protectColumn([7, null, 12, 6], 30)).toEqual([7, null, 12, null]);
    expect(protectColumn([7, null, null, 6], 30)).toEqual([7, null, null, 6]);
    expect(protectColumn([7, null], null)).toEqual([7, null]);
    expect(protectColumn([7, 8], 15)).toEqual([7, 8]);
  });

  it('shows province officers and admins the exact small numbers', async () => {
    for (const who of [officer, admin]) {
      const rows = (await get('/reports/province-share', who)).json().rows;
      expect(rows.find((r: { provinceCode: string }) => r.provinceCode === '42')).toMatchObject({
        departedTotal: 1,
        suppressed: false,
      });
    }
  });

  it('applies to every report a partner reads', async () => {
    const pre = (await get('/reports/prefectures', partner)).json();
    // Aichi's count is below 5; Okayama's (9) is withheld too, or the total would give Aichi's away.
    expect(pre.totals.departed).toBeGreaterThanOrEqual(10);
    expect(pre.rows).toEqual([
      expect.objectContaining({ prefectureCode: '23', departed: null, suppressed: true }),
      expect.objectContaining({ prefectureCode: '33', departed: null, suppressed: true }),
    ]);
    expect((await get('/reports/prefectures', admin)).json().rows).toEqual([
      expect.objectContaining({ prefectureCode: '23', suppressed: false }),
      expect.objectContaining({ prefectureCode: '33', departed: 9, suppressed: false }),
    ]);
    const re = (await get('/reports/reintegration', partner)).json();
    expect(re.totals).toEqual({ returned: null, reintegrated: null, rate: null, suppressed: true });
    const pipe = (await get('/reports/pipeline', partner)).json();
    expect(pipe.totals).toEqual({ candidates: 14, suppressed: false });
    expect(pipe.rows.find((r: { status: string }) => r.status === 'registered')).toEqual({
      status: 'registered',
      candidates: 14,
      suppressed: false,
    });
    expect(pipe.rows.find((r: { status: string }) => r.status === 'departed')).toEqual({
      status: 'departed',
      candidates: null,
      suppressed: true,
    });
  });
});

describe('CSV export', () => {
  const csvRows = (text: string) =>
    parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
  const num = (v: unknown) => (v === null ? '' : String(v));

  it('gives the same numbers as the JSON, with a BOM, a header and a totals line', async () => {
    for (const [who, boundaries] of [
      [admin, '2008'],
      [partner, '2025'],
    ] as const) {
      const json = (await get(`/reports/province-share?boundaries=${boundaries}`, who)).json();
      const res = await t.request({
        method: 'GET',
        url: `/reports/province-share?boundaries=${boundaries}`,
        headers: { accept: 'text/csv' },
        as: who,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="province-share_/);
      expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const lines = csvRows(res.body);
      expect(lines).toHaveLength(json.rows.length + 1);
      json.rows.forEach((r: Record<string, unknown>, i: number) => {
        expect(lines[i]).toEqual({
          provinceCode: r.provinceCode,
          provinceBoundaries: r.provinceBoundaries,
          provinceName: r.provinceName,
          attributable: String(r.attributable),
          departedTotal: num(r.departedTotal),
          departedJapan: num(r.departedJapan),
          japanShare: num(r.japanShare),
          suppressed: String(r.suppressed),
        });
      });
      expect(lines.at(-1)).toMatchObject({
        provinceCode: 'TOTAL',
        provinceName: 'Tổng cộng',
        departedTotal: num(json.totals.departedTotal),
        departedJapan: num(json.totals.departedJapan),
        japanShare: num(json.totals.japanShare),
      });
    }
  });

  it('answers CSV for ?format=csv on every report', async () => {
    for (const url of [
      '/reports/province-share?format=csv',
      '/reports/prefectures?format=csv',
      '/reports/pipeline?format=csv',
      '/reports/reintegration?format=csv&boundaries=2008',
    ]) {
      const res = await get(url);
      expect(res.headers['content-type'], url).toBe('text/csv; charset=utf-8');
      expect(csvRows(res.body).at(-1)!, url).toHaveProperty(Object.keys(csvRows(res.body)[0]!)[0]!, 'TOTAL');
    }
    const pipe = csvRows((await get('/reports/pipeline?format=csv')).body);
    expect(pipe.find((r) => r.status === 'registered')).toEqual({
      status: 'registered',
      candidates: '14',
      suppressed: 'false',
    });
  });

  it('quotes cells with commas and quotes', async () => {
    const { csvCell, toCsv } = await import('../src/modules/reports/reports.csv.ts');
    expect(csvCell('Bà Rịa - Vũng Tàu, "BR-VT"')).toBe('"Bà Rịa - Vũng Tàu, ""BR-VT"""');
    expect(toCsv(['a', 'b'], [[null, 1]])).toBe('\uFEFFa,b\r\n,1\r\n');
  });
});

describe('prefectures, pipeline and reintegration', () => {
  it('counts departures to Japan by prefecture', async () => {
    const body = (await get('/reports/prefectures')).json();
    expect(body.rows).toEqual([
      {
        prefectureCode: '23',
        prefectureName: 'Aichi',
        prefectureNameJa: '愛知県',
        departed: 1,
        suppressed: false,
      },
      {
        prefectureCode: '33',
        prefectureName: 'Okayama',
        prefectureNameJa: '岡山県',
        departed: 9,
        suppressed: false,
      },
    ]);
    expect(body.totals).toEqual({ departed: 10, suppressed: false });
    const female = (await get('/reports/prefectures?gender=female&from=2024-01-01&to=2024-01-01')).json();
    expect(female.totals.departed).toBe(1);
  });

  it('counts returns in the range and how many returnees found a job at home', async () => {
    const body = (await get('/reports/reintegration')).json();
    expect(pick(body.rows, 'provinceCode', 'returned', 'reintegrated', 'rate')).toEqual([
      { provinceCode: '40', returned: 1, reintegrated: 1, rate: 1 },
      { provinceCode: '42', returned: 1, reintegrated: 0, rate: 0 },
    ]);
    expect(body.totals).toEqual({ returned: 2, reintegrated: 1, rate: 0.5, suppressed: false });
    const before = (await get('/reports/reintegration?from=2024-02-29&to=2025-12-30')).json();
    expect(before.totals).toMatchObject({ returned: 1, reintegrated: 0 });
  });

  it('counts candidates per status for a province or a center', async () => {
    const all = (await get('/reports/pipeline')).json();
    expect(all.rows).toHaveLength(8);
    expect(all.totals.candidates).toBe(14);
    const tayNinh = (await get('/reports/pipeline?homeProvinceCode=80')).json();
    expect(tayNinh.totals.candidates).toBe(4);
    const other = (await get(`/reports/pipeline?trainingCenterId=${crypto.randomUUID()}`)).json();
    expect(other.totals.candidates).toBe(0);
    const bad = await get('/reports/pipeline?homeProvinceCode=02');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('homeProvinceCode');
  });
});
