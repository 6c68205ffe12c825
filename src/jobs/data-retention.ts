import { sql } from 'drizzle-orm';
import { queryRows } from '../db/query.ts';
import { recordAudit } from '../modules/audit/audit.service.ts';
import type { JobContext, JobResult } from './types.ts';

/** Candidates anonymised per transaction: a large backlog never holds one long transaction. */
const BATCH = 500;

/** What anonymisation removes; the audit entry names these fields, never their values. */
export const ANONYMISED_FIELDS = ['fullName', 'nameSearch', 'nationalId', 'phone'] as const;

/**
 * Personal values earlier audit entries may hold (a candidate's create/update, a certificate's issue):
 * removed from the candidate's and their certificates' entries, which keep who did what and when.
 */
const PERSONAL_AUDIT_KEYS = [
  'fullName',
  'nameSearch',
  'nationalId',
  'phone',
  'dateOfBirth',
  'holderName',
  'holderBirthDate',
];

/**
 * Data retention: a candidate withdrawn more than `config.retentionYears` years ago (the time of the
 * move to `withdrawn` in the status history, else `status_changed_at`) is anonymised — name replaced
 * by "Ẩn danh <code>", national ID and phone removed, date of birth reduced to 1 January of its year,
 * `anonymised_at` set so nobody takes that date for a real one; the same values are removed from the
 * earlier audit entries of the candidate and their certificates, and from the copies the certificates
 * keep of the holder's name and birth date. Status, home province, gender, field,
 * training center and placements stay, so every report (and the report rollups, whose triggers do
 * not fire on these columns) is unchanged. One audit entry per candidate, without the removed data.
 */
export async function dataRetention(ctx: JobContext): Promise<JobResult> {
  const cutoff = new Date(ctx.now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - ctx.config.retentionYears);
  const at = ctx.now.toISOString();
  const counts = { anonymised: 0, nationalIdsRemoved: 0, phonesRemoved: 0, auditEntriesRedacted: 0 };
  const keys = sql`array[${sql.join(
    PERSONAL_AUDIT_KEYS.map((k) => sql`${k}`),
    sql`, `,
  )}]::text[]`;

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
      if (rows.length > 0) {
        const ids = sql.join(
          rows.map((r) => sql`${r.id}`),
          sql`, `,
        );
        // Certificates keep a copy of the holder's name and birth date for reprints and verification:
        // reduce them the same way, so a verification shows the anonymised name.
        await tx.execute(
          sql`update certificates ce
                 set holder_name = c.full_name, holder_birth_date = c.date_of_birth
                from candidates c
               where c.id = ce.candidate_id and ce.candidate_id in (${ids})`,
        );
        const redacted = await queryRows<{ n: number }>(
          tx,
          sql`with red as (
            update audit_log a
               set before = case when jsonb_typeof(a.before) = 'object' then a.before - ${keys} else a.before end,
                   after = case when jsonb_typeof(a.after) = 'object' then a.after - ${keys} else a.after end
             where a.action <> 'anonymise'
               and ((a.entity = 'candidate' and a.entity_id in (${ids}))
                 or (a.entity = 'certificate' and a.entity_id in (
                       select ce.id::text from certificates ce where ce.candidate_id::text in (${ids}))))
               and (a.before ?| ${keys} or a.after ?| ${keys})
            returning 1)
          select count(*)::int as n from red`,
        );
        counts.auditEntriesRedacted += redacted[0]?.n ?? 0;
      }
      return rows.length;
    });
    counts.anonymised += batch;
    // Each batch is committed on its own, so stopping between two loses nothing; the next run resumes.
    if (batch < BATCH || ctx.signal?.aborted) break;
  }
  // Rate-limit counters whose window has closed (hashed keys; most are reused or swept sooner).
  const [swept] = await queryRows<{ n: number }>(
    ctx.db,
    sql`with gone as (delete from rate_limits where expires_at < ${at}::timestamptz returning 1)
        select count(*)::int as n from gone`,
  );
  return { counts: { ...counts, rateLimitCountersRemoved: swept?.n ?? 0 } };
}
