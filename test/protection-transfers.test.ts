import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/lib/actor.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
let centerId: string;
let center: Actor;
let partnerId: string;
let partner: Actor;

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
  center = actors.center(centerId);
  partnerId = (await t.seed.partner()).id;
  partner = actors.partner(partnerId);
});
afterAll(() => t.close());

async function departed(
  program: string,
  field: string,
  jlptLevel: string | null = 'N5',
  status = 'departed',
) {
  const c = await t.seed.candidate({
    trainingCenterId: centerId,
    status: 'departed',
    jlptLevel,
    occupationField: field,
  });
  const order = await t.seed.jobOrder({ partnerId, program, field });
  return t.seed.placement({
    candidateId: c.id,
    jobOrderId: order.id,
    program,
    field,
    status: status as 'departed',
    departedOn: '2027-04-10',
    prefectureCode: '33',
    employerName: '岡山建設株式会社',
  });
}

const transfer = (id: string, body: Record<string, unknown>, as: Actor = center) =>
  t.request({
    method: 'POST',
    url: `/placements/${id}/transfers`,
    as,
    payload: {
      kind: 'own_choice',
      requestedOn: '2029-04-10',
      newEmployerName: '大阪建設株式会社',
      newPrefectureCode: '27',
      route: 'supervising_org',
      // The basic-grade skills test (技能検定基礎級), passed in the first year: own choice needs it.
      ...(body.kind === undefined || body.kind === 'own_choice' ? { skillsTestPassedOn: '2028-02-15' } : {}),
      ...body,
    },
  });

describe('changing employer in Japan (転籍)', () => {
  it('an ESD construction worker may move by own choice after 2 years; the placement follows', async () => {
    const p = await departed('esd', 'construction');
    const osaka = async () =>
      (
        await t.request({
          method: 'GET',
          url: '/reports/prefectures?from=2027-04-01&to=2027-04-30',
          as: actors.admin(),
        })
      )
        .json()
        .rows.find((r: { prefectureCode: string }) => r.prefectureCode === '27')?.departed ?? 0;
    const before = await osaka();
    const early = await transfer(p.id, { requestedOn: '2028-06-01' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ earliestOn: '2029-04-10', errors: [{ path: 'requestedOn' }] });
    const ok = await transfer(p.id, {});
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      previousEmployerName: '岡山建設株式会社',
      previousPrefectureCode: '33',
      newEmployerName: '大阪建設株式会社',
      newPrefectureCode: '27',
    });
    const read = (await t.request({ method: 'GET', url: `/placements/${p.id}`, as: center })).json();
    expect(read).toMatchObject({ employerName: '大阪建設株式会社', prefectureCode: '27', version: 2 });
    const list = (
      await t.request({ method: 'GET', url: `/placements/${p.id}/transfers`, as: partner })
    ).json();
    expect(list.items).toHaveLength(1);
    expect(list.current).toEqual({ employerName: '大阪建設株式会社', prefectureCode: '27' });
    // The prefecture report counts the worker where they work now.
    expect(await osaka()).toBe(before + 1);
  });

  it('in a 1-year field (agriculture) own choice opens after one year', async () => {
    const p = await departed('esd', 'agriculture');
    const early = await transfer(p.id, { requestedOn: '2028-04-09' });
    expect(early.json().earliestOn).toBe('2028-04-10');
    expect((await transfer(p.id, { requestedOn: '2028-04-10' })).statusCode).toBe(201);
  });

  it('own choice needs N5, and N4 in nursing care', async () => {
    const none = await departed('esd', 'agriculture', null);
    const res = await transfer(none.id, {});
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ earliestOn: null, errors: [{ path: 'jlptLevel' }] });
    const care = await departed('esd', 'nursing_care', 'N5');
    expect((await transfer(care.id, {})).json().errors[0].path).toBe('jlptLevel');
    const careN4 = await departed('esd', 'nursing_care', 'N4');
    expect((await transfer(careN4.id, {})).statusCode).toBe(201);
  });

  it('own choice needs the skills test (技能検定基礎級 or equivalent) passed, on or before the request', async () => {
    const p = await departed('esd', 'construction');
    const none = await transfer(p.id, { skillsTestPassedOn: undefined });
    expect(none.statusCode).toBe(409);
    // Waiting does not help: the worker must pass the test.
    expect(none.json()).toMatchObject({ earliestOn: null, errors: [{ path: 'skillsTestPassedOn' }] });
    // The period is checked first: a request too early names the date, whatever else is missing.
    const early = await transfer(p.id, { requestedOn: '2028-06-01', skillsTestPassedOn: undefined });
    expect(early.json()).toMatchObject({ earliestOn: '2029-04-10', errors: [{ path: 'requestedOn' }] });
    const later = await transfer(p.id, { skillsTestPassedOn: '2029-05-01' });
    expect(later.statusCode).toBe(400);
    expect(later.json().errors[0]).toMatchObject({ path: 'skillsTestPassedOn' });
    const ok = await transfer(p.id, { skillsTestPassedOn: '2028-09-30' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().skillsTestPassedOn).toBe('2028-09-30');
    const list = (
      await t.request({ method: 'GET', url: `/placements/${p.id}/transfers`, as: center })
    ).json();
    expect(list.items.map((i: { skillsTestPassedOn: string }) => i.skillsTestPassedOn)).toEqual([
      '2028-09-30',
    ]);
    // An unavoidable transfer needs no test.
    const q = await departed('esd', 'construction', null);
    const unavoidable = await transfer(q.id, { kind: 'unavoidable', requestedOn: '2027-06-01' });
    expect(unavoidable.statusCode).toBe(201);
    expect(unavoidable.json().skillsTestPassedOn).toBeNull();
  });

  it('own choice is a right of ESD workers only; an unavoidable transfer is always possible', async () => {
    const titp = await departed('titp_1', 'construction', null);
    const own = await transfer(titp.id, {});
    expect(own.statusCode).toBe(409);
    expect(own.json().errors[0].path).toBe('kind');
    const unavoidable = await transfer(titp.id, {
      kind: 'unavoidable',
      requestedOn: '2027-05-01',
      route: 'hello_work',
    });
    expect(unavoidable.statusCode).toBe(201);
  });

  it('only a departed Japan placement changes employer', async () => {
    const planned = await departed('esd', 'construction', 'N5', 'planned');
    const res = await transfer(planned.id, { kind: 'unavoidable' });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0].path).toBe('status');
  });

  it('a center cannot move another center’s worker', async () => {
    const p = await departed('esd', 'construction');
    const other = actors.center((await t.seed.center()).id);
    expect((await transfer(p.id, { kind: 'unavoidable' }, other)).statusCode).toBe(404);
  });
});

describe('the ESD entry gate on selection', () => {
  async function poolCandidate(jlptLevel: string | null, languageHours = 0) {
    const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'ready', jlptLevel });
    if (languageHours) {
      const course = await t.seed.course({
        trainingCenterId: centerId,
        kind: 'language',
        hours: languageHours,
      });
      await t.seed.enrollment({ courseId: course.id, candidateId: c.id, outcome: 'passed' });
    }
    return c;
  }
  const select = async (program: string, code: string) => {
    const order = await t.seed.jobOrder({ partnerId, program, field: 'construction', headcount: 5 });
    return t.request({
      method: 'POST',
      url: `/job-orders/${order.id}/selections`,
      as: partner,
      payload: { candidateCode: code },
    });
  };

  it('an ESD order refuses a candidate without N5 or 100 hours of Japanese, naming jlptLevel', async () => {
    const c = await poolCandidate(null, 80);
    const res = await select('esd', c.poolCode);
    expect(res.statusCode).toBe(409);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'jlptLevel' })]);
    // The same candidate may be selected for a TITP order.
    expect((await select('titp_1', c.poolCode)).statusCode).toBe(201);
  });

  it('N5, or 100 hours of passed Japanese courses, opens an ESD order', async () => {
    expect((await select('esd', (await poolCandidate('N5')).poolCode)).statusCode).toBe(201);
    expect((await select('esd', (await poolCandidate(null, 100)).poolCode)).statusCode).toBe(201);
  });
});
