import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { queryRows } from '../src/db/query.ts';
import { JOBS } from '../src/job-registry.ts';
import { createJobRunner, type JobRunner } from '../src/jobs/runner.ts';
import { startScheduler } from '../src/jobs/scheduler.ts';
import type { JobDefinition } from '../src/jobs/types.ts';
import { jobRuns } from '../src/modules/operations/operations.table.ts';
import { createTestApp, type TestApp, testConfig } from './helpers/app.ts';
import { onPostgres } from './helpers/database.ts';
import { withDatabase } from './helpers/global-setup.ts';
import { actors } from './helpers/seed.ts';

let h: TestApp;

beforeAll(async () => {
  h = await createTestApp({ CRON_DATA_RETENTION: '0 3 * * 0' });
});

afterAll(async () => {
  await h?.close();
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A job that signals when it starts and finishes only when the test lets it. */
function heldJob(name: string) {
  const started = gate();
  const release = gate();
  let calls = 0;
  let signal: AbortSignal | undefined;
  const job: JobDefinition = {
    name,
    description: 'test job that waits for the test',
    async run(ctx) {
      calls++;
      signal = ctx.signal;
      started.open();
      await release.opened;
      return { counts: { done: 1 } };
    },
  };
  return { job, started: started.opened, release: release.open, calls: () => calls, signal: () => signal };
}

const runsOf = (name: string, db = h.database.db) =>
  db.select().from(jobRuns).where(eq(jobRuns.jobName, name)).orderBy(asc(jobRuns.id));

/** Lets pending promise callbacks run, without waiting on a clock. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('jobs over HTTP', () => {
  it('an admin lists the jobs with their configured schedules', async () => {
    const res = await h.request({ method: 'GET', url: '/jobs', as: actors.admin() });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as {
      name: string;
      schedule: string;
      timezone: string;
      lastRun: unknown;
    }[];
    // Every job of the registry, in its order (the backup job of the embedded database among them).
    expect(items.map((j) => j.name)).toEqual(JOBS.map((j) => j.name));
    expect(items.map((j) => j.name).slice(0, 2)).toEqual(['deadline-alerts', 'data-retention']);
    expect(items.find((j) => j.name === 'deadline-alerts')).toMatchObject({
      schedule: '15 6 * * *',
      timezone: 'Asia/Ho_Chi_Minh',
      lastRun: null,
    });
    expect(items.find((j) => j.name === 'data-retention')!.schedule).toBe('0 3 * * 0');
  });

  it('an admin runs a job now and gets its run record, which then shows as the last run', async () => {
    const res = await h.request({ method: 'POST', url: '/jobs/deadline-alerts/run', as: actors.admin() });
    expect(res.statusCode, res.body).toBe(200);
    const run = res.json();
    expect(run).toMatchObject({
      jobName: 'deadline-alerts',
      trigger: 'manual',
      status: 'succeeded',
      error: null,
      actorId: actors.admin().id,
      counts: { contractEnding90: 0, readyTooLong: 0 },
    });
    expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));

    const list = await h.request({ method: 'GET', url: '/jobs', as: actors.admin() });
    const job = list.json().items.find((j: { name: string }) => j.name === 'deadline-alerts');
    expect(job.lastRun.id).toBe(run.id);
  });

  it('only an admin may list or run jobs', async () => {
    const others = [
      actors.center(crypto.randomUUID()),
      actors.province('01'),
      actors.partner(crypto.randomUUID()),
    ];
    for (const as of others) {
      expect((await h.request({ method: 'GET', url: '/jobs', as })).statusCode).toBe(403);
      expect((await h.request({ method: 'POST', url: '/jobs/data-retention/run', as })).statusCode).toBe(403);
    }
    expect((await runsOf('data-retention')).length).toBe(0);
  });

  it('an unknown job is a 404 and a malformed name a 400', async () => {
    const unknown = await h.request({ method: 'POST', url: '/jobs/backup/run', as: actors.admin() });
    expect(unknown.statusCode).toBe(404);
    const bad = await h.request({ method: 'POST', url: '/jobs/Not%20A%20Job/run', as: actors.admin() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('name');
  });

  it('the operations endpoints are in the OpenAPI document', async () => {
    const res = await h.request({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/jobs', '/jobs/{name}/run', '/alerts', '/alerts/{id}/close']),
    );
  });
});

describe('job schedules in the configuration', () => {
  it('reads CRON_* schedules and refuses one that is not a cron expression', () => {
    const config = testConfig({ CRON_DEADLINE_ALERTS: '0 7 * * 1-5', CRON_TIMEZONE: 'UTC' });
    expect(config.cronSchedules['deadline-alerts']).toBe('0 7 * * 1-5');
    expect(config.cronTimezone).toBe('UTC');
    let error: unknown;
    try {
      loadConfig({ CRON_DATA_RETENTION: 'every night', CRON_TIMEZONE: 'Asia/Hanoi City' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/CRON_DATA_RETENTION: must be a cron expression/);
    expect(problems).toMatch(/CRON_TIMEZONE: must be an IANA time zone/);
  });
});

describe('the job runner', () => {
  it('records a failed run with its error, and the job runs again next time', async () => {
    let fail = true;
    const runner = createJobRunner({
      database: h.database,
      config: h.app.services.config,
      jobs: [
        {
          name: 'flaky',
          description: 'fails once',
          async run() {
            if (fail) throw new Error('the mail server did not answer');
            return { counts: { sent: 2 } };
          },
        },
      ],
    });
    const failed = await runner.run('flaky', { trigger: 'manual' });
    expect(failed).toMatchObject({ status: 'failed', error: 'the mail server did not answer', counts: null });
    fail = false;
    const ok = await runner.run('flaky', { trigger: 'manual' });
    expect(ok).toMatchObject({ status: 'succeeded', counts: { sent: 2 }, error: null });
  });

  it('runs a scheduled tick once, however many times it fires', async () => {
    let calls = 0;
    const runner = createJobRunner({
      database: h.database,
      config: h.app.services.config,
      jobs: [{ name: 'tick', description: 'counts', run: async () => ({ counts: { calls: ++calls } }) }],
    });
    const tick1 = new Date('2026-03-01T06:15:00Z');
    const tick2 = new Date('2026-03-02T06:15:00Z');
    expect(await runner.run('tick', { trigger: 'scheduled', scheduledFor: tick1 })).toMatchObject({
      status: 'succeeded',
    });
    expect(await runner.run('tick', { trigger: 'scheduled', scheduledFor: tick1 })).toBeNull();
    expect(await runner.run('tick', { trigger: 'scheduled', scheduledFor: tick2 })).toMatchObject({
      status: 'succeeded',
    });
    expect(calls).toBe(2);
    const runs = await runsOf('tick');
    expect(runs.map((r) => r.scheduledFor?.toISOString())).toEqual([
      tick1.toISOString(),
      tick2.toISOString(),
    ]);
  });

  it('hands the job the tick as its clock', async () => {
    let seen: Date | undefined;
    const runner = createJobRunner({
      database: h.database,
      config: h.app.services.config,
      jobs: [
        {
          name: 'clock',
          description: '',
          async run({ now }) {
            seen = now;
            return { counts: {} };
          },
        },
      ],
    });
    await runner.run('clock', { trigger: 'scheduled', scheduledFor: new Date('2030-01-01T00:00:00.400Z') });
    expect(seen?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('answers a skipped run when asked to run a job that is already running', async () => {
    const held = heldJob('held');
    const runner = createJobRunner({ database: h.database, config: h.app.services.config, jobs: [held.job] });
    const first = runner.run('held', { trigger: 'manual' });
    await held.started;
    const second = await runner.run('held', { trigger: 'manual' });
    expect(second).toMatchObject({ status: 'skipped', error: expect.stringContaining('already running') });
    // A scheduled tick that finds it busy records nothing.
    expect(await runner.run('held', { trigger: 'scheduled', scheduledFor: new Date() })).toBeNull();
    held.release();
    expect(await first).toMatchObject({ status: 'succeeded' });
    expect(held.calls()).toBe(1);
    expect((await runsOf('held')).map((r) => r.status)).toEqual(['succeeded', 'skipped']);
  });

  it('marks a run left "running" by an instance that died as failed when the job next runs', async () => {
    await h.database.db
      .insert(jobRuns)
      .values({ jobName: 'orphan', trigger: 'scheduled', status: 'running', instance: 'gone:1' });
    const runner = createJobRunner({
      database: h.database,
      config: h.app.services.config,
      jobs: [{ name: 'orphan', description: '', run: async () => ({ counts: {} }) }],
    });
    await runner.run('orphan', { trigger: 'manual' });
    const runs = await runsOf('orphan');
    expect(runs.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    expect(runs[0]!.error).toMatch(/interrupted/);
  });
});

describe('graceful shutdown', () => {
  it('stopping the scheduler waits for the job that is running', async () => {
    const held = heldJob('slow');
    const config = { ...h.app.services.config, cronSchedules: { slow: '0 4 * * *' } };
    const runner = createJobRunner({ database: h.database, config, jobs: [held.job] });
    const log = { info() {}, warn() {}, error() {}, debug() {} };
    const scheduler = startScheduler(runner, config, log);
    expect([...scheduler.tasks.keys()]).toEqual(['slow']);

    // Fire the task as node-cron would on its tick, without waiting for 04:00.
    void scheduler.tasks.get('slow')!.execute();
    await held.started;
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(false);
    // The job is told to stop at its next safe point.
    expect(held.signal()?.aborted).toBe(true);
    held.release();
    await stopping;
    expect((await runsOf('slow')).map((r) => r.status)).toEqual(['succeeded']);
    // After shutdown nothing new starts.
    expect(await runner.run('slow', { trigger: 'manual' })).toMatchObject({ status: 'skipped' });
  });

  it('closing the service with CRON_ENABLED waits for a running job before letting go of the database', async () => {
    const app = await buildApp(testConfig({ CRON_ENABLED: 'true' }), { database: h.database, logger: false });
    await app.ready();
    let done = false;
    const run = app.services.operations.runner.run('deadline-alerts', { trigger: 'manual' }).then((r) => {
      done = true;
      return r;
    });
    await app.close();
    expect(done).toBe(true);
    expect(await run).toMatchObject({ status: 'succeeded' });
  });
});

// Several instances on one PostgreSQL database: separate connection pools, as separate processes have.
describe.skipIf(!onPostgres())('several instances on one PostgreSQL database', () => {
  const extra: Database[] = [];
  const open = async () => {
    const testDb = inject('testDb');
    if (testDb.kind !== 'postgres') throw new Error('PostgreSQL only');
    const database = await openDatabase({
      databaseUrl: withDatabase(testDb.url, h.database.sql!.options.database),
      poolSize: 3,
    });
    extra.push(database);
    return database;
  };
  afterAll(async () => {
    for (const d of extra) await d.close();
  });

  it('three schedulers firing the same tick run the job once, and the others record nothing', async () => {
    const held = heldJob('shared');
    const config = h.app.services.config;
    const runners: JobRunner[] = [
      createJobRunner({ database: h.database, config, jobs: [held.job], instance: 'A' }),
      createJobRunner({ database: await open(), config, jobs: [held.job], instance: 'B' }),
      createJobRunner({ database: await open(), config, jobs: [held.job], instance: 'C' }),
    ];
    const tick = new Date('2026-03-01T06:15:00Z');
    const first = runners[0]!.run('shared', { trigger: 'scheduled', scheduledFor: tick });
    await held.started;
    // B and C fire while A holds the advisory lock…
    const others = await Promise.all(
      runners.slice(1).map((r) => r.run('shared', { trigger: 'scheduled', scheduledFor: tick })),
    );
    expect(others).toEqual([null, null]);
    // …and a manual run elsewhere is answered with a skipped record.
    const manual = await runners[1]!.run('shared', { trigger: 'manual' });
    expect(manual).toMatchObject({
      status: 'skipped',
      instance: 'B',
      error: expect.stringContaining('another instance'),
    });
    held.release();
    expect(await first).toMatchObject({ status: 'succeeded', instance: 'A' });
    // C fires late, after A finished and let go of the lock: the tick is already served.
    expect(await runners[2]!.run('shared', { trigger: 'scheduled', scheduledFor: tick })).toBeNull();
    expect(held.calls()).toBe(1);

    const runs = await runsOf('shared');
    expect(
      runs.filter((r) => r.status !== 'skipped').map((r) => [r.instance, r.scheduledFor?.toISOString()]),
    ).toEqual([['A', tick.toISOString()]]);
  });

  it('three instances running deadline alerts on one tick raise each alert once', async () => {
    const config = h.app.services.config;
    const { seed } = h;
    const center = await seed.center();
    await seed.candidate({
      trainingCenterId: center.id,
      status: 'ready',
      statusChangedAt: new Date('2020-01-01T00:00:00Z'),
    });
    const runners = [h.database, await open(), await open()].map((database, i) =>
      createJobRunner({ database, config, jobs: JOBS, instance: `i${i}` }),
    );
    const ticks = [new Date('2026-05-01T23:15:00Z'), new Date('2026-05-02T23:15:00Z')];
    for (const tick of ticks) {
      const results = await Promise.all(
        runners.map((r) => r.run('deadline-alerts', { trigger: 'scheduled', scheduledFor: tick })),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    }
    const perTick = await queryRows<{ tick: string; n: number }>(
      h.database.db,
      sql`select scheduled_for::text as tick, count(*)::int as n from job_runs
           where job_name = 'deadline-alerts' and trigger = 'scheduled' group by 1 order by 1`,
    );
    expect(perTick.map((r) => r.n)).toEqual([1, 1]);
    const [alerts] = await queryRows<{ n: number }>(
      h.database.db,
      sql`select count(*)::int as n from alerts where kind = 'ready_too_long'`,
    );
    expect(alerts!.n).toBe(1);
  });
});
