import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';

/** What a job gets: the database, the config and the clock (injected, so tests never wait). */
export interface JobContext {
  db: Db;
  config: Config;
  /** The moment the run is for: the cron tick, or the time of a manual run. */
  now: Date;
  /** Aborted when the service shuts down: a long job stops at its next safe point (between batches). */
  signal?: AbortSignal;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** What a job reports: counts of what it did, stored on its run record. */
export interface JobResult {
  counts: Record<string, number>;
}

export interface JobDefinition {
  /** URL-safe, stable: the advisory-lock key and the `job_runs.job_name` derive from it. */
  name: string;
  description: string;
  run(ctx: JobContext): Promise<JobResult>;
}
