import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import * as t from '../../src/db/schema.ts';
import { RATE_LIMIT_FLUSH_MS, RATE_LIMIT_FRESH_MS } from '../../src/plugins/rate-limit-store.ts';
import { createTestApp, type TestApp, testConfig } from '../helpers/app.ts';

/**
 * The public verification's rate limit, counted in the database without a request waiting for it
 * (rate-limit-store.ts). One instance decides from its own count: exactly `limit` pass. Its hits reach
 * the table within one flush interval, where every instance learns the others'; an address new to an
 * instance is decided from the table. Between instances with fresh counts, what one lets through
 * before it has learned the other's hits is the documented overshoot: never more than `limit` per
 * instance, and once the counts are written and read again every instance refuses.
 */

const LIMIT = 5;
let h: TestApp;

beforeAll(async () => {
  h = await createTestApp({ VERIFY_RATE_LIMIT: String(LIMIT) });
});
afterAll(() => h?.close());

const verify = (app = h.app, ip = '203.0.113.7') =>
  app.inject({ method: 'GET', url: '/verify/TN-2026-000001?code=ABCD2345', remoteAddress: ip });
const burst = async (n: number, app = h.app, ip = '203.0.113.7') =>
  (await Promise.all(Array.from({ length: n }, () => verify(app, ip)))).map((r) => r.statusCode);
const passed = (statuses: number[]) => statuses.filter((s) => s !== 429).length;
/** Another instance of the service on the same database (its own memory, its own store). */
const secondInstance = () =>
  buildApp(testConfig({ VERIFY_RATE_LIMIT: String(LIMIT) }), { database: h.database, logger: false });

/** The largest count in the table, once it has reached `atLeast` (the writes are in the background). */
async function storedCount(atLeast: number): Promise<number> {
  const deadline = Date.now() + 20 * RATE_LIMIT_FLUSH_MS;
  for (;;) {
    const rows = await h.database.db.select().from(t.rateLimits);
    const top = Math.max(0, ...rows.map((r) => r.hits));
    if (top >= atLeast || Date.now() > deadline) return top;
    await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_FLUSH_MS / 2));
  }
}

describe('the verification rate limit', () => {
  it('lets exactly the limit through when 20 requests from one address arrive at once', async () => {
    const statuses = await burst(20);
    expect(passed(statuses)).toBe(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LIMIT);
    // Every hit reaches the table, refused ones too.
    expect(await storedCount(20)).toBe(20);
  });

  it('counts another address on its own', async () => {
    const res = await verify(h.app, '198.51.100.9');
    expect(res.statusCode).not.toBe(429);
  });

  it('counts two instances on one database together', async () => {
    const second = await secondInstance();
    try {
      const ip = '192.0.2.44';
      const first = await burst(3, h.app, ip);
      // An address new to the second instance: it reads the shared count before deciding.
      const other = await burst(3, second, ip);
      expect([...first, ...other].filter((s) => s === 429)).toHaveLength(6 - LIMIT);
    } finally {
      await second.close();
    }
  });

  it('overshoots across instances by at most the limit per instance, and counts every hit', async () => {
    const second = await secondInstance();
    try {
      const ip = '192.0.2.77';
      // Both instances have a fresh shared count (1, then 2)…
      const warm = [...(await burst(1, h.app, ip)), ...(await burst(1, second, ip))];
      // …and decide the next 20 each on their own, before either has written: the worst case.
      const [a, b] = await Promise.all([burst(20, h.app, ip), burst(20, second, ip)]);
      expect(passed(warm)).toBe(2);
      expect(1 + passed(a)).toBeLessThanOrEqual(LIMIT);
      expect(1 + passed(b)).toBeLessThanOrEqual(LIMIT);
      expect(passed([...warm, ...a, ...b])).toBeLessThanOrEqual(2 * LIMIT);
      // Once the counts are written and read again, neither lets another through.
      await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_FRESH_MS + 3 * RATE_LIMIT_FLUSH_MS));
      expect((await verify(h.app, ip)).statusCode).toBe(429);
      expect((await verify(second, ip)).statusCode).toBe(429);
    } finally {
      // Closing writes the hits not yet written.
      await second.close();
    }
    expect(await storedCount(44)).toBe(44);
  });
});
