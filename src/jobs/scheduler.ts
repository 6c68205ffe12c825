import { createTask, type ScheduledTask } from 'node-cron';
import type { Config } from '../config.ts';
import type { JobRunner } from './runner.ts';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface Scheduler {
  /** Stops firing new ticks and waits for a job that is running (graceful shutdown). */
  stop(): Promise<void>;
  readonly tasks: ReadonlyMap<string, ScheduledTask>;
}

/**
 * Schedules every job of the runner with node-cron, at `config.cronSchedules[name]` in
 * `config.cronTimezone`. Each instance schedules every job; the runner's advisory lock and the
 * unique (job, tick) run record make one instance run it per tick.
 */
export function startScheduler(runner: JobRunner, config: Config, log: Log): Scheduler {
  const tasks = new Map<string, ScheduledTask>();
  for (const job of runner.jobs) {
    const schedule = config.cronSchedules[job.name];
    if (!schedule) continue;
    const task = createTask(
      schedule,
      async (context) => {
        try {
          const run = await runner.run(job.name, { trigger: 'scheduled', scheduledFor: context.date });
          if (!run) log.debug({ job: job.name, tick: context.date }, 'job tick served by another instance');
          else if (run.status === 'failed')
            log.error({ job: job.name, runId: run.id, error: run.error }, 'job failed');
          else
            log.info(
              { job: job.name, runId: run.id, status: run.status, counts: run.counts },
              'job finished',
            );
        } catch (err) {
          log.error({ job: job.name, err }, 'job could not run');
        }
      },
      {
        name: job.name,
        timezone: config.cronTimezone,
        noOverlap: true,
        logger: {
          info: (message) => log.info({ job: job.name }, message),
          warn: (message) => log.warn({ job: job.name }, message),
          error: (message) => log.error({ job: job.name }, String(message)),
          debug: (message) => log.debug({ job: job.name }, String(message)),
        },
      },
    );
    task.start();
    tasks.set(job.name, task);
  }
  return {
    tasks,
    async stop() {
      await Promise.all([...tasks.values()].map((t) => t.destroy()));
      await runner.drain();
    },
  };
}
