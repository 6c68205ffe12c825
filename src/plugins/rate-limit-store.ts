import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/query.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** The hits of one key waiting for the upsert in flight. */
interface Batch {
  inFlight: boolean;
  waiting: Callback[];
}

/** Expired counters are deleted on about one request in this many. */
const SWEEP_EVERY = 200;

/**
 * A store for @fastify/rate-limit that keeps its counters in the `rate_limits` table, so that all
 * instances of the service count together (DESIGN.md: nothing an instance needs lives in another's
 * memory). A window that has run out starts again.
 *
 * Requests from one client all update one row, and one upsert per request would queue them on that
 * row's lock (50 phones behind one airport address: ~180 req/s). So an instance keeps at most one
 * upsert in flight per key: the hits that arrive meanwhile are added by the next one in a single
 * `hits + n`, and each request is given its own place in the count. Every hit is still counted in the
 * database, at once, by every instance.
 */
export function postgresRateLimitStore(db: Db) {
  const batches = new Map<string, Batch>();

  class PostgresRateLimitStore {
    /** @fastify/rate-limit passes its options first; the counters need only the route. */
    constructor(
      _options?: unknown,
      readonly route = '',
    ) {}

    /** One store per limited route (the plugin passes the route's options with `routeInfo`). */
    child(routeOptions: object) {
      const info = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new PostgresRateLimitStore(undefined, `${info?.method ?? ''} ${info?.url ?? ''}`);
    }

    incr(clientKey: string, cb: Callback, timeWindow: number): void {
      const key = createHash('sha256').update(`${this.route}\n${clientKey}`).digest('base64url');
      let state = batches.get(key);
      if (!state) {
        state = { inFlight: false, waiting: [] };
        batches.set(key, state);
      }
      state.waiting.push(cb);
      if (!state.inFlight) void flush(key, state, timeWindow);
    }
  }

  /** Counts every waiting hit of `key` in one upsert, then the ones that arrived meanwhile. */
  async function flush(key: string, state: Batch, timeWindow: number): Promise<void> {
    state.inFlight = true;
    while (state.waiting.length > 0) {
      const callbacks = state.waiting.splice(0);
      let counted: { hits: number; ttl: number };
      try {
        counted = await count(key, callbacks.length, timeWindow);
      } catch (err) {
        for (const cb of callbacks) cb(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      // The batch holds the last `n` places of the count, in arrival order.
      const first = counted.hits - callbacks.length + 1;
      for (const [i, cb] of callbacks.entries()) cb(null, { current: first + i, ttl: counted.ttl });
    }
    state.inFlight = false;
    batches.delete(key);
  }

  async function count(key: string, n: number, timeWindow: number) {
    const [row] = await queryRows<{ hits: number; ttl: number }>(
      db,
      sql`insert into rate_limits as r (key, hits, expires_at)
          values (${key}, ${n}, now() + make_interval(secs => ${timeWindow / 1000}))
          on conflict (key) do update set
            hits = case when r.expires_at <= now() then ${n} else r.hits + ${n} end,
            expires_at = case when r.expires_at <= now() then excluded.expires_at else r.expires_at end
          returning hits, greatest(0, ceil(extract(epoch from (expires_at - now())) * 1000))::int as ttl`,
    );
    if (Math.random() * SWEEP_EVERY < 1) {
      await db.execute(sql`delete from rate_limits where expires_at < now() - interval '1 minute'`);
    }
    return { hits: Number(row!.hits), ttl: Number(row!.ttl) };
  }

  return PostgresRateLimitStore;
}
