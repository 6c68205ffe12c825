import { dataRetention } from './data-retention.ts';
import { deadlineAlerts } from './deadline-alerts.ts';
import type { JobDefinition } from './types.ts';

/** Every scheduled job. Its schedule is `config.cronSchedules[name]` (CRON_* in src/config.ts). */
export const JOBS: readonly JobDefinition[] = [
  {
    name: 'deadline-alerts',
    description:
      'Raises alerts: contracts ending within 90/30 days, departures within 30 days without orientation, interviews passed without selection, candidates ready for more than 180 days',
    run: deadlineAlerts,
  },
  {
    name: 'data-retention',
    description: 'Anonymises candidates withdrawn more than RETENTION_YEARS years ago',
    run: dataRetention,
  },
];
