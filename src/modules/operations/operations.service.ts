import { and, desc, eq, ne, type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Database, Db } from '../../db/client.ts';
import { createJobRunner, type JobRunner } from '../../jobs/runner.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { decodeCursor, pageOf } from '../../lib/pagination.ts';
import type { Actor } from '../../plugins/auth.ts';
import type { AlertQuery } from './operations.schemas.ts';
import { alerts, jobRuns } from './operations.table.ts';

export interface OperationsServiceDeps {
  db: Db;
  config: Config;
  database: Database;
  /** Tests inject a runner with their own jobs or clock. */
  runner?: JobRunner;
}

type AlertRow = typeof alerts.$inferSelect;

/**
 * Which alerts an actor reads: admin all; a center its trainees'; a province officer those of
 * candidates from its province; a partner those of its own job orders and their placements. The
 * scope columns were copied onto the alert when it was raised.
 */
export function alertScope(actor: Actor): SQL | undefined {
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'center':
      return eq(alerts.trainingCenterId, actor.trainingCenterId!);
    case 'province':
      return eq(alerts.provinceCode2025, actor.provinceCode!);
    case 'partner':
      return eq(alerts.partnerId, actor.partnerId!);
  }
}

function toAlertOut({ provinceCode2025, ...row }: AlertRow) {
  return { ...row, provinceCode: provinceCode2025 };
}

export function createOperationsService({ db, config, database, runner: given }: OperationsServiceDeps) {
  const runner = given ?? createJobRunner({ database, config });

  return {
    runner,

    async listJobs() {
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
    },

    /** Runs a job now and answers its run record (a `skipped` one when it is already running). */
    async runJob(name: string, actor: Actor) {
      const run = await runner.run(name, { trigger: 'manual', actorId: actor.id });
      if (run === undefined) throw notFound(`The job ${name}`);
      // A manual run always leaves a record; null is only for scheduled ticks.
      if (run === null) throw conflict(`The job ${name} could not start.`);
      return run;
    },

    async listAlerts(filter: AlertQuery, actor: Actor) {
      const cursor = decodeCursor(filter.cursor, 2);
      const rows = await db
        .select()
        .from(alerts)
        .where(
          and(
            alertScope(actor),
            eq(alerts.status, filter.status),
            filter.kind ? eq(alerts.kind, filter.kind) : undefined,
            cursor
              ? sql`(${alerts.raisedAt}, ${alerts.id}) < (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(alerts.raisedAt), desc(alerts.id))
        .limit(filter.limit + 1);
      const page = pageOf(rows, filter.limit, (r) => [r.raisedAt.toISOString(), r.id]);
      return { items: page.items.map(toAlertOut), nextCursor: page.nextCursor };
    },

    /** Closes an open alert the actor can see; an alert outside the scope is a 404. */
    async closeAlert(id: string, body: { note?: string | undefined } | null | undefined, actor: Actor) {
      const scope = alertScope(actor);
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
    },
  };
}

export type OperationsService = ReturnType<typeof createOperationsService>;
