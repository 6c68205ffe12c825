import { databaseBackupJob } from './db/backup.ts';
import type { JobDefinition } from './jobs/types.ts';
import { anonymiseWithdrawnCandidates } from './modules/candidates/candidates.jobs.ts';
import { deadlineAlerts, sweepRateLimits } from './modules/operations/operations.jobs.ts';
import { grievanceOverdueJob } from './modules/protection/protection.jobs.ts';

/**
 * Every scheduled job, assembled from the periodic work each module defines over its own tables and
 * handed to the runner (src/services.ts). A job's schedule is `config.cronSchedules[name]` (CRON_* in
 * src/config.ts); its name keys its advisory lock and its `job_runs` records: never rename one.
 */
export const JOBS: readonly JobDefinition[] = [
  {
    name: 'deadline-alerts',
    description:
      'Raises alerts: contracts ending within 90/30 days, residence cards expiring, departures within 30 days without orientation, interviews passed without selection, candidates ready for more than 180 days',
    run: deadlineAlerts,
  },
  {
    name: 'data-retention',
    description: 'Anonymises candidates withdrawn more than RETENTION_YEARS years ago',
    async run(ctx) {
      const counts = await anonymiseWithdrawnCandidates(ctx);
      return { counts: { ...counts, rateLimitCountersRemoved: await sweepRateLimits(ctx) } };
    },
  },
  databaseBackupJob,
  grievanceOverdueJob,
];
