import { and, asc, desc, eq, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { AppError, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { decodeCursor, pageOf } from '../../lib/pagination.ts';
import { type JlptLevel, jlptRank } from '../../lib/vocab.ts';
import type { Actor } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { transitionCandidate } from '../candidates/candidates.lifecycle.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { assertExists } from '../organisations/organisations.service.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import type { CreateCourseInput, ResultInput } from './training.schemas.ts';
import { courses, enrollments } from './training.table.ts';

export interface TrainingServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
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

/** Courses the actor may see: admin all, a center its own, a province officer its province's centers. */
function courseScope(actor: Actor): SQL | undefined {
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'center':
      return eq(courses.trainingCenterId, actor.trainingCenterId ?? '00000000-0000-0000-0000-000000000000');
    case 'province':
      return inArray(
        courses.trainingCenterId,
        sql`(select ${trainingCenters.id} from ${trainingCenters} where ${trainingCenters.provinceCode} = ${actor.provinceCode ?? ''})`,
      );
    default:
      return sql`false`;
  }
}

/** Writes are for admin (any center) and a center (its own); reads of enrollments likewise. */
function writeScope(actor: Actor): SQL | undefined {
  if (actor.role === 'admin') return undefined;
  if (actor.role === 'center' && actor.trainingCenterId)
    return eq(courses.trainingCenterId, actor.trainingCenterId);
  return sql`false`;
}

/** Candidates whose training record the actor may read. */
function candidateScope(actor: Actor): SQL | undefined {
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'center':
      return eq(
        candidates.trainingCenterId,
        actor.trainingCenterId ?? '00000000-0000-0000-0000-000000000000',
      );
    case 'province':
      return eq(candidates.homeProvince2025, actor.provinceCode ?? '');
    default:
      return sql`false`;
  }
}

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

function enrollmentQuery(db: DbOrTx) {
  return db
    .select(enrollmentColumns)
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

async function readEnrollment(db: DbOrTx, id: string) {
  const [row] = await enrollmentQuery(db).where(eq(enrollments.id, id));
  return enrollmentOut(row!);
}

export function createTrainingService({ db }: TrainingServiceDeps) {
  return {
    async createCourse(input: CreateCourseInput, actor: Actor) {
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
    },

    async getCourse(id: string, actor: Actor) {
      const [row] = await db
        .select({ course: courses, enrolled: enrolledCount })
        .from(courses)
        .where(and(eq(courses.id, id), courseScope(actor)));
      if (!row) throw notFound('The course');
      return courseOut({ ...row.course, enrolled: row.enrolled });
    },

    async listCourses(
      q: { kind?: CourseKind; trainingCenterId?: string; limit: number; cursor?: string },
      actor: Actor,
    ) {
      const key = decodeCursor(q.cursor, 2);
      const rows = await db
        .select({ course: courses, enrolled: enrolledCount })
        .from(courses)
        .where(
          and(
            courseScope(actor),
            q.kind ? eq(courses.kind, q.kind) : undefined,
            q.trainingCenterId ? eq(courses.trainingCenterId, q.trainingCenterId) : undefined,
            key
              ? sql`(${courses.startsOn}, ${courses.id}) < (${String(key[0])}::date, ${String(key[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(courses.startsOn), desc(courses.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.course.startsOn, r.course.id]);
      return { ...page, items: page.items.map((r) => courseOut({ ...r.course, enrolled: r.enrolled })) };
    },

    async enroll(courseId: string, candidateId: string, actor: Actor) {
      return db.transaction(async (tx) => {
        // The course row is the lock that serialises enrollments into it, so the seat count read
        // below cannot be overtaken by a concurrent enrollment.
        const [course] = await tx
          .select()
          .from(courses)
          .where(and(eq(courses.id, courseId), writeScope(actor)))
          .for('update');
        if (!course) throw notFound('The course');
        const [candidate] = await tx
          .select()
          .from(candidates)
          .where(eq(candidates.id, candidateId))
          .for('update');
        if (!candidate || candidate.trainingCenterId !== course.trainingCenterId)
          throw notFound('The candidate');

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
          });
        }
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'create',
          entity: 'enrollment',
          entityId: row!.id,
          after: row,
        });
        return readEnrollment(tx, row!.id);
      });
    },

    async recordResult(enrollmentId: string, input: ResultInput, actor: Actor) {
      return db.transaction(async (tx) => {
        const [found] = await tx
          .select({ enrollment: enrollments, course: courses })
          .from(enrollments)
          .innerJoin(courses, eq(courses.id, enrollments.courseId))
          .where(and(eq(enrollments.id, enrollmentId), writeScope(actor)))
          .for('update', { of: enrollments });
        if (!found) throw notFound('The enrollment');
        const { enrollment, course } = found;
        if (enrollment.outcome) {
          throw conflict(
            `A result (${enrollment.outcome}) was already recorded for this enrollment on ${enrollment.resultAt?.toISOString().slice(0, 10)}.`,
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
    },

    async listCourseEnrollments(courseId: string, q: { limit: number; cursor?: string }, actor: Actor) {
      const [course] = await db
        .select({ id: courses.id })
        .from(courses)
        .where(and(eq(courses.id, courseId), writeScope(actor)));
      if (!course) throw notFound('The course');
      const key = decodeCursor(q.cursor, 1);
      const rows = await enrollmentQuery(db)
        .where(
          and(
            eq(enrollments.courseId, course.id),
            key ? sql`${candidates.code} > ${String(key[0])}` : undefined,
          ),
        )
        .orderBy(asc(candidates.code))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.candidateCode]);
      return { ...page, items: page.items.map(enrollmentOut) };
    },

    async listCandidateEnrollments(candidateId: string, q: { limit: number; cursor?: string }, actor: Actor) {
      const [candidate] = await db
        .select({ id: candidates.id })
        .from(candidates)
        .where(and(eq(candidates.id, candidateId), candidateScope(actor)));
      if (!candidate) throw notFound('The candidate');
      const key = decodeCursor(q.cursor, 2);
      const rows = await enrollmentQuery(db)
        .where(
          and(
            eq(enrollments.candidateId, candidate.id),
            key
              ? sql`(${courses.startsOn}, ${enrollments.id}) < (${String(key[0])}::date, ${String(key[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(courses.startsOn), desc(enrollments.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.courseStartsOn, r.id]);
      return { ...page, items: page.items.map(enrollmentOut) };
    },
  };
}

/** Rules a result must keep that depend on the course, each naming its field. */
function checkResult(input: ResultInput, course: CourseRow) {
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
    .set({ jlptLevel: level, version: sql`${candidates.version} + 1`, updatedAt: sql`now()` })
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
