import { and, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { AuditEntity } from './audit.service.ts';
import { auditLog } from './audit.table.ts';

/**
 * Removes `keys` from the before/after of the audit entries of the given records (the anonymisation
 * entries themselves excepted): the entries keep who did what and when, without the personal values.
 * Answers how many entries changed.
 */
export async function redactAuditEntries(
  tx: DbOrTx,
  subjects: { entity: AuditEntity; ids: readonly string[] }[],
  keys: readonly string[],
): Promise<number> {
  const which = subjects
    .filter((s) => s.ids.length > 0)
    .map((s) => and(eq(auditLog.entity, s.entity), inArray(auditLog.entityId, [...s.ids])));
  if (which.length === 0) return 0;
  const names = sql`array[${sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `,
  )}]::text[]`;
  // jsonb `-` with a text[] and `?|` have no query-builder form.
  const without = (column: typeof auditLog.before | typeof auditLog.after) =>
    sql`case when jsonb_typeof(${column}) = 'object' then ${column} - ${names} else ${column} end`;
  const redacted = await tx
    .update(auditLog)
    .set({ before: without(auditLog.before), after: without(auditLog.after) })
    .where(
      and(
        ne(auditLog.action, 'anonymise'),
        or(...which),
        sql`(${auditLog.before} ?| ${names} or ${auditLog.after} ?| ${names})`,
      ),
    )
    .returning({ id: auditLog.id });
  return redacted.length;
}
