import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateStatusHistory, enrollments } from '../src/db/schema.ts';
import type { Actor } from '../src/lib/actor.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let center: Actor;
let otherCenter: Actor;
let partner: Actor;
const admin = actors.admin();

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
  center = actors.center(centerId);
  otherCenter = actors.center((await t.seed.center()).id);
  partner = actors.partner((await t.seed.partner()).id);
});
afterAll(() => t.close());

async function passCourse(candidateId: string, kind: 'language' | 'vocational' | 'orientation') {
  const course = await t.seed.course({ trainingCenterId: centerId, kind });
  await t.database.db.insert(enrollments).values({ courseId: course.id, candidateId, outcome: 'passed' });
}

async function readyCandidate(orientation = true) {
  const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'ready' });
  await passCourse(c.id, orientation ? 'orientation' : 'language');
  return c;
}

const toTaiwan = (candidateId: string) => ({
  candidateId,
  destinationCountry: 'TW',
  employerName: 'Formosa Plastics',
  program: 'other',
  field: 'industrial_manufacturing',
  contractStart: '2026-03-01',
  contractEnd: '2029-02-28',
});

async function plan(as: Actor, payload: object) {
  return t.request({ method: 'POST', url: '/placements', as, payload });
}

describe('placements', () => {
  it('a center plans a placement to Taiwan for its own ready trainee; the trainee becomes selected', async () => {
    const c = await readyCandidate();
    const res = await plan(center, toTaiwan(c.id));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'planned',
      destinationCountry: 'TW',
      prefectureCode: null,
      candidateCode: c.code,
    });
    const again = await plan(center, toTaiwan(c.id));
    expect(again.statusCode).toBe(409);
  });

  it('Japan needs a prefecture and a Japanese programme; the country must be real', async () => {
    const c = await readyCandidate();
    const res = await plan(center, { ...toTaiwan(c.id), destinationCountry: 'JP' });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['prefectureCode', 'program']);
    const bad = await plan(center, {
      ...toTaiwan(c.id),
      destinationCountry: 'XX',
      contractEnd: '2025-01-01',
    });
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['contractEnd', 'destinationCountry']);
  });

  it("a center cannot place another center's trainee", async () => {
    const c = await readyCandidate();
    const res = await plan(otherCenter, toTaiwan(c.id));
    expect(res.statusCode).toBe(404);
  });

  it('departure is refused until the pre-departure orientation course is passed', async () => {
    const c = await readyCandidate(false);
    const p = (await plan(center, toTaiwan(c.id))).json();
    const refused = await t.request({
      method: 'POST',
      url: `/placements/${p.id}/depart`,
      as: center,
      payload: { departedOn: '2026-03-02' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/orientation/);
    await passCourse(c.id, 'orientation');
    const ok = await t.request({
      method: 'POST',
      url: `/placements/${p.id}/depart`,
      as: center,
      payload: { departedOn: '2026-03-02' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'departed', departedOn: '2026-03-02' });
  });

  it('a return before the departure is a 400 naming returnedOn', async () => {
    const c = await readyCandidate();
    const p = (await plan(center, toTaiwan(c.id))).json();
    await t.request({
      method: 'POST',
      url: `/placements/${p.id}/depart`,
      as: center,
      payload: { departedOn: '2026-03-02' },
    });
    const res = await t.request({
      method: 'POST',
      url: `/placements/${p.id}/return`,
      as: center,
      payload: { returnedOn: '2026-03-01', reason: 'completed' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: 'returnedOn' });
  });

  it('cancelling before departure sends the candidate back to ready; after departure it is refused', async () => {
    const c = await readyCandidate();
    const p = (await plan(center, toTaiwan(c.id))).json();
    const res = await t.request({
      method: 'POST',
      url: `/placements/${p.id}/cancel`,
      as: center,
      payload: { reason: 'visa refused' },
    });
    expect(res.json()).toMatchObject({ status: 'cancelled', cancelReason: 'visa refused' });
    const c2 = await readyCandidate();
    const p2 = (await plan(center, toTaiwan(c2.id))).json();
    await t.request({
      method: 'POST',
      url: `/placements/${p2.id}/depart`,
      as: center,
      payload: { departedOn: '2026-03-02' },
    });
    const late = await t.request({
      method: 'POST',
      url: `/placements/${p2.id}/cancel`,
      as: center,
      payload: { reason: 'too late' },
    });
    expect(late.statusCode).toBe(409);
    // The cancelled candidate can be placed again.
    expect((await plan(center, toTaiwan(c.id))).statusCode).toBe(201);
  });

  it('a partner cannot plan placements, and sees only those of its own orders', async () => {
    const c = await readyCandidate();
    expect((await plan(partner, toTaiwan(c.id))).statusCode).toBe(403);
    const p = (await plan(center, toTaiwan(c.id))).json();
    expect((await t.request({ method: 'GET', url: `/placements/${p.id}`, as: partner })).statusCode).toBe(
      404,
    );
    const list = await t.request({ method: 'GET', url: '/placements', as: partner });
    expect(list.json().items).toEqual([]);
  });

  it('a whole journey: ready → selected → departed → returned → reintegrated, with its history', async () => {
    const c = await readyCandidate();
    const employer = await t.seed.homeEmployer({ name: 'Tazmo Vietnam', industrialPark: 'Long Hậu' });
    const o = (
      await t.request({
        method: 'POST',
        url: '/job-orders',
        as: partner,
        payload: {
          prefectureCode: '33',
          municipality: '岡山市',
          employerName: '株式会社タズモ',
          program: 'titp_1',
          field: 'construction',
          headcount: 1,
        },
      })
    ).json();
    const sel = await t.request({
      method: 'POST',
      url: `/job-orders/${o.id}/selections`,
      as: partner,
      payload: { candidateCode: c.poolCode, contractStart: '2023-04-15', contractEnd: '2026-04-14' },
    });
    const { placementId } = sel.json();
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/placements/${placementId}/depart`,
          as: center,
          payload: { departedOn: '2023-04-10' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/placements/${placementId}/return`,
          as: admin,
          payload: { returnedOn: '2026-04-09', reason: 'completed' },
        })
      ).statusCode,
    ).toBe(200);
    const early = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/reintegration`,
      as: center,
      payload: { homeEmployerId: employer.id, startedOn: '2026-04-01', position: 'Kỹ thuật viên' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().errors[0].path).toBe('startedOn');
    const re = await t.request({
      method: 'POST',
      url: `/candidates/${c.id}/reintegration`,
      as: center,
      payload: { homeEmployerId: employer.id, startedOn: '2026-05-01', position: 'Kỹ thuật viên' },
    });
    expect(re.statusCode).toBe(201);
    expect(re.json()).toMatchObject({
      candidateStatus: 'reintegrated',
      homeEmployerName: 'Tazmo Vietnam',
      placementId,
    });
    const history = await t.database.db
      .select()
      .from(candidateStatusHistory)
      .where(eq(candidateStatusHistory.candidateId, c.id))
      .orderBy(candidateStatusHistory.id);
    expect(history.map((h) => `${h.fromStatus}→${h.toStatus}`)).toEqual([
      'ready→selected',
      'selected→departed',
      'departed→returned',
      'returned→reintegrated',
    ]);
    const audit = await t.request({
      method: 'GET',
      url: `/audit?entity=placement&entityId=${placementId}`,
      as: admin,
    });
    expect(audit.json().items.map((i: { action: string }) => i.action)).toEqual([
      'return',
      'depart',
      'select',
    ]);
  });
});
