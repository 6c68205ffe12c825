import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/lib/actor.ts';
import { todayInVietnam } from '../src/lib/dates.ts';
import { auditLog } from '../src/modules/audit/audit.table.ts';
import { candidates } from '../src/modules/candidates/candidates.table.ts';
import { enrollments } from '../src/modules/training/training.table.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { onPostgres } from './helpers/database.ts';
import { actors, nationalId } from './helpers/seed.ts';

let t: TestApp;
let centerA: { id: string; name: string };
let centerB: { id: string; name: string };
let asA: Actor;
let asB: Actor;

beforeAll(async () => {
  t = await createTestApp();
  centerA = await t.seed.center({ name: 'Trung tâm Long An Nhật Bản' });
  centerB = await t.seed.center({ name: 'Trung tâm Bí Mật Hà Nội', provinceCode: '01' });
  asA = actors.center(centerA.id);
  asB = actors.center(centerB.id);
});
afterAll(() => t.close());

const body = (overrides: Record<string, unknown> = {}) => ({
  fullName: 'Nguyễn Văn Được',
  dateOfBirth: '2000-05-17',
  gender: 'male',
  nationalId: nationalId(),
  phone: '0912 345 678',
  homeProvinceCode: '80',
  occupationField: 'construction',
  jlptLevel: 'N4',
  consentToShare: true,
  ...overrides,
});

/** A date `years` years before today in Viet Nam, shifted by `days`. */
function yearsAgo(years: number, days = 0): string {
  const [y, m, d] = todayInVietnam().split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y - years, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

async function register(as: Actor, overrides: Record<string, unknown> = {}) {
  const res = await t.request({ method: 'POST', url: '/candidates', as, payload: body(overrides) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe("today's date in Viet Nam", () => {
  it('turns at 17:00 UTC and agrees with the time-zone database over a year', () => {
    expect(todayInVietnam(Date.parse('2026-11-23T16:59:59.999Z'))).toBe('2026-11-23');
    expect(todayInVietnam(Date.parse('2026-11-23T17:00:00.000Z'))).toBe('2026-11-24');
    expect(todayInVietnam(new Date('2024-02-28T17:30:00Z'))).toBe('2024-02-29');
    const tz = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' });
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 3_599_000) {
      expect(todayInVietnam(t)).toBe(tz.format(t));
    }
  });
});

describe('registering a candidate', () => {
  it('a center registers a trainee for itself and gets code, status and version back', async () => {
    const res = await t.request({ method: 'POST', url: '/candidates', as: asA, payload: body() });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({
      fullName: 'Nguyễn Văn Được',
      status: 'registered',
      version: 1,
      trainingCenterId: centerA.id,
      phone: '+84912345678',
      homeProvinceCode: '80',
      provinceBoundaries: '2025',
      homeProvince2025: '80',
      occupationField: 'construction',
      jlptLevel: 'N4',
      consentToShare: true,
      gender: 'male',
      dateOfBirth: '2000-05-17',
    });
    expect(c.code).toMatch(/^KH-\d{4}-\d{6}$/);
    expect(c).not.toHaveProperty('nameSearch');
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'candidate'), eq(auditLog.entityId, c.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', actorId: asA.id });
  });

  it('stores the name in NFC and a search key without diacritics', async () => {
    const decomposed = 'Trần Thị Đào'.normalize('NFD');
    const c = await register(asA, { fullName: `  ${decomposed}  ` });
    expect(c.fullName).toBe('Trần Thị Đào'.normalize('NFC'));
    const [row] = await t.database.db.select().from(candidates).where(eq(candidates.id, c.id));
    expect(row!.nameSearch).toBe('tran thi dao');
  });

  it('accepts the phone in international form and stores one form', async () => {
    const c = await register(asA, { phone: '+84 91 234 5678' });
    expect(c.phone).toBe('+84912345678');
  });

  it('lists every broken rule at once, each with its field', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/candidates',
      as: asA,
      payload: {
        fullName: '   ',
        dateOfBirth: '2001-02-30',
        gender: 'other',
        nationalId: '12345',
        phone: '12345',
        homeProvinceCode: '72',
        occupationField: 'chef',
        jlptLevel: 'N6',
        consentToShare: 'yes',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'fullName',
        'dateOfBirth',
        'gender',
        'nationalId',
        'phone',
        'homeProvinceCode',
        'occupationField',
        'jlptLevel',
        'consentToShare',
      ]),
    );
    const byPath = Object.fromEntries(
      res.json().errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    );
    expect(byPath.nationalId).toMatch(/12 digits/);
    expect(byPath.homeProvinceCode).toMatch(/2025 boundary set/);
    expect(byPath.phone).toMatch(/Vietnamese phone/);
  });

  it('names missing required fields', async () => {
    const res = await t.request({ method: 'POST', url: '/candidates', as: asA, payload: {} });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'fullName',
        'dateOfBirth',
        'gender',
        'nationalId',
        'homeProvinceCode',
        'occupationField',
        'consentToShare',
      ]),
    );
  });

  it('refuses unknown fields, status included', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/candidates',
      as: asA,
      payload: body({ status: 'ready', nickname: 'Được' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'status', message: 'is not a known field' },
      { path: 'nickname', message: 'is not a known field' },
    ]);
  });

  it('refuses a candidate younger than 18 today (Law 69/2020) and accepts one who turns 18 today', async () => {
    const young = await t.request({
      method: 'POST',
      url: '/candidates',
      as: asA,
      payload: body({ dateOfBirth: yearsAgo(18, 1) }),
    });
    expect(young.statusCode).toBe(400);
    expect(young.json().errors).toEqual([
      { path: 'dateOfBirth', message: expect.stringMatching(/at least 18/) },
    ]);
    const adult = await register(asA, { dateOfBirth: yearsAgo(18) });
    expect(adult.dateOfBirth).toBe(yearsAgo(18));
  });

  it('refuses a national ID with letters or the wrong length', async () => {
    for (const bad of ['0123456789AB', '01234567890', '0123456789012']) {
      const res = await t.request({
        method: 'POST',
        url: '/candidates',
        as: asA,
        payload: body({ nationalId: bad }),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        { path: 'nationalId', message: expect.stringMatching(/12 digits/) },
      ]);
    }
  });

  it('accepts a 2008 province code and stores the 2025 unit it now lies in', async () => {
    const longAn = await register(asA, { homeProvinceCode: '80', provinceBoundaries: '2008' });
    expect(longAn).toMatchObject({
      homeProvinceCode: '80',
      provinceBoundaries: '2008',
      homeProvince2025: '80',
    });
    const oldTayNinh = await register(asA, { homeProvinceCode: '72', provinceBoundaries: '2008' });
    expect(oldTayNinh.homeProvince2025).toBe('80');
    const vinhPhuc = await register(asA, { homeProvinceCode: '26', provinceBoundaries: '2008' });
    expect(vinhPhuc.homeProvince2025).toBe('25');
  });

  it('a choice left out (gender, field) is "required", a wrong one lists the choices', async () => {
    const { gender: _g, occupationField: _f, ...rest } = body();
    const missing = await t.request({ method: 'POST', url: '/candidates', as: asA, payload: rest });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual(
      expect.arrayContaining([
        { path: 'gender', message: 'is required' },
        { path: 'occupationField', message: 'is required' },
      ]),
    );
    const wrong = await t.request({
      method: 'POST',
      url: '/candidates',
      as: asA,
      payload: body({ gender: 'x' }),
    });
    expect(wrong.json().errors).toEqual([{ path: 'gender', message: 'must be one of: male, female' }]);
  });

  it('an admin must name an existing training center', async () => {
    const admin = actors.admin();
    const missing = await t.request({ method: 'POST', url: '/candidates', as: admin, payload: body() });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([
      { path: 'trainingCenterId', message: 'is required for admin users' },
    ]);
    const unknown = await t.request({
      method: 'POST',
      url: '/candidates',
      as: admin,
      payload: body({ trainingCenterId: '11111111-1111-4111-8111-111111111111' }),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].path).toBe('trainingCenterId');
    const ok = await register(admin, { trainingCenterId: centerB.id });
    expect(ok.trainingCenterId).toBe(centerB.id);
  });

  it('a center cannot register a trainee for another center', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/candidates',
      as: asA,
      payload: body({ trainingCenterId: centerB.id }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('trainingCenterId');
  });

  it('province officers and partners may not register candidates', async () => {
    for (const as of [actors.province('80'), actors.partner('00000000-0000-4000-8000-0000000000aa')]) {
      const res = await t.request({ method: 'POST', url: '/candidates', as, payload: body() });
      expect(res.statusCode).toBe(403);
    }
  });

  it('a duplicate national ID is a 409 on nationalId that does not say which center has the person', async () => {
    const id = nationalId();
    const theirs = await register(asB, { nationalId: id });
    const res = await t.request({
      method: 'POST',
      url: '/candidates',
      as: asA,
      payload: body({ nationalId: id }),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors).toEqual([{ path: 'nationalId', message: 'is already registered' }]);
    expect(res.body).not.toContain(centerB.id);
    expect(res.body).not.toContain(centerB.name);
    expect(res.body).not.toContain(theirs.code);
    expect(res.body).not.toContain(theirs.id);
  });
});

describe('who sees which candidates', () => {
  it("a center cannot read, patch, move or see the history of another center's trainee", async () => {
    const theirs = await register(asB);
    const get = await t.request({ method: 'GET', url: `/candidates/${theirs.id}`, as: asA });
    expect(get.statusCode).toBe(404);
    const patch = await t.request({
      method: 'PATCH',
      url: `/candidates/${theirs.id}`,
      as: asA,
      payload: { fullName: 'Lê Văn Lạ', version: 1 },
    });
    expect(patch.statusCode).toBe(404);
    const move = await t.request({
      method: 'POST',
      url: `/candidates/${theirs.id}/transitions`,
      as: asA,
      payload: { to: 'withdrawn', reason: 'x' },
    });
    expect(move.statusCode).toBe(404);
    const history = await t.request({ method: 'GET', url: `/candidates/${theirs.id}/history`, as: asA });
    expect(history.statusCode).toBe(404);
    const list = await t.request({ method: 'GET', url: '/candidates?limit=500', as: asA });
    expect(list.json().items.map((c: { id: string }) => c.id)).not.toContain(theirs.id);
    // Still unchanged for its own center.
    const own = await t.request({ method: 'GET', url: `/candidates/${theirs.id}`, as: asB });
    expect(own.json()).toMatchObject({ fullName: theirs.fullName, version: 1 });
  });

  it('an unknown id and one outside the scope look the same', async () => {
    const res = await t.request({
      method: 'GET',
      url: '/candidates/11111111-1111-4111-8111-111111111111',
      as: asA,
    });
    expect(res.statusCode).toBe(404);
    const bad = await t.request({ method: 'GET', url: '/candidates/not-a-uuid', as: asA });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('id');
  });

  it('a Tây Ninh officer sees trainees registered under the old Long An code, and others do not', async () => {
    const center = await t.seed.center();
    const as = actors.center(center.id);
    const longAn = await register(as, {
      homeProvinceCode: '80',
      provinceBoundaries: '2008',
      fullName: 'Võ Long An',
    });
    const haNoi = await register(as, { homeProvinceCode: '01', fullName: 'Phạm Hà Nội' });
    const tayNinh = actors.province('80');
    const seen = await t.request({ method: 'GET', url: `/candidates/${longAn.id}`, as: tayNinh });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().homeProvince2025).toBe('80');
    expect((await t.request({ method: 'GET', url: `/candidates/${haNoi.id}`, as: tayNinh })).statusCode).toBe(
      404,
    );
    expect(
      (await t.request({ method: 'GET', url: `/candidates/${longAn.id}`, as: actors.province('01') }))
        .statusCode,
    ).toBe(404);
    const list = await t.request({ method: 'GET', url: '/candidates?q=long%20an&limit=500', as: tayNinh });
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual([longAn.id]);
    const listAll = await t.request({ method: 'GET', url: '/candidates?limit=500', as: tayNinh });
    expect(listAll.json().items.every((c: { homeProvince2025: string }) => c.homeProvince2025 === '80')).toBe(
      true,
    );
  });

  it('province officers read but may not change candidates', async () => {
    const c = await register(asA);
    const tayNinh = actors.province('80');
    const patch = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: tayNinh,
      payload: { fullName: 'X', version: 1 },
    });
    expect(patch.statusCode).toBe(403);
    const history = await t.request({ method: 'GET', url: `/candidates/${c.id}/history`, as: tayNinh });
    expect(history.statusCode).toBe(200);
  });

  it('partners may not list candidates, and a record they did not select is not found', async () => {
    const c = await register(asA);
    const partner = actors.partner('00000000-0000-4000-8000-0000000000aa');
    expect((await t.request({ method: 'GET', url: '/candidates', as: partner })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: partner })).statusCode).toBe(
      404,
    );
  });

  it('an admin sees every center', async () => {
    const a = await register(asA);
    const b = await register(asB);
    for (const c of [a, b]) {
      expect(
        (await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: actors.admin() })).statusCode,
      ).toBe(200);
    }
  });
});

describe('listing and searching', () => {
  it('finds a name without diacritics or case', async () => {
    const center = await t.seed.center();
    const as = actors.center(center.id);
    const duoc = await register(as, { fullName: 'Nguyễn Văn Được' });
    await register(as, { fullName: 'Nguyễn Thị Hoa' });
    for (const q of ['nguyen van duoc', 'NGUYỄN VĂN ĐƯỢC', 'duoc', 'Được', 'van  duoc']) {
      const res = await t.request({ method: 'GET', url: `/candidates?q=${encodeURIComponent(q)}`, as });
      expect(res.statusCode).toBe(200);
      expect(
        res.json().items.map((c: { id: string }) => c.id),
        q,
      ).toEqual([duoc.id]);
    }
    const byCode = await t.request({ method: 'GET', url: `/candidates?q=${duoc.code.toLowerCase()}`, as });
    expect(byCode.json().items.map((c: { id: string }) => c.id)).toEqual([duoc.id]);
    const wildcard = await t.request({ method: 'GET', url: `/candidates?q=${encodeURIComponent('%')}`, as });
    expect(wildcard.json().items).toEqual([]);
  });

  it('filters by status and by 2025 home province', async () => {
    const center = await t.seed.center();
    const as = actors.center(center.id);
    const longAn = await register(as, { homeProvinceCode: '80', provinceBoundaries: '2008' });
    const haNoi = await register(as, { homeProvinceCode: '01' });
    await t.request({
      method: 'POST',
      url: `/candidates/${haNoi.id}/transitions`,
      as,
      payload: { to: 'withdrawn', reason: 'Chuyển nghề' },
    });
    const byProvince = await t.request({ method: 'GET', url: '/candidates?homeProvinceCode=80', as });
    expect(byProvince.json().items.map((c: { id: string }) => c.id)).toEqual([longAn.id]);
    const withdrawn = await t.request({ method: 'GET', url: '/candidates?status=withdrawn', as });
    expect(withdrawn.json().items.map((c: { id: string }) => c.id)).toEqual([haNoi.id]);
    const badProvince = await t.request({ method: 'GET', url: '/candidates?homeProvinceCode=72', as });
    expect(badProvince.statusCode).toBe(400);
    expect(badProvince.json().errors[0].path).toBe('homeProvinceCode');
    const badStatus = await t.request({ method: 'GET', url: '/candidates?status=sleeping', as });
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().errors[0].path).toBe('status');
  });

  it('pages cover every trainee exactly once, even with inserts between pages', async () => {
    const center = await t.seed.center();
    const as = actors.center(center.id);
    // One multi-row insert: every row has the same createdAt, so only the id orders them.
    const rows = Array.from({ length: 23 }, (_, i) => ({
      fullName: `Học viên ${i}`,
      nameSearch: `hoc vien ${i}`,
      dateOfBirth: '1999-01-01',
      gender: 'female',
      nationalId: nationalId(),
      homeProvinceCode: '80',
      homeProvince2025: '80',
      occupationField: 'nursing_care',
      trainingCenterId: center.id,
    }));
    await t.database.db.insert(candidates).values(rows.slice(0, 13));
    await t.database.db.insert(candidates).values(rows.slice(13));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/candidates?limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.request({ method: 'GET', url, as });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((c: { nationalId: string }) => c.nationalId));
      cursor = page.nextCursor;
      if (pages++ === 1) await register(as); // a newer trainee arrives mid-way
    } while (cursor);
    const expected = rows.map((r) => r.nationalId).sort();
    expect(seen.filter((id) => expected.includes(id)).sort()).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await t.request({ method: 'GET', url: '/candidates?cursor=garbage', as: asA });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('cursor');
    const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
    const res2 = await t.request({ method: 'GET', url: `/candidates?cursor=${forged}`, as: asA });
    expect(res2.statusCode).toBe(400);
  });
});

describe('changing a candidate', () => {
  it('a patch with the current version changes the fields, bumps the version and is audited', async () => {
    const c = await register(asA);
    const res = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { fullName: 'Nguyễn Văn Đức', jlptLevel: 'N3', phone: null, version: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      fullName: 'Nguyễn Văn Đức',
      jlptLevel: 'N3',
      phone: null,
      version: 2,
    });
    const [row] = await t.database.db.select().from(candidates).where(eq(candidates.id, c.id));
    expect(row!.nameSearch).toBe('nguyen van duc');
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, c.id), eq(auditLog.action, 'update')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toEqual({
      fullName: 'Nguyễn Văn Được',
      jlptLevel: 'N4',
      phone: '+84912345678',
      version: 1,
    });
  });

  it('a stale version is refused with 409 and changes nothing', async () => {
    const c = await register(asA);
    const first = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { occupationField: 'agriculture', version: 1 },
    });
    expect(first.statusCode).toBe(200);
    const stale = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { occupationField: 'fishery', version: 1 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().errors).toEqual([
      { path: 'version', message: expect.stringMatching(/current version is 2/) },
    ]);
    const now = await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: asA });
    expect(now.json()).toMatchObject({ occupationField: 'agriculture', version: 2 });
  });

  it('patch fields follow the create rules', async () => {
    const c = await register(asA);
    const res = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { nationalId: '12', dateOfBirth: yearsAgo(10), status: 'ready', version: 1 },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['nationalId', 'dateOfBirth']));
    expect(res.json().errors).toContainEqual({ path: 'status', message: 'is not a known field' });
    const noVersion = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { gender: 'female' },
    });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json().errors[0].path).toBe('version');
  });

  it('checks a changed home province against the stored boundary set', async () => {
    const c = await register(asA, { homeProvinceCode: '72', provinceBoundaries: '2008' });
    const stillOld = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { homeProvinceCode: '26', version: 1 },
    });
    expect(stillOld.statusCode).toBe(200);
    expect(stillOld.json()).toMatchObject({
      homeProvinceCode: '26',
      provinceBoundaries: '2008',
      homeProvince2025: '25',
    });
    const bad = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { provinceBoundaries: '2025', version: 2 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      { path: 'homeProvinceCode', message: 'is not a province code of the 2025 boundary set' },
    ]);
  });

  it('a patch to a national ID someone else has is a 409', async () => {
    const other = await register(asB);
    const c = await register(asA);
    const res = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { nationalId: other.nationalId, version: 1 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors).toEqual([{ path: 'nationalId', message: 'is already registered' }]);
    expect(res.body).not.toContain(other.code);
  });

  it('a center cannot move its trainee to another center', async () => {
    const c = await register(asA);
    const res = await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { trainingCenterId: centerB.id, version: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('trainingCenterId');
  });

  it.skipIf(!onPostgres())(
    'of two simultaneous patches with the same version, one wins and the other gets 409 (PostgreSQL)',
    async () => {
      for (let round = 0; round < 5; round++) {
        const c = await register(asA);
        const results = await Promise.all(
          ['agriculture', 'fishery'].map((field) =>
            t.request({
              method: 'PATCH',
              url: `/candidates/${c.id}`,
              as: asA,
              payload: { occupationField: field, version: 1 },
            }),
          ),
        );
        expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
        const winner = results.find((r) => r.statusCode === 200)!.json();
        const now = await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: asA });
        expect(now.json()).toMatchObject({ occupationField: winner.occupationField, version: 2 });
      }
    },
  );
});

describe('status transitions', () => {
  it('a registered trainee cannot be marked ready, and the 409 says why', async () => {
    const c = await register(asA);
    const res = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'ready' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(
      /registered candidate cannot become ready: .*only become training or withdrawn/,
    );
  });

  it('a trainee in training becomes ready only after passing a course', async () => {
    const c = await register(asA);
    const course = await t.seed.course({ trainingCenterId: centerA.id });
    await t.database.db.insert(enrollments).values({ courseId: course.id, candidateId: c.id });
    await t.database.db
      .update(candidates)
      .set({ status: 'training', version: 2 })
      .where(eq(candidates.id, c.id));
    const early = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'ready' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toMatch(/not passed any course/);
    await t.database.db
      .update(enrollments)
      .set({ outcome: 'passed' })
      .where(eq(enrollments.candidateId, c.id));
    const ready = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'ready' },
    });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', version: 3 });
  });

  it('a withdrawal needs a reason; after it, the trainee cannot come back', async () => {
    const c = await register(asA);
    const noReason = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'withdrawn' },
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toEqual([{ path: 'reason', message: expect.stringMatching(/required/) }]);
    const blank = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'withdrawn', reason: '   ' },
    });
    expect(blank.statusCode).toBe(400);
    const res = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'withdrawn', reason: 'Gia đình không đồng ý' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'withdrawn', version: 2 });
    const again = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'ready' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/withdrawn is a final status/);
    const twice = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'withdrawn', reason: 'again' },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().detail).toMatch(/already withdrawn/);
  });

  it('only ready and withdrawn can be asked for', async () => {
    const c = await register(asA);
    const res = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'departed' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('to');
  });

  it('a transition with a stale version is refused', async () => {
    const c = await register(asA);
    await t.request({
      method: 'PATCH',
      url: `/candidates/${c.id}`,
      as: asA,
      payload: { gender: 'female', version: 1 },
    });
    const res = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'withdrawn', reason: 'Đi học đại học', version: 1 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0].path).toBe('version');
  });

  it('the history starts with the registration and lists each move with who and why', async () => {
    const c = await register(asA);
    await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/transitions`,
      as: asA,
      payload: { to: 'withdrawn', reason: 'Sức khỏe' },
    });
    const res = await t.request({ method: 'GET', url: `/candidates/${c.id}/history`, as: asA });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      { from: null, to: 'registered', at: expect.any(String), actorId: asA.id, reason: null },
      { from: 'registered', to: 'withdrawn', at: expect.any(String), actorId: asA.id, reason: 'Sức khỏe' },
    ]);
    const admin = await t.request({ method: 'GET', url: `/candidates/${c.id}/history`, as: actors.admin() });
    expect(admin.json().items).toHaveLength(2);
  });
});
