import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { readPage } from '../../db/query.ts';
import type { JobRunner } from '../../jobs/runner.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import type { AlertQuery, JobRunsQuery } from './operations.schemas.ts';
import { alerts, jobRuns } from './operations.table.ts';

export interface OperationsServiceDeps {
  db: Db;
  config: Config;
  /** Built in src/services.ts with the job registry; tests may hand one with their own jobs or clock. */
  runner: JobRunner;
}

type AlertRow = typeof alerts.$inferSelect;

const alertPager = keyset([
  { expr: alerts.raisedAt, kind: 'timestamp', dir: 'desc' },
  { expr: alerts.id, kind: 'uuid', dir: 'desc' },
]);

// Ids are drawn in the order runs start: newest first is id descending (the job_runs_job_idx index).
const jobRunPager = keyset([{ expr: jobRuns.id, kind: 'int', dir: 'desc' }]);

function toAlertOut({ provinceCode2025, ...row }: AlertRow) {
  return { ...row, provinceCode: provinceCode2025 };
}

/** The scheduled jobs, their schedules (from the configuration) and the latest run of each. */
export async function listJobs({ db, config, runner }: OperationsServiceDeps) {
  const last = await db
    .selectDistinctOn([jobRuns.jobName])
    .from(jobRuns)
    .where(ne(jobRuns.status, 'skipped'))
    .orderBy(jobRuns.jobName, desc(jobRuns.id));
  const byName = new Map(last.map((r) => [r.jobName, r]));
  return {
    items: runner.jobs.map((job) => ({
      name: job.name,
      description: job.description,
      schedule: config.cronSchedules[job.name] ?? '',
      timezone: config.cronTimezone,
      running: runner.isRunning(job.name),
      lastRun: byName.get(job.name) ?? null,
    })),
  };
}

/** The runs of one job as `job_runs` holds them, newest first, one keyset page; an unknown job is a 404. */
export async function listJobRuns(
  { db, runner }: Pick<OperationsServiceDeps, 'db' | 'runner'>,
  name: string,
  query: JobRunsQuery,
) {
  if (!runner.job(name)) throw notFound(`The job ${name}`);
  const page = await readPage(jobRunPager, query, (after) =>
    db
      .select({ run: jobRuns, ...jobRunPager.keys })
      .from(jobRuns)
      .where(and(eq(jobRuns.jobName, name), after)),
  );
  return { items: page.items.map((r) => r.run), nextCursor: page.nextCursor };
}

/** Runs a job now and answers its run record (a `skipped` one when it is already running). */
export async function runJob({ runner }: Pick<OperationsServiceDeps, 'runner'>, actor: Actor, name: string) {
  const run = await runner.run(name, { trigger: 'manual', actorId: actor.id });
  if (run === undefined) throw notFound(`The job ${name}`);
  // A manual run always leaves a record; null is only for scheduled ticks.
  if (run === null) throw conflict(`The job ${name} could not start.`);
  return run;
}

/** The alerts in the actor's scope, newest first, one keyset page. */
export async function listAlerts(
  { db }: Pick<OperationsServiceDeps, 'db'>,
  actor: Actor,
  filter: AlertQuery,
) {
  const page = await readPage(alertPager, filter, (after) =>
    db
      .select({ alert: alerts, ...alertPager.keys })
      .from(alerts)
      .where(
        and(
          access.alert(actor),
          eq(alerts.status, filter.status),
          filter.kind ? eq(alerts.kind, filter.kind) : undefined,
          after,
        ),
      ),
  );
  return { items: page.items.map((r) => toAlertOut(r.alert)), nextCursor: page.nextCursor };
}

/** What closing an alert may say. */
export type CloseAlertInput = { note?: string | undefined } | null | undefined;

/** Closes an open alert the actor can see; an alert outside the scope is a 404. */
export async function closeAlert(
  { db }: Pick<OperationsServiceDeps, 'db'>,
  actor: Actor,
  id: string,
  body: CloseAlertInput,
) {
  const scope = access.alert(actor);
  const [closed] = await db
    .update(alerts)
    .set({
      status: 'closed',
      closedAt: sql`now()`,
      closedBy: actor.id,
      closeNote: body?.note ?? null,
    })
    .where(and(eq(alerts.id, id), eq(alerts.status, 'open'), scope))
    .returning();
  if (closed) return toAlertOut(closed);
  const [existing] = await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.id, id), scope));
  if (!existing) throw notFound('The alert');
  throw conflict(
    `The alert was already closed on ${existing.closedAt?.toISOString() ?? 'an earlier date'}.`,
    [{ path: 'id', message: 'is already closed' }],
  );
}

/** Binds the deps once; routes call `app.services.operations.listAlerts(actor, query)`. */
export function createOperationsService(deps: OperationsServiceDeps) {
  return {
    /** The scheduler (src/app.ts) ticks this runner. */
    runner: deps.runner,
    listJobs: () => listJobs(deps),
    runJob: (actor: Actor, name: string) => runJob(deps, actor, name),
    listJobRuns: (name: string, query: JobRunsQuery) => listJobRuns(deps, name, query),
    listAlerts: (actor: Actor, filter: AlertQuery) => listAlerts(deps, actor, filter),
    closeAlert: (actor: Actor, id: string, body: CloseAlertInput) => closeAlert(deps, actor, id, body),
  };
}

export type OperationsService = ReturnType<typeof createOperationsService>;
