import { and, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { readPage } from '../../db/query.ts';
import { keyset } from '../../lib/pagination.ts';
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

/** The audit log, newest first, optionally of one entity or one record (admins only, by route). */
export async function listAuditEntries({ db }: AuditDeps, filter: AuditQuery) {
  const page = await readPage(auditPager, filter, (after) =>
    db
      .select({ entry: auditLog, ...auditPager.keys })
      .from(auditLog)
      .where(
        and(
          filter.entity ? eq(auditLog.entity, filter.entity) : undefined,
          filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
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
