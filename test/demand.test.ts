import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidates, enrollments, placements } from '../src/db/schema.ts';
import type { Actor } from '../src/lib/actor.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { onPostgres } from './helpers/database.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let partner: Actor;
let otherPartner: Actor;
const admin = actors.admin();

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
  partner = actors.partner(
    (await t.seed.partner({ name: 'Okayama City', nameJa: '岡山市', kind: 'municipality' })).id,
  );
  otherPartner = actors.partner((await t.seed.partner()).id);
});
afterAll(() => t.close());

/** A ready candidate with `passed` passed courses (the last one an orientation course). */
async function readyCandidate(values: Parameters<TestApp['seed']['candidate']>[0] | object = {}, passed = 1) {
  const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'ready', ...values });
  for (let i = 0; i < passed; i++) {
    const course = await t.seed.course({
      trainingCenterId: centerId,
      kind: i === passed - 1 ? 'orientation' : 'language',
    });
    await t.database.db
      .insert(enrollments)
      .values({ courseId: course.id, candidateId: c.id, outcome: 'passed' });
  }
  return c;
}

async function order(as: Actor, body: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/job-orders',
    as,
    payload: {
      prefectureCode: '33',
      employerName: '株式会社岡山精密',
      program: 'ssw_1',
      field: 'construction',
      headcount: 2,
      ...body,
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; headcount: number; status: string };
}

describe('job orders', () => {
  it('a partner posts an order for itself and reads it back with the prefecture in Japanese', async () => {
    const o = await order(partner, { municipality: '岡山市', minJlpt: 'N4', ageMin: 20, ageMax: 35 });
    const res = await t.request({ method: 'GET', url: `/job-orders/${o.id}`, as: partner });
    expect(res.json()).toMatchObject({
      partnerId: partner.partnerId,
      prefectureName: '岡山県',
      selected: 0,
      status: 'open',
    });
  });

  it('refuses an impossible order, naming every broken rule', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/job-orders',
      as: partner,
      payload: {
        prefectureCode: '48',
        employerName: '',
        program: 'other',
        field: 'space',
        headcount: 0,
        ageMin: 40,
        ageMax: 30,
      },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['employerName', 'program', 'field', 'headcount']));
    const res2 = await t.request({
      method: 'POST',
      url: '/job-orders',
      as: partner,
      payload: {
        prefectureCode: '48',
        employerName: 'X',
        program: 'ssw_1',
        field: 'construction',
        headcount: 1,
        ageMin: 40,
        ageMax: 30,
      },
    });
    expect(res2.statusCode).toBe(400);
    expect(res2.json().errors).toEqual([{ path: 'ageMax', message: 'must be at least ageMin' }]);
    const res3 = await t.request({
      method: 'POST',
      url: '/job-orders',
      as: partner,
      payload: {
        prefectureCode: '48',
        employerName: 'X',
        program: 'ssw_1',
        field: 'construction',
        headcount: 1,
      },
    });
    expect(res3.json().errors).toEqual([{ path: 'prefectureCode', message: expect.stringContaining('47') }]);
  });

  it("another partner's order is not found, and centers may not post orders", async () => {
    const o = await order(partner);
    for (const url of [`/job-orders/${o.id}`, `/job-orders/${o.id}/matches`]) {
      expect((await t.request({ method: 'GET', url, as: otherPartner })).statusCode).toBe(404);
    }
    const sel = await t.request({
      method: 'POST',
      url: `/job-orders/${o.id}/selections`,
      as: otherPartner,
      payload: { candidateCode: 'P-0000000000' },
    });
    expect(sel.statusCode).toBe(404);
    const list = await t.request({ method: 'GET', url: '/job-orders', as: otherPartner });
    expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(o.id);
    const byCenter = await t.request({
      method: 'POST',
      url: '/job-orders',
      as: actors.center(centerId),
      payload: {},
    });
    expect(byCenter.statusCode).toBe(403);
  });

  it('an admin posts for a partner it names, and must name one', async () => {
    const missing = await t.request({
      method: 'POST',
      url: '/job-orders',
      as: admin,
      payload: {
        prefectureCode: '05',
        employerName: 'Akita Agri',
        program: 'titp_1',
        field: 'agriculture',
        headcount: 3,
      },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].path).toBe('partnerId');
    const o = await order(admin, { partnerId: partner.partnerId });
    expect(o).toMatchObject({ headcount: 2 });
  });
});

describe('the anonymised pool', () => {
  it('never shows a partner a name, national ID, phone, birth date or internal id', async () => {
    const c = await readyCandidate({
      fullName: 'Hoàng Thị Xuân Quỳnh Độc Nhất',
      nationalId: '079123456789',
      phone: '0987654321',
      dateOfBirth: '1999-04-30',
      occupationField: 'nursing_care',
    });
    const pool = await t.request({ method: 'GET', url: '/pool?field=nursing_care&limit=500', as: partner });
    expect(pool.statusCode).toBe(200);
    const body = pool.body;
    for (const secret of ['Hoàng', 'Quỳnh', '079123456789', '0987654321', '1999-04-30', c.id]) {
      expect(body).not.toContain(secret);
    }
    const item = pool.json().items.find((i: { code: string }) => i.code === c.poolCode);
    expect(Object.keys(item).sort()).toEqual(
      [
        'age',
        'code',
        'coursesPassed',
        'gender',
        'homeProvinceCode',
        'homeProvinceName',
        'homeProvinceNameEn',
        'jlptLevel',
        'occupationField',
      ].sort(),
    );
    expect(item.coursesPassed).toBe(1);

    const o = await order(partner, { field: 'nursing_care' });
    const matches = await t.request({ method: 'GET', url: `/job-orders/${o.id}/matches`, as: partner });
    for (const secret of ['Hoàng', '079123456789', '0987654321', '1999-04-30', c.id]) {
      expect(matches.body).not.toContain(secret);
    }
  });

  it('shows only ready candidates who consented', async () => {
    const shy = await readyCandidate({ consentToShare: false, occupationField: 'fishery' });
    const training = await t.seed.candidate({
      trainingCenterId: centerId,
      status: 'training',
      occupationField: 'fishery',
    });
    const willing = await readyCandidate({ occupationField: 'fishery' });
    const codes = (await t.request({ method: 'GET', url: '/pool?field=fishery', as: partner }))
      .json()
      .items.map((i: { code: string }) => i.code);
    expect(codes).toContain(willing.poolCode);
    expect(codes).not.toContain(shy.poolCode);
    expect(codes).not.toContain(training.poolCode);
    const o = await order(partner, { field: 'fishery' });
    const sel = await t.request({
      method: 'POST',
      url: `/job-orders/${o.id}/selections`,
      as: partner,
      payload: { candidateCode: shy.poolCode },
    });
    expect(sel.statusCode).toBe(404);
  });

  it('filters by JLPT, gender, age and province, and pages through every item once', async () => {
    const born = (years: number) => `${new Date().getUTCFullYear() - years}-01-01`;
    const a = await readyCandidate({
      occupationField: 'aviation',
      jlptLevel: 'N3',
      gender: 'female',
      dateOfBirth: born(25),
    });
    const b = await readyCandidate({
      occupationField: 'aviation',
      jlptLevel: 'N5',
      gender: 'female',
      dateOfBirth: born(25),
    });
    const c = await readyCandidate({
      occupationField: 'aviation',
      jlptLevel: 'N2',
      gender: 'male',
      dateOfBirth: born(40),
      homeProvinceCode: '40',
      homeProvince2025: '40',
    });
    const q = (s: string) =>
      t.request({ method: 'GET', url: `/pool?field=aviation&${s}`, as: partner }).then((r) =>
        r
          .json()
          .items.map((i: { code: string }) => i.code)
          .sort(),
      );
    expect(await q('minJlpt=N4')).toEqual([a.poolCode, c.poolCode].sort());
    expect(await q('gender=female')).toEqual([a.poolCode, b.poolCode].sort());
    expect(await q('ageMax=30')).toEqual([a.poolCode, b.poolCode].sort());
    expect(await q('ageMin=39&ageMax=41')).toEqual([c.poolCode]);
    expect(await q('homeProvinceCode=40')).toEqual([c.poolCode]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.request({
        method: 'GET',
        url: `/pool?field=aviation&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        as: partner,
      });
      seen.push(...res.json().items.map((i: { code: string }) => i.code));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([a.poolCode, b.poolCode, c.poolCode].sort());
  });

  it('ranks matches in SQL by JLPT margin, courses passed and waiting time, explaining each score', async () => {
    const strong = await readyCandidate({ occupationField: 'railway', jlptLevel: 'N2' }, 3);
    const weak = await readyCandidate({ occupationField: 'railway', jlptLevel: 'N4' }, 1);
    const below = await readyCandidate({ occupationField: 'railway', jlptLevel: 'N5' }, 3);
    await t.database.db
      .update(candidates)
      .set({ statusChangedAt: new Date(Date.now() - 100 * 86400_000) })
      .where(eq(candidates.id, weak.id));
    const o = await order(partner, { field: 'railway', minJlpt: 'N4' });
    const res = await t.request({ method: 'GET', url: `/job-orders/${o.id}/matches`, as: partner });
    const items = res.json().items as {
      code: string;
      score: number;
      scoreParts: { jlpt: number; courses: number; waiting: number };
    }[];
    expect(items.map((i) => i.code)).toEqual([strong.poolCode, weak.poolCode]);
    expect(items.map((i) => i.code)).not.toContain(below.poolCode);
    expect(items[0]!.scoreParts).toEqual({ jlpt: 30, courses: 30, waiting: 0 });
    expect(items[1]!.scoreParts).toEqual({ jlpt: 10, courses: 10, waiting: 10 });
    for (const i of items)
      expect(i.score).toBe(i.scoreParts.jlpt + i.scoreParts.courses + i.scoreParts.waiting);
  });

  it('pages through the whole ranking with nextCursor, each candidate once, in rank order', async () => {
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(await readyCandidate({ occupationField: 'aviation', jlptLevel: i % 2 ? 'N3' : 'N4' }, i % 3));
    }
    const o = await order(partner, { field: 'aviation', minJlpt: 'N4' });
    const whole = (
      await t.request({ method: 'GET', url: `/job-orders/${o.id}/matches?limit=100`, as: partner })
    ).json();
    expect(whole.nextCursor).toBeNull();
    const codes = whole.items.map((i: { code: string }) => i.code);
    for (const c of made) expect(codes).toContain(c.poolCode);
    const paged: { code: string; score: number }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.request({
        method: 'GET',
        url: `/job-orders/${o.id}/matches?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        as: partner,
      });
      expect(res.statusCode).toBe(200);
      paged.push(...res.json().items);
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(Math.ceil(codes.length / 3));
    expect(paged.map((i) => i.code)).toEqual(whole.items.map((i: { code: string }) => i.code));
    const bad = await t.request({
      method: 'GET',
      url: `/job-orders/${o.id}/matches?cursor=${Buffer.from('["x","y"]').toString('base64url')}`,
      as: partner,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'cursor', message: 'is not a valid cursor' }]);
  });
});

describe('selections', () => {
  it("refuses a candidate who does not meet the order's requirements, saying which", async () => {
    const o = await order(partner, {
      field: 'nursing_care',
      minJlpt: 'N3',
      gender: 'female',
      ageMin: 20,
      ageMax: 30,
      headcount: 3,
    });
    const dob = (years: number) => {
      const d = new Date();
      return `${d.getUTCFullYear() - years}-01-01`;
    };
    const wrong = await readyCandidate({
      occupationField: 'construction',
      jlptLevel: 'N4',
      gender: 'male',
      dateOfBirth: dob(40),
    });
    const select = (code: string) =>
      t.request({
        method: 'POST',
        url: `/job-orders/${o.id}/selections`,
        as: partner,
        payload: { candidateCode: code },
      });
    const refused = await select(wrong.poolCode);
    expect(refused.statusCode).toBe(409);
    const messages = refused.json().errors.map((e: { message: string }) => e.message);
    expect(messages).toHaveLength(4);
    expect(messages.join(' | ')).toMatch(/field nursing_care.*JLPT N3.*female.*at most 30/);
    const fits = await readyCandidate({
      occupationField: 'nursing_care',
      jlptLevel: 'N2',
      gender: 'female',
      dateOfBirth: dob(25),
    });
    expect((await select(fits.poolCode)).statusCode).toBe(201);
    // Nothing changed for the refused candidate.
    const [after] = await t.database.db.select().from(candidates).where(eq(candidates.id, wrong.id));
    expect(after!.status).toBe('ready');
  });

  it('selecting creates a planned placement, moves the candidate to selected and respects the headcount', async () => {
    const o = await order(partner, { field: 'shipbuilding', headcount: 1 });
    const first = await readyCandidate({ occupationField: 'shipbuilding' });
    const second = await readyCandidate({ occupationField: 'shipbuilding' });
    const res = await t.request({
      method: 'POST',
      url: `/job-orders/${o.id}/selections`,
      as: partner,
      payload: { candidateCode: first.poolCode },
    });
    expect(res.statusCode).toBe(201);
    const { placementId } = res.json();
    const placement = await t.request({ method: 'GET', url: `/placements/${placementId}`, as: partner });
    expect(placement.json()).toMatchObject({
      status: 'planned',
      destinationCountry: 'JP',
      prefectureCode: '33',
      candidateCode: first.code,
    });
    const [row] = await t.database.db.select().from(candidates).where(eq(candidates.id, first.id));
    expect(row!.status).toBe('selected');
    const full = await t.request({
      method: 'POST',
      url: `/job-orders/${o.id}/selections`,
      as: partner,
      payload: { candidateCode: second.poolCode },
    });
    expect(full.statusCode).toBe(409);
    expect(
      (await t.request({ method: 'GET', url: `/job-orders/${o.id}`, as: partner })).json(),
    ).toMatchObject({ status: 'filled', selected: 1 });
    // The other partner cannot read that placement.
    expect(
      (await t.request({ method: 'GET', url: `/placements/${placementId}`, as: otherPartner })).statusCode,
    ).toBe(404);
  });

  it('after selecting, the partner reads the full record, each read audited as a disclosure; others cannot', async () => {
    const c = await readyCandidate({ occupationField: 'accommodation', fullName: 'Đặng Thị Thu Hà' });
    expect((await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: partner })).statusCode).toBe(
      404,
    );
    const o = await order(partner, { field: 'accommodation' });
    const sel = await t.request({
      method: 'POST',
      url: `/job-orders/${o.id}/selections`,
      as: partner,
      payload: { candidateCode: c.poolCode },
    });
    const full = await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: partner });
    expect(full.statusCode).toBe(200);
    expect(full.json()).toMatchObject({ fullName: 'Đặng Thị Thu Hà', code: c.code });
    // Identity documents stay with the sending side: no national ID, phone or pool code for a partner.
    expect(full.json()).not.toHaveProperty('nationalId');
    expect(full.json()).not.toHaveProperty('phone');
    expect(full.json()).not.toHaveProperty('poolCode');
    expect(full.body).not.toContain(c.nationalId!);
    expect(
      (await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: otherPartner })).statusCode,
    ).toBe(404);
    const audit = await t.request({
      method: 'GET',
      url: `/audit?entity=disclosure&entityId=${c.id}`,
      as: admin,
    });
    expect(audit.json().items).toEqual([
      expect.objectContaining({
        actorId: partner.id,
        action: 'disclose',
        entity: 'disclosure',
        entityId: c.id,
      }),
    ]);
    // The placement letter names the candidate too: printing it is a disclosure as well.
    const letterUrl = `/placements/${sel.json().placementId}/letter.pdf`;
    expect((await t.request({ method: 'GET', url: letterUrl, as: partner })).statusCode).toBe(200);
    const after = await t.request({
      method: 'GET',
      url: `/audit?entity=disclosure&entityId=${c.id}`,
      as: admin,
    });
    expect(after.json().items.map((i: { action: string }) => i.action)).toEqual(['disclose', 'disclose']);
    // A cancelled selection closes the record, and the letter, again.
    await t.request({
      method: 'POST',
      url: `/placements/${sel.json().placementId}/cancel`,
      as: partner,
      payload: { reason: 'interview not passed' },
    });
    expect((await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: partner })).statusCode).toBe(
      404,
    );
    expect((await t.request({ method: 'GET', url: letterUrl, as: partner })).statusCode).toBe(404);
  });

  it('a selected candidate has left the pool: another order gets the same 404 as an unknown code', async () => {
    const c = await readyCandidate({ occupationField: 'forestry' });
    const o1 = await order(partner, { field: 'forestry' });
    const o2 = await order(admin, { field: 'forestry', partnerId: otherPartner.partnerId });
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/job-orders/${o1.id}/selections`,
          as: partner,
          payload: { candidateCode: c.poolCode },
        })
      ).statusCode,
    ).toBe(201);
    const again = await t.request({
      method: 'POST',
      url: `/job-orders/${o2.id}/selections`,
      as: otherPartner,
      payload: { candidateCode: c.poolCode },
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().errors).toEqual([
      { path: 'candidateCode', message: 'is not the code of a candidate in the pool' },
    ]);
  });

  it.skipIf(!onPostgres())(
    'two partners selecting one candidate at the same moment: one placement, the other a 404 (PostgreSQL)',
    async () => {
      const c = await readyCandidate({ occupationField: 'wood_industry' });
      const o1 = await order(partner, { field: 'wood_industry' });
      const o2 = await order(admin, { field: 'wood_industry', partnerId: otherPartner.partnerId });
      const [r1, r2] = await Promise.all([
        t.request({
          method: 'POST',
          url: `/job-orders/${o1.id}/selections`,
          as: partner,
          payload: { candidateCode: c.poolCode },
        }),
        t.request({
          method: 'POST',
          url: `/job-orders/${o2.id}/selections`,
          as: otherPartner,
          payload: { candidateCode: c.poolCode },
        }),
      ]);
      // The loser waits on the candidate's row, finds it no longer in the pool: the one 404 answer.
      expect([r1.statusCode, r2.statusCode].sort()).toEqual([201, 404]);
      const open = await t.database.db.select().from(placements).where(eq(placements.candidateId, c.id));
      expect(open).toHaveLength(1);
    },
  );

  it.skipIf(!onPostgres())(
    'twenty parallel selections on a headcount-3 order give exactly three placements (PostgreSQL)',
    async () => {
      const o = await order(partner, { field: 'automobile_transport', headcount: 3 });
      const pool = await Promise.all(
        Array.from({ length: 20 }, () => readyCandidate({ occupationField: 'automobile_transport' })),
      );
      const results = await Promise.all(
        pool.map((c) =>
          t.request({
            method: 'POST',
            url: `/job-orders/${o.id}/selections`,
            as: partner,
            payload: { candidateCode: c.poolCode },
          }),
        ),
      );
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3);
      expect(results.filter((r) => r.statusCode === 409)).toHaveLength(17);
      const made = await t.database.db.select().from(placements).where(eq(placements.jobOrderId, o.id));
      expect(made).toHaveLength(3);
    },
  );
});
