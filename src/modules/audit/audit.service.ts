import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { decodeCursor, pageOf } from '../../lib/pagination.ts';
import { auditLog } from './audit.table.ts';

export type AuditEntity =
  | 'candidate'
  | 'placement'
  | 'certificate'
  | 'user'
  | 'job_order'
  | 'enrollment'
  | 'course'
  | 'disclosure';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entity: AuditEntity;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Strips fields that must never be copied into the audit trail. */
function scrub(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value ?? null;
  const { passwordHash: _p, ...rest } = value as Record<string, unknown>;
  return rest;
}

/** Writes one audit row; call it inside the transaction that makes the change. */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: scrub(entry.before),
    after: scrub(entry.after),
  });
}

/**
 * A partner was shown personal data of a candidate it selected (the full record, a certificate, a
 * placement letter): who saw whom, when, and what. Other roles work inside their own remit.
 */
export async function recordDisclosure(
  db: DbOrTx,
  actor: { id: string; role: string; partnerId: string | null },
  candidateId: string,
  what: string,
): Promise<void> {
  await recordDisclosures(db, actor, [{ candidateId, what }]);
}

/** Many disclosures at once (a list page, a batch print), as one insert. */
export async function recordDisclosures(
  db: DbOrTx,
  actor: { id: string; role: string; partnerId: string | null },
  shown: { candidateId: string; what: string }[],
): Promise<void> {
  if (actor.role !== 'partner' || shown.length === 0) return;
  await db.insert(auditLog).values(
    shown.map((s) => ({
      actorId: actor.id,
      action: 'disclose',
      entity: 'disclosure',
      entityId: s.candidateId,
      before: null,
      after: { partnerId: actor.partnerId, what: s.what },
    })),
  );
}

/**
 * One `create` entry per candidate of a CSV import (entityId = the candidate, `after.importId` = the
 * import whose own entry holds the file's summary), written by the database in one statement.
 */
export async function recordImportedCandidates(
  db: DbOrTx,
  actorId: string,
  importId: string,
  candidateIds: string[],
): Promise<void> {
  if (candidateIds.length === 0) return;
  await db.execute(sql`
    insert into audit_log (actor_id, action, entity, entity_id, after)
    select ${actorId}::uuid, 'create', 'candidate', id, ${JSON.stringify({ importId })}::jsonb
      from unnest(string_to_array(${candidateIds.join(',')}, ',')) as id`);
}

export function createAuditService({ db }: { db: Db }) {
  return {
    async list(filter: { entity?: string; entityId?: string; limit: number; cursor?: string }) {
      const cursor = decodeCursor(filter.cursor, 1);
      const rows = await db
        .select()
        .from(auditLog)
        .where(
          and(
            filter.entity ? eq(auditLog.entity, filter.entity) : undefined,
            filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
            cursor ? lt(auditLog.id, Number(cursor[0])) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(filter.limit + 1);
      return pageOf(rows, filter.limit, (r) => [r.id]);
    },
  };
}
