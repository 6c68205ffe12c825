import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/query.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** Expired counters are deleted on about one request in this many. */
const SWEEP_EVERY = 200;

/**
 * A store for @fastify/rate-limit that keeps its counters in the `rate_limits` table, so that all
 * instances of the service count together (DESIGN.md: nothing an instance needs lives in another's
 * memory). One upsert per limited request: a window that has run out starts again at 1.
 */
export function postgresRateLimitStore(db: Db) {
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
      this.count(key, timeWindow).then(
        (result) => cb(null, result),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
    }

    private async count(key: string, timeWindow: number) {
      const [row] = await queryRows<{ hits: number; ttl: number }>(
        db,
        sql`insert into rate_limits as r (key, hits, expires_at)
            values (${key}, 1, now() + make_interval(secs => ${timeWindow / 1000}))
            on conflict (key) do update set
              hits = case when r.expires_at <= now() then 1 else r.hits + 1 end,
              expires_at = case when r.expires_at <= now() then excluded.expires_at else r.expires_at end
            returning hits, greatest(0, ceil(extract(epoch from (expires_at - now())) * 1000))::int as ttl`,
      );
      if (Math.random() * SWEEP_EVERY < 1) {
        await db.execute(sql`delete from rate_limits where expires_at < now() - interval '1 minute'`);
      }
      return { current: Number(row!.hits), ttl: Number(row!.ttl) };
    }
  }
  return PostgresRateLimitStore;
}
