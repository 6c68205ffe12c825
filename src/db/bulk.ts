/**
 * The bulk writer: a stream of rows into a table, `COPY … FROM STDIN` on PostgreSQL, multi-row
 * INSERTs on PGlite. The COPY columns come from the table definition.
 *
 * This file also holds the one place where the project relies on postgres.js internals (the package
 * is pinned to an exact version for it; test/db-bulk.test.ts fails if an upgrade changes them): when
 * the server refuses a COPY after its last row was sent (a unique or foreign-key violation found at
 * the end, or a concurrent insert of the same key), postgres.js 3.4 rejects the COPY query — which
 * has already resolved with its stream — and never calls the stream's `final` callback, so waiting on
 * the stream would wait forever. `copyQuery` listens on the query's `reject` to learn of that error.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { DbOrTx } from './client.ts';

/** Bound on the query parameters of one INSERT (PostgreSQL accepts 65,535). */
const MAX_INSERT_PARAMETERS = 8000;

/**
 * Writes a stream of rows into `table` through `db` (a transaction, usually). The columns are those
 * of the table definition that the first row names (the others take their defaults); every row must
 * name the same ones. When `rows` throws, nothing more is written and the error is thrown on (the
 * COPY is abandoned, so that the transaction can roll back).
 */
export async function bulkInsert<T extends PgTable>(
  db: DbOrTx,
  table: T,
  rows: AsyncIterable<T['$inferInsert']>,
): Promise<number> {
  const session = db._.session;
  if (is(session, PostgresJsSession)) return copyInto(session.client, table, rows);
  const width = Object.keys(getTableColumns(table)).length;
  const batchSize = Math.max(1, Math.floor(MAX_INSERT_PARAMETERS / width));
  let batch: T['$inferInsert'][] = [];
  let written = 0;
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= batchSize) {
      await db.insert(table).values(batch);
      written += batch.length;
      batch = [];
    }
  }
  if (batch.length) {
    await db.insert(table).values(batch);
    written += batch.length;
  }
  return written;
}

const quoteIdent = (name: string) =>
  /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : text;
}

/**
 * `COPY … FROM STDIN` as a stream, with a promise that rejects when the server refuses the COPY at
 * any point — while rows are sent or after the last (see the top of this file).
 */
export async function copyQuery(
  client: postgres.Sql,
  statement: string,
): Promise<{ out: Writable; refused: Promise<never> }> {
  const query = client.unsafe(statement) as unknown as { reject: (error: unknown) => void } & ReturnType<
    postgres.Sql['unsafe']
  >;
  let refuse: (error: unknown) => void = () => {};
  const refused = new Promise<never>((_, reject) => {
    refuse = reject;
  });
  refused.catch(() => {});
  const reject = query.reject;
  if (typeof reject !== 'function')
    throw new Error('postgres.js: a query has no reject (see src/db/bulk.ts)');
  query.reject = (error: unknown) => {
    refuse(error);
    return reject(error);
  };
  const out: Writable = await query.writable();
  // The stream's own error is the refusal, or the abandonment below: both are handled by the caller.
  out.on('error', (error) => refuse(error));
  return { out, refused };
}

async function copyInto<T extends PgTable>(
  client: postgres.Sql,
  table: T,
  rows: AsyncIterable<T['$inferInsert']>,
): Promise<number> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return 0;
  const named = first.value as Record<string, unknown>;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => key in named);
  const statement = `copy ${quoteIdent(getTableName(table))} (${columns
    .map(([, c]) => quoteIdent(c.name))
    .join(', ')}) from stdin`;
  const line = (row: Record<string, unknown>) =>
    `${columns
      .map(([key, column]) => {
        const value = row[key];
        return copyText(value === null || value === undefined ? value : column.mapToDriverValue(value));
      })
      .join('\t')}\n`;

  const { out, refused } = await copyQuery(client, statement);
  let buffer = line(named);
  let written = 1;
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      buffer += line(next.value as Record<string, unknown>);
      written++;
      if (buffer.length >= 64 * 1024) {
        if (!out.write(buffer)) await Promise.race([once(out, 'drain'), refused]);
        buffer = '';
      }
    }
  } catch (error) {
    // The rows failed, or the server refused: the COPY is abandoned (CopyFail), so that the
    // connection leaves COPY mode and the transaction can roll back.
    if (!out.destroyed) out.destroy(error as Error);
    throw error;
  }
  out.end(buffer);
  await Promise.race([finished(out), refused]);
  return written;
}
