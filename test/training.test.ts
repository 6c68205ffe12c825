import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../src/db/schema.ts';
import { transitionCandidate } from '../src/modules/candidates/candidates.lifecycle.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { onPostgres } from './helpers/database.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
const admin = actors.admin();
let centerA: { id: string };
let centerB: { id: string };
beforeAll(async () => {
  t = await createTestApp();
  centerA = await t.seed.center({ provinceCode: '80' });
  centerB = await t.seed.center({ provinceCode: '82', serialPrefix: 'DT' });
});
afterAll(() => t.close());

const post = (url: string, payload: object, as: ReturnType<typeof actors.admin>) =>
  t.request({ method: 'POST', url, payload, as });
const get = (url: string, as: ReturnType<typeof actors.admin>) => t.request({ method: 'GET', url, as });
const course = (over: Record<string, unknown> = {}) => ({
  name: 'Tiếng Nhật N4',
  kind: 'language',
  startsOn: '2026-02-02',
  endsOn: '2026-07-31',
  hours: 720,
  ...over,
});

async function candidateRow(id: string) {
  const [row] = await t.database.db.select().from(schema.candidates).where(eq(schema.candidates.id, id));
  return row!;
}

describe('courses', () => {
  it('a center creates a course for itself and reads it back with its enrolled count', async () => {
    const as = actors.center(centerA.id);
    const res = await post('/courses', course({ capacity: 25 }), as);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      trainingCenterId: centerA.id,
      capacity: 25,
      enrolled: 0,
      kind: 'language',
    });
    const one = await get(`/courses/${res.json().id}`, as);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: res.json().id, enrolled: 0 });
  });

  it('a center cannot create a course for another center', async () => {
    const res = await post('/courses', course({ trainingCenterId: centerB.id }), actors.center(centerA.id));
    expect(res.statusCode).toBe(404);
  });

  it('an admin must say which center the course is for, and the center must exist', async () => {
    const missing = await post('/courses', course(), admin);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([
      { path: 'trainingCenterId', message: 'is required when an admin creates a course' },
    ]);
    const unknown = await post('/courses', course({ trainingCenterId: crypto.randomUUID() }), admin);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].path).toBe('trainingCenterId');
    const ok = await post('/courses', course({ trainingCenterId: centerB.id }), admin);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().trainingCenterId).toBe(centerB.id);
  });

  it('validation errors name the field: dates in order, positive hours, known kind', async () => {
    const as = actors.center(centerA.id);
    const backwards = await post('/courses', course({ startsOn: '2026-03-01', endsOn: '2026-02-01' }), as);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors).toEqual([{ path: 'endsOn', message: 'must be on or after startsOn' }]);
    const zeroHours = await post('/courses', course({ hours: 0 }), as);
    expect(zeroHours.json().errors).toEqual([{ path: 'hours', message: 'must be at least 1' }]);
    const badKind = await post('/courses', course({ kind: 'cooking' }), as);
    expect(badKind.json().errors[0]).toEqual({
      path: 'kind',
      message: 'must be one of: language, vocational, orientation',
    });
    const badCapacity = await post('/courses', course({ capacity: 0 }), as);
    expect(badCapacity.json().errors[0].path).toBe('capacity');
    const badDate = await post('/courses', course({ startsOn: '2026-02-30' }), as);
    expect(badDate.json().errors[0].path).toBe('startsOn');
  });

  it('province officers and partners cannot write', async () => {
    const asProvince = await post(
      '/courses',
      course({ trainingCenterId: centerA.id }),
      actors.province('80'),
    );
    expect(asProvince.statusCode).toBe(403);
    const asPartner = await post(
      '/courses',
      course({ trainingCenterId: centerA.id }),
      actors.partner(crypto.randomUUID()),
    );
    expect(asPartner.statusCode).toBe(403);
    const c = await t.seed.course({ trainingCenterId: centerA.id });
    const cand = await t.seed.candidate({ trainingCenterId: centerA.id });
    const enroll = await post(
      `/courses/${c.id}/enrollments`,
      { candidateId: cand.id },
      actors.province('80'),
    );
    expect(enroll.statusCode).toBe(403);
  });

  it('lists are scoped: a center sees its own, a province officer the courses of centers in the province', async () => {
    const a = await t.seed.course({
      trainingCenterId: centerA.id,
      kind: 'orientation',
      name: 'Định hướng A',
    });
    const b = await t.seed.course({
      trainingCenterId: centerB.id,
      kind: 'orientation',
      name: 'Định hướng B',
    });
    const ids = (res: { json(): { items: { id: string }[] } }) => res.json().items.map((c) => c.id);

    const asA = await get('/courses?kind=orientation', actors.center(centerA.id));
    expect(ids(asA)).toContain(a.id);
    expect(ids(asA)).not.toContain(b.id);
    const asTayNinh = await get('/courses?kind=orientation', actors.province('80'));
    expect(ids(asTayNinh)).toContain(a.id);
    expect(ids(asTayNinh)).not.toContain(b.id);
    const asAdmin = await get(`/courses?kind=orientation&trainingCenterId=${centerB.id}`, admin);
    expect(ids(asAdmin)).toEqual([b.id]);

    expect((await get(`/courses/${b.id}`, actors.center(centerA.id))).statusCode).toBe(404);
    expect((await get(`/courses/${b.id}`, actors.province('80'))).statusCode).toBe(404);
    expect((await get('/courses', actors.partner(crypto.randomUUID()))).statusCode).toBe(403);
  });

  it('course lists page with a cursor', async () => {
    const center = await t.seed.center();
    for (const startsOn of ['2026-01-05', '2026-02-05', '2026-03-05'])
      await t.seed.course({ trainingCenterId: center.id, startsOn, endsOn: '2026-12-31' });
    const as = actors.center(center.id);
    const p1 = await get('/courses?limit=2', as);
    expect(p1.json().items.map((c: { startsOn: string }) => c.startsOn)).toEqual([
      '2026-03-05',
      '2026-02-05',
    ]);
    const p2 = await get(`/courses?limit=2&cursor=${p1.json().nextCursor}`, as);
    expect(p2.json().items.map((c: { startsOn: string }) => c.startsOn)).toEqual(['2026-01-05']);
    expect(p2.json().nextCursor).toBeNull();
  });
});

describe('enrollment', () => {
  it('enrolling a registered candidate moves them to training, with a history row and audit rows', async () => {
    const c = await t.seed.course({ trainingCenterId: centerA.id });
    const cand = await t.seed.candidate({ trainingCenterId: centerA.id });
    const res = await post(
      `/courses/${c.id}/enrollments`,
      { candidateId: cand.id },
      actors.center(centerA.id),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      courseId: c.id,
      candidateId: cand.id,
      candidateCode: cand.code,
      courseName: c.name,
      courseKind: 'language',
      outcome: null,
    });
    const after = await candidateRow(cand.id);
    expect(after.status).toBe('training');
    // The move is a side effect of the enrollment: the candidate's version (its own fields) stays.
    expect(after.version).toBe(cand.version);
    const history = await t.database.db
      .select()
      .from(schema.candidateStatusHistory)
      .where(eq(schema.candidateStatusHistory.candidateId, cand.id));
    expect(history).toEqual([expect.objectContaining({ fromStatus: 'registered', toStatus: 'training' })]);
    const audit = await get(`/audit?entity=enrollment&entityId=${res.json().id}`, admin);
    expect(audit.json().items).toEqual([expect.objectContaining({ action: 'create', entity: 'enrollment' })]);
    const candAudit = await get(`/audit?entity=candidate&entityId=${cand.id}`, admin);
    expect(candAudit.json().items[0]).toMatchObject({ action: 'transition:enroll' });
    const count = await get(`/courses/${c.id}`, actors.center(centerA.id));
    expect(count.json().enrolled).toBe(1);
  });

  it('a training candidate enrolls in another course without a status change', async () => {
    const c1 = await t.seed.course({ trainingCenterId: centerA.id });
    const c2 = await t.seed.course({ trainingCenterId: centerA.id, kind: 'vocational' });
    const cand = await t.seed.candidate({ trainingCenterId: centerA.id });
    const as = actors.center(centerA.id);
    await post(`/courses/${c1.id}/enrollments`, { candidateId: cand.id }, as);
    const res = await post(`/courses/${c2.id}/enrollments`, { candidateId: cand.id }, as);
    expect(res.statusCode).toBe(201);
    expect((await candidateRow(cand.id)).status).toBe('training');
  });

  it("a center cannot enroll another center's trainee, nor into another center's course", async () => {
    const own = await t.seed.course({ trainingCenterId: centerA.id });
    const theirs = await t.seed.course({ trainingCenterId: centerB.id });
    const theirTrainee = await t.seed.candidate({ trainingCenterId: centerB.id });
    const ownTrainee = await t.seed.candidate({ trainingCenterId: centerA.id });
    const as = actors.center(centerA.id);
    const foreignTrainee = await post(`/courses/${own.id}/enrollments`, { candidateId: theirTrainee.id }, as);
    expect(foreignTrainee.statusCode).toBe(404);
    expect(foreignTrainee.json().detail).toMatch(/candidate/);
    const foreignCourse = await post(`/courses/${theirs.id}/enrollments`, { candidateId: ownTrainee.id }, as);
    expect(foreignCourse.statusCode).toBe(404);
    // Even an admin cannot put a trainee into a course of a center they do not belong to.
    const crossByAdmin = await post(
      `/courses/${theirs.id}/enrollments`,
      { candidateId: ownTrainee.id },
      admin,
    );
    expect(crossByAdmin.statusCode).toBe(404);
    expect((await candidateRow(ownTrainee.id)).status).toBe('registered');
  });

  it('a duplicate enrollment is a 409 naming candidateId', async () => {
    const c = await t.seed.course({ trainingCenterId: centerA.id });
    const cand = await t.seed.candidate({ trainingCenterId: centerA.id });
    const as = actors.center(centerA.id);
    expect((await post(`/courses/${c.id}/enrollments`, { candidateId: cand.id }, as)).statusCode).toBe(201);
    const again = await post(`/courses/${c.id}/enrollments`, { candidateId: cand.id }, as);
    expect(again.statusCode).toBe(409);
    expect(again.json().errors).toEqual([
      { path: 'candidateId', message: 'is already enrolled in this course' },
    ]);
    expect(again.json().detail).toContain(cand.id);
  });

  it('a withdrawn or departed candidate cannot enroll, and the 409 says why', async () => {
    const c = await t.seed.course({ trainingCenterId: centerA.id });
    const as = actors.center(centerA.id);
    const withdrawn = await t.seed.candidate({ trainingCenterId: centerA.id, status: 'withdrawn' });
    const res = await post(`/courses/${c.id}/enrollments`, { candidateId: withdrawn.id }, as);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/withdrawn from the programme/);
    const departed = await t.seed.candidate({ trainingCenterId: centerA.id, status: 'departed' });
    const res2 = await post(`/courses/${c.id}/enrollments`, { candidateId: departed.id }, as);
    expect(res2.statusCode).toBe(409);
    expect(res2.json().detail).toMatch(/already departed/);
  });

  it('a ready candidate may take the orientation course; a selected one only the orientation course', async () => {
    const orientation = await t.seed.course({ trainingCenterId: centerA.id, kind: 'orientation' });
    const vocational = await t.seed.course({ trainingCenterId: centerA.id, kind: 'vocational' });
    const as = actors.center(centerA.id);
    const ready = await t.seed.candidate({ trainingCenterId: centerA.id, status: 'ready' });
    const r1 = await post(`/courses/${orientation.id}/enrollments`, { candidateId: ready.id }, as);
    expect(r1.statusCode).toBe(201);
    expect((await candidateRow(ready.id)).status).toBe('ready');

    const selected = await t.seed.candidate({ trainingCenterId: centerA.id, status: 'selected' });
    expect(
      (await post(`/courses/${orientation.id}/enrollments`, { candidateId: selected.id }, as)).statusCode,
    ).toBe(201);
    const r2 = await post(`/courses/${vocational.id}/enrollments`, { candidateId: selected.id }, as);
    expect(r2.statusCode).toBe(409);
    expect(r2.json().detail).toMatch(/may only take orientation courses/);
  });

  it('past capacity an enrollment is refused with 409, and a withdrawal frees the seat', async () => {
    const c = await t.seed.course({ trainingCenterId: centerA.id, capacity: 1 });
    const as = actors.center(centerA.id);
    const first = await t.seed.candidate({ trainingCenterId: centerA.id });
    const second = await t.seed.candidate({ trainingCenterId: centerA.id });
    const ok = await post(`/courses/${c.id}/enrollments`, { candidateId: first.id }, as);
    expect(ok.statusCode).toBe(201);
    const full = await post(`/courses/${c.id}/enrollments`, { candidateId: second.id }, as);
    expect(full.statusCode).toBe(409);
    expect(full.json().detail).toMatch(/full/);
    expect((await candidateRow(second.id)).status).toBe('registered');

    await post(`/enrollments/${ok.json().id}/result`, { outcome: 'withdrawn' }, as);
    const freed = await post(`/courses/${c.id}/enrollments`, { candidateId: second.id }, as);
    expect(freed.statusCode).toBe(201);
  });

  it('unknown course or candidate ids are 404, malformed ones 400', async () => {
    const c = await t.seed.course({ trainingCenterId: centerA.id });
    const as = actors.center(centerA.id);
    expect(
      (await post(`/courses/${crypto.randomUUID()}/enrollments`, { candidateId: crypto.randomUUID() }, as))
        .statusCode,
    ).toBe(404);
    expect(
      (await post(`/courses/${c.id}/enrollments`, { candidateId: crypto.randomUUID() }, as)).statusCode,
    ).toBe(404);
    const bad = await post(`/courses/${c.id}/enrollments`, { candidateId: 'abc' }, as);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'candidateId', message: 'must be a UUID' }]);
  });

  it.skipIf(!onPostgres())(
    'two concurrent enrollments into the last seat: exactly one succeeds (PostgreSQL)',
    async () => {
      const as = actors.center(centerA.id);
      for (let round = 0; round < 3; round++) {
        const c = await t.seed.course({ trainingCenterId: centerA.id, capacity: 1 });
        const x = await t.seed.candidate({ trainingCenterId: centerA.id });
        const y = await t.seed.candidate({ trainingCenterId: centerA.id });
        const results = await Promise.all([
          post(`/courses/${c.id}/enrollments`, { candidateId: x.id }, as),
          post(`/courses/${c.id}/enrollments`, { candidateId: y.id }, as),
        ]);
        expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
        const count = await get(`/courses/${c.id}`, as);
        expect(count.json().enrolled).toBe(1);
        const statuses = [(await candidateRow(x.id)).status, (await candidateRow(y.id)).status].sort();
        expect(statuses).toEqual(['registered', 'training']);
      }
    },
  );

  it.skipIf(!onPostgres())(
    'the same candidate enrolled twice at once: one 201, one 409 (PostgreSQL)',
    async () => {
      const c = await t.seed.course({ trainingCenterId: centerA.id });
      const x = await t.seed.candidate({ trainingCenterId: centerA.id });
      const as = actors.center(centerA.id);
      const results = await Promise.all([
        post(`/courses/${c.id}/enrollments`, { candidateId: x.id }, as),
        post(`/courses/${c.id}/enrollments`, { candidateId: x.id }, as),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    },
  );
});

describe('results', () => {
  async function enrolled(kind: 'language' | 'vocational' | 'orientation', jlptLevel: string | null = null) {
    const c = await t.seed.course({ trainingCenterId: centerA.id, kind });
    const cand = await t.seed.candidate({ trainingCenterId: centerA.id, jlptLevel });
    const res = await post(
      `/courses/${c.id}/enrollments`,
      { candidateId: cand.id },
      actors.center(centerA.id),
    );
    return { course: c, candidate: cand, enrollmentId: res.json().id as string };
  }

  it('a passed language course raises the candidate’s JLPT level and audits it, keeping the version', async () => {
    const { candidate, enrollmentId } = await enrolled('language', 'N5');
    const before = await candidateRow(candidate.id);
    const res = await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'passed', score: 82.5, jlptLevel: 'N4' },
      actors.center(centerA.id),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      outcome: 'passed',
      score: 82.5,
      jlptLevel: 'N4',
      resultAt: expect.any(String),
    });
    const after = await candidateRow(candidate.id);
    expect(after.jlptLevel).toBe('N4');
    expect(after.version).toBe(before.version);
    const audit = await get(`/audit?entity=candidate&entityId=${candidate.id}`, admin);
    expect(audit.json().items[0]).toMatchObject({
      action: 'jlpt-raised',
      before: { jlptLevel: 'N5' },
      after: { jlptLevel: 'N4' },
    });
    const enrollmentAudit = await get(`/audit?entity=enrollment&entityId=${enrollmentId}`, admin);
    expect(enrollmentAudit.json().items.map((i: { action: string }) => i.action)).toEqual([
      'result',
      'create',
    ]);
  });

  it('a lower level never lowers the candidate’s JLPT level', async () => {
    const { candidate, enrollmentId } = await enrolled('language', 'N2');
    const before = await candidateRow(candidate.id);
    const res = await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'passed', jlptLevel: 'N3' },
      actors.center(centerA.id),
    );
    expect(res.statusCode).toBe(200);
    const after = await candidateRow(candidate.id);
    expect(after.jlptLevel).toBe('N2');
    expect(after.version).toBe(before.version);
  });

  it('a failed language course does not raise the level', async () => {
    const { candidate, enrollmentId } = await enrolled('language', null);
    await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'failed', jlptLevel: 'N4' },
      actors.center(centerA.id),
    );
    expect((await candidateRow(candidate.id)).jlptLevel).toBeNull();
  });

  it('recording a result twice is a 409', async () => {
    const { enrollmentId } = await enrolled('vocational');
    const as = actors.center(centerA.id);
    expect(
      (await post(`/enrollments/${enrollmentId}/result`, { outcome: 'passed', score: 70 }, as)).statusCode,
    ).toBe(200);
    const again = await post(`/enrollments/${enrollmentId}/result`, { outcome: 'failed' }, as);
    expect(again.statusCode).toBe(409);
    expect(again.json().errors[0]).toMatchObject({ path: 'outcome' });
  });

  it('validation names the field: score range, JLPT level only for language courses', async () => {
    const { enrollmentId } = await enrolled('vocational');
    const as = actors.center(centerA.id);
    const highScore = await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'passed', score: 101 },
      as,
    );
    expect(highScore.statusCode).toBe(400);
    expect(highScore.json().errors).toEqual([{ path: 'score', message: 'must be at most 100' }]);
    const badOutcome = await post(`/enrollments/${enrollmentId}/result`, { outcome: 'great' }, as);
    expect(badOutcome.json().errors[0].path).toBe('outcome');
    const jlptOnVocational = await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'passed', jlptLevel: 'N3' },
      as,
    );
    expect(jlptOnVocational.statusCode).toBe(400);
    expect(jlptOnVocational.json().errors[0].path).toBe('jlptLevel');
    const badLevel = await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'passed', jlptLevel: 'N6' },
      as,
    );
    expect(badLevel.json().errors[0].path).toBe('jlptLevel');
  });

  it("a center cannot record results for another center's enrollment; partners and provinces cannot at all", async () => {
    const { enrollmentId } = await enrolled('vocational');
    const other = await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'passed' },
      actors.center(centerB.id),
    );
    expect(other.statusCode).toBe(404);
    expect(
      (await post(`/enrollments/${enrollmentId}/result`, { outcome: 'passed' }, actors.province('80')))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await post(
          `/enrollments/${enrollmentId}/result`,
          { outcome: 'passed' },
          actors.partner(crypto.randomUUID()),
        )
      ).statusCode,
    ).toBe(403);
  });

  it('a training candidate with a passed course can then be marked ready', async () => {
    const { candidate, enrollmentId } = await enrolled('vocational');
    const db = t.database.db;
    // Before any result the lifecycle refuses.
    await expect(
      db.transaction((tx) =>
        transitionCandidate(tx, { candidateId: candidate.id, to: 'ready', actor: admin }),
      ),
    ).rejects.toMatchObject({ status: 409 });
    await post(
      `/enrollments/${enrollmentId}/result`,
      { outcome: 'passed', score: 90 },
      actors.center(centerA.id),
    );
    const ready = await db.transaction((tx) =>
      transitionCandidate(tx, { candidateId: candidate.id, to: 'ready', actor: actors.center(centerA.id) }),
    );
    expect(ready.status).toBe('ready');
  });
});

describe('enrollment lists', () => {
  it('a course lists its enrollments; a candidate lists their courses with name, kind and outcome', async () => {
    const lang = await t.seed.course({
      trainingCenterId: centerA.id,
      kind: 'language',
      startsOn: '2026-01-05',
    });
    const orient = await t.seed.course({
      trainingCenterId: centerA.id,
      kind: 'orientation',
      startsOn: '2026-08-01',
      endsOn: '2026-12-20',
    });
    const cand = await t.seed.candidate({ trainingCenterId: centerA.id, homeProvinceCode: '80' });
    const other = await t.seed.candidate({ trainingCenterId: centerA.id });
    const as = actors.center(centerA.id);
    const e1 = await post(`/courses/${lang.id}/enrollments`, { candidateId: cand.id }, as);
    await post(`/courses/${lang.id}/enrollments`, { candidateId: other.id }, as);
    await post(`/courses/${orient.id}/enrollments`, { candidateId: cand.id }, as);
    await post(`/enrollments/${e1.json().id}/result`, { outcome: 'passed' }, as);

    const byCourse = await get(`/courses/${lang.id}/enrollments`, as);
    expect(byCourse.statusCode).toBe(200);
    expect(
      byCourse
        .json()
        .items.map((e: { candidateId: string }) => e.candidateId)
        .sort(),
    ).toEqual([cand.id, other.id].sort());
    const byCandidate = await get(`/candidates/${cand.id}/enrollments`, as);
    expect(byCandidate.json().items).toEqual([
      expect.objectContaining({ courseName: orient.name, courseKind: 'orientation', outcome: null }),
      expect.objectContaining({ courseName: lang.name, courseKind: 'language', outcome: 'passed' }),
    ]);
    const paged = await get(`/candidates/${cand.id}/enrollments?limit=1`, as);
    const rest = await get(
      `/candidates/${cand.id}/enrollments?limit=1&cursor=${paged.json().nextCursor}`,
      as,
    );
    expect(rest.json().items[0].courseId).toBe(lang.id);

    // Scope: the province of the candidate's home reads; another center does not; partners may not.
    expect((await get(`/candidates/${cand.id}/enrollments`, actors.province('80'))).statusCode).toBe(200);
    expect((await get(`/candidates/${cand.id}/enrollments`, actors.province('01'))).statusCode).toBe(404);
    expect((await get(`/candidates/${cand.id}/enrollments`, actors.center(centerB.id))).statusCode).toBe(404);
    expect((await get(`/courses/${lang.id}/enrollments`, actors.center(centerB.id))).statusCode).toBe(404);
    expect(
      (await get(`/candidates/${cand.id}/enrollments`, actors.partner(crypto.randomUUID()))).statusCode,
    ).toBe(403);
  });
});
