import { and, eq, or, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../db/client.ts';
import { readPage } from '../../db/query.ts';
import { keyset } from '../../lib/pagination.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { auditLog } from './audit.table.ts';

export type AuditEntity =
  | 'candidate'
  | 'placement'
  | 'certificate'
  | 'user'
  | 'job_order'
  | 'enrollment'
  | 'course'
  | 'disclosure'
  | 'placement_fee'
  | 'placement_transfer'
  | 'grievance';

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
 * Changes one row (the one `entry.before` is, by its `id`) and audits the change with the row before
 * and after it; answers the row after. Call it inside the transaction that makes the change.
 */
export async function updateAudited<T extends PgTable & { id: AnyPgColumn }>(
  db: DbOrTx,
  table: T,
  entry: Omit<AuditEntry, 'entityId' | 'after'> & { before: { id: string } },
  set: PgUpdateSetSource<T>,
): Promise<T['$inferSelect']> {
  // A generic table is beyond what drizzle types through `returning()`: the row is the table's select type.
  const [after] = (await db.update(table).set(set).where(eq(table.id, entry.before.id)).returning()) as [
    T['$inferSelect'],
  ];
  await recordAudit(db, { ...entry, entityId: entry.before.id, after });
  return after;
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

export interface AuditDeps {
  db: Db;
}

export interface AuditQuery {
  entity?: string | undefined;
  entityId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Newest first: the id is the order of writing. */
const auditPager = keyset([{ expr: auditLog.id, kind: 'int', dir: 'desc' }]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The entries of one record. A candidate created by an import has no entry of its own: the import's
 * one entry (`action: import`, its `entityId` the import's id) stands for all it created, and is
 * listed with the candidate's.
 */
function ofRecord(db: Db, entity: string | undefined, entityId: string) {
  if (entity !== 'candidate' || !UUID.test(entityId)) return eq(auditLog.entityId, entityId);
  const importOf = db
    .select({ importId: sql`${candidates.importId}::text` })
    .from(candidates)
    .where(eq(candidates.id, entityId));
  return or(
    eq(auditLog.entityId, entityId),
    and(eq(auditLog.action, 'import'), sql`${auditLog.entityId} = (${importOf})`),
  );
}

/** The audit log, newest first, optionally of one entity or one record (admins only, by route). */
export async function listAuditEntries({ db }: AuditDeps, filter: AuditQuery) {
  const page = await readPage(auditPager, filter, (after) =>
    db
      .select({ entry: auditLog, ...auditPager.keys })
      .from(auditLog)
      .where(
        and(
          filter.entity ? eq(auditLog.entity, filter.entity) : undefined,
          filter.entityId ? ofRecord(db, filter.entity, filter.entityId) : undefined,
          after,
        ),
      ),
  );
  return { items: page.items.map((r) => r.entry), nextCursor: page.nextCursor };
}

/** Binds the deps once; the route calls `app.services.audit.list(query)`. */
export function createAuditService(deps: AuditDeps) {
  return {
    list: (filter: AuditQuery) => listAuditEntries(deps, filter),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
