import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, auditLog } from '../src/db/schema.ts';
import { JOBS } from '../src/job-registry.ts';
import type { Actor } from '../src/lib/actor.ts';
import { raiseGrievanceOverdue } from '../src/modules/protection/protection.jobs.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let center: Actor;
let partnerId: string;
let partner: Actor;
const admin = actors.admin();

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
  center = actors.center(centerId);
  partnerId = (await t.seed.partner()).id;
  partner = actors.partner(partnerId);
});
afterAll(() => t.close());

/** A worker in Japan on one of the partner's orders. */
async function worker(province = '01') {
  const c = await t.seed.candidate({
    trainingCenterId: centerId,
    status: 'departed',
    homeProvinceCode: province,
  });
  const order = await t.seed.jobOrder({ partnerId });
  const p = await t.seed.placement({
    candidateId: c.id,
    jobOrderId: order.id,
    status: 'departed',
    departedOn: '2026-04-01',
  });
  return { candidate: c, placement: p };
}

const file = (candidateId: string, as: Actor = center, body: Record<string, unknown> = {}) =>
  t.request({
    method: 'POST',
    url: '/grievances',
    as,
    payload: {
      candidateId,
      category: 'wage_unpaid',
      description: 'Lương tháng 10 chưa được trả.',
      receivedVia: 'hotline',
      receivedAt: '2026-11-20T09:00:00+07:00',
      ...body,
    },
  });
const list = async (as: Actor, query = '') =>
  (await t.request({ method: 'GET', url: `/grievances?limit=500${query}`, as })).json().items as {
    id: string;
    status: string;
    overdue: boolean;
  }[];

describe('grievances with deadlines', () => {
  it('a filed grievance is due for acknowledgement in 48 hours and resolution in 14 days', async () => {
    const { candidate, placement } = await worker();
    const res = await file(candidate.id);
    expect(res.statusCode).toBe(201);
    const g = res.json();
    expect(g).toMatchObject({ status: 'open', placementId: placement.id, candidateCode: candidate.code });
    expect(new Date(g.ackDue).toISOString()).toBe('2026-11-22T02:00:00.000Z');
    expect(new Date(g.resolveDue).toISOString()).toBe('2026-12-04T02:00:00.000Z');
  });

  it('acknowledge, then resolve; each step is audited and a step cannot be taken twice', async () => {
    const { candidate } = await worker();
    const { id } = (await file(candidate.id)).json();
    const ack = await t.request({ method: 'POST', url: `/grievances/${id}/acknowledge`, as: partner });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged' });
    expect(
      (await t.request({ method: 'POST', url: `/grievances/${id}/acknowledge`, as: center })).statusCode,
    ).toBe(409);
    const resolve = (as: Actor) =>
      t.request({
        method: 'POST',
        url: `/grievances/${id}/resolve`,
        as,
        payload: { resolution: 'Đã trả đủ lương.' },
      });
    expect((await resolve(partner)).statusCode).toBe(403);
    const done = await resolve(center);
    expect(done.json()).toMatchObject({ status: 'resolved', resolution: 'Đã trả đủ lương.', overdue: false });
    expect((await resolve(center)).statusCode).toBe(409);
    const steps = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(steps.map((s) => s.action)).toEqual(['file', 'acknowledge', 'resolve']);
  });

  it('the partner of the worker’s placement sees its own grievances; another partner and center do not', async () => {
    const { candidate } = await worker('04');
    const { id } = (await file(candidate.id, partner)).json();
    expect((await list(partner)).map((g) => g.id)).toContain(id);
    expect((await list(center)).map((g) => g.id)).toContain(id);
    expect((await list(actors.province('04'))).map((g) => g.id)).toContain(id);
    expect((await list(actors.province('79'))).map((g) => g.id)).not.toContain(id);
    const stranger = actors.partner((await t.seed.partner()).id);
    expect((await list(stranger)).map((g) => g.id)).not.toContain(id);
    expect((await list(actors.center((await t.seed.center()).id))).map((g) => g.id)).not.toContain(id);
    expect(
      (await t.request({ method: 'POST', url: `/grievances/${id}/acknowledge`, as: stranger })).statusCode,
    ).toBe(404);
    // A partner files only for workers of its own placements.
    const outsider = await t.seed.candidate({ trainingCenterId: centerId, status: 'ready' });
    expect((await file(outsider.id, partner)).statusCode).toBe(404);
  });

  it('lists filter by status and by overdue', async () => {
    const { candidate } = await worker();
    const late = (await file(candidate.id, admin, { receivedAt: '2026-01-01T08:00:00+07:00' })).json();
    const fresh = (await file(candidate.id, admin, { receivedAt: new Date().toISOString() })).json();
    const overdue = (await list(admin, '&overdue=true')).map((g) => g.id);
    expect(overdue).toContain(late.id);
    expect(overdue).not.toContain(fresh.id);
    expect((await list(admin, '&overdue=false')).map((g) => g.id)).toContain(fresh.id);
    expect((await list(admin, '&status=resolved')).map((g) => g.id)).not.toContain(late.id);
  });

  it('refuses a time in the future and an unknown category', async () => {
    const { candidate } = await worker();
    const future = await file(candidate.id, center, { receivedAt: '2999-01-01T00:00:00Z' });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors[0].path).toBe('receivedAt');
    const bad = await file(candidate.id, center, { category: 'noise' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('category');
  });

  it('the scheduled job raises grievance_overdue once per late step, to the center and the partner', async () => {
    expect(JOBS.map((j) => j.name)).toContain('grievance-overdue');
    const { candidate } = await worker();
    const { id } = (await file(candidate.id, center, { receivedAt: '2026-11-01T09:00:00+07:00' })).json();
    const job = (now: string) => raiseGrievanceOverdue({ db: t.database.db, now: new Date(now) });
    const forThis = () =>
      t.database.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.kind, 'grievance_overdue'), eq(alerts.subjectId, id)));
    await job('2026-11-02T00:00:00Z');
    expect(await forThis()).toHaveLength(0);
    await job('2026-11-04T00:00:00Z');
    await job('2026-11-04T01:00:00Z');
    expect((await forThis()).map((a) => a.thresholdDays)).toEqual([2]);
    await job('2026-11-16T00:00:00Z');
    expect((await forThis()).map((a) => a.thresholdDays).sort()).toEqual([14, 2]);
    const seen = async (as: Actor) =>
      (
        (await t.request({ method: 'GET', url: '/alerts?kind=grievance_overdue&limit=500', as })).json()
          .items as {
          subjectId: string;
        }[]
      ).filter((a) => a.subjectId === id).length;
    expect(await seen(center)).toBe(2);
    expect(await seen(partner)).toBe(2);
    expect(await seen(actors.partner((await t.seed.partner()).id))).toBe(0);
    // Resolved in time for nothing more: a resolved grievance raises no new step.
    await t.request({
      method: 'POST',
      url: `/grievances/${id}/resolve`,
      as: center,
      payload: { resolution: 'ok' },
    });
    await job('2026-12-30T00:00:00Z');
    expect(await forThis()).toHaveLength(2);
  });
});

describe('the grievance report', () => {
  it('counts grievances by home province and category, with unresolved and overdue; partners see no small count', async () => {
    const c = await t.seed.center();
    const own = actors.center(c.id);
    const cand = await t.seed.candidate({
      trainingCenterId: c.id,
      status: 'departed',
      homeProvinceCode: '46',
    });
    const body = (receivedAt: string) => ({
      candidateId: cand.id,
      category: 'abuse',
      description: 'Bị quát mắng hằng ngày.',
      receivedVia: 'hotline',
      receivedAt,
    });
    const old = (
      await t.request({
        method: 'POST',
        url: '/grievances',
        as: own,
        payload: body('2026-06-01T09:00:00+07:00'),
      })
    ).json();
    await t.request({
      method: 'POST',
      url: '/grievances',
      as: own,
      payload: body('2026-06-02T09:00:00+07:00'),
    });
    await t.request({
      method: 'POST',
      url: `/grievances/${old.id}/resolve`,
      as: own,
      payload: { resolution: 'Chuyển chỗ làm.' },
    });
    const report = await t.request({
      method: 'GET',
      url: '/reports/grievances?from=2026-06-01&to=2026-06-30',
      as: own,
    });
    expect(report.statusCode).toBe(200);
    expect(report.json().rows).toEqual([
      expect.objectContaining({
        provinceCode: '46',
        category: 'abuse',
        grievances: 2,
        unresolved: 1,
        overdue: 1,
        suppressed: false,
      }),
    ]);
    const partnerView = await t.request({
      method: 'GET',
      url: '/reports/grievances?from=2026-06-01&to=2026-06-30',
      as: partner,
    });
    expect(partnerView.json().rows).toEqual([
      expect.objectContaining({
        provinceCode: '46',
        grievances: null,
        unresolved: null,
        overdue: null,
        suppressed: true,
      }),
    ]);
    const csv = await t.request({
      method: 'GET',
      url: '/reports/grievances?from=2026-06-01&to=2026-06-30&format=csv',
      as: own,
    });
    expect(csv.body.split('\r\n')[1]).toMatch(/^46,.*,abuse,2,1,1,false$/);
  });
});
