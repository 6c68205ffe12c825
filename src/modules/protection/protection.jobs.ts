import { type SQLWrapper, sql } from 'drizzle-orm';
import { queryRows } from '../../db/query.ts';
import type { JobContext, JobDefinition } from '../../jobs/types.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { alerts } from '../operations/operations.table.ts';
import { grievances } from './protection.table.ts';

/**
 * Raises `grievance_overdue` for each late step of a grievance: not acknowledged 48 hours after it was
 * received (threshold 2 days, due on the acknowledgement deadline), not resolved 14 days after
 * (threshold 14). Once per step: the unique (kind, subject, threshold, due date) of alerts and
 * ON CONFLICT DO NOTHING make a repeated run raise nothing twice. The alert reaches the worker's
 * center and province, admins, and the partner of the worker's placement.
 */
export async function raiseGrievanceOverdue({ db, now }: Pick<JobContext, 'db' | 'now'>) {
  const at = sql`${now.toISOString()}::timestamptz`;
  const step = (threshold: number, due: SQLWrapper, late: SQLWrapper, what: string) =>
    queryRows<{ id: string }>(
      db,
      sql`insert into ${alerts} (${sql.join(
        [
          alerts.kind,
          alerts.subjectType,
          alerts.subjectId,
          alerts.thresholdDays,
          alerts.dueOn,
          alerts.message,
          alerts.details,
          alerts.candidateId,
          alerts.candidateCode,
          alerts.placementId,
          alerts.trainingCenterId,
          alerts.provinceCode2025,
          alerts.partnerId,
        ].map((c) => sql.identifier(c.name)),
        sql`, `,
      )})
      select 'grievance_overdue', 'grievance', ${grievances.id}, ${threshold}::int,
             (${due} at time zone 'Asia/Ho_Chi_Minh')::date,
             format('The %s grievance of %s received on %s was not %s by %s.', ${grievances.category}, ${candidates.code},
                    to_char(${grievances.receivedAt} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), ${what}::text,
                    to_char(${due} at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI')),
             jsonb_build_object('grievanceId', ${grievances.id}, 'category', ${grievances.category},
                                'step', ${what}::text, 'due', ${due}, 'receivedVia', ${grievances.receivedVia}),
             ${candidates.id}, ${candidates.code}, ${grievances.placementId}, ${candidates.trainingCenterId},
             ${candidates.homeProvince2025}, ${grievances.partnerId}
        from ${grievances} join ${candidates} on ${candidates.id} = ${grievances.candidateId}
       where ${late} and ${due} < ${at}
      on conflict do nothing
      returning ${alerts.id} as id`,
    );
  const ack = await step(2, grievances.ackDue, sql`${grievances.status} = 'open'`, 'acknowledged');
  const resolve = await step(14, grievances.resolveDue, sql`${grievances.status} <> 'resolved'`, 'resolved');
  return { counts: { ackOverdue: ack.length, resolveOverdue: resolve.length } };
}

export const grievanceOverdueJob: JobDefinition = {
  name: 'grievance-overdue',
  description:
    'Raises alerts for grievances not acknowledged within 48 hours or not resolved within 14 days of receipt',
  run: raiseGrievanceOverdue,
};
