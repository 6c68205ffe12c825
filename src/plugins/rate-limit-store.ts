import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/query.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** What this instance knows of one key's window. */
interface Counter {
  /** The count in the database at this instance's last write (every instance's hits). */
  shared: number;
  /** When `shared` was read (this clock). */
  readAt: number;
  /** This instance's hits in the write now in flight (not yet in `shared`). */
  sending: number;
  /** This instance's hits not yet sent. */
  pending: number;
  /** Requests waiting for a write to know their place (the key was new or not fresh), in order. */
  waiting: Callback[];
  /** Those of `waiting` that the write in flight counts. */
  sendingWaiters: number;
  /** When the window ends (this clock; the database's answer replaces the first guess). */
  endsAt: number;
  timeWindow: number;
}

/** How often an instance adds its hits to the shared counts (and learns the other instances'). */
export const RATE_LIMIT_FLUSH_MS = 100;
/**
 * An instance decides a request on its own only from a shared count read at most this long ago;
 * otherwise (an address it has not seen lately) the request waits for one write, which tells it the
 * count of every instance. A key with steady traffic is written every flush interval, so stays fresh.
 */
export const RATE_LIMIT_FRESH_MS = 500;
/** Expired rows are deleted at most this often (the nightly job deletes them too). */
const SWEEP_MS = 60_000;

/**
 * A store for @fastify/rate-limit whose counters all instances share in the `rate_limits` table
 * (DESIGN.md: nothing an instance needs lives only in another's memory), without making requests wait
 * for the database.
 *
 * A request is decided at once from this instance's last known shared count plus the hits it has had
 * since; those hits are added to the table in the background, one `hits + n` per key, every
 * `RATE_LIMIT_FLUSH_MS` and when the app closes. The write answers the count of every instance, which
 * becomes the new shared count. Only when that count is missing or older than `RATE_LIMIT_FRESH_MS`
 * (an address this instance has not seen lately) does a request wait for a write; the requests that
 * arrive meanwhile are counted by the next one, all together, each given its own place in the count.
 *
 * The bound, for N instances: an instance never lets more than `max` through in a window (its own hits
 * are always in its count); what it cannot see are the hits the others let through since its last
 * write, at most `RATE_LIMIT_FRESH_MS` ago. So beyond `max`, at most the hits the other instances let
 * through in the last `RATE_LIMIT_FRESH_MS` pass, and never more than N × `max` in a window; on one
 * instance the limit is exact. Every hit reaches the table within a flush interval (or at close).
 * The login throttle (users.throttle.ts) does not use this store: it counts each attempt in the
 * database before the password is checked, with no overshoot.
 */
export function postgresRateLimitStore(db: Db) {
  const counters = new Map<string, Counter>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let closed = false;
  let sweptAt = Date.now();

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
      const now = Date.now();
      let c = counters.get(key);
      if (!c) {
        c = {
          shared: 0,
          readAt: Number.NEGATIVE_INFINITY,
          sending: 0,
          pending: 0,
          waiting: [],
          sendingWaiters: 0,
          endsAt: now + timeWindow,
          timeWindow,
        };
        counters.set(key, c);
      } else if (c.endsAt <= now) {
        // The window has ended: a new one starts (hits not yet written still count: conservative).
        c.shared = 0;
        c.endsAt = now + timeWindow;
      }
      c.pending++;
      if (now - c.readAt > RATE_LIMIT_FRESH_MS || c.waiting.length > 0) {
        c.waiting.push(cb);
        if (c.waiting.length === 1 + c.sendingWaiters) void flush();
        return;
      }
      schedule();
      cb(null, { current: c.shared + c.sending + c.pending, ttl: Math.max(0, c.endsAt - now) });
    }
  }

  function schedule() {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, RATE_LIMIT_FLUSH_MS);
    timer.unref();
  }

  /** Writes every key's unsent hits: one write at a time, and at most one more waiting behind it. */
  function flush(): Promise<void> {
    if (!running) {
      running = writeAll().finally(() => {
        running = undefined;
      });
      return running;
    }
    next ??= running.then(() => {
      next = undefined;
      return flush();
    });
    return next;
  }

  async function writeAll(): Promise<void> {
    const now = Date.now();
    const writes: Promise<void>[] = [];
    for (const [key, c] of counters) {
      if (c.pending === 0) {
        // Nothing to add: forget a key that is no longer fresh (its next hit reads the table).
        if ((c.endsAt <= now || now - c.readAt > RATE_LIMIT_FRESH_MS) && c.sending === 0)
          counters.delete(key);
        continue;
      }
      writes.push(write(key, c));
    }
    await Promise.all(writes);
    if (closed) return;
    if (counters.size > 0) schedule();
    if (now - sweptAt > SWEEP_MS) {
      sweptAt = now;
      await db
        .execute(sql`delete from rate_limits where expires_at < now() - interval '1 minute'`)
        .catch(() => {});
    }
  }

  /** Adds a key's unsent hits; the waiting requests it counts get the last places of the batch. */
  async function write(key: string, c: Counter): Promise<void> {
    c.sending = c.pending;
    c.pending = 0;
    c.sendingWaiters = c.waiting.length;
    let counted: { hits: number; ttl: number };
    try {
      counted = await add(key, c.sending, c.timeWindow);
    } catch (err) {
      // Hits already decided are kept for the next write; the waiting requests fail (as a query would).
      const failed = c.waiting.splice(0, c.sendingWaiters);
      c.pending += c.sending - failed.length;
      c.sending = 0;
      c.sendingWaiters = 0;
      for (const cb of failed) cb(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const now = Date.now();
    c.shared = counted.hits;
    c.readAt = now;
    c.endsAt = now + counted.ttl;
    c.sending = 0;
    const answered = c.waiting.splice(0, c.sendingWaiters);
    c.sendingWaiters = 0;
    const first = counted.hits - answered.length + 1;
    for (const [i, cb] of answered.entries()) cb(null, { current: first + i, ttl: counted.ttl });
    // Requests that arrived during this write wait for the next one, at once.
    if (c.waiting.length > 0) void flush();
  }

  async function add(key: string, n: number, timeWindow: number) {
    const [row] = await queryRows<{ hits: number; ttl: number }>(
      db,
      sql`insert into rate_limits as r (key, hits, expires_at)
          values (${key}, ${n}, now() + make_interval(secs => ${timeWindow / 1000}))
          on conflict (key) do update set
            hits = case when r.expires_at <= now() then ${n} else r.hits + ${n} end,
            expires_at = case when r.expires_at <= now() then excluded.expires_at else r.expires_at end
          returning hits, greatest(0, ceil(extract(epoch from (expires_at - now())) * 1000))::int as ttl`,
    );
    return { hits: Number(row!.hits), ttl: Number(row!.ttl) };
  }

  return Object.assign(PostgresRateLimitStore, {
    /** Writes the hits not yet in the table now (tests; and on close, so that the counts survive). */
    flush,
    /** Writes what is left and stops the background writes (the app's onClose, before the database closes). */
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await flush();
    },
  });
}
