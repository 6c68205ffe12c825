import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, auditLog } from '../src/db/schema.ts';
import type { Actor } from '../src/lib/actor.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let center: Actor;
let otherCenter: Actor;
let partnerId: string;
let partner: Actor;
const admin = actors.admin();

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
  center = actors.center(centerId);
  otherCenter = actors.center((await t.seed.center()).id);
  partnerId = (await t.seed.partner()).id;
  partner = actors.partner(partnerId);
});
afterAll(() => t.close());

async function placement(values: Record<string, unknown> = {}) {
  const c = await t.seed.candidate({
    trainingCenterId: centerId,
    status: 'departed',
    homeProvinceCode: '01',
  });
  const order = await t.seed.jobOrder({ partnerId });
  return t.seed.placement({
    candidateId: c.id,
    jobOrderId: order.id,
    status: 'departed',
    departedOn: '2026-04-01',
    monthlyWageJpy: 180_000,
    contractStart: '2026-04-01',
    contractEnd: '2029-03-31',
    ...values,
  });
}

const pay = (id: string, body: Record<string, unknown>, as: Actor = center) =>
  t.request({
    method: 'POST',
    url: `/placements/${id}/fees`,
    as,
    payload: { payer: 'worker', currency: 'JPY', paidOn: '2026-02-01', source: 'receipt', ...body },
  });
const fees = (id: string, as: Actor = center) =>
  t.request({ method: 'GET', url: `/placements/${id}/fees`, as });

describe('the fee ledger against the legal caps', () => {
  it('an ESD worker paying ¥540,000 of service fee on a ¥180,000 wage is ¥180,000 over the 2-month cap', async () => {
    const p = await placement({ program: 'esd' });
    const res = await pay(p.id, { category: 'service_fee', amount: 540_000, receiptNo: 'HD-0001' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ amountJpy: 540_000, rateToJpy: 1, payee: 'sending' });
    const { summary } = (await fees(p.id)).json();
    expect(summary).toMatchObject({
      workerPaidJpy: 540_000,
      capJpy: 360_000,
      overCapJpy: 180_000,
      status: 'over_cap',
    });
    const rules = Object.fromEntries(summary.rules.map((r: { rule: string }) => [r.rule, r]));
    expect(rules.esd_sending_side).toMatchObject({ capJpy: 360_000, overJpy: 180_000, status: 'over_cap' });
    expect(rules.vn_service_fee).toMatchObject({ capJpy: 540_000, status: 'ok' });
    expect(rules.vn_service_fee.source).toMatch(/Law 69\/2020\/QH14 art\. 23/);
  });

  it('a TITP worker on a 36-month contract paying the same ¥540,000 is within the cap', async () => {
    const p = await placement({ program: 'titp_1' });
    expect((await pay(p.id, { category: 'service_fee', amount: 540_000 })).statusCode).toBe(201);
    const { summary } = (await fees(p.id)).json();
    expect(summary).toMatchObject({ workerPaidJpy: 540_000, capJpy: 540_000, overCapJpy: 0, status: 'ok' });
    expect(summary.rules.map((r: { rule: string }) => r.rule).sort()).toEqual([
      'vn_brokerage_japan',
      'vn_service_fee',
    ]);
  });

  it('any brokerage paid by the worker on a Japan placement is over the cap, in any currency', async () => {
    const p = await placement({ program: 'ssw_1' });
    const res = await pay(p.id, {
      category: 'brokerage',
      amount: 2_000_000,
      currency: 'VND',
      rateToJpy: 0.0059,
      source: 'worker_declared',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().amountJpy).toBe(11_800);
    const { summary, items } = (await fees(p.id)).json();
    expect(items).toHaveLength(1);
    expect(summary).toMatchObject({ status: 'over_cap', overCapJpy: 11_800 });
    expect(summary.rules.find((r: { rule: string }) => r.rule === 'vn_brokerage_japan')).toMatchObject({
      capJpy: 0,
      status: 'over_cap',
    });
  });

  it('what the employer pays does not count against the worker', async () => {
    const p = await placement({ program: 'esd' });
    await pay(p.id, { category: 'brokerage', amount: 300_000, payer: 'employer' });
    await pay(p.id, { category: 'service_fee', amount: 100_000 });
    const { summary } = (await fees(p.id)).json();
    expect(summary).toMatchObject({ workerPaidJpy: 100_000, status: 'ok', overCapJpy: 0 });
  });

  it('an over-cap placement alerts its center and the admins once, and not the partner', async () => {
    const p = await placement({ program: 'esd' });
    await pay(p.id, { category: 'service_fee', amount: 400_000 });
    await pay(p.id, { category: 'training', amount: 50_000 });
    const raised = await t.database.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.kind, 'fee_over_cap'), eq(alerts.subjectId, p.id)));
    expect(raised).toHaveLength(1);
    const seen = async (as: Actor) =>
      (
        (await t.request({ method: 'GET', url: '/alerts?kind=fee_over_cap&limit=500', as })).json().items as {
          placementId: string;
        }[]
      ).some((a) => a.placementId === p.id);
    expect(await seen(center)).toBe(true);
    expect(await seen(admin)).toBe(true);
    expect(await seen(partner)).toBe(false);
    expect(await seen(otherCenter)).toBe(false);
  });

  it('a rate is required for a foreign currency, and the payment is audited', async () => {
    const p = await placement();
    const res = await pay(p.id, { category: 'travel', amount: 500, currency: 'USD' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'rateToJpy' })]);
    const ok = await pay(p.id, { category: 'travel', amount: 500, currency: 'USD', rateToJpy: 150 });
    expect(ok.json().amountJpy).toBe(75_000);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, ok.json().id));
    expect(audit.map((a) => [a.entity, a.action])).toEqual([['placement_fee', 'record_fee']]);
  });

  it('without a recorded wage the caps are unknown, but brokerage is still refused', async () => {
    const p = await placement({ monthlyWageJpy: null });
    await pay(p.id, { category: 'service_fee', amount: 10_000 });
    const { summary } = (await fees(p.id)).json();
    expect(summary).toMatchObject({ capJpy: null, status: 'ok' });
    expect(summary.rules.find((r: { rule: string }) => r.rule === 'vn_service_fee').status).toBe('unknown');
  });

  it("the center of the trainee writes; the partner of the placement and the province read; others don't see it", async () => {
    const p = await placement();
    await pay(p.id, { category: 'service_fee', amount: 1 });
    expect((await pay(p.id, { category: 'service_fee', amount: 1 }, otherCenter)).statusCode).toBe(404);
    expect((await pay(p.id, { category: 'service_fee', amount: 1 }, partner)).statusCode).toBe(403);
    expect((await fees(p.id, partner)).statusCode).toBe(200);
    expect((await fees(p.id, actors.province('01'))).statusCode).toBe(200);
    expect((await fees(p.id, actors.province('79'))).statusCode).toBe(404);
    expect((await fees(p.id, actors.partner((await t.seed.partner()).id))).statusCode).toBe(404);
    expect((await fees(p.id, otherCenter)).statusCode).toBe(404);
  });
});

describe('recruitment cost in months of earnings (SDG 10.7.1)', () => {
  it('gives per province and programme the median and mean cost over the wage, and the over-cap count', async () => {
    const c = await t.seed.center();
    const cc = actors.center(c.id);
    const make = async (program: string, paid: number, province = '04') => {
      const cand = await t.seed.candidate({
        trainingCenterId: c.id,
        status: 'departed',
        homeProvinceCode: province,
      });
      const p = await t.seed.placement({
        candidateId: cand.id,
        status: 'departed',
        departedOn: '2025-06-01',
        program,
        monthlyWageJpy: 200_000,
        contractStart: '2025-06-01',
        contractEnd: '2028-05-31',
      });
      await pay(p.id, { category: 'service_fee', amount: paid }, cc);
    };
    await make('titp_1', 200_000);
    await make('titp_1', 400_000);
    await make('titp_1', 700_000); // over the 3-month cap of ¥600,000
    await make('esd', 500_000); // over the 2-month cap of ¥400,000
    const res = await t.request({ method: 'GET', url: '/reports/recruitment-cost?year=2025', as: cc });
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([
      expect.objectContaining({
        provinceCode: '04',
        program: 'esd',
        workers: 1,
        medianCostMonths: 2.5,
        meanCostMonths: 2.5,
        overCap: 1,
      }),
      expect.objectContaining({
        provinceCode: '04',
        program: 'titp_1',
        workers: 3,
        medianCostMonths: 2,
        meanCostMonths: 2.17,
        overCap: 1,
      }),
    ]);
    // A partner sees no cell of fewer than 5 workers.
    const partnerView = await t.request({
      method: 'GET',
      url: '/reports/recruitment-cost?year=2025',
      as: partner,
    });
    const hidden = {
      workers: null,
      medianCostMonths: null,
      meanCostMonths: null,
      overCap: null,
      suppressed: true,
    };
    expect(partnerView.json().rows).toEqual([
      expect.objectContaining({ provinceCode: '04', program: 'esd', ...hidden }),
      expect.objectContaining({ provinceCode: '04', program: 'titp_1', ...hidden }),
    ]);
    const csv = await t.request({
      method: 'GET',
      url: '/reports/recruitment-cost?year=2025&format=csv',
      as: cc,
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('04,');
    expect(csv.body.split('\r\n')[0]).toBe(
      '\uFEFFprovinceCode,provinceName,program,workers,medianCostMonths,meanCostMonths,overCap,suppressed',
    );
  });

  it('a year is required', async () => {
    const res = await t.request({ method: 'GET', url: '/reports/recruitment-cost', as: admin });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('year');
  });
});

describe('labels', () => {
  it('every fee category, fee rule and grievance category has a label in Vietnamese, Japanese and English', async () => {
    const { readFileSync } = await import('node:fs');
    const vocabulary = JSON.parse(
      readFileSync(new URL('../templates/vocabulary.json', import.meta.url), 'utf8'),
    );
    const { FEE_CATEGORIES, GRIEVANCE_CATEGORIES } = await import(
      '../src/modules/protection/protection.table.ts'
    );
    const { CAP_RULE_SOURCES } = await import('../src/modules/protection/protection.rules.ts');
    const check = (table: string, codes: readonly string[]) => {
      expect(Object.keys(vocabulary[table]).sort()).toEqual([...codes].sort());
      for (const code of codes)
        expect(Object.keys(vocabulary[table][code]).sort()).toEqual(['en', 'ja', 'vi']);
    };
    check('feeCategories', FEE_CATEGORIES);
    check('grievanceCategories', GRIEVANCE_CATEGORIES);
    check('feeRules', [...Object.keys(CAP_RULE_SOURCES), 'vn_service_fee_refund']);
    check('feeDirections', ['paid', 'refunded']);
    expect(vocabulary.programs.esd.ja).toBe('育成就労');
  });
});

describe('the pro-rata refund of the service fee on an early return (Law 69/2020 art. 23)', () => {
  /** TITP, 36 months from 1 Apr 2026, ¥540,000 of service fee; home on 15 Sept 2027. */
  async function returnedEarly() {
    const p = await placement({
      status: 'returned',
      returnedOn: '2027-09-15',
      returnReason: 'early_termination',
    });
    expect((await pay(p.id, { category: 'service_fee', amount: 540_000 })).statusCode).toBe(201);
    return p;
  }
  const earlyReturn = (id: string, body: Record<string, unknown>, as: Actor = center) =>
    t.request({ method: 'PUT', url: `/placements/${id}/early-return`, as, payload: body });

  it('is due until the center finds the worker at fault: ¥540,000 × 19 months not worked ÷ 36', async () => {
    const p = await returnedEarly();
    // By hand: 1 Apr 2026 – 15 Sept 2027 is 17 whole months worked (September unfinished), 19 left;
    // ¥540,000 ÷ 36 = ¥15,000 a month, × 19 = ¥285,000.
    const { summary } = (await fees(p.id)).json();
    expect(summary.refund).toMatchObject({
      rule: 'vn_service_fee_refund',
      contractMonths: 36,
      monthsWorked: 17,
      monthsRemaining: 19,
      serviceFeePaidJpy: 540_000,
      workerAtFault: null,
      dueJpy: 285_000,
      refundedJpy: 0,
      outstandingJpy: 285_000,
      status: 'due',
    });
    expect(summary.refund.source).toContain('Law 69/2020/QH14 art. 23');

    // The center finds it was not the worker's fault (the company closed) and pays back in two parts,
    // the second in dong at the day's rate.
    const found = await earlyReturn(p.id, {
      workerAtFault: false,
      reason: 'Công ty phá sản, đóng cửa xưởng.',
    });
    expect(found.statusCode).toBe(200);
    expect(found.json().summary.refund).toMatchObject({
      workerAtFault: false,
      dueJpy: 285_000,
      status: 'due',
    });
    const first = await pay(p.id, {
      category: 'service_fee',
      amount: 200_000,
      direction: 'refunded',
      paidOn: '2027-10-01',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json().direction).toBe('refunded');
    let summary2 = (await fees(p.id)).json().summary;
    expect(summary2.refund).toMatchObject({ refundedJpy: 200_000, outstandingJpy: 85_000, status: 'due' });
    // What the worker bore is what they paid less what came back.
    expect(summary2.workerPaidJpy).toBe(340_000);
    const second = await pay(p.id, {
      category: 'service_fee',
      amount: 14_406_780,
      currency: 'VND',
      rateToJpy: 0.0059,
      direction: 'refunded',
      paidOn: '2027-10-20',
    });
    expect(second.json().amountJpy).toBe(85_000);
    summary2 = (await fees(p.id)).json().summary;
    expect(summary2.refund).toMatchObject({ refundedJpy: 285_000, outstandingJpy: 0, status: 'refunded' });

    // No refund of more than was paid.
    const tooMuch = await pay(p.id, { category: 'service_fee', amount: 255_001, direction: 'refunded' });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().errors[0]).toMatchObject({ path: 'amount' });
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.entity, 'placement'),
          eq(auditLog.entityId, p.id),
          eq(auditLog.action, 'early_return'),
        ),
      );
    expect(audit).toHaveLength(1);
  });

  it('none when the worker was at fault; the finding can be corrected, each one audited', async () => {
    const p = await returnedEarly();
    const res = await earlyReturn(p.id, { workerAtFault: true, reason: 'Bỏ trốn khỏi nơi làm việc.' });
    expect(res.statusCode).toBe(200);
    expect(res.json().summary.refund).toMatchObject({
      workerAtFault: true,
      faultReason: 'Bỏ trốn khỏi nơi làm việc.',
      dueJpy: 0,
      outstandingJpy: 0,
      status: 'not_due',
    });
    const corrected = await earlyReturn(
      p.id,
      { workerAtFault: false, reason: 'Bị chủ sử dụng ngược đãi.' },
      admin,
    );
    expect(corrected.json().summary.refund).toMatchObject({ workerAtFault: false, dueJpy: 285_000 });
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, p.id), eq(auditLog.action, 'early_return')));
    expect(audit).toHaveLength(2);
  });

  it('nothing for a contract served to its end or a worker still abroad; partners cannot record a finding', async () => {
    const done = await placement({ status: 'returned', returnedOn: '2029-03-31', returnReason: 'completed' });
    await pay(done.id, { category: 'service_fee', amount: 540_000 });
    expect((await fees(done.id)).json().summary.refund).toBeNull();
    const late = await earlyReturn(done.id, { workerAtFault: false, reason: 'x' });
    expect(late.statusCode).toBe(409);
    expect(late.json().errors[0]).toMatchObject({ path: 'status' });
    // Home before the contract's end but recorded as a completed contract: no refund either.
    const agreed = await placement({
      status: 'returned',
      returnedOn: '2028-03-31',
      returnReason: 'completed',
    });
    await pay(agreed.id, { category: 'service_fee', amount: 540_000 });
    expect((await fees(agreed.id)).json().summary.refund).toBeNull();
    expect((await earlyReturn(agreed.id, { workerAtFault: false, reason: 'x' })).statusCode).toBe(409);
    const abroad = await placement();
    expect((await earlyReturn(abroad.id, { workerAtFault: false, reason: 'x' })).statusCode).toBe(409);
    const p = await returnedEarly();
    expect((await earlyReturn(p.id, { workerAtFault: false, reason: 'x' }, partner)).statusCode).toBe(403);
    expect((await earlyReturn(p.id, { workerAtFault: false, reason: 'x' }, otherCenter)).statusCode).toBe(
      404,
    );
    expect((await earlyReturn(p.id, { workerAtFault: 'no', reason: 'x' })).json().errors[0]).toMatchObject({
      path: 'workerAtFault',
    });
  });
});
