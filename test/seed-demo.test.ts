import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../scripts/seed-demo.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('npm run seed:demo', () => {
  it('loads a demo with candidates in every status, through the API, once', async () => {
    const summary = await seedDemo(t.app);
    expect(summary.alreadyThere).toBe(false);
    const byStatus = Object.fromEntries(summary.pipeline.map((r) => [r.status, r.candidates]));
    for (const status of [
      'registered',
      'training',
      'ready',
      'selected',
      'departed',
      'returned',
      'reintegrated',
      'withdrawn',
    ]) {
      expect(byStatus[status], status).toBeGreaterThan(0);
    }
    expect(Object.values(byStatus).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(320);
    expect(summary.users.map((u) => u.role).sort()).toEqual(
      ['admin', 'center', 'center', 'center', 'partner', 'partner', 'province', 'province'].sort(),
    );
    // The demo users can log in with the printed password.
    const login = await t.request({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'okayama@demo.kakehashi.jp', password: 'kakehashi-demo-2026' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.role).toBe('partner');
    // Long An workers count for Tây Ninh under the 2025 boundaries.
    const share = await t.request({
      method: 'GET',
      url: '/reports/province-share?from=2016-01-01&to=2026-12-31',
      as: actors.admin(),
    });
    expect(
      share.json().rows.find((r: { provinceCode: string }) => r.provinceCode === '80').departedTotal,
    ).toBeGreaterThan(0);
    // The README's People's Committee export (2025, Tây Ninh) has figures in the demo data.
    const year2025 = await t.request({
      method: 'GET',
      url: '/reports/province-share?from=2025-01-01&to=2025-12-31&boundaries=2025',
      as: actors.admin(),
    });
    expect(
      year2025.json().rows.find((r: { provinceCode: string }) => r.provinceCode === '80')?.departedTotal,
    ).toBeGreaterThan(0);
    expect((await seedDemo(t.app)).alreadyThere).toBe(true);
    // The whole demo through the API: about a minute alone, longer on a busy 2-core machine.
  }, 300_000);
});
