import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { queryRows } from '../src/db/query.ts';
import { candidates, enrollments, selectionCancellations } from '../src/db/schema.ts';
import type { Actor } from '../src/lib/actor.ts';
import { candidatePartnerOut } from '../src/modules/candidates/candidates.schemas.ts';
import { POOL_CODE_PATTERN } from '../src/modules/candidates/candidates.table.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';
import { pdfPages } from './pdf-extract.ts';

let t: TestApp;
let centerId: string;
let otherCenterId: string;
const admin = actors.admin();
let center: Actor;

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center({ provinceCode: '80' })).id;
  otherCenterId = (await t.seed.center({ provinceCode: '01', serialPrefix: 'HN' })).id;
  center = actors.center(centerId);
});
afterAll(() => t.close());

/** A partner of its own, so that each test counts its own cancellations. */
async function newPartner(): Promise<Actor> {
  const p = await t.seed.partner();
  return { ...actors.partner(p.id), id: crypto.randomUUID() };
}

/** A ready, consenting candidate with a passed orientation course. */
async function pooled(values: Record<string, unknown> = {}) {
  const c = await t.seed.candidate({
    trainingCenterId: centerId,
    status: 'ready',
    occupationField: 'construction',
    ...values,
  });
  const course = await t.seed.course({ trainingCenterId: c.trainingCenterId, kind: 'orientation' });
  await t.database.db
    .insert(enrollments)
    .values({ courseId: course.id, candidateId: c.id, outcome: 'passed' });
  return c;
}

async function order(partner: Actor, headcount = 10) {
  const res = await t.request({
    method: 'POST',
    url: '/job-orders',
    as: partner,
    payload: {
      prefectureCode: '33',
      employerName: '株式会社岡山建設',
      program: 'ssw_1',
      field: 'construction',
      headcount,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const select = (partner: Actor, orderId: string, candidateCode: string) =>
  t.request({
    method: 'POST',
    url: `/job-orders/${orderId}/selections`,
    as: partner,
    payload: { candidateCode },
  });
const cancel = (as: Actor, placementId: string, reason = 'interview not passed') =>
  t.request({ method: 'POST', url: `/placements/${placementId}/cancel`, as, payload: { reason } });
const alertsOf = async (as: Actor, kind: string) => {
  const res = await t.request({ method: 'GET', url: `/alerts?kind=${kind}`, as });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { subjectId: string; details: Record<string, unknown>; message: string }[];
};

describe('a partner cannot harvest identities', () => {
  it('select → read → cancel → repeat is stopped at the fourth cancellation, and the admin is alerted', async () => {
    const partner = await newPartner();
    const orderId = await order(partner);
    const people = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        pooled({ nationalId: `07920000000${i}`, phone: `+8498765432${i}` }),
      ),
    );
    const bodies: string[] = [];
    const placementIds: string[] = [];
    for (const [i, c] of people.slice(0, 4).entries()) {
      const sel = await select(partner, orderId, c.poolCode);
      expect(sel.statusCode, sel.body).toBe(201);
      const placementId = sel.json().placementId as string;
      placementIds.push(placementId);
      const read = await t.request({ method: 'GET', url: `/candidates/${c.id}`, as: partner });
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ fullName: c.fullName, code: c.code });
      bodies.push(sel.body, read.body);
      const res = await cancel(partner, placementId);
      if (i < 3) {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().status).toBe('cancelled');
      } else {
        expect(res.statusCode).toBe(409);
        expect(res.json()).toMatchObject({
          type: expect.stringMatching(/selection-cancel-quota$/),
          status: 409,
          detail: expect.stringContaining('3 selections in the last 30 days'),
        });
      }
    }
    // The fourth selection stands: the candidate stays selected, out of the pool.
    const fourth = await t.request({ method: 'GET', url: `/placements/${placementIds[3]}`, as: partner });
    expect(fourth.json().status).toBe('planned');
    const [row] = await t.database.db.select().from(candidates).where(eq(candidates.id, people[3]!.id));
    expect(row!.status).toBe('selected');

    // One admin alert, however often the partner tries again that day.
    expect((await cancel(partner, placementIds[3]!)).statusCode).toBe(409);
    const raised = (await alertsOf(admin, 'partner_cancellations')).filter(
      (a) => a.subjectId === partner.partnerId,
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]!.details).toMatchObject({ cancellations: 3, quota: 3, windowDays: 30 });
    // Neither the partner nor the center reads that alert.
    expect(await alertsOf(partner, 'partner_cancellations')).toEqual([]);
    expect(await alertsOf(center, 'partner_cancellations')).toEqual([]);

    // The center may still cancel (its cancellations do not count), and so may an admin.
    expect((await cancel(center, placementIds[3]!, 'the candidate withdrew')).statusCode).toBe(200);
    const sel5 = await select(partner, orderId, people[4]!.poolCode);
    expect((await cancel(admin, sel5.json().placementId, 'order changed')).statusCode).toBe(200);

    // Every read was followed by a cancellation: the candidate's center is told each time.
    const read = await alertsOf(center, 'selection_cancelled_after_read');
    const mine = read.filter((a) => placementIds.slice(0, 3).includes(a.subjectId));
    expect(mine).toHaveLength(3);
    expect(mine[0]!.message).toMatch(/read the full record/);
    expect(await alertsOf(partner, 'selection_cancelled_after_read')).toEqual([]);

    // And at no point did the partner receive a national ID or a phone number.
    for (const c of people) {
      for (const body of bodies) {
        expect(body).not.toContain(c.nationalId!);
        expect(body).not.toContain(c.phone!.slice(3));
      }
    }
  });

  it('cancellations older than the window no longer count, and one without a read alerts nobody', async () => {
    const partner = await newPartner();
    const orderId = await order(partner);
    const people = await Promise.all(Array.from({ length: 4 }, () => pooled()));
    for (const c of people.slice(0, 3)) {
      const sel = await select(partner, orderId, c.poolCode);
      expect((await cancel(partner, sel.json().placementId)).statusCode).toBe(200);
    }
    const sel = await select(partner, orderId, people[3]!.poolCode);
    const placementId = sel.json().placementId as string;
    expect((await cancel(partner, placementId)).statusCode).toBe(409);
    await t.database.db
      .update(selectionCancellations)
      .set({ cancelledAt: sql`now() - interval '31 days'` })
      .where(eq(selectionCancellations.partnerId, partner.partnerId!));
    expect((await cancel(partner, placementId)).statusCode).toBe(200);
    const [{ n }] = (await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from alerts where kind = 'selection_cancelled_after_read'
           and details ->> 'partnerId' = ${partner.partnerId}`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('two simultaneous cancellations over the last free place: one passes, one is refused', async () => {
    const partner = await newPartner();
    const orderId = await order(partner);
    const people = await Promise.all(Array.from({ length: 4 }, () => pooled()));
    for (const c of people.slice(0, 2)) {
      const sel = await select(partner, orderId, c.poolCode);
      expect((await cancel(partner, sel.json().placementId)).statusCode).toBe(200);
    }
    const a = (await select(partner, orderId, people[2]!.poolCode)).json().placementId;
    const b = (await select(partner, orderId, people[3]!.poolCode)).json().placementId;
    const results = await Promise.all([cancel(partner, a), cancel(partner, b)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const rows = await t.database.db
      .select()
      .from(selectionCancellations)
      .where(eq(selectionCancellations.partnerId, partner.partnerId!));
    expect(rows).toHaveLength(3);
  });

  it('the quota and its window are settings', () => {
    const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };
    const config = loadConfig({ ...base, PARTNER_CANCEL_QUOTA: '5', PARTNER_CANCEL_WINDOW_DAYS: '7' });
    expect([config.partnerCancelQuota, config.partnerCancelWindowDays]).toEqual([5, 7]);
    expect(loadConfig(base).partnerCancelQuota).toBe(3);
    expect(() => loadConfig({ ...base, PARTNER_CANCEL_WINDOW_DAYS: '0' })).toThrow(
      /PARTNER_CANCEL_WINDOW_DAYS/,
    );
  });
});

describe('partners never receive a national ID or a phone number', () => {
  it('the partner view of a candidate has no such fields at all', () => {
    const fields = Object.keys(candidatePartnerOut.shape);
    expect(fields).toContain('fullName');
    expect(fields).not.toContain('nationalId');
    expect(fields).not.toContain('phone');
  });

  it('on every route a partner can call about a candidate it selected', async () => {
    const partner = await newPartner();
    const orderId = await order(partner);
    const c = await pooled({ nationalId: '079188877766', phone: '+84912300456' });
    const [passed] = await t.database.db
      .select({ id: enrollments.id })
      .from(enrollments)
      .where(eq(enrollments.candidateId, c.id));
    const cert = await t.request({
      method: 'POST',
      url: '/certificates',
      as: center,
      payload: { enrollmentId: passed!.id },
    });
    expect(cert.statusCode, cert.body).toBe(201);
    const before = await t.request({
      method: 'GET',
      url: `/job-orders/${orderId}/matches?limit=500`,
      as: partner,
    });
    const sel = await select(partner, orderId, c.poolCode);
    expect(sel.statusCode).toBe(201);
    const placementId = sel.json().placementId;
    const urls = [
      `/candidates/${c.id}`,
      '/placements',
      `/placements/${placementId}`,
      `/placements?candidateId=${c.id}`,
      '/certificates',
      `/certificates/${cert.json().id}`,
      `/certificates?candidateId=${c.id}`,
      '/pool?limit=500',
      `/job-orders/${orderId}`,
      '/job-orders',
      '/alerts',
    ];
    const texts = [before.body, sel.body];
    for (const url of urls) {
      const res = await t.request({ method: 'GET', url, as: partner });
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
      texts.push(res.body);
    }
    for (const url of [`/certificates/${cert.json().id}/pdf`, `/placements/${placementId}/letter.pdf`]) {
      const res = await t.request({ method: 'GET', url, as: partner });
      expect(res.statusCode, url).toBe(200);
      texts.push((await pdfPages(res.rawPayload)).join('\n'));
    }
    const batch = await t.request({
      method: 'POST',
      url: '/certificates/batch',
      as: partner,
      payload: { ids: [cert.json().id] },
    });
    expect(batch.statusCode).toBe(200);
    texts.push((await pdfPages(batch.rawPayload)).join('\n'));
    // The record itself was shown (the name), the identity documents were not.
    expect(texts.join('\n')).toContain(c.fullName);
    for (const text of texts) {
      expect(text).not.toContain('079188877766');
      expect(text).not.toContain('912300456');
      expect(text).not.toMatch(/"(nationalId|phone)"/);
    }
  });
});

describe('opaque pool codes', () => {
  it('are random, unique and unordered, never the public code, and the pool pages in their order', async () => {
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await pooled({ occupationField: 'fishery' }));
    for (const c of made) {
      expect(c.poolCode).toMatch(POOL_CODE_PATTERN);
      expect(c.poolCode).not.toContain(c.code.slice(-6));
    }
    expect(new Set(made.map((c) => c.poolCode)).size).toBe(made.length);
    // Registration order (the public code) says nothing about the pool code's order.
    const byCode = [...made].sort((a, b) => a.code.localeCompare(b.code)).map((c) => c.poolCode);
    expect(byCode).not.toEqual([...byCode].sort());

    const partner = await newPartner();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.request({
        method: 'GET',
        url: `/pool?field=fishery&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
        as: partner,
      });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items.map((i: { code: string }) => i.code));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((c) => c.poolCode).sort());
    for (const c of made) expect(seen).not.toContain(c.code);
  });

  it('centers and admins see the pool code on the record; a province officer and a partner do not', async () => {
    const c = await pooled({ homeProvinceCode: '80', homeProvince2025: '80' });
    for (const as of [center, admin]) {
      const res = await t.request({ method: 'GET', url: `/candidates/${c.id}`, as });
      expect(res.json().poolCode).toBe(c.poolCode);
    }
    const list = await t.request({
      method: 'GET',
      url: `/candidates?q=${encodeURIComponent(c.code)}`,
      as: center,
    });
    expect(list.json().items[0].poolCode).toBe(c.poolCode);
    // A center asked about a pool entry finds it by the pool code; a province officer cannot.
    const byPoolCode = `/candidates?q=${c.poolCode.toLowerCase()}`;
    expect((await t.request({ method: 'GET', url: byPoolCode, as: center })).json().items).toEqual([
      expect.objectContaining({ id: c.id }),
    ]);
    expect(
      (await t.request({ method: 'GET', url: byPoolCode, as: actors.province('80') })).json().items,
    ).toEqual([]);
    const province = await t.request({
      method: 'GET',
      url: `/candidates/${c.id}`,
      as: actors.province('80'),
    });
    expect(province.statusCode).toBe(200);
    expect(province.json()).not.toHaveProperty('poolCode');
  });

  it('a CSV import gives every new trainee a pool code of its own', async () => {
    const header = 'fullName,dateOfBirth,gender,nationalId,homeProvinceCode,occupationField,consentToShare';
    const rows = [
      'Lê Văn Một,1998-02-03,male,079311100001,80,construction,true',
      'Lê Thị Hai,1999-03-04,female,079311100002,80,construction,true',
    ];
    const res = await t.request({
      method: 'POST',
      url: '/candidates/import',
      as: center,
      headers: { 'content-type': 'text/csv' },
      payload: `${header}\n${rows.join('\n')}\n`,
    });
    expect(res.statusCode, res.body).toBe(201);
    const imported = await t.database.db
      .select({ poolCode: candidates.poolCode })
      .from(candidates)
      .where(sql`${candidates.nationalId} in ('079311100001', '079311100002')`);
    expect(imported).toHaveLength(2);
    for (const r of imported) expect(r.poolCode).toMatch(POOL_CODE_PATTERN);
    expect(imported[0]!.poolCode).not.toBe(imported[1]!.poolCode);
  });

  it('every code that cannot be selected gets the same 404; a pool candidate who does not fit gets 409', async () => {
    const partner = await newPartner();
    const orderId = await order(partner);
    const shy = await pooled({ consentToShare: false });
    const training = await t.seed.candidate({
      trainingCenterId: centerId,
      status: 'training',
      occupationField: 'construction',
    });
    const elsewhere = await t.seed.candidate({
      trainingCenterId: otherCenterId,
      status: 'ready',
      consentToShare: false,
      occupationField: 'construction',
    });
    const taken = await pooled();
    const other = await newPartner();
    expect((await select(other, await order(other), taken.poolCode)).statusCode).toBe(201);
    const answers = [];
    for (const code of [
      'P-0000000000',
      shy.poolCode,
      training.poolCode,
      elsewhere.poolCode,
      taken.poolCode,
    ]) {
      const res = await select(partner, orderId, code);
      answers.push({ status: res.statusCode, errors: res.json().errors, title: res.json().title });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({
      status: 404,
      title: 'Not Found',
      errors: [{ path: 'candidateCode', message: 'is not the code of a candidate in the pool' }],
    });
    // The public code is not accepted at all: it is not what the pool shows.
    const byPublicCode = await select(partner, orderId, shy.code);
    expect(byPublicCode.statusCode).toBe(400);
    expect(byPublicCode.json().errors[0].path).toBe('candidateCode');
    // A pooled candidate is visible anyway, so a requirement it misses may be named.
    const nurse = await pooled({ occupationField: 'nursing_care' });
    const misfit = await select(partner, orderId, nurse.poolCode);
    expect(misfit.statusCode).toBe(409);
    expect(misfit.json().errors[0].message).toMatch(/field construction/);
  });
});

describe('the pipeline report by center and province', () => {
  it('a center reads only its own trainees, a province only its own province, a partner suppressed counts', async () => {
    for (const home of ['01', '01', '80']) {
      await t.seed.candidate({
        trainingCenterId: otherCenterId,
        homeProvinceCode: home,
        homeProvince2025: home,
      });
    }
    const get = (as: Actor, query = '') => t.request({ method: 'GET', url: `/reports/pipeline${query}`, as });
    const all = (await get(admin)).json().totals.candidates as number;
    const own = (await get(admin, `?trainingCenterId=${centerId}`)).json().totals.candidates as number;
    const theirs = (await get(admin, `?trainingCenterId=${otherCenterId}`)).json().totals
      .candidates as number;
    expect(own + theirs).toBe(all);
    expect((await get(center)).json().totals.candidates).toBe(own);
    expect((await get(center, `?trainingCenterId=${centerId}`)).json().totals.candidates).toBe(own);
    const refused = await get(center, `?trainingCenterId=${otherCenterId}`);
    expect(refused.statusCode).toBe(404);

    const hanoi = actors.province('01');
    const hanoiCount = (await get(admin, '?homeProvinceCode=01')).json().totals.candidates;
    expect(hanoiCount).toBeGreaterThanOrEqual(2);
    expect((await get(hanoi)).json().totals.candidates).toBe(hanoiCount);
    expect((await get(hanoi, '?homeProvinceCode=80')).statusCode).toBe(404);
    // A province officer asking about a center sees only that center's trainees from its province.
    expect((await get(hanoi, `?trainingCenterId=${otherCenterId}`)).json().totals.candidates).toBe(
      (await get(admin, `?trainingCenterId=${otherCenterId}&homeProvinceCode=01`)).json().totals.candidates,
    );

    const partner = await newPartner();
    const rows = (await get(partner, `?trainingCenterId=${otherCenterId}`)).json().rows as {
      candidates: number | null;
      suppressed: boolean;
    }[];
    for (const r of rows) if (r.candidates !== null) expect(r.candidates).toBeGreaterThanOrEqual(5);
    expect(rows.some((r) => r.suppressed)).toBe(true);
  });
});
