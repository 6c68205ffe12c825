import { and, eq, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { access } from '../lib/access.ts';
import type { Actor } from '../lib/actor.ts';
import { notFound } from '../lib/errors.ts';
import type { keyset } from '../lib/pagination.ts';
import type { DbOrTx } from './client.ts';
import { candidates } from './schema.ts';

/**
 * Runs raw SQL and returns its rows on either driver (PGlite answers `{ rows }`, postgres.js an
 * array). Cast counts to int in the SQL: postgres.js returns bigint as a string.
 */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * The row of a select of `columns`, every field possibly null: the columns of an outer-joined table,
 * or those left out for some readers.
 */
export type NullableRow<C extends Record<string, { _: { data: unknown } }>> = {
  [K in keyof C]: C[K]['_']['data'] | null;
};

/** A select that can still be ordered and limited: a drizzle select after its WHERE clause. */
interface Orderable<T> {
  orderBy(...by: SQL[]): { limit(n: number): PromiseLike<T[]> };
}

/**
 * One page of a keyset-paged list, the pager's protocol written once: `select` puts `after` (the rows
 * past the cursor) in its WHERE clause and the pager's `keys` in its columns; the rows come in the
 * pager's order, `limit + 1` of them, and the page is cut from them with the cursor of its last row.
 */
export async function readPage<T extends object>(
  pager: ReturnType<typeof keyset>,
  q: { cursor?: string | undefined; limit: number },
  select: (after: SQL | undefined) => Orderable<T>,
) {
  const rows = await select(pager.after(q.cursor))
    .orderBy(...pager.orderBy)
    .limit(q.limit + 1);
  return pager.page(rows, q.limit);
}

/** A select that can be locked: a drizzle select after its WHERE clause. */
interface Lockable<T> extends PromiseLike<T[]> {
  for(strength: 'update', config: { of: PgTable }): PromiseLike<T[]>;
}

/**
 * The record a select names (by id, within the actor's scope), locked FOR UPDATE of `lock.of` until
 * the transaction ends when the caller changes it; else 404 naming `what` — a record that does not
 * exist and one outside the actor's scope answer alike.
 */
export async function loadOr404<T>(
  select: Lockable<T>,
  lock: { of: PgTable } | false,
  what: string,
): Promise<T> {
  const [row] = lock ? await select.for('update', lock) : await select;
  if (!row) throw notFound(what);
  return row;
}

/** The candidate `id` names, if the actor sees it (`access.candidate`); else 404 like any record. */
export function candidateInScope(db: DbOrTx, actor: Actor, id: string): Promise<{ id: string }> {
  const select = db
    .select({ id: candidates.id })
    .from(candidates)
    .where(and(eq(candidates.id, id), access.candidate(actor)));
  return loadOr404(select, false, 'The candidate');
}
