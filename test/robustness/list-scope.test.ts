import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../src/lib/actor.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actors } from '../helpers/seed.ts';

/**
 * Which rows each list returns to each role. Two sides of the world — A (the callers' own center,
 * province and partner) and B (another's) — each hold one of every resource. A list must show a role
 * its own side's row and never the other side's; an admin sees both. The status code alone says
 * nothing about this: a list that forgot its scope still answers 200.
 */

let h: TestApp;
interface Side {
  centerId: string;
  province: string;
  partnerId: string;
  orderId: string;
  candidateId: string;
  placementId: string;
  certificateId: string;
  courseId: string;
  alertId: string;
}
let A: Side;
let B: Side;
let as: Record<Role, Actor>;

async function makeSide(province: string, prefix: string): Promise<Side> {
  const center = await h.seed.center({ provinceCode: province, serialPrefix: prefix });
  const partner = await h.seed.partner();
  const order = await h.seed.jobOrder({ partnerId: partner.id, headcount: 10 });
  const candidate = await h.seed.candidate({
    trainingCenterId: center.id,
    homeProvinceCode: province,
    homeProvince2025: province,
    status: 'selected',
  });
  const course = await h.seed.course({ trainingCenterId: center.id, kind: 'orientation' });
  const enrollment = await h.seed.enrollment({
    courseId: course.id,
    candidateId: candidate.id,
    outcome: 'passed',
    score: 90,
  });
  const placement = await h.seed.placement({
    candidateId: candidate.id,
    jobOrderId: order.id,
    status: 'planned',
  });
  const cert = await h.request({
    method: 'POST',
    url: '/certificates',
    as: actors.admin(),
    payload: { enrollmentId: enrollment.id },
  });
  expect(cert.statusCode, cert.body).toBe(201);
  const [alert] = await h.database.db
    .insert((await import('../../src/db/schema.ts')).alerts)
    .values({
      kind: 'departure_without_orientation',
      subjectType: 'placement',
      subjectId: placement.id,
      thresholdDays: 30,
      dueOn: '2026-12-01',
      message: 'test',
      candidateId: candidate.id,
      placementId: placement.id,
      jobOrderId: order.id,
      trainingCenterId: center.id,
      provinceCode2025: province,
      partnerId: partner.id,
    })
    .returning();
  return {
    centerId: center.id,
    province,
    partnerId: partner.id,
    orderId: order.id,
    candidateId: candidate.id,
    placementId: placement.id,
    certificateId: cert.json().id,
    courseId: course.id,
    alertId: alert!.id,
  };
}

beforeAll(async () => {
  h = await createTestApp();
  A = await makeSide('80', 'LA');
  B = await makeSide('01', 'LB');
  as = {
    admin: actors.admin(),
    center: actors.center(A.centerId),
    province: actors.province(A.province),
    partner: actors.partner(A.partnerId),
  };
});
afterAll(() => h?.close());

/** For each list: the row of a side it should show, and which roles may call it at all. */
const LISTS: { url: string; row: (s: Side) => string; roles: Role[] }[] = [
  { url: '/candidates', row: (s) => s.candidateId, roles: ['admin', 'center', 'province'] },
  { url: '/placements', row: (s) => s.placementId, roles: ['admin', 'center', 'province', 'partner'] },
  { url: '/certificates', row: (s) => s.certificateId, roles: ['admin', 'center', 'province', 'partner'] },
  { url: '/courses', row: (s) => s.courseId, roles: ['admin', 'center', 'province'] },
  { url: '/alerts', row: (s) => s.alertId, roles: ['admin', 'center', 'province', 'partner'] },
  { url: '/job-orders', row: (s) => s.orderId, roles: ['admin', 'partner'] },
];

async function ids(url: string, who: Actor): Promise<{ status: number; ids: string[] }> {
  const res = await h.request({ method: 'GET', url: `${url}?limit=500`, as: who });
  if (res.statusCode !== 200) return { status: res.statusCode, ids: [] };
  return { status: 200, ids: (res.json().items as { id: string }[]).map((i) => i.id) };
}

describe('each list returns, per role, its own side and never the other', () => {
  for (const list of LISTS) {
    for (const role of ['admin', 'center', 'province', 'partner'] as Role[]) {
      const allowed = list.roles.includes(role);
      it(`${list.url} as ${role}: ${allowed ? (role === 'admin' ? 'both sides' : 'own side only') : 'refused'}`, async () => {
        const got = await ids(list.url, as[role]);
        if (!allowed) {
          expect(got.status).toBe(403);
          return;
        }
        expect(got.status).toBe(200);
        expect(got.ids).toContain(list.row(A));
        if (role === 'admin') expect(got.ids).toContain(list.row(B));
        else expect(got.ids).not.toContain(list.row(B));
      });
    }
  }

  it('a partner loses sight of a certificate once its selection is cancelled', async () => {
    const before = await ids('/certificates', as.partner);
    expect(before.ids).toContain(A.certificateId);
    const res = await h.request({
      method: 'POST',
      url: `/placements/${A.placementId}/cancel`,
      as: as.admin,
      payload: { reason: 'test' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = await ids('/certificates', as.partner);
    expect(after.ids).not.toContain(A.certificateId);
  });

  it('a center token without a center is refused everywhere, never shown an empty list', async () => {
    const orphan: Actor = { ...as.center, trainingCenterId: null };
    for (const url of ['/candidates', '/placements', '/courses', '/certificates', '/alerts']) {
      const res = await h.request({ method: 'GET', url, as: orphan });
      expect(res.statusCode, url).toBe(403);
    }
  });
});
