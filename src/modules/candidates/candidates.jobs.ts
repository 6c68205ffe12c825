import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { redactAuditEntries } from '../audit/audit.jobs.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { copyAnonymisedHolders, removeAnonymisedPhotos } from '../documents/documents.jobs.ts';
import { candidateStatusHistory, candidates } from './candidates.table.ts';

/** What the retention job needs: the database, the retention rule and the moment it works for. */
export interface RetentionContext {
  db: Db;
  config: Pick<Config, 'retentionYears'>;
  now: Date;
  /** Aborted when the service shuts down: the job stops between two batches. */
  signal?: AbortSignal | undefined;
}

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
  'fullNameKana',
  'motivation',
  'education',
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
export async function anonymiseWithdrawnCandidates({ db, config, now, signal }: RetentionContext) {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - config.retentionYears);
  const counts = { anonymised: 0, nationalIdsRemoved: 0, phonesRemoved: 0, auditEntriesRedacted: 0 };
  const withdrawnAt = sql`coalesce(
    (select max(${candidateStatusHistory.at}) from ${candidateStatusHistory}
      where ${candidateStatusHistory.candidateId} = ${candidates.id}
        and ${candidateStatusHistory.toStatus} = 'withdrawn'),
    ${candidates.statusChangedAt})`;

  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const due = tx.$with('due').as(
        tx
          .select({
            id: candidates.id,
            hadNationalId: sql<boolean>`${candidates.nationalId} is not null`.as('had_national_id'),
            hadPhone: sql<boolean>`${candidates.phone} is not null`.as('had_phone'),
          })
          .from(candidates)
          .where(
            and(
              eq(candidates.status, 'withdrawn'),
              isNull(candidates.anonymisedAt),
              sql`${withdrawnAt} < ${cutoff.toISOString()}::timestamptz`,
            ),
          )
          .orderBy(candidates.id)
          .limit(BATCH)
          // Another instance (or a run that overlaps) takes other rows instead of waiting.
          .for('update', { of: candidates, skipLocked: true }),
      );
      const rows = await tx
        .with(due)
        .update(candidates)
        .set({
          fullName: sql`'Ẩn danh ' || ${candidates.code}`,
          nameSearch: sql`'an danh ' || lower(${candidates.code})`,
          nationalId: null,
          phone: null,
          // The profile sheet's personal fields go with the name (the photo is deleted below).
          fullNameKana: null,
          motivation: null,
          education: null,
          dateOfBirth: sql`make_date(extract(year from ${candidates.dateOfBirth})::int, 1, 1)`,
          anonymisedAt: now,
          updatedAt: now,
          version: sql`${candidates.version} + 1`,
        })
        .from(due)
        .where(eq(candidates.id, due.id))
        .returning({
          id: candidates.id,
          code: candidates.code,
          version: candidates.version,
          hadNationalId: due.hadNationalId,
          hadPhone: due.hadPhone,
        });
      for (const r of rows) {
        await recordAudit(tx, {
          actorId: null,
          action: 'anonymise',
          entity: 'candidate',
          entityId: r.id,
          before: { anonymisedAt: null, version: r.version - 1 },
          after: {
            removed: ANONYMISED_FIELDS.filter(
              (f) => (f !== 'nationalId' || r.hadNationalId) && (f !== 'phone' || r.hadPhone),
            ),
            dateOfBirth: 'reduced to the year',
            fullName: `replaced by Ẩn danh ${r.code}`,
            anonymisedAt: now.toISOString(),
            version: r.version,
            rule: `withdrawn more than ${config.retentionYears} years ago`,
          },
        });
        counts.nationalIdsRemoved += r.hadNationalId ? 1 : 0;
        counts.phonesRemoved += r.hadPhone ? 1 : 0;
      }
      const ids = rows.map((r) => r.id);
      const certificateIds = await copyAnonymisedHolders(tx, ids);
      await removeAnonymisedPhotos(tx, ids);
      counts.auditEntriesRedacted += await redactAuditEntries(
        tx,
        [
          { entity: 'candidate', ids },
          { entity: 'certificate', ids: certificateIds },
        ],
        PERSONAL_AUDIT_KEYS,
      );
      return rows.length;
    });
    counts.anonymised += batch;
    // Each batch is committed on its own, so stopping between two loses nothing; the next run resumes.
    if (batch < BATCH || signal?.aborted) break;
  }
  return counts;
}
