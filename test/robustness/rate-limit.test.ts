import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import * as t from '../../src/db/schema.ts';
import { createTestApp, type TestApp, testConfig } from '../helpers/app.ts';

/**
 * The public verification's rate limit, counted in the database. Concurrent requests from one address
 * share one counter row; the store coalesces them into one upsert at a time, and each request must
 * still get its own place in the count: exactly `limit` pass, the rest get 429, and every hit is
 * counted — across instances too.
 */

const LIMIT = 5;
let h: TestApp;

beforeAll(async () => {
  h = await createTestApp({ VERIFY_RATE_LIMIT: String(LIMIT) });
});
afterAll(() => h?.close());

const verify = (app = h.app, ip = '203.0.113.7') =>
  app.inject({ method: 'GET', url: '/verify/TN-2026-000001?code=ABCD2345', remoteAddress: ip });

describe('the verification rate limit', () => {
  it('lets exactly the limit through when 20 requests from one address arrive at once', async () => {
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => verify()))).map((r) => r.statusCode);
    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LIMIT);
    const rows = await h.database.db.select().from(t.rateLimits);
    expect(rows.map((r) => r.hits).sort((a, b) => b - a)[0]).toBe(20);
  });

  it('counts another address on its own', async () => {
    const res = await verify(h.app, '198.51.100.9');
    expect(res.statusCode).not.toBe(429);
  });

  it('counts two instances on one database together', async () => {
    const second = await buildApp(testConfig({ VERIFY_RATE_LIMIT: String(LIMIT) }), {
      database: h.database,
      logger: false,
    });
    try {
      const ip = '192.0.2.44';
      const first = await Promise.all(Array.from({ length: 3 }, () => verify(h.app, ip)));
      const other = await Promise.all(Array.from({ length: 3 }, () => verify(second, ip)));
      const statuses = [...first, ...other].map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 429)).toHaveLength(6 - LIMIT);
    } finally {
      await second.close();
    }
  });
});
