import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRuns } from '../src/modules/operations/operations.table.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { actors } from './helpers/seed.ts';

let h: TestApp;

beforeAll(async () => {
  h = await createTestApp();
});

afterAll(async () => {
  await h?.close();
});

const admin = actors.admin();
const runNow = async (name: string) => {
  const res = await h.request({ method: 'POST', url: `/jobs/${name}/run`, as: admin });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { id: number; startedAt: string };
};
const runsPage = (name: string, query = '') =>
  h.request({ method: 'GET', url: `/jobs/${name}/runs${query}`, as: admin });

describe("a job's runs", () => {
  it('an admin pages through the runs of one job, newest first, and sees what each did', async () => {
    const first = await runNow('deadline-alerts');
    const other = await runNow('data-retention');
    const second = await runNow('deadline-alerts');

    const page1 = await runsPage('deadline-alerts', '?limit=1');
    expect(page1.statusCode, page1.body).toBe(200);
    const body1 = page1.json();
    expect(body1.items).toHaveLength(1);
    expect(body1.items[0]).toMatchObject({
      id: second.id,
      jobName: 'deadline-alerts',
      trigger: 'manual',
      status: 'succeeded',
      startedAt: second.startedAt,
      error: null,
      actorId: admin.id,
      counts: { contractEnding90: 0, readyTooLong: 0 },
    });
    expect(Date.parse(body1.items[0].finishedAt)).toBeGreaterThanOrEqual(Date.parse(second.startedAt));
    expect(body1.nextCursor).toEqual(expect.any(String));

    const page2 = await runsPage('deadline-alerts', `?limit=1&cursor=${body1.nextCursor}`);
    expect(page2.statusCode, page2.body).toBe(200);
    expect(page2.json().items.map((r: { id: number }) => r.id)).toEqual([first.id]);
    expect(page2.json().nextCursor).toBeNull();

    // The other job's run is in its own list only.
    const others = (await runsPage('data-retention')).json();
    expect(others.items.map((r: { id: number }) => r.id)).toEqual([other.id]);
  });

  it('a failed run shows its error as the table holds it', async () => {
    await h.database.db.insert(jobRuns).values({
      jobName: 'grievance-overdue',
      trigger: 'scheduled',
      scheduledFor: new Date('2026-03-01T06:15:00Z'),
      status: 'failed',
      startedAt: new Date('2026-03-01T06:15:00Z'),
      finishedAt: new Date('2026-03-01T06:15:02Z'),
      error: 'the mail server did not answer',
      instance: 'test:1',
    });
    const res = await runsPage('grievance-overdue');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        status: 'failed',
        startedAt: '2026-03-01T06:15:00.000Z',
        finishedAt: '2026-03-01T06:15:02.000Z',
        counts: null,
        error: 'the mail server did not answer',
      }),
    ]);
  });

  it('only an admin may read the runs; an unknown job is a 404, a cursor not issued here a 400', async () => {
    const center = await h.request({
      method: 'GET',
      url: '/jobs/deadline-alerts/runs',
      as: actors.center(crypto.randomUUID()),
    });
    expect(center.statusCode).toBe(403);
    expect((await runsPage('backup')).statusCode).toBe(404);
    const bad = await runsPage('deadline-alerts', '?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('cursor');
  });

  it('every job and every count it reports has its label in Vietnamese, Japanese and English (the admin screen reads them)', async () => {
    const vocabulary = JSON.parse(
      readFileSync(new URL('../templates/vocabulary.json', import.meta.url), 'utf8'),
    );
    const labels = vocabulary.jobCounts as Record<string, Record<string, string>>;
    const jobs = (await h.request({ method: 'GET', url: '/jobs', as: admin })).json().items as {
      name: string;
      description: string;
    }[];
    // Each job's description too, the English as the service gives it.
    for (const job of jobs) expect(vocabulary.jobs[job.name]?.en, job.name).toBe(job.description);
    const keys = new Set<string>();
    for (const { name } of jobs) {
      if (name === 'database-backup') continue; // a copy of the database: its own tests run it
      const run = await runNow(name);
      const page = (await runsPage(name, '?limit=1')).json();
      expect(page.items[0].id).toBe(run.id);
      for (const key of Object.keys(page.items[0].counts ?? {})) keys.add(key);
    }
    expect(keys.size).toBeGreaterThanOrEqual(10);
    for (const key of keys) {
      for (const lang of ['vi', 'ja', 'en']) expect(labels[key]?.[lang], `${key} in ${lang}`).toBeTruthy();
    }
  });

  it('is in the OpenAPI document', async () => {
    const res = await h.request({ method: 'GET', url: '/docs/json' });
    expect(res.json().paths['/jobs/{name}/runs'].get.summary).toMatch(/runs, newest first/);
  });
});
