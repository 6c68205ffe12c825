import { asc, desc, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { badRequest } from './errors.ts';
import { z } from './zod.ts';

export const limitSchema = z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1–500');
export const cursorSchema = z.string().max(500).optional().describe('The nextCursor of the previous page');

export const pageQuery = z.object({ limit: limitSchema, cursor: cursorSchema });

/**
 * What a sort key holds. Each kind says how the key is read out of the database as text (at full
 * precision: a timestamp through a JS Date would lose its microseconds, and rows created in one
 * millisecond would be skipped or repeated), how a cursor's value is checked, and how it is cast back.
 */
const KINDS = {
  timestamp: {
    text: (e: SQLWrapper) => sql<string>`to_char(${e} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    valid: (v: unknown) =>
      typeof v === 'string' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(v) &&
      !Number.isNaN(Date.parse(v.slice(0, 23))),
    cast: (v: unknown) => sql`${v}::timestamptz`,
  },
  date: {
    text: (e: SQLWrapper) => sql<string>`${e}::text`,
    valid: (v: unknown) =>
      typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v) && !Number.isNaN(Date.parse(v)),
    cast: (v: unknown) => sql`${v}::date`,
  },
  uuid: {
    text: (e: SQLWrapper) => sql<string>`${e}::text`,
    valid: (v: unknown) =>
      typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
    cast: (v: unknown) => sql`${v}::uuid`,
  },
  text: {
    text: (e: SQLWrapper) => sql<string>`${e}::text`,
    valid: (v: unknown) => typeof v === 'string' && v.length <= 400,
    cast: (v: unknown) => sql`${v}::text`,
  },
  int: {
    text: (e: SQLWrapper) => sql<string>`${e}::text`,
    valid: (v: unknown) => typeof v === 'string' && /^-?\d{1,15}$/.test(v),
    cast: (v: unknown) => sql`${v}::bigint`,
  },
} as const;

export type KeyKind = keyof typeof KINDS;

export interface KeyPart {
  /** A column, or an SQL expression over the query's tables. */
  expr: SQLWrapper;
  kind: KeyKind;
  dir?: 'asc' | 'desc';
}

type KeyColumns = Record<`_k${number}`, SQL<string>>;

const invalidCursor = () =>
  badRequest('The cursor is not one this service issued.', [
    { path: 'cursor', message: 'is not a valid cursor' },
  ]);

/**
 * The one keyset pager. Declare the sort key once; spread `keys` into the select, put `after(cursor)`
 * in the WHERE clause, `orderBy` in ORDER BY, fetch `limit + 1` rows and hand them to `page`. Keys are
 * compared in the database at full precision; a cursor this service did not issue is a 400 naming `cursor`.
 */
export function keyset(parts: readonly KeyPart[]) {
  const keys = Object.fromEntries(parts.map((p, i) => [`_k${i}`, KINDS[p.kind].text(p.expr)])) as KeyColumns;
  const keyNames = Object.keys(keys);
  const orderBy = parts.map((p) => (p.dir === 'desc' ? desc(p.expr as SQL) : asc(p.expr as SQL)));

  function decode(cursor: string | undefined): string[] | undefined {
    if (cursor === undefined || cursor === '') return undefined;
    let values: unknown;
    try {
      values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw invalidCursor();
    }
    if (
      !Array.isArray(values) ||
      values.length !== parts.length ||
      !values.every((v, i) => KINDS[(parts[i] as KeyPart).kind].valid(v))
    ) {
      throw invalidCursor();
    }
    return values as string[];
  }

  /** Rows strictly after the cursor in the declared order (mixed directions allowed). */
  function after(cursor: string | undefined): SQL | undefined {
    const values = decode(cursor);
    if (!values) return undefined;
    const cmp = (i: number) => {
      const p = parts[i] as KeyPart;
      const v = KINDS[p.kind].cast(values[i]);
      return p.dir === 'desc' ? sql`${p.expr} < ${v}` : sql`${p.expr} > ${v}`;
    };
    const eqAt = (i: number) => {
      const p = parts[i] as KeyPart;
      return sql`${p.expr} = ${KINDS[p.kind].cast(values[i])}`;
    };
    // One direction: a row comparison, which PostgreSQL answers from a composite index.
    const dirs = new Set(parts.map((p) => p.dir ?? 'asc'));
    if (dirs.size === 1) {
      const lhs = sql.join(
        parts.map((p) => sql`${p.expr}`),
        sql`, `,
      );
      const rhs = sql.join(
        parts.map((p, i) => KINDS[p.kind].cast(values[i])),
        sql`, `,
      );
      return dirs.has('desc') ? sql`(${lhs}) < (${rhs})` : sql`(${lhs}) > (${rhs})`;
    }
    // Mixed directions: (a ⋗ x) or (a = x and b ⋗ y) or (a = x and b = y and c ⋗ z) …
    const branches = parts.map((_, i) => {
      const prefix = parts.slice(0, i).map((__, j) => eqAt(j));
      return sql.join([...prefix, cmp(i)], sql` and `);
    });
    return sql`(${sql.join(
      branches.map((b) => sql`(${b})`),
      sql` or `,
    )})`;
  }

  /** The cursor of a page cut from `rows` after `limit` rows: that of its last row, null if none follow. */
  function cursorAfter(rows: readonly object[], limit: number): string | null {
    const last = rows[limit - 1] as Record<string, unknown> | undefined;
    return rows.length > limit && last
      ? Buffer.from(JSON.stringify(keyNames.map((k) => last[k]))).toString('base64url')
      : null;
  }

  /** Takes limit + 1 rows, returns the page (key columns removed) and the cursor of its last row. */
  function page<T extends object>(rows: T[], limit: number) {
    const items = rows.slice(0, limit).map((row) => {
      const out = { ...row } as Record<string, unknown>;
      for (const k of keyNames) delete out[k];
      return out as Omit<T, `_k${number}`>;
    });
    return { items, nextCursor: cursorAfter(rows, limit) };
  }

  /**
   * `page` for rows that are mapped into their output anyway: each of the first `limit` rows goes
   * through `map` once (which reads only the fields it writes, so the key columns stay behind), with
   * no copy of each row made first.
   */
  function pageOf<T extends object, U>(rows: T[], limit: number, map: (row: T) => U) {
    const n = Math.min(rows.length, limit);
    const items = new Array<U>(n);
    for (let i = 0; i < n; i++) items[i] = map(rows[i]!);
    return { items, nextCursor: cursorAfter(rows, limit) };
  }

  /** The same for a query written in SQL: `select …, ${p.keysSql} … order by ${p.orderBySql}`. */
  const keysSql = sql.join(
    keyNames.map((k) => sql`${keys[k as `_k${number}`]} as ${sql.identifier(k)}`),
    sql`, `,
  );
  const orderBySql = sql.join(orderBy, sql`, `);

  return { keys, orderBy, keysSql, orderBySql, after, decode, page, pageOf };
}
