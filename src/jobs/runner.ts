import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { queryRows } from '../db/query.ts';
import { type JobRunStatus, jobRuns } from '../db/schema.ts';
import type { JobDefinition } from './types.ts';

export type JobRun = typeof jobRuns.$inferSelect;

/** Namespace of the job locks (first key of the two-key advisory lock); migrations use 727274. */
const LOCK_NAMESPACE = 727275;

/** A stable 32-bit key per job name: every instance derives the same lock from the same name. */
export function jobLockKey(name: string): number {
  return createHash('sha256').update(`kakehashi.job:${name}`).digest().readInt32BE(0);
}

export interface JobRunnerOptions {
  database: Database;
  config: Config;
  /** The jobs it may run: the registry (src/job-registry.ts), or a test's own. */
  jobs: readonly JobDefinition[];
  /** The wall clock for run records and manual runs; tests inject one. */
  clock?: () => Date;
  /** Names this process in `job_runs.instance`. */
  instance?: string;
}

export interface RunRequest {
  trigger: 'scheduled' | 'manual';
  /** The cron tick a scheduled run belongs to; at most one run per (job, tick) across instances. */
  scheduledFor?: Date;
  actorId?: string | null;
  /** The moment the job works for (defaults to the tick, or the clock for a manual run). */
  now?: Date;
}

/** What a run needs, fixed when the runner is made. */
interface RunContext {
  database: Database;
  config: Config;
  clock: () => Date;
  instance: string;
  /** Aborted by `drain()`: running jobs stop at their next safe point. */
  signal: AbortSignal;
}

/** Runs `fn` while holding the job's advisory lock; `{ locked: false }` when another session has it. */
async function withJobLock<T>(
  database: Database,
  name: string,
  fn: () => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  const key = jobLockKey(name);
  if (database.kind === 'postgres') {
    // Session-level locks belong to a connection: reserve one from the pool for the whole run, or
    // the unlock could go to a different connection and the lock would stay held.
    const conn = await database.sql!.reserve();
    try {
      const [row] = await conn<
        { ok: boolean }[]
      >`select pg_try_advisory_lock(${LOCK_NAMESPACE}::int, ${key}::int) as ok`;
      if (!row?.ok) return { locked: false };
      try {
        return { locked: true, value: await fn() };
      } finally {
        await conn`select pg_advisory_unlock(${LOCK_NAMESPACE}::int, ${key}::int)`;
      }
    } finally {
      conn.release();
    }
  }
  const { db } = database;
  const [row] = await queryRows<{ ok: boolean }>(
    db,
    sql`select pg_try_advisory_lock(${LOCK_NAMESPACE}::int, ${key}::int) as ok`,
  );
  if (!row?.ok) return { locked: false };
  try {
    return { locked: true, value: await fn() };
  } finally {
    await db.execute(sql`select pg_advisory_unlock(${LOCK_NAMESPACE}::int, ${key}::int)`);
  }
}

/** A manual run that could not start leaves a `skipped` record saying why; a scheduled tick leaves none. */
async function recordSkipped(
  { database, clock, instance }: RunContext,
  name: string,
  request: RunRequest,
  why: string,
): Promise<JobRun | null> {
  if (request.trigger === 'scheduled') return null;
  const at = clock();
  const [row] = await database.db
    .insert(jobRuns)
    .values({
      jobName: name,
      trigger: request.trigger,
      status: 'skipped',
      startedAt: at,
      finishedAt: at,
      error: why,
      instance,
      actorId: request.actorId ?? null,
    })
    .returning();
  return row!;
}

/** Runs one job under its lock with its run record: `running`, then `succeeded` or `failed`. */
async function executeJob(ctx: RunContext, job: JobDefinition, request: RunRequest): Promise<JobRun | null> {
  const { database, config, clock, instance, signal } = ctx;
  const { db } = database;
  const scheduledFor = request.scheduledFor ? truncateToSecond(request.scheduledFor) : null;
  const outcome = await withJobLock(database, job.name, async () => {
    // Holding the lock, nobody else runs this job: a 'running' record is from an instance that died.
    await db
      .update(jobRuns)
      .set({ status: 'failed', finishedAt: clock(), error: 'interrupted: the instance running it stopped' })
      .where(and(eq(jobRuns.jobName, job.name), eq(jobRuns.status, 'running')));
    const [run] = await db
      .insert(jobRuns)
      .values({
        jobName: job.name,
        trigger: request.trigger,
        scheduledFor,
        status: 'running',
        startedAt: clock(),
        instance,
        actorId: request.actorId ?? null,
      })
      .onConflictDoNothing()
      .returning();
    // Another instance already served this tick.
    if (!run) return null;
    let status: JobRunStatus = 'succeeded';
    let counts: Record<string, number> | null = null;
    let error: string | null = null;
    try {
      const result = await job.run({ db, config, now: request.now ?? scheduledFor ?? clock(), signal });
      counts = result.counts;
    } catch (err) {
      status = 'failed';
      error = err instanceof Error ? err.message : String(err);
    }
    const [done] = await db
      .update(jobRuns)
      .set({ status, counts, error, finishedAt: clock() })
      .where(eq(jobRuns.id, run.id))
      .returning();
    return done!;
  });
  if (!outcome.locked)
    return recordSkipped(ctx, job.name, request, 'already running (another instance holds its lock)');
  return outcome.value;
}

/**
 * Runs jobs under a PostgreSQL advisory lock held on ONE connection for the whole run, with a
 * `job_runs` record. With several instances on one database:
 * - the lock means a job never runs twice at the same time;
 * - the unique (job, tick) of scheduled runs means it runs once per tick, even when a second instance
 *   takes the lock after the first one has finished;
 * - an instance that loses either race records nothing (the tick was served); a MANUAL run that finds
 *   the job running records and answers a `skipped` run saying so.
 * On PGlite there is one connection (and a session's advisory locks are re-entrant), so a map of the
 * runs in flight in this process guards it as well; `drain()` waits for them (graceful shutdown).
 * The runner keeps that state (the runs in flight, whether it is closed); the work is in the named
 * functions above.
 */
export function createJobRunner(options: JobRunnerOptions) {
  const { jobs } = options;
  const shutdown = new AbortController();
  const ctx: RunContext = {
    database: options.database,
    config: options.config,
    clock: options.clock ?? (() => new Date()),
    instance: options.instance ?? `${hostname()}:${process.pid}`,
    signal: shutdown.signal,
  };
  const inFlight = new Map<string, Promise<JobRun | null>>();
  let closed = false;

  return {
    jobs,
    instance: ctx.instance,

    job(name: string): JobDefinition | undefined {
      return jobs.find((j) => j.name === name);
    },

    /**
     * Runs the job now. Answers its run record; null when a scheduled run found its tick already
     * served or the job busy elsewhere; undefined for an unknown job.
     */
    async run(name: string, request: RunRequest): Promise<JobRun | null | undefined> {
      const job = jobs.find((j) => j.name === name);
      if (!job) return undefined;
      if (closed) return recordSkipped(ctx, name, request, 'the service is shutting down');
      // Checked and set in the same tick: two calls in this process cannot both pass.
      if (inFlight.has(name)) return recordSkipped(ctx, name, request, 'already running on this instance');
      const promise = executeJob(ctx, job, request);
      inFlight.set(name, promise);
      try {
        return await promise;
      } finally {
        inFlight.delete(name);
      }
    },

    isRunning(name: string): boolean {
      return inFlight.has(name);
    },

    /**
     * Refuses new runs, asks running ones to stop at their next safe point, and waits for them: call
     * before the database closes.
     */
    async drain(): Promise<void> {
      closed = true;
      shutdown.abort();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;

function truncateToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
