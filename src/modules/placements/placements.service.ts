import { and, desc, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { AppError, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { decodeCursor, pageOf } from '../../lib/pagination.ts';
import type { Actor } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { transitionCandidate } from '../candidates/candidates.lifecycle.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { jobOrders } from '../demand/demand.table.ts';
import { homeEmployers } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import type { PlacementInput } from './placements.schemas.ts';
import { placements, reintegrations } from './placements.table.ts';

export interface PlacementServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

type PlacementRow = typeof placements.$inferSelect;

const badDate = (path: string, message: string) => validationFailed([{ path, message }]);

/**
 * Which placements an actor may see: admin all; a center its own trainees'; a province officer
 * those of candidates from its province; a partner those made for its own job orders.
 */
export function placementScope(actor: Actor): SQL | undefined {
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'center':
      return eq(candidates.trainingCenterId, actor.trainingCenterId!);
    case 'province':
      return eq(candidates.homeProvince2025, actor.provinceCode!);
    case 'partner':
      return sql`placements.job_order_id in (select jo.id from job_orders jo where jo.partner_id = ${actor.partnerId})`;
  }
}

export function createPlacementService({ db, reference }: PlacementServiceDeps) {
  function toOut(row: PlacementRow, candidateCode: string) {
    return {
      ...row,
      candidateCode,
      prefectureName: row.prefectureCode ? (reference.prefecture(row.prefectureCode)?.nameJa ?? null) : null,
    };
  }

  /** The placement (locked for update when changing it), if the actor may see it; else 404. */
  async function load(tx: DbOrTx, id: string, actor: Actor, lock: boolean) {
    const q = tx
      .select({ placement: placements, candidateCode: candidates.code })
      .from(placements)
      .innerJoin(candidates, eq(candidates.id, placements.candidateId))
      .where(and(eq(placements.id, id), placementScope(actor)));
    const [row] = lock ? await q.for('update', { of: placements }) : await q;
    if (!row) throw notFound('The placement');
    return row;
  }

  async function update(
    tx: DbOrTx,
    before: PlacementRow,
    set: Partial<PlacementRow>,
    actor: Actor,
    action: string,
  ) {
    const [after] = await tx
      .update(placements)
      .set({ ...set, version: sql`${placements.version} + 1`, updatedAt: sql`now()` })
      .where(eq(placements.id, before.id))
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action,
      entity: 'placement',
      entityId: before.id,
      before,
      after,
    });
    return after!;
  }

  const refuse = (placement: PlacementRow, what: string) =>
    new AppError(
      409,
      'transition-refused',
      'Conflict',
      `A ${placement.status} placement cannot be ${what}.`,
      [{ path: 'status', message: `is ${placement.status}` }],
    );

  return {
    async get(id: string, actor: Actor) {
      const row = await load(db, id, actor, false);
      return toOut(row.placement, row.candidateCode);
    },

    async list(
      q: {
        status?: PlacementRow['status'];
        candidateId?: string;
        jobOrderId?: string;
        limit: number;
        cursor?: string;
      },
      actor: Actor,
    ) {
      const cursor = decodeCursor(q.cursor, 2);
      const rows = await db
        .select({ placement: placements, candidateCode: candidates.code })
        .from(placements)
        .innerJoin(candidates, eq(candidates.id, placements.candidateId))
        .where(
          and(
            placementScope(actor),
            q.status ? eq(placements.status, q.status) : undefined,
            q.candidateId ? eq(placements.candidateId, q.candidateId) : undefined,
            q.jobOrderId ? eq(placements.jobOrderId, q.jobOrderId) : undefined,
            cursor
              ? or(
                  lt(placements.createdAt, new Date(String(cursor[0]))),
                  and(
                    eq(placements.createdAt, new Date(String(cursor[0]))),
                    lt(placements.id, String(cursor[1])),
                  ),
                )
              : undefined,
          ),
        )
        .orderBy(desc(placements.createdAt), desc(placements.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.placement.createdAt.toISOString(), r.placement.id]);
      return {
        items: page.items.map((r) => toOut(r.placement, r.candidateCode)),
        nextCursor: page.nextCursor,
      };
    },

    /** A placement made directly (any destination, or Japan without a job order): ready → selected. */
    async create(input: PlacementInput, actor: Actor) {
      if (input.prefectureCode && !reference.prefecture(input.prefectureCode)) {
        throw validationFailed([
          { path: 'prefectureCode', message: 'must be one of the 47 JIS prefecture codes (01–47)' },
        ]);
      }
      return db.transaction(async (tx) => {
        const [candidate] = await tx
          .select({ id: candidates.id, code: candidates.code, status: candidates.status })
          .from(candidates)
          .where(
            and(
              eq(candidates.id, input.candidateId),
              actor.role === 'center' ? eq(candidates.trainingCenterId, actor.trainingCenterId!) : undefined,
            ),
          );
        if (!candidate) throw notFound('The candidate');
        if (candidate.status !== 'ready') {
          throw conflict(`Only a ready candidate can be placed; this one is ${candidate.status}.`, [
            { path: 'candidateId', message: `is ${candidate.status}, not ready` },
          ]);
        }
        const [row] = await tx
          .insert(placements)
          .values({
            candidateId: candidate.id,
            destinationCountry: input.destinationCountry,
            prefectureCode: input.prefectureCode ?? null,
            municipality: input.municipality ?? null,
            employerName: input.employerName.normalize('NFC'),
            program: input.program,
            field: input.field,
            contractStart: input.contractStart,
            contractEnd: input.contractEnd,
          })
          .returning();
        await transitionCandidate(tx, {
          candidateId: candidate.id,
          to: 'selected',
          actor,
          event: 'placement_planned',
        });
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'create',
          entity: 'placement',
          entityId: row!.id,
          after: row,
        });
        return toOut(row!, candidate.code);
      });
    },

    /** planned → departed; the candidate's move checks the orientation course (Law 69/2020). */
    async depart(id: string, departedOn: string, actor: Actor) {
      if (departedOn > todayInVietnam())
        throw badDate('departedOn', 'must not be in the future: record a departure once it happened');
      return db.transaction(async (tx) => {
        const { placement, candidateCode } = await load(tx, id, actor, true);
        if (placement.status !== 'planned') throw refuse(placement, 'departed');
        await transitionCandidate(tx, {
          candidateId: placement.candidateId,
          to: 'departed',
          actor,
          event: 'depart',
        });
        return toOut(
          await update(tx, placement, { status: 'departed', departedOn }, actor, 'depart'),
          candidateCode,
        );
      });
    },

    async return(
      id: string,
      input: { returnedOn: string; reason: 'completed' | 'early_termination' | 'other' },
      actor: Actor,
    ) {
      if (input.returnedOn > todayInVietnam()) throw badDate('returnedOn', 'must not be in the future');
      return db.transaction(async (tx) => {
        const { placement, candidateCode } = await load(tx, id, actor, true);
        if (placement.status !== 'departed') throw refuse(placement, 'returned');
        if (placement.departedOn && input.returnedOn < placement.departedOn) {
          throw badDate('returnedOn', `must not be before the departure on ${placement.departedOn}`);
        }
        await transitionCandidate(tx, {
          candidateId: placement.candidateId,
          to: 'returned',
          actor,
          event: 'return',
          reason: input.reason,
        });
        return toOut(
          await update(
            tx,
            placement,
            { status: 'returned', returnedOn: input.returnedOn, returnReason: input.reason },
            actor,
            'return',
          ),
          candidateCode,
        );
      });
    },

    /** Before departure only: the candidate goes back to ready and the order's place frees up. */
    async cancel(id: string, reason: string, actor: Actor) {
      return db.transaction(async (tx) => {
        const { placement, candidateCode } = await load(tx, id, actor, true);
        if (placement.status !== 'planned')
          throw refuse(placement, 'cancelled (only a planned placement can be)');
        await transitionCandidate(tx, {
          candidateId: placement.candidateId,
          to: 'ready',
          actor,
          event: 'placement_cancelled',
          reason,
        });
        const after = await update(
          tx,
          placement,
          { status: 'cancelled', cancelReason: reason },
          actor,
          'cancel',
        );
        if (placement.jobOrderId) {
          await tx
            .update(jobOrders)
            .set({ status: 'open' })
            .where(and(eq(jobOrders.id, placement.jobOrderId), eq(jobOrders.status, 'filled')));
        }
        return toOut(after, candidateCode);
      });
    },

    /** A returnee starts at a Japanese-invested firm at home: returned → reintegrated. */
    async reintegrate(
      candidateId: string,
      input: { homeEmployerId: string; startedOn: string; position: string },
      actor: Actor,
    ) {
      return db.transaction(async (tx) => {
        const [candidate] = await tx
          .select({ id: candidates.id, status: candidates.status })
          .from(candidates)
          .where(
            and(
              eq(candidates.id, candidateId),
              actor.role === 'center' ? eq(candidates.trainingCenterId, actor.trainingCenterId!) : undefined,
            ),
          );
        if (!candidate) throw notFound('The candidate');
        const [employer] = await tx
          .select()
          .from(homeEmployers)
          .where(eq(homeEmployers.id, input.homeEmployerId));
        if (!employer)
          throw validationFailed([{ path: 'homeEmployerId', message: 'must be an existing home employer' }]);
        const [last] = await tx
          .select()
          .from(placements)
          .where(and(eq(placements.candidateId, candidate.id), eq(placements.status, 'returned')))
          .orderBy(desc(placements.returnedOn))
          .limit(1);
        if (last?.returnedOn && input.startedOn < last.returnedOn) {
          throw badDate('startedOn', `must not be before the return home on ${last.returnedOn}`);
        }
        await transitionCandidate(tx, {
          candidateId: candidate.id,
          to: 'reintegrated',
          actor,
          event: 'reintegrate',
        });
        const [row] = await tx
          .insert(reintegrations)
          .values({
            candidateId: candidate.id,
            placementId: last?.id ?? null,
            homeEmployerId: employer.id,
            startedOn: input.startedOn,
            position: input.position.normalize('NFC'),
          })
          .returning();
        return { ...row!, homeEmployerName: employer.name, candidateStatus: 'reintegrated' as const };
      });
    },
  };
}

export type PlacementService = ReturnType<typeof createPlacementService>;
