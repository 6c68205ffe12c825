import { and, eq, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { candidateInScope, readPage } from '../../db/query.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { AppError, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import { type JlptLevel, jlptRank } from '../../lib/vocab.ts';
import { recordAudit, updateAudited } from '../audit/audit.service.ts';
import { transitionCandidate } from '../candidates/candidates.lifecycle.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { validCertificateSerial } from '../documents/documents.service.ts';
import { assertExists } from '../organisations/organisations.service.ts';
import type {
  CoursePatch,
  CreateCourseInput,
  EnrollInput,
  ResultCorrection,
  ResultInput,
} from './training.schemas.ts';
import { courses, enrollments } from './training.table.ts';

/** What the training module needs: the database only. */
export interface TrainingDeps {
  db: Db;
}

type CourseKind = 'language' | 'vocational' | 'orientation';
type Outcome = 'passed' | 'failed' | 'withdrawn';
type CourseRow = typeof courses.$inferSelect;
type EnrollmentRow = typeof enrollments.$inferSelect;

/** Statuses from which a candidate may enroll, and which course kinds each may take. */
const MAY_ENROLL: Record<string, readonly CourseKind[] | undefined> = {
  registered: ['language', 'vocational', 'orientation'],
  training: ['language', 'vocational', 'orientation'],
  ready: ['language', 'vocational', 'orientation'],
  // Law 69/2020 orientation usually follows selection (contract known, departure near); without
  // this a selected candidate who has not had it could never depart.
  selected: ['orientation'],
};

const WHY_NOT: Record<string, string> = {
  departed: 'the candidate has already departed',
  returned: 'the candidate has returned from abroad; training is for candidates before departure',
  reintegrated: 'the candidate has returned and is reintegrated',
  withdrawn: 'the candidate has withdrawn from the programme',
};

/** A seat is held by every enrollment that is not withdrawn. */
const seatTaken = or(sql`${enrollments.outcome} is null`, ne(enrollments.outcome, 'withdrawn'))!;

// Spelled out: in a single-table select drizzle renders columns unqualified, and "id" would then
// mean the enrollment's id inside the subquery.
const enrolledCount = sql<number>`(select count(*)::int from enrollments e where e.course_id = "courses"."id" and (e.outcome is null or e.outcome <> 'withdrawn'))`;

const enrollmentColumns = {
  id: enrollments.id,
  courseId: enrollments.courseId,
  courseName: courses.name,
  courseKind: courses.kind,
  courseStartsOn: courses.startsOn,
  courseEndsOn: courses.endsOn,
  candidateId: enrollments.candidateId,
  candidateCode: candidates.code,
  candidateName: candidates.fullName,
  outcome: enrollments.outcome,
  score: enrollments.score,
  jlptLevel: enrollments.jlptLevel,
  enrolledAt: enrollments.enrolledAt,
  resultAt: enrollments.resultAt,
};

function enrollmentQuery<K extends Record<string, SQL>>(db: DbOrTx, keys?: K) {
  return db
    .select({ ...enrollmentColumns, ...(keys ?? ({} as K)) })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .innerJoin(candidates, eq(candidates.id, enrollments.candidateId));
}

type EnrollmentView = Awaited<ReturnType<ReturnType<typeof enrollmentQuery>['execute']>>[number];

const enrollmentOut = (r: EnrollmentView) => ({
  ...r,
  courseKind: r.courseKind as CourseKind,
  outcome: r.outcome as Outcome | null,
  jlptLevel: r.jlptLevel as JlptLevel | null,
});

const courseOut = (r: CourseRow & { enrolled: number }) => ({ ...r, kind: r.kind as CourseKind });

const coursePager = keyset([
  { expr: courses.startsOn, kind: 'date', dir: 'desc' },
  { expr: courses.id, kind: 'uuid', dir: 'desc' },
]);
const courseEnrollmentPager = keyset([
  { expr: candidates.code, kind: 'text' },
  { expr: enrollments.id, kind: 'uuid' },
]);
const candidateEnrollmentPager = keyset([
  { expr: courses.startsOn, kind: 'date', dir: 'desc' },
  { expr: enrollments.id, kind: 'uuid', dir: 'desc' },
]);

async function readEnrollment(db: DbOrTx, id: string) {
  const [row] = await enrollmentQuery(db).where(eq(enrollments.id, id));
  return enrollmentOut(row!);
}

export interface CourseListQuery {
  kind?: CourseKind | undefined;
  trainingCenterId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}
type PageQuery = { limit: number; cursor?: string | undefined };

/** Create a course (a center for itself; an admin for the center it names). */
export async function createCourse({ db }: TrainingDeps, actor: Actor, input: CreateCourseInput) {
  let trainingCenterId: string;
  if (actor.role === 'center') {
    // A center runs courses for itself only; another center's id is treated as unknown.
    if (input.trainingCenterId && input.trainingCenterId !== actor.trainingCenterId) {
      throw notFound('The training center');
    }
    trainingCenterId = actor.trainingCenterId!;
  } else {
    if (!input.trainingCenterId) {
      throw validationFailed([
        { path: 'trainingCenterId', message: 'is required when an admin creates a course' },
      ]);
    }
    trainingCenterId = (await assertExists(db, 'center', input.trainingCenterId, 'trainingCenterId')).id;
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(courses)
      .values({
        trainingCenterId,
        name: input.name,
        kind: input.kind,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        hours: input.hours,
        capacity: input.capacity ?? null,
      })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'create',
      entity: 'course',
      entityId: row!.id,
      after: row,
    });
    return courseOut({ ...row!, enrolled: 0 });
  });
}

/** Edit a course: name, dates, hours, capacity (never below the seats taken). */
export async function updateCourse({ db }: TrainingDeps, actor: Actor, id: string, patch: CoursePatch) {
  return db.transaction(async (tx) => {
    const [course] = await tx
      .select()
      .from(courses)
      .where(and(eq(courses.id, id), access.courseWrite(actor)))
      .for('update');
    if (!course) throw notFound('The course');
    const changes: Partial<CourseRow> = {};
    for (const [key, value] of Object.entries(patch) as [keyof CoursePatch, unknown][]) {
      if (value !== undefined && value !== course[key]) (changes as Record<string, unknown>)[key] = value;
    }
    if (!Object.keys(changes).length) {
      throw validationFailed([{ path: 'body', message: 'must change at least one field' }]);
    }
    const merged = { ...course, ...changes };
    if (merged.endsOn < merged.startsOn) {
      throw validationFailed([
        { path: 'endsOn', message: `must be on or after startsOn (${merged.startsOn})` },
      ]);
    }
    const [{ n }] = (await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, course.id), seatTaken))) as [{ n: number }];
    if (merged.capacity !== null && merged.capacity < n) {
      throw conflict(`${n} seats of ${course.name} are taken; the capacity cannot go below that.`, [
        { path: 'capacity', message: `must be at least ${n}, the seats taken` },
      ]);
    }
    const after = await updateAudited(
      tx,
      courses,
      { actorId: actor.id, action: 'update', entity: 'course', before: course },
      changes,
    );
    return courseOut({ ...after, enrolled: n });
  });
}

/** One course in the actor's scope, with its enrolled count. */
export async function getCourse({ db }: TrainingDeps, actor: Actor, id: string) {
  const [row] = await db
    .select({ course: courses, enrolled: enrolledCount })
    .from(courses)
    .where(and(eq(courses.id, id), access.course(actor)));
  if (!row) throw notFound('The course');
  return courseOut({ ...row.course, enrolled: row.enrolled });
}

/** Courses in the actor's scope, latest start first. */
export async function listCourses({ db }: TrainingDeps, actor: Actor, q: CourseListQuery) {
  const page = await readPage(coursePager, q, (after) =>
    db
      .select({ course: courses, enrolled: enrolledCount, ...coursePager.keys })
      .from(courses)
      .where(
        and(
          access.course(actor),
          q.kind ? eq(courses.kind, q.kind) : undefined,
          q.trainingCenterId ? eq(courses.trainingCenterId, q.trainingCenterId) : undefined,
          after,
        ),
      ),
  );
  return { ...page, items: page.items.map((r) => courseOut({ ...r.course, enrolled: r.enrolled })) };
}

/**
 * Enroll a trainee of the course's center. After the course's end only as a late entry of a past
 * enrollment (`lateEntryReason`, audited as such).
 */
export async function enrollCandidate(
  { db }: TrainingDeps,
  actor: Actor,
  courseId: string,
  input: EnrollInput,
) {
  const { candidateId, lateEntryReason } = input;
  return db.transaction(async (tx) => {
    // The course row is the lock that serialises enrollments into it, so the seat count read
    // below cannot be overtaken by a concurrent enrollment.
    const [course] = await tx
      .select()
      .from(courses)
      .where(and(eq(courses.id, courseId), access.courseWrite(actor)))
      .for('update');
    if (!course) throw notFound('The course');
    const [candidate] = await tx
      .select()
      .from(candidates)
      .where(eq(candidates.id, candidateId))
      .for('update');
    if (!candidate || candidate.trainingCenterId !== course.trainingCenterId) throw notFound('The candidate');

    const late = course.endsOn < todayInVietnam();
    if (late && !lateEntryReason) {
      throw conflict(
        `${course.name} ended on ${course.endsOn}: an enrollment after its end is only the late entry of a past enrollment, and needs lateEntryReason.`,
        [
          { path: 'endsOn', message: `was ${course.endsOn}; the course has ended` },
          {
            path: 'lateEntryReason',
            message: 'is required to enter a past enrollment after the course ended',
          },
        ],
      );
    }

    const kinds = MAY_ENROLL[candidate.status];
    if (!kinds?.includes(course.kind as CourseKind)) {
      const why =
        WHY_NOT[candidate.status] ??
        `a ${candidate.status} candidate may only take ${kinds?.join(' or ') ?? 'no'} courses`;
      throw new AppError(
        409,
        'enrollment-refused',
        'Conflict',
        `Candidate ${candidate.code} cannot enroll in ${course.name}: ${why}.`,
        [{ path: 'candidateId', message: `is ${candidate.status}: ${why}` }],
      );
    }

    const [existing] = await tx
      .select({ id: enrollments.id, outcome: enrollments.outcome })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, course.id), eq(enrollments.candidateId, candidate.id)));
    if (existing) {
      throw conflict(
        `Candidate ${candidate.code} (candidateId ${candidate.id}) is already enrolled in ${course.name}${
          existing.outcome ? ` (result: ${existing.outcome})` : ''
        }.`,
        [{ path: 'candidateId', message: 'is already enrolled in this course' }],
      );
    }

    if (course.capacity !== null) {
      const [{ n }] = (await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(enrollments)
        .where(and(eq(enrollments.courseId, course.id), seatTaken))) as [{ n: number }];
      if (n >= course.capacity) {
        throw conflict(`${course.name} is full: all ${course.capacity} seats are taken.`, [
          { path: 'courseId', message: `has no free seat (capacity ${course.capacity})` },
        ]);
      }
    }

    const [row] = await tx
      .insert(enrollments)
      .values({ courseId: course.id, candidateId: candidate.id })
      .returning();
    if (candidate.status === 'registered') {
      await transitionCandidate(tx, {
        candidateId: candidate.id,
        to: 'training',
        actor,
        event: 'enroll',
        reason: `Enrolled in ${course.name}`,
        sideEffect: true,
      });
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: late ? 'create:late-entry' : 'create',
      entity: 'enrollment',
      entityId: row!.id,
      after: late ? { ...row, lateEntry: true, lateEntryReason, courseEndsOn: course.endsOn } : row,
    });
    return readEnrollment(tx, row!.id);
  });
}

/** The enrollment locked for a change of its result, with its course; 404 outside the actor's scope. */
async function loadEnrollmentForResult(tx: DbOrTx, actor: Actor, enrollmentId: string) {
  const [found] = await tx
    .select({ enrollment: enrollments, course: courses })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .where(and(eq(enrollments.id, enrollmentId), access.courseWrite(actor)))
    .for('update', { of: enrollments });
  if (!found) throw notFound('The enrollment');
  return found;
}

/** Record the result of an enrollment (once); a passed language course may raise the JLPT level. */
export async function recordResult(
  { db }: TrainingDeps,
  actor: Actor,
  enrollmentId: string,
  input: ResultInput,
) {
  return db.transaction(async (tx) => {
    const { enrollment, course } = await loadEnrollmentForResult(tx, actor, enrollmentId);
    if (enrollment.outcome) {
      throw conflict(
        `A result (${enrollment.outcome}) was already recorded for this enrollment on ${enrollment.resultAt?.toISOString().slice(0, 10)}; correct it with PATCH /enrollments/${enrollment.id}/result.`,
        [{ path: 'outcome', message: `is already recorded as ${enrollment.outcome}` }],
      );
    }
    checkResult(input, course);
    const [updated] = await tx
      .update(enrollments)
      .set({
        outcome: input.outcome,
        score: input.score ?? null,
        jlptLevel: input.jlptLevel ?? null,
        resultAt: sql`now()`,
      })
      .where(eq(enrollments.id, enrollment.id))
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'result',
      entity: 'enrollment',
      entityId: enrollment.id,
      before: { outcome: null },
      after: { outcome: updated!.outcome, score: updated!.score, jlptLevel: updated!.jlptLevel },
    });
    if (input.outcome === 'passed' && course.kind === 'language' && input.jlptLevel) {
      await raiseJlpt(tx, enrollment, input.jlptLevel, actor);
    }
    return readEnrollment(tx, enrollment.id);
  });
}

/**
 * Correct a recorded result, with a reason (audited with before and after). Refused while a valid
 * (not revoked) certificate of the enrollment exists: revoke it first.
 */
export async function correctResult(
  { db }: TrainingDeps,
  actor: Actor,
  enrollmentId: string,
  input: ResultCorrection,
) {
  return db.transaction(async (tx) => {
    const { enrollment, course } = await loadEnrollmentForResult(tx, actor, enrollmentId);
    if (!enrollment.outcome) {
      throw conflict('No result was recorded for this enrollment yet: record it with POST first.', [
        { path: 'outcome', message: 'has not been recorded yet' },
      ]);
    }
    const serial = await validCertificateSerial(tx, enrollment.id);
    if (serial) {
      throw conflict(
        `Certificate ${serial} was issued for this result and is valid: revoke it before correcting the result.`,
        [{ path: 'id', message: `has a valid certificate (${serial})` }],
      );
    }
    const outcome = (input.outcome ?? enrollment.outcome) as Outcome;
    // A new outcome drops what the old one carried unless given again.
    const outcomeChanged = input.outcome !== undefined && input.outcome !== enrollment.outcome;
    const next = {
      outcome,
      score: input.score !== undefined ? input.score : outcomeChanged ? null : enrollment.score,
      jlptLevel: (input.jlptLevel !== undefined
        ? input.jlptLevel
        : outcomeChanged
          ? null
          : enrollment.jlptLevel) as JlptLevel | null,
    };
    checkResult(
      {
        outcome,
        ...(next.score !== null ? { score: next.score } : {}),
        ...(next.jlptLevel ? { jlptLevel: next.jlptLevel } : {}),
      },
      course,
    );
    if (
      next.outcome === enrollment.outcome &&
      next.score === enrollment.score &&
      next.jlptLevel === enrollment.jlptLevel
    ) {
      throw validationFailed([{ path: 'body', message: 'must change the outcome, score or jlptLevel' }]);
    }
    await tx.update(enrollments).set(next).where(eq(enrollments.id, enrollment.id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'result-corrected',
      entity: 'enrollment',
      entityId: enrollment.id,
      before: { outcome: enrollment.outcome, score: enrollment.score, jlptLevel: enrollment.jlptLevel },
      after: { ...next, reason: input.reason },
    });
    if (next.outcome === 'passed' && course.kind === 'language' && next.jlptLevel) {
      await raiseJlpt(tx, enrollment, next.jlptLevel, actor);
    }
    return readEnrollment(tx, enrollment.id);
  });
}

/** The enrollments of a course, by candidate code. */
export async function listCourseEnrollments(
  { db }: TrainingDeps,
  actor: Actor,
  courseId: string,
  q: PageQuery,
) {
  const [course] = await db
    .select({ id: courses.id })
    .from(courses)
    .where(and(eq(courses.id, courseId), access.courseWrite(actor)));
  if (!course) throw notFound('The course');
  const page = await readPage(courseEnrollmentPager, q, (after) =>
    enrollmentQuery(db, courseEnrollmentPager.keys).where(and(eq(enrollments.courseId, course.id), after)),
  );
  return { ...page, items: page.items.map(enrollmentOut) };
}

/** A candidate's courses and results, latest course first. */
export async function listCandidateEnrollments(
  { db }: TrainingDeps,
  actor: Actor,
  candidateId: string,
  q: PageQuery,
) {
  const candidate = await candidateInScope(db, actor, candidateId);
  const page = await readPage(candidateEnrollmentPager, q, (after) =>
    enrollmentQuery(db, candidateEnrollmentPager.keys).where(
      and(eq(enrollments.candidateId, candidate.id), after),
    ),
  );
  return { ...page, items: page.items.map(enrollmentOut) };
}

/** Binds the deps once; routes call `app.services.training.createCourse(actor, input)`. */
export function createTrainingService(deps: TrainingDeps) {
  return {
    createCourse: (actor: Actor, input: CreateCourseInput) => createCourse(deps, actor, input),
    updateCourse: (actor: Actor, id: string, patch: CoursePatch) => updateCourse(deps, actor, id, patch),
    getCourse: (actor: Actor, id: string) => getCourse(deps, actor, id),
    listCourses: (actor: Actor, q: CourseListQuery) => listCourses(deps, actor, q),
    enroll: (actor: Actor, courseId: string, input: EnrollInput) =>
      enrollCandidate(deps, actor, courseId, input),
    recordResult: (actor: Actor, enrollmentId: string, input: ResultInput) =>
      recordResult(deps, actor, enrollmentId, input),
    correctResult: (actor: Actor, enrollmentId: string, input: ResultCorrection) =>
      correctResult(deps, actor, enrollmentId, input),
    listCourseEnrollments: (actor: Actor, courseId: string, q: PageQuery) =>
      listCourseEnrollments(deps, actor, courseId, q),
    listCandidateEnrollments: (actor: Actor, candidateId: string, q: PageQuery) =>
      listCandidateEnrollments(deps, actor, candidateId, q),
  };
}

/** Rules a result must keep that depend on the course, each naming its field. */
function checkResult(input: ResultInput, course: Pick<CourseRow, 'kind'>) {
  const errors = [];
  if (input.jlptLevel && course.kind !== 'language') {
    errors.push({
      path: 'jlptLevel',
      message: `is only for language courses; this is a ${course.kind} course`,
    });
  }
  if (input.outcome === 'withdrawn' && input.jlptLevel) {
    errors.push({ path: 'jlptLevel', message: 'must be absent when the outcome is withdrawn' });
  }
  if (input.outcome === 'withdrawn' && input.score !== undefined) {
    errors.push({ path: 'score', message: 'must be absent when the outcome is withdrawn' });
  }
  if (errors.length) throw validationFailed(errors, 'The result does not fit this course.');
}

/** A passed language course lifts the candidate's JLPT level, never lowers it. */
async function raiseJlpt(tx: DbOrTx, enrollment: EnrollmentRow, level: JlptLevel, actor: Actor) {
  const [candidate] = await tx
    .select({ id: candidates.id, jlptLevel: candidates.jlptLevel, version: candidates.version })
    .from(candidates)
    .where(eq(candidates.id, enrollment.candidateId))
    .for('update');
  if (!candidate || jlptRank(level) <= jlptRank(candidate.jlptLevel)) return;
  const [updated] = await tx
    .update(candidates)
    // A side effect of a result, not an edit of the candidate: the version stays.
    .set({ jlptLevel: level, updatedAt: sql`now()` })
    .where(eq(candidates.id, candidate.id))
    .returning({ version: candidates.version });
  await recordAudit(tx, {
    actorId: actor.id,
    action: 'jlpt-raised',
    entity: 'candidate',
    entityId: candidate.id,
    before: { jlptLevel: candidate.jlptLevel, version: candidate.version },
    after: { jlptLevel: level, version: updated!.version, enrollmentId: enrollment.id },
  });
}

export type TrainingService = ReturnType<typeof createTrainingService>;
