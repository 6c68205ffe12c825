import { createHash } from 'node:crypto';
import { inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import { rateLimits } from '../operations/operations.table.ts';

/** A 429 that says when to try again; the route copies `retryAfterSeconds` into `Retry-After`. */
export class LoginThrottled extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'rate-limited',
      'Too Many Requests',
      `Too many failed sign-in attempts; try again in ${retryAfterSeconds} seconds.`,
    );
  }
}

/** Expired counters are deleted on about one attempt in this many (as the rate-limit store does). */
const SWEEP_EVERY = 200;

/** Neither the email nor the address is stored: only a hash of each, as the rate-limit store does. */
const keyOf = (kind: 'account' | 'address', value: string) =>
  createHash('sha256').update(`login ${kind}\n${value}`).digest('base64url');

/**
 * Throttles password checks per account (across addresses) and per address (across accounts), with
 * counters in the `rate_limits` table so that every instance counts together. An attempt is counted
 * before the password is checked (a burst of parallel guesses is counted whole) and taken back when it
 * succeeds: what remains counts failures, so an office behind one address is held back only by wrong
 * passwords.
 */
export function createLoginThrottle({ db, limit, windowMs }: { db: Db; limit: number; windowMs: number }) {
  async function hit(key: string) {
    const [row] = await db
      .insert(rateLimits)
      .values({ key, hits: 1, expiresAt: sql`now() + make_interval(secs => ${windowMs / 1000})` })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          hits: sql`case when ${rateLimits.expiresAt} <= now() then 1 else ${rateLimits.hits} + 1 end`,
          expiresAt: sql`case when ${rateLimits.expiresAt} <= now() then excluded.expires_at else ${rateLimits.expiresAt} end`,
        },
      })
      .returning({
        hits: rateLimits.hits,
        ttlMs: sql<number>`greatest(0, ceil(extract(epoch from (${rateLimits.expiresAt} - now())) * 1000))::int`,
      });
    return { hits: Number(row!.hits), ttlMs: Number(row!.ttlMs) };
  }

  return {
    /**
     * Counts one attempt for the account and the address; throws 429 when either has had more than
     * `limit` in the window. Call `succeeded()` after a right password.
     */
    async attempt(account: string, address: string) {
      const keys = [keyOf('account', account.trim().toLowerCase()), keyOf('address', address)];
      const counts = await Promise.all(keys.map(hit));
      if (Math.random() * SWEEP_EVERY < 1) {
        await db.delete(rateLimits).where(lt(rateLimits.expiresAt, sql`now() - interval '1 minute'`));
      }
      const over = counts.filter((c) => c.hits > limit);
      if (over.length > 0) {
        throw new LoginThrottled(Math.max(1, Math.ceil(Math.max(...over.map((c) => c.ttlMs)) / 1000)));
      }
      return {
        async succeeded() {
          await db
            .update(rateLimits)
            .set({ hits: sql`greatest(${rateLimits.hits} - 1, 0)` })
            .where(inArray(rateLimits.key, keys));
        },
      };
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
