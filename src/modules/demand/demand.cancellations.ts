import { and, eq, gte, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { DbOrTx } from '../../db/client.ts';
import { queryRows } from '../../db/query.ts';
import type { Actor } from '../../lib/actor.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { AppError } from '../../lib/errors.ts';
import { auditLog } from '../audit/audit.table.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { alerts } from '../operations/operations.table.ts';
import { partners } from '../organisations/organisations.table.ts';
import { selectionCancellations } from './demand.table.ts';

/*
 * A partner that cancels a selection returns the candidate to the pool, after having been allowed to
 * read the full record. Select → read → cancel → repeat would collect the identity of every pooled
 * candidate (issue 13), so a partner's own cancellations are limited (PARTNER_CANCEL_QUOTA per
 * PARTNER_CANCEL_WINDOW_DAYS); cancellations by the center or an admin are their own business and do
 * not count. Each one is a row of selection_cancellations.
 */

export interface CancelQuota {
  partnerId: string;
  partnerName: string;
  /** Partner cancellations within the window, before this one. */
  used: number;
  quota: number;
  windowDays: number;
}

/**
 * The partner's cancellations in the window, counted while holding a lock on the partner's row: two
 * concurrent cancellations by one partner count one after the other, so at most the quota passes.
 * FOR NO KEY UPDATE, so that job orders can still be inserted for the partner meanwhile.
 */
export async function partnerCancelQuota(
  tx: DbOrTx,
  partnerId: string,
  config: Pick<Config, 'partnerCancelQuota' | 'partnerCancelWindowDays'>,
): Promise<CancelQuota & { exceeded: boolean }> {
  const [partner] = await tx
    .select({ id: partners.id, name: partners.name })
    .from(partners)
    .where(eq(partners.id, partnerId))
    .for('no key update');
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from ${selectionCancellations}
         where ${selectionCancellations.partnerId} = ${partnerId}
           and ${selectionCancellations.cancelledAt} > now() - make_interval(days => ${config.partnerCancelWindowDays}::int)`,
  );
  const used = Number(row?.n ?? 0);
  return {
    partnerId,
    partnerName: partner?.name ?? partnerId,
    used,
    quota: config.partnerCancelQuota,
    windowDays: config.partnerCancelWindowDays,
    exceeded: used >= config.partnerCancelQuota,
  };
}

/** The 409 of a cancellation over the quota. */
export function cancelQuotaExceeded(q: CancelQuota): AppError {
  return new AppError(
    409,
    'selection-cancel-quota',
    'Conflict',
    `Your organisation has cancelled ${q.used} selections in the last ${q.windowDays} days, the most a partner may. ` +
      'Ask the candidate’s training center or an administrator to cancel this placement.',
    [{ path: 'id', message: `is over the partner cancel quota (${q.quota} per ${q.windowDays} days)` }],
  );
}

/**
 * The admin alert of a refused cancellation: once per partner and day (the alerts' unique key, with
 * ON CONFLICT DO NOTHING, as the deadline alerts). Written outside the refused transaction.
 */
export async function raisePartnerCancellationsAlert(db: DbOrTx, q: CancelQuota, placementId: string) {
  await db
    .insert(alerts)
    .values({
      kind: 'partner_cancellations',
      subjectType: 'partner',
      subjectId: q.partnerId,
      thresholdDays: q.quota,
      dueOn: todayInVietnam(),
      message:
        `${q.partnerName} has cancelled ${q.used} selections in the last ${q.windowDays} days and was refused another: ` +
        'selecting, reading the record and cancelling can be a way to collect identities.',
      details: {
        partnerId: q.partnerId,
        partnerName: q.partnerName,
        cancellations: q.used,
        quota: q.quota,
        windowDays: q.windowDays,
        refusedPlacementId: placementId,
      },
      placementId,
    })
    .onConflictDoNothing();
}

/**
 * Records a partner's cancellation and, when the partner had read the candidate's record during this
 * selection (a disclosure in the audit log since the placement was made), alerts the candidate's
 * training center. Call it inside the cancelling transaction.
 */
export async function recordPartnerCancellation(
  tx: DbOrTx,
  actor: Actor,
  q: CancelQuota,
  placement: { id: string; candidateId: string; jobOrderId: string | null; createdAt: Date },
  reason: string,
) {
  const [read] = await tx
    .select({ at: auditLog.at })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entity, 'disclosure'),
        eq(auditLog.entityId, placement.candidateId),
        gte(auditLog.at, placement.createdAt),
        sql`${auditLog.after} ->> 'partnerId' = ${q.partnerId}`,
      ),
    )
    .orderBy(auditLog.id)
    .limit(1);
  await tx.insert(selectionCancellations).values({
    partnerId: q.partnerId,
    placementId: placement.id,
    candidateId: placement.candidateId,
    actorId: actor.id,
    afterRead: !!read,
  });
  if (!read) return;
  const [candidate] = await tx
    .select({
      code: candidates.code,
      trainingCenterId: candidates.trainingCenterId,
      province: candidates.homeProvince2025,
    })
    .from(candidates)
    .where(eq(candidates.id, placement.candidateId));
  if (!candidate) return;
  await tx
    .insert(alerts)
    .values({
      kind: 'selection_cancelled_after_read',
      subjectType: 'placement',
      subjectId: placement.id,
      thresholdDays: 0,
      dueOn: todayInVietnam(),
      message:
        `${q.partnerName} selected ${candidate.code}, read the full record on ${read.at.toISOString().slice(0, 10)} ` +
        `and cancelled the selection (“${reason}”). The candidate is back in the pool.`,
      details: {
        partnerId: q.partnerId,
        partnerName: q.partnerName,
        readAt: read.at.toISOString(),
        selectedAt: placement.createdAt.toISOString(),
        reason,
        partnerCancellations: q.used + 1,
      },
      candidateId: placement.candidateId,
      candidateCode: candidate.code,
      placementId: placement.id,
      jobOrderId: placement.jobOrderId,
      trainingCenterId: candidate.trainingCenterId,
      provinceCode2025: candidate.province,
    })
    .onConflictDoNothing();
}
