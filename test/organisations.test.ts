import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTRY_CODES, countryName, isCountryCode } from '../src/lib/countries.ts';
import {
  assertExists,
  getCenter,
  getPartner,
  initialsOf,
} from '../src/modules/organisations/organisations.service.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
const admin = actors.admin();
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const post = (url: string, payload: object, as = admin) => t.request({ method: 'POST', url, payload, as });
const get = (url: string, as = admin) => t.request({ method: 'GET', url, as });

describe('training centers', () => {
  it('an admin registers a center whose serial prefix defaults to the province initials', async () => {
    const res = await post('/training-centers', {
      name: 'Trung tâm Dịch vụ việc làm Đồng Tháp',
      provinceCode: '82',
      licenseNo: '123/LĐTBXH-GP',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Trung tâm Dịch vụ việc làm Đồng Tháp',
      provinceCode: '82',
      provinceName: 'Đồng Tháp',
      licenseNo: '123/LĐTBXH-GP',
      serialPrefix: 'DT',
    });
  });

  it('derives prefixes from Latin names, with two letters for a one-word name', () => {
    expect(initialsOf('Tay Ninh')).toBe('TN');
    expect(initialsOf('Ho Chi Minh')).toBe('HCM');
    expect(initialsOf('Hue')).toBe('HU');
    expect(initialsOf('Ba Ria - Vung Tau')).toBe('BRVT');
    expect(initialsOf('Đắk Lắk')).toBe('DL');
  });

  it('a second center in the same province gets a distinct default prefix so serials never collide', async () => {
    const first = await post('/training-centers', { name: 'Trung tâm Cà Mau 1', provinceCode: '96' });
    const second = await post('/training-centers', { name: 'Trung tâm Cà Mau 2', provinceCode: '96' });
    expect(first.json().serialPrefix).toBe('CM');
    expect(second.json().serialPrefix).toBe('CMA');
  });

  it('keeps an explicit serial prefix, and refuses one already in use', async () => {
    const res = await post('/training-centers', {
      name: 'Long An Center',
      provinceCode: '80',
      serialPrefix: 'LA',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().serialPrefix).toBe('LA');
    const again = await post('/training-centers', {
      name: 'Another',
      provinceCode: '80',
      serialPrefix: 'LA',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().errors).toEqual([expect.objectContaining({ path: 'serialPrefix' })]);
  });

  it('rejects a province code that is not a 2025 province, and a malformed prefix, naming the fields', async () => {
    // 72 was Tây Ninh before the 2025 merger; it no longer exists as a unit.
    const oldCode = await post('/training-centers', { name: 'X', provinceCode: '72' });
    expect(oldCode.statusCode).toBe(400);
    expect(oldCode.json().errors).toEqual([
      { path: 'provinceCode', message: 'must be a province code of the 2025 boundary set' },
    ]);
    const badPrefix = await post('/training-centers', { name: 'X', provinceCode: '80', serialPrefix: 'la1' });
    expect(badPrefix.statusCode).toBe(400);
    expect(badPrefix.json().errors[0]).toMatchObject({ path: 'serialPrefix' });
    const missing = await post('/training-centers', { provinceCode: '80' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0]).toEqual({ path: 'name', message: 'is required' });
  });

  it('only an admin may register a center', async () => {
    const center = await t.seed.center();
    for (const as of [actors.center(center.id), actors.province('80'), actors.partner(crypto.randomUUID())]) {
      const res = await post('/training-centers', { name: 'Sneaky', provinceCode: '80' }, as);
      expect(res.statusCode).toBe(403);
    }
  });

  it('every signed-in role lists centers, filtered by province and paginated', async () => {
    await post('/training-centers', { name: 'An Giang A', provinceCode: '91' });
    await post('/training-centers', { name: 'An Giang B', provinceCode: '91' });
    await post('/training-centers', { name: 'An Giang C', provinceCode: '91' });
    const p1 = await get('/training-centers?provinceCode=91&limit=2', actors.partner(crypto.randomUUID()));
    expect(p1.statusCode).toBe(200);
    expect(p1.json().items.map((c: { name: string }) => c.name)).toEqual(['An Giang A', 'An Giang B']);
    expect(p1.json().nextCursor).toEqual(expect.any(String));
    const p2 = await get(`/training-centers?provinceCode=91&limit=2&cursor=${p1.json().nextCursor}`);
    expect(p2.json()).toEqual({ items: [expect.objectContaining({ name: 'An Giang C' })], nextCursor: null });
    const unauthenticated = await t.request({ method: 'GET', url: '/training-centers' });
    expect(unauthenticated.statusCode).toBe(401);
  });

  it('a forged cursor is a 400, not a 500', async () => {
    const res = await get('/training-centers?cursor=not-a-cursor');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('cursor');
  });
});

describe('partners', () => {
  it('an admin registers a Japanese partner with its prefecture', async () => {
    const res = await post('/partners', {
      name: 'Okayama City',
      nameJa: '岡山市',
      kind: 'municipality',
      prefectureCode: '33',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Okayama City',
      nameJa: '岡山市',
      kind: 'municipality',
      prefectureCode: '33',
      prefectureName: '岡山県',
    });
    const list = await get('/partners?prefectureCode=33&kind=municipality', actors.province('80'));
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(res.json().id);
  });

  it('rejects an unknown prefecture and an unknown kind', async () => {
    const badPref = await post('/partners', { name: 'X', kind: 'employer', prefectureCode: '48' });
    expect(badPref.statusCode).toBe(400);
    expect(badPref.json().errors).toEqual([
      { path: 'prefectureCode', message: 'must be a JIS X 0401 code, 01–47' },
    ]);
    const badKind = await post('/partners', { name: 'X', kind: 'broker' });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json().errors[0].path).toBe('kind');
  });

  it('a partner cannot register partners', async () => {
    const res = await post('/partners', { name: 'X', kind: 'employer' }, actors.partner(crypto.randomUUID()));
    expect(res.statusCode).toBe(403);
  });
});

describe('home employers', () => {
  it('an admin registers a Japanese-invested firm in an industrial park', async () => {
    const res = await post('/home-employers', {
      name: 'Công ty TNHH Nitori Việt Nam',
      provinceCode: '80',
      industrialPark: 'Long Hậu',
      sector: 'industrial_manufacturing',
      investorCountry: 'jp',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      provinceName: 'Tây Ninh',
      investorCountry: 'JP',
      industrialPark: 'Long Hậu',
    });
  });

  it('rejects a country code that is not an ISO 3166-1 code and a sector outside the vocabulary', async () => {
    for (const investorCountry of ['XX', 'UK', 'JPN']) {
      const res = await post('/home-employers', {
        name: 'X',
        provinceCode: '80',
        sector: 'construction',
        investorCountry,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ path: 'investorCountry' });
    }
    const badSector = await post('/home-employers', {
      name: 'X',
      provinceCode: '80',
      sector: 'banking',
      investorCountry: 'KR',
    });
    expect(badSector.statusCode).toBe(400);
    expect(badSector.json().errors[0].path).toBe('sector');
  });

  it('filters by province and sector', async () => {
    await post('/home-employers', {
      name: 'Food Co',
      provinceCode: '92',
      sector: 'food_manufacturing',
      investorCountry: 'JP',
    });
    await post('/home-employers', {
      name: 'Build Co',
      provinceCode: '92',
      sector: 'construction',
      investorCountry: 'KR',
    });
    const res = await get(
      '/home-employers?provinceCode=92&sector=food_manufacturing',
      actors.center(crypto.randomUUID()),
    );
    expect(res.json().items.map((e: { name: string }) => e.name)).toEqual(['Food Co']);
  });

  it('the country list is the 249 official codes and names them', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(isCountryCode('VN')).toBe(true);
    expect(isCountryCode('XK')).toBe(false);
    expect(countryName('JP')).toBe('Japan');
  });
});

describe('agreements', () => {
  it('an agreement Long An signed in 2023 is listed under Tây Ninh after the merger, and under Long An in 2008 terms', async () => {
    const okayama = await t.seed.partner({
      name: 'Okayama City',
      kind: 'municipality',
      prefectureCode: '33',
    });
    const old = await post('/agreements', {
      provinceCode: '80',
      provinceBoundaries: '2008',
      partnerId: okayama.id,
      kind: 'joint_declaration',
      signedOn: '2023-10-17',
      fields: ['nursing_care', 'industrial_manufacturing'],
      title: 'Joint declaration on vocational training and job placement',
    });
    expect(old.statusCode).toBe(201);
    expect(old.json()).toMatchObject({
      provinceCode: '80',
      provinceBoundaries: '2008',
      provinceName: 'Long An',
      provinceCode2025: '80',
      partnerName: 'Okayama City',
    });
    // The old Tây Ninh (72) is part of the new Tây Ninh (80) too.
    const oldTayNinh = await post('/agreements', {
      provinceCode: '72',
      provinceBoundaries: '2008',
      partnerId: okayama.id,
      kind: 'friendship',
      signedOn: '2019-04-01',
      fields: [],
    });
    const current = await post('/agreements', {
      provinceCode: '80',
      partnerId: okayama.id,
      kind: 'mou',
      signedOn: '2025-09-01',
      fields: ['construction'],
    });
    expect(current.json()).toMatchObject({ provinceBoundaries: '2025', provinceName: 'Tây Ninh' });

    const now = await get('/agreements?provinceCode=80', actors.province('80'));
    expect(now.json().items.map((a: { id: string }) => a.id)).toEqual([
      current.json().id,
      old.json().id,
      oldTayNinh.json().id,
    ]);
    const longAn = await get('/agreements?provinceCode=80&provinceBoundaries=2008');
    expect(longAn.json().items.map((a: { id: string }) => a.id)).toEqual([old.json().id]);
    const byPartner = await get(`/agreements?partnerId=${okayama.id}&limit=1`);
    expect(byPartner.json().items).toHaveLength(1);
    expect(byPartner.json().nextCursor).toEqual(expect.any(String));
  });

  it('rejects an unknown partner, a bad field, a province code of the wrong set and a 2008 code after the merger', async () => {
    const partner = await t.seed.partner();
    const base = {
      provinceCode: '80',
      partnerId: partner.id,
      kind: 'mou',
      signedOn: '2024-01-01',
      fields: [],
    };
    const unknownPartner = await post('/agreements', { ...base, partnerId: crypto.randomUUID() });
    expect(unknownPartner.statusCode).toBe(400);
    expect(unknownPartner.json().errors).toEqual([
      { path: 'partnerId', message: 'must be an existing partner' },
    ]);

    const badField = await post('/agreements', { ...base, fields: ['banking'] });
    expect(badField.statusCode).toBe(400);
    expect(badField.json().errors[0].path).toBe('fields.0');

    const duplicateField = await post('/agreements', { ...base, fields: ['construction', 'construction'] });
    expect(duplicateField.json().errors[0].path).toBe('fields');

    // 72 is not a 2025 code.
    const wrongSet = await post('/agreements', { ...base, provinceCode: '72' });
    expect(wrongSet.statusCode).toBe(400);
    expect(wrongSet.json().errors[0].path).toBe('provinceCode');

    const afterMerger = await post('/agreements', {
      ...base,
      provinceBoundaries: '2008',
      signedOn: '2025-08-01',
    });
    expect(afterMerger.statusCode).toBe(400);
    expect(afterMerger.json().errors[0].path).toBe('provinceBoundaries');

    const badDate = await post('/agreements', { ...base, signedOn: '2024-02-30' });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().errors[0]).toEqual({ path: 'signedOn', message: 'must be a date YYYY-MM-DD' });
  });

  it('a province officer cannot record agreements', async () => {
    const partner = await t.seed.partner();
    const res = await post(
      '/agreements',
      { provinceCode: '80', partnerId: partner.id, kind: 'mou', signedOn: '2024-01-01', fields: [] },
      actors.province('80'),
    );
    expect(res.statusCode).toBe(403);
  });
});

describe('lookups for other modules', () => {
  it('getCenter/getPartner answer 404 for unknown ids and assertExists a 400 naming the field', async () => {
    const center = await t.seed.center();
    const partner = await t.seed.partner();
    const db = t.database.db;
    expect((await getCenter(db, center.id)).id).toBe(center.id);
    expect((await getPartner(db, partner.id)).id).toBe(partner.id);
    await expect(getCenter(db, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
    await expect(
      assertExists(db, 'homeEmployer', crypto.randomUUID(), 'homeEmployerId'),
    ).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'homeEmployerId', message: 'must be an existing home employer' }],
    });
    const res = await get(`/training-centers/${crypto.randomUUID()}`);
    expect(res.statusCode).toBe(404);
  });
});

describe('API documentation', () => {
  it('the OpenAPI document describes the organisation and training endpoints', async () => {
    const res = await t.request({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining([
        '/training-centers',
        '/partners',
        '/home-employers',
        '/agreements',
        '/courses',
        '/courses/{id}',
        '/courses/{id}/enrollments',
        '/enrollments/{id}/result',
        '/candidates/{id}/enrollments',
      ]),
    );
  });
});
