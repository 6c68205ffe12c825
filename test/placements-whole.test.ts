import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, certificates, enrollments, jobOrders } from '../src/db/schema.ts';
import type { Actor } from '../src/lib/actor.ts';
import { todayInVietnam } from '../src/lib/dates.ts';
import { deadlineAlerts } from '../src/modules/operations/operations.jobs.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';
import { pdfPages } from './pdf-extract.ts';

/**
 * Issue 15 — the placement journey made whole: contract terms on every placement, job orders that
 * fill and close, corrections, and the dates that must hold. Dates are relative to today, because
 * departures, returns and reintegrations cannot be in the future.
 */

let t: TestApp;
let centerId: string;
let center: Actor;
let partnerId: string;
let partner: Actor;
let otherPartner: Actor;
const admin = actors.admin();
const today = todayInVietnam();

const day = (offset: number, from = today) => {
  const d = new Date(`${from}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};
/** A moment on the given date in Viet Nam (for the alert job's `now`). */
const at = (date: string) => new Date(`${date}T03:00:00Z`);

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center({ provinceCode: '79' })).id;
  center = actors.center(centerId);
  partnerId = (await t.seed.partner()).id;
  partner = actors.partner(partnerId);
  otherPartner = actors.partner((await t.seed.partner()).id);
});
afterAll(() => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, as: Actor, payload?: object) =>
  t.request({ method, url, as, ...(payload ? { payload } : {}) });

/** A ready pool candidate (home province 79, Hồ Chí Minh) who passed the orientation course. */
async function readyCandidate() {
  const c = await t.seed.candidate({
    trainingCenterId: centerId,
    status: 'ready',
    homeProvinceCode: '79',
    homeProvince2025: '79',
  });
  const course = await t.seed.course({ trainingCenterId: centerId, kind: 'orientation' });
  await t.database.db
    .insert(enrollments)
    .values({ courseId: course.id, candidateId: c.id, outcome: 'passed' });
  return c;
}

async function order(values: Partial<typeof jobOrders.$inferInsert> = {}) {
  return t.seed.jobOrder({ partnerId, headcount: 3, ...values });
}

async function select(orderId: string, poolCode: string, terms: object = {}, as = partner) {
  return call('POST', `/job-orders/${orderId}/selections`, as, { candidateCode: poolCode, ...terms });
}

async function alertsOf(placementId: string, kind: string) {
  const rows = await t.database.db
    .select({ threshold: alerts.thresholdDays, dueOn: alerts.dueOn })
    .from(alerts)
    .where(and(eq(alerts.placementId, placementId), eq(alerts.kind, kind as 'contract_ending')));
  return rows.map((r) => `${r.threshold}@${r.dueOn}`).sort();
}

const paths = (res: { json(): { errors?: { path: string }[] } }) =>
  (res.json().errors ?? []).map((e) => e.path);

describe('the journey', () => {
  it('select with terms → depart → alerts at 90/30 days → extend → residence card alerts → return → reintegration read back', async () => {
    const c = await readyCandidate();
    const o = await order({ interviewOn: day(-720) });
    const contractEnd = day(80);
    const sel = await select(o.id, c.poolCode, {
      contractStart: day(-700),
      contractEnd,
      monthlyWageJpy: 185_000,
    });
    expect(sel.statusCode, sel.body).toBe(201);
    const { placementId } = sel.json();

    const read = await call('GET', `/placements/${placementId}`, partner);
    expect(read.json()).toMatchObject({
      contractStart: day(-700),
      contractEnd,
      monthlyWageJpy: 185_000,
      prefectureName: '岡山県',
      prefectureNameEn: 'Okayama',
      homeProvinceCode: '79',
      homeProvinceName: 'Hồ Chí Minh',
    });

    // A departure before the interview cannot be true.
    const early = await call('POST', `/placements/${placementId}/depart`, center, { departedOn: day(-750) });
    expect(early.statusCode).toBe(409);
    expect(paths(early)).toEqual(['departedOn']);
    const dep = await call('POST', `/placements/${placementId}/depart`, center, { departedOn: day(-698) });
    expect(dep.statusCode, dep.body).toBe(200);

    // 80 days before the end: the 90-day alert, once however often the job runs; 25 days before: the 30-day one.
    await deadlineAlerts({ db: t.database.db, now: at(today) });
    await deadlineAlerts({ db: t.database.db, now: at(today) });
    expect(await alertsOf(placementId, 'contract_ending')).toEqual([`90@${contractEnd}`]);
    await deadlineAlerts({ db: t.database.db, now: at(day(55)) });
    expect(await alertsOf(placementId, 'contract_ending')).toEqual([
      `30@${contractEnd}`,
      `90@${contractEnd}`,
    ]);

    // The contract is extended: a reason is needed, and nothing else of the contract may change now.
    let version = dep.json().version as number;
    const noReason = await call('PATCH', `/placements/${placementId}`, center, {
      contractEnd: day(445),
      version,
    });
    expect(noReason.statusCode).toBe(400);
    expect(paths(noReason)).toEqual(['reason']);
    const frozen = await call('PATCH', `/placements/${placementId}`, partner, {
      contractEnd: day(445),
      monthlyWageJpy: 200_000,
      employerName: '別会社',
      reason: 'Gia hạn hợp đồng',
      version,
    });
    expect(frozen.statusCode).toBe(409);
    expect(paths(frozen).sort()).toEqual(['employerName', 'monthlyWageJpy']);
    const ext = await call('PATCH', `/placements/${placementId}`, partner, {
      contractEnd: day(445),
      reason: 'Gia hạn hợp đồng thêm 1 năm',
      version,
    });
    expect(ext.statusCode, ext.body).toBe(200);
    expect(ext.json()).toMatchObject({ contractEnd: day(445), version: version + 1 });
    const stale = await call('PATCH', `/placements/${placementId}`, center, {
      residenceCardNo: 'AB12345678CD',
      version,
    });
    expect(stale.statusCode).toBe(409);
    expect(paths(stale)).toEqual(['version']);
    version = ext.json().version;

    const audit = await call('GET', `/audit?entity=placement&entityId=${placementId}`, admin);
    const extension = audit.json().items.find((a: { action: string }) => a.action === 'extend');
    expect(extension.before).toMatchObject({ contractEnd });
    expect(extension.after).toMatchObject({ contractEnd: day(445), reason: 'Gia hạn hợp đồng thêm 1 năm' });

    // The residence card: its number is checked, then it expires in 85 days.
    const badCard = await call('PATCH', `/placements/${placementId}`, center, {
      residenceCardNo: 'A1234567BC',
      version,
    });
    expect(badCard.statusCode).toBe(400);
    expect(paths(badCard)).toEqual(['residenceCardNo']);
    const card = await call('PATCH', `/placements/${placementId}`, center, {
      residenceCardNo: 'ab12345678cd',
      residenceCardExpiresOn: day(85),
      version,
    });
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json().residenceCardNo).toBe('AB12345678CD');

    await deadlineAlerts({ db: t.database.db, now: at(today) });
    expect(await alertsOf(placementId, 'residence_card_expiring')).toEqual([`90@${day(85)}`]);
    await deadlineAlerts({ db: t.database.db, now: at(day(60)) });
    expect(await alertsOf(placementId, 'residence_card_expiring')).toEqual([
      `30@${day(85)}`,
      `90@${day(85)}`,
    ]);
    // The extended contract ends in more than 90 days: no new contract alert.
    expect(await alertsOf(placementId, 'contract_ending')).toHaveLength(2);

    // Return, then reintegration: not in the future, not before the return.
    const ret = await call('POST', `/placements/${placementId}/return`, center, {
      returnedOn: day(-10),
      reason: 'early_termination',
    });
    expect(ret.statusCode, ret.body).toBe(200);
    const employer = await t.seed.homeEmployer({ name: 'Nidec Việt Nam', provinceCode: '79' });
    const body = { homeEmployerId: employer.id, position: 'Kỹ thuật viên' };
    const future = await call('POST', `/candidates/${c.id}/reintegration`, center, {
      ...body,
      startedOn: day(1),
    });
    expect(future.statusCode).toBe(409);
    expect(paths(future)).toEqual(['startedOn']);
    const beforeReturn = await call('POST', `/candidates/${c.id}/reintegration`, center, {
      ...body,
      startedOn: day(-11),
    });
    expect(beforeReturn.statusCode).toBe(409);
    expect(paths(beforeReturn)).toEqual(['startedOn']);
    const re = await call('POST', `/candidates/${c.id}/reintegration`, center, {
      ...body,
      startedOn: day(-2),
    });
    expect(re.statusCode, re.body).toBe(201);

    const back = await call('GET', `/candidates/${c.id}/reintegration`, center);
    expect(back.statusCode).toBe(200);
    expect(back.json().items).toEqual([
      expect.objectContaining({
        placementId,
        homeEmployerName: 'Nidec Việt Nam',
        startedOn: day(-2),
        position: 'Kỹ thuật viên',
      }),
    ]);
    expect(
      (await call('GET', `/candidates/${c.id}/reintegration`, actors.center((await t.seed.center()).id)))
        .statusCode,
    ).toBe(404);
  });
});

describe('contract terms', () => {
  it('a selection checks its terms; a departure without contract dates is refused naming them', async () => {
    const o = await order();
    const c = await readyCandidate();
    const backwards = await select(o.id, c.poolCode, {
      contractStart: '2026-04-01',
      contractEnd: '2026-04-01',
    });
    expect(backwards.statusCode).toBe(400);
    expect(paths(backwards)).toEqual(['contractEnd']);
    for (const wage of [0, -5, 1500.5]) {
      const bad = await select(o.id, c.poolCode, { monthlyWageJpy: wage });
      expect(bad.statusCode).toBe(400);
      expect(paths(bad)).toEqual(['monthlyWageJpy']);
    }
    const sel = await select(o.id, c.poolCode);
    expect(sel.statusCode).toBe(201);
    const { placementId } = sel.json();
    const dep = await call('POST', `/placements/${placementId}/depart`, center, { departedOn: day(-5) });
    expect(dep.statusCode).toBe(409);
    expect(paths(dep)).toEqual(['contractStart', 'contractEnd']);

    // Before departure the center, the partner of the order and an admin may give any field.
    const p = (await call('GET', `/placements/${placementId}`, center)).json();
    const terms = await call('PATCH', `/placements/${placementId}`, partner, {
      contractStart: day(-30),
      contractEnd: day(1065),
      monthlyWageJpy: 176_000,
      employerNameLatin: 'Okayama Seimitsu Kogyo Co., Ltd.',
      employerAddress: '岡山県岡山市北区1-2-3',
      supervisingOrg: '岡山協同組合',
      version: p.version,
    });
    expect(terms.statusCode, terms.body).toBe(200);
    expect(terms.json()).toMatchObject({ monthlyWageJpy: 176_000, supervisingOrg: '岡山協同組合' });
    const upside = await call('PATCH', `/placements/${placementId}`, center, {
      contractEnd: day(-31),
      version: terms.json().version,
    });
    expect(upside.statusCode).toBe(400);
    expect(paths(upside)).toEqual(['contractEnd']);
    expect(
      (await call('PATCH', `/placements/${placementId}`, otherPartner, { monthlyWageJpy: 1, version: 2 }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await call('PATCH', `/placements/${placementId}`, actors.province('79'), {
          monthlyWageJpy: 1,
          version: 2,
        })
      ).statusCode,
    ).toBe(403);
    const audit = await call('GET', `/audit?entity=placement&entityId=${placementId}`, admin);
    const update = audit.json().items.find((a: { action: string }) => a.action === 'update');
    expect(update.before).toMatchObject({ monthlyWageJpy: null, contractStart: null });
    expect(update.after).toMatchObject({ monthlyWageJpy: 176_000, contractStart: day(-30) });

    // The letter prints the contract term, the wage and the employer's Latin name.
    const letter = await call('GET', `/placements/${placementId}/letter.pdf`, center);
    expect(letter.statusCode).toBe(200);
    const [page] = await pdfPages(letter.rawPayload);
    const [y, m, d] = day(-30).split('-');
    expect(page).toContain(`${d}/${m}/${y}`);
    expect(page).toMatch(/176[.,]000/);
    expect(page).toContain('Okayama Seimitsu Kogyo Co., Ltd.');
  });

  it('a placement made directly raises the contract and residence card alerts too', async () => {
    const c = await readyCandidate();
    const made = await call('POST', '/placements', center, {
      candidateId: c.id,
      destinationCountry: 'JP',
      prefectureCode: '13',
      employerName: '株式会社東京建設',
      program: 'ssw_1',
      field: 'construction',
      contractStart: day(-400),
      contractEnd: day(20),
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id;
    const dep = await call('POST', `/placements/${id}/depart`, center, { departedOn: day(-400) });
    expect(dep.statusCode, dep.body).toBe(200);
    const card = await call('PATCH', `/placements/${id}`, admin, {
      residenceCardNo: 'XY87654321ZW',
      residenceCardExpiresOn: day(50),
      version: dep.json().version,
    });
    expect(card.statusCode, card.body).toBe(200);
    await deadlineAlerts({ db: t.database.db, now: at(today) });
    expect(await alertsOf(id, 'contract_ending')).toEqual([`30@${day(20)}`]);
    expect(await alertsOf(id, 'residence_card_expiring')).toEqual([`90@${day(50)}`]);
  });
});

describe('job orders have a life', () => {
  it('reaching the headcount fills the order; a cancelled selection opens it again', async () => {
    const o = await order({ headcount: 1 });
    const c = await readyCandidate();
    const sel = await select(o.id, c.poolCode);
    expect(sel.statusCode).toBe(201);
    expect((await call('GET', `/job-orders/${o.id}`, partner)).json()).toMatchObject({
      status: 'filled',
      selected: 1,
    });
    const next = await readyCandidate();
    const refused = await select(o.id, next.poolCode);
    expect(refused.statusCode).toBe(409);
    expect(paths(refused)).toEqual(['status']);
    const cancel = await call('POST', `/placements/${sel.json().placementId}/cancel`, center, {
      reason: 'Visa',
    });
    expect(cancel.statusCode).toBe(200);
    expect((await call('GET', `/job-orders/${o.id}`, partner)).json()).toMatchObject({
      status: 'open',
      selected: 0,
    });
    expect((await select(o.id, next.poolCode)).statusCode).toBe(201);
  });

  it('the headcount holds on its own, even when the status still says open', async () => {
    const o = await order({ headcount: 1 });
    expect((await select(o.id, (await readyCandidate()).poolCode)).statusCode).toBe(201);
    // As if a concurrent writer had left the status behind: the count decides.
    await t.database.db.update(jobOrders).set({ status: 'open' }).where(eq(jobOrders.id, o.id));
    const res = await select(o.id, (await readyCandidate()).poolCode);
    expect(res.statusCode).toBe(409);
    expect(paths(res)).toEqual(['candidateCode']);
    expect(res.json().errors[0].message).toMatch(/1 of 1 places are taken/);
  });

  it('a closed order refuses selections and edits; closing twice is refused', async () => {
    const o = await order();
    const closed = await call('POST', `/job-orders/${o.id}/close`, partner, {
      reason: 'Doanh nghiệp dừng tuyển',
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closeReason: 'Doanh nghiệp dừng tuyển' });
    const res = await select(o.id, (await readyCandidate()).poolCode);
    expect(res.statusCode).toBe(409);
    expect(paths(res)).toEqual(['status']);
    expect(res.json().detail).toMatch(/closed/);
    expect((await call('PATCH', `/job-orders/${o.id}`, partner, { headcount: 9 })).statusCode).toBe(409);
    expect((await call('POST', `/job-orders/${o.id}/close`, admin, { reason: 'again' })).statusCode).toBe(
      409,
    );
    expect((await call('POST', `/job-orders/${o.id}/close`, otherPartner, { reason: 'x' })).statusCode).toBe(
      404,
    );
  });

  it('an edit never takes the headcount below the selections, and the status follows it', async () => {
    const o = await order({ headcount: 3 });
    for (let i = 0; i < 2; i++)
      expect((await select(o.id, (await readyCandidate()).poolCode)).statusCode).toBe(201);
    const below = await call('PATCH', `/job-orders/${o.id}`, partner, { headcount: 1 });
    expect(below.statusCode).toBe(409);
    expect(paths(below)).toEqual(['headcount']);
    const down = await call('PATCH', `/job-orders/${o.id}`, partner, {
      headcount: 2,
      employerName: '株式会社新名',
    });
    expect(down.statusCode).toBe(200);
    expect(down.json()).toMatchObject({ status: 'filled', headcount: 2, employerName: '株式会社新名' });
    const up = await call('PATCH', `/job-orders/${o.id}`, admin, { headcount: 4 });
    expect(up.json()).toMatchObject({ status: 'open', headcount: 4 });
    const audit = await call('GET', `/audit?entity=job_order&entityId=${o.id}`, admin);
    expect(audit.json().items.map((a: { action: string }) => a.action)).toContain('update');
  });

  it('lists filter by status, programme and field', async () => {
    const mine = await t.seed.partner();
    const as = actors.partner(mine.id);
    const a = await t.seed.jobOrder({ partnerId: mine.id, program: 'titp_1', field: 'agriculture' });
    const b = await t.seed.jobOrder({
      partnerId: mine.id,
      program: 'ssw_1',
      field: 'agriculture',
      status: 'closed',
    });
    const cc = await t.seed.jobOrder({ partnerId: mine.id, program: 'ssw_1', field: 'construction' });
    const ids = async (q: string) =>
      (await call('GET', `/job-orders?${q}`, as))
        .json()
        .items.map((o: { id: string }) => o.id)
        .sort();
    expect(await ids('status=closed')).toEqual([b.id]);
    expect(await ids('program=ssw_1')).toEqual([b.id, cc.id].sort());
    expect(await ids('field=agriculture&status=open')).toEqual([a.id]);
    const one = (await call('GET', `/job-orders/${a.id}`, as)).json();
    expect(one).toMatchObject({ prefectureName: '岡山県', prefectureNameEn: 'Okayama' });
    const pool = (await call('GET', '/pool?homeProvinceCode=79&limit=1', as)).json();
    expect(pool.items[0]).toMatchObject({ homeProvinceCode: '79', homeProvinceName: 'Hồ Chí Minh' });
  });
});

describe('corrections and dates that must hold', () => {
  it('a result is corrected with a reason, audited; refused while a valid certificate exists', async () => {
    const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'training' });
    const course = await t.seed.course({ trainingCenterId: centerId, kind: 'language' });
    const e = await t.seed.enrollment({
      courseId: course.id,
      candidateId: c.id,
      outcome: 'passed',
      score: 55,
    });
    const noReason = await call('PATCH', `/enrollments/${e.id}/result`, center, { score: 65 });
    expect(noReason.statusCode).toBe(400);
    expect(paths(noReason)).toEqual(['reason']);
    const cert = await call('POST', '/certificates', center, { enrollmentId: e.id });
    expect(cert.statusCode, cert.body).toBe(201);
    const blocked = await call('PATCH', `/enrollments/${e.id}/result`, center, {
      score: 65,
      reason: 'Chấm sai',
    });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().detail).toMatch(/revoke/);
    await t.database.db
      .update(certificates)
      .set({ revokedAt: new Date() })
      .where(eq(certificates.enrollmentId, e.id));
    const fixed = await call('PATCH', `/enrollments/${e.id}/result`, center, {
      score: 65,
      jlptLevel: 'N4',
      reason: 'Chấm sai phần nghe',
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({ outcome: 'passed', score: 65, jlptLevel: 'N4' });
    const audit = await call('GET', `/audit?entity=enrollment&entityId=${e.id}`, admin);
    const corrected = audit.json().items.find((a: { action: string }) => a.action === 'result-corrected');
    expect(corrected.before).toMatchObject({ score: 55, jlptLevel: null });
    expect(corrected.after).toMatchObject({ score: 65, jlptLevel: 'N4', reason: 'Chấm sai phần nghe' });
    const unrecorded = await t.seed.enrollment({
      courseId: (await t.seed.course({ trainingCenterId: centerId })).id,
      candidateId: c.id,
    });
    expect(
      (await call('PATCH', `/enrollments/${unrecorded.id}/result`, center, { score: 1, reason: 'x' }))
        .statusCode,
    ).toBe(409);
  });

  it('a course is edited; its capacity never goes below the seats taken', async () => {
    const course = await t.seed.course({ trainingCenterId: centerId, capacity: 5 });
    for (let i = 0; i < 2; i++) {
      const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'training' });
      await t.seed.enrollment({ courseId: course.id, candidateId: c.id });
    }
    const below = await call('PATCH', `/courses/${course.id}`, center, { capacity: 1 });
    expect(below.statusCode).toBe(409);
    expect(paths(below)).toEqual(['capacity']);
    const ok = await call('PATCH', `/courses/${course.id}`, center, {
      capacity: 2,
      hours: 720,
      name: 'N4 (K16)',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ capacity: 2, hours: 720, name: 'N4 (K16)', enrolled: 2 });
    const backwards = await call('PATCH', `/courses/${course.id}`, center, { endsOn: '2020-01-01' });
    expect(backwards.statusCode).toBe(400);
    expect(paths(backwards)).toEqual(['endsOn']);
  });

  it('enrolling after a course ended needs lateEntryReason, and is audited as a late entry', async () => {
    const course = await t.seed.course({
      trainingCenterId: centerId,
      startsOn: '2024-01-08',
      endsOn: '2024-06-28',
    });
    const c = await t.seed.candidate({ trainingCenterId: centerId });
    const late = await call('POST', `/courses/${course.id}/enrollments`, center, { candidateId: c.id });
    expect(late.statusCode).toBe(409);
    expect(paths(late)).toEqual(['endsOn', 'lateEntryReason']);
    const entered = await call('POST', `/courses/${course.id}/enrollments`, center, {
      candidateId: c.id,
      lateEntryReason: 'Nhập lại hồ sơ giấy năm 2024',
    });
    expect(entered.statusCode, entered.body).toBe(201);
    const audit = await call('GET', `/audit?entity=enrollment&entityId=${entered.json().id}`, admin);
    expect(audit.json().items[0]).toMatchObject({
      action: 'create:late-entry',
      after: expect.objectContaining({ lateEntry: true, lateEntryReason: 'Nhập lại hồ sơ giấy năm 2024' }),
    });
  });

  it("a candidate's version changes only when its own fields are edited", async () => {
    const reg = await call('POST', '/candidates', center, {
      fullName: 'Trần Thị Phiên Bản',
      dateOfBirth: '2001-03-04',
      gender: 'female',
      nationalId: '079301000123',
      homeProvinceCode: '79',
      occupationField: 'nursing_care',
      consentToShare: true,
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const c = reg.json();
    const course = await t.seed.course({ trainingCenterId: centerId, kind: 'language' });
    const e = await call('POST', `/courses/${course.id}/enrollments`, center, { candidateId: c.id });
    expect(e.statusCode).toBe(201);
    await call('POST', `/enrollments/${e.json().id}/result`, center, { outcome: 'passed', jlptLevel: 'N4' });
    const now = (await call('GET', `/candidates/${c.id}`, center)).json();
    expect(now).toMatchObject({ status: 'training', jlptLevel: 'N4', version: c.version });
    const patched = await call('PATCH', `/candidates/${c.id}`, center, {
      phone: '0912345678',
      version: c.version,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().version).toBe(c.version + 1);
  });
});
