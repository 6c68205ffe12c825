import { sql } from 'drizzle-orm';
import { queryRows } from '../db/query.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
import type { JobContext, JobResult } from './types.ts';

/** Candidates anonymised per transaction: a large backlog never holds one long transaction. */
const BATCH = 500;

/** What anonymisation removes; the audit entry names these fields, never their values. */
export const ANONYMISED_FIELDS = ['fullName', 'nameSearch', 'nationalId', 'phone'] as const;

/**
 * Data retention: a candidate withdrawn more than `config.retentionYears` years ago (the time of the
 * move to `withdrawn` in the status history, else `status_changed_at`) is anonymised — name replaced
 * by "Ẩn danh <code>", national ID and phone removed, date of birth reduced to 1 January of its year,
 * `anonymised_at` set so nobody takes that date for a real one. Status, home province, gender, field,
 * training center and placements stay, so every report (and the report rollups, whose triggers do
 * not fire on these columns) is unchanged. One audit entry per candidate, without the removed data.
 */
export async function dataRetention(ctx: JobContext): Promise<JobResult> {
  const cutoff = new Date(ctx.now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - ctx.config.retentionYears);
  const at = ctx.now.toISOString();
  const counts = { anonymised: 0, nationalIdsRemoved: 0, phonesRemoved: 0 };

  for (;;) {
    const batch = await ctx.db.transaction(async (tx) => {
      const rows = await queryRows<{
        id: string;
        code: string;
        version: number;
        had_national_id: boolean;
        had_phone: boolean;
      }>(
        tx,
        sql`with due as (
          select c.id, c.national_id is not null as had_national_id, c.phone is not null as had_phone, w.at as withdrawn_at
            from candidates c
           cross join lateral (
             select coalesce(
               (select max(h.at) from candidate_status_history h
                 where h.candidate_id = c.id and h.to_status = 'withdrawn'),
               c.status_changed_at) as at) w
           where c.status = 'withdrawn' and c.anonymised_at is null and w.at < ${cutoff.toISOString()}::timestamptz
           order by c.id
           limit ${BATCH}
           -- Another instance (or a run that overlaps) takes other rows instead of waiting.
           for update of c skip locked)
        update candidates c
           set full_name = 'Ẩn danh ' || c.code,
               name_search = 'an danh ' || lower(c.code),
               national_id = null,
               phone = null,
               date_of_birth = make_date(extract(year from c.date_of_birth)::int, 1, 1),
               anonymised_at = ${at}::timestamptz,
               updated_at = ${at}::timestamptz,
               version = c.version + 1
          from due
         where c.id = due.id
        returning c.id, c.code, c.version, due.had_national_id, due.had_phone`,
      );
      for (const r of rows) {
        await recordAudit(tx, {
          actorId: null,
          action: 'anonymise',
          entity: 'candidate',
          entityId: r.id,
          before: { anonymisedAt: null, version: r.version - 1 },
          after: {
            removed: ANONYMISED_FIELDS.filter(
              (f) => (f !== 'nationalId' || r.had_national_id) && (f !== 'phone' || r.had_phone),
            ),
            dateOfBirth: 'reduced to the year',
            fullName: `replaced by Ẩn danh ${r.code}`,
            anonymisedAt: at,
            version: r.version,
            rule: `withdrawn more than ${ctx.config.retentionYears} years ago`,
          },
        });
        counts.nationalIdsRemoved += r.had_national_id ? 1 : 0;
        counts.phonesRemoved += r.had_phone ? 1 : 0;
      }
      return rows.length;
    });
    counts.anonymised += batch;
    if (batch < BATCH) break;
  }
  return { counts };
}
