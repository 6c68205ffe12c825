import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../lib/actor.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { courses, enrollments } from '../training/training.table.ts';
import { type CANDIDATE_STATUSES, candidateStatusHistory, candidates } from './candidates.table.ts';

export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];
type CandidateRow = typeof candidates.$inferSelect;

/** The moves DESIGN.md allows; anything else is refused with 409. */
const ALLOWED: Record<CandidateStatus, readonly CandidateStatus[]> = {
  registered: ['training', 'withdrawn'],
  training: ['ready', 'withdrawn'],
  ready: ['selected', 'withdrawn'],
  selected: ['departed', 'ready', 'withdrawn'],
  departed: ['returned'],
  returned: ['reintegrated'],
  reintegrated: [],
  withdrawn: [],
};

export function canMove(from: CandidateStatus, to: CandidateStatus): boolean {
  return ALLOWED[from].includes(to);
}

export const transitionRefused = (from: string, to: string, why: string) =>
  new AppError(409, 'transition-refused', 'Conflict', `A ${from} candidate cannot become ${to}: ${why}`, [
    { path: 'to', message: `${from} → ${to} is refused: ${why}` },
  ]);

/** Number of passed courses, optionally of one kind: the guards of `ready` and `departed`. */
export async function passedCourses(
  db: DbOrTx,
  candidateId: string,
  kind?: 'language' | 'vocational' | 'orientation',
) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(enrollments)
    .innerJoin(courses, eq(courses.id, enrollments.courseId))
    .where(
      and(
        eq(enrollments.candidateId, candidateId),
        eq(enrollments.outcome, 'passed'),
        kind ? eq(courses.kind, kind) : undefined,
      ),
    );
  return row?.n ?? 0;
}

export interface TransitionInput {
  candidateId: string;
  to: CandidateStatus;
  actor: Actor | null;
  reason?: string | null;
  /** When the caller holds a version (PATCH-style), a stale one is a 409. */
  expectedVersion?: number;
  /** What caused the move, for the audit trail (e.g. 'enroll', 'select', 'depart'). */
  event?: string;
  /**
   * The move follows from another record (an enrollment, a selection, a departure…), not from an
   * edit of the candidate: the candidate's `version` stays, so a client holding it can still PATCH.
   * `version` means "the candidate's own fields (and a status set on the candidate itself) changed".
   */
  sideEffect?: boolean;
}

/**
 * The one place a candidate's status changes. Locks the row, checks the move and its guards,
 * writes the status, a history row and an audit row; run it inside the caller's transaction so the
 * change and its cause (a placement, an enrollment) commit together.
 */
export async function transitionCandidate(tx: DbOrTx, input: TransitionInput): Promise<CandidateRow> {
  const [current] = await tx
    .select()
    .from(candidates)
    .where(eq(candidates.id, input.candidateId))
    .for('update');
  if (!current) throw notFound('The candidate');
  const from = current.status as CandidateStatus;
  const to = input.to;
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
    throw new AppError(
      409,
      'stale-version',
      'Conflict',
      `The candidate was changed by someone else (now at version ${current.version}); reload it and try again.`,
      [{ path: 'version', message: `is stale; the current version is ${current.version}` }],
    );
  }
  if (from === to) throw transitionRefused(from, to, `the candidate is already ${to}.`);
  if (!canMove(from, to)) {
    const allowed = ALLOWED[from];
    throw transitionRefused(
      from,
      to,
      allowed.length
        ? `from ${from} the candidate can only become ${allowed.join(' or ')}.`
        : `${from} is a final status.`,
    );
  }
  if (to === 'withdrawn' && !input.reason?.trim()) {
    throw new AppError(400, 'validation', 'Validation Failed', 'A withdrawal needs a reason.', [
      { path: 'reason', message: 'is required when withdrawing a candidate' },
    ]);
  }
  if (to === 'ready' && from === 'training' && (await passedCourses(tx, current.id)) === 0) {
    throw transitionRefused(from, to, 'the candidate has not passed any course yet.');
  }
  if (to === 'departed' && (await passedCourses(tx, current.id, 'orientation')) === 0) {
    throw transitionRefused(
      from,
      to,
      'the candidate has not passed the pre-departure orientation course (giáo dục định hướng) that Law 69/2020/QH14 requires.',
    );
  }

  const [updated] = await tx
    .update(candidates)
    .set({
      status: to,
      ...(input.sideEffect ? {} : { version: sql`${candidates.version} + 1` }),
      statusChangedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(eq(candidates.id, current.id))
    .returning();
  await tx.insert(candidateStatusHistory).values({
    candidateId: current.id,
    fromStatus: from,
    toStatus: to,
    actorId: input.actor?.id ?? null,
    reason: input.reason ?? null,
  });
  await recordAudit(tx, {
    actorId: input.actor?.id ?? null,
    action: input.event ? `transition:${input.event}` : 'transition',
    entity: 'candidate',
    entityId: current.id,
    before: { status: from, version: current.version },
    after: { status: to, version: updated!.version, reason: input.reason ?? null },
  });
  return updated!;
}
