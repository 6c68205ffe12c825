import { badRequest } from './errors.ts';
import { z } from './zod.ts';

export const limitSchema = z.coerce.number().int().min(1).max(500).default(50).describe('Page size, 1–500');
export const cursorSchema = z.string().max(500).optional().describe('The nextCursor of the previous page');

export const pageQuery = z.object({ limit: limitSchema, cursor: cursorSchema });

/** Cursors are opaque to clients: base64url of the sort key of the last item served. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((k) => typeof k === 'string' || typeof k === 'number')
    ) {
      return key;
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest('The cursor is not one this service issued.', [
    { path: 'cursor', message: 'is not a valid cursor' },
  ]);
}

/** Takes limit + 1 rows, returns the page and the cursor of its last row when there is more. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
