import { pageQuery } from '../../lib/pagination.ts';
import { z } from '../../lib/zod.ts';
import { ALERT_KINDS, JOB_RUN_STATUSES } from './operations.table.ts';

export const jobNameParams = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/, 'must be a job name such as deadline-alerts')
    .describe('A job name from GET /jobs'),
});

export const jobRunOut = z.object({
  id: z.number().int(),
  jobName: z.string(),
  trigger: z.enum(['scheduled', 'manual']),
  scheduledFor: z.date().nullable().describe('The cron tick of a scheduled run'),
  status: z.enum(JOB_RUN_STATUSES),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  counts: z.record(z.string(), z.number()).nullable().describe('What the run did, e.g. { anonymised: 3 }'),
  error: z.string().nullable().describe('Why it failed, or why it was skipped'),
  instance: z.string().describe('The instance (host:pid) that ran it'),
  actorId: z.string().nullable().describe('Who asked for a manual run'),
});

export const jobOut = z.object({
  name: z.string(),
  description: z.string(),
  schedule: z.string().describe('Cron expression (CRON_* setting)'),
  timezone: z.string(),
  running: z.boolean().describe('Running on the instance that answered'),
  lastRun: jobRunOut.nullable().describe('The latest run that was not skipped, on any instance'),
});

export const jobListOut = z.object({ items: z.array(jobOut) });

export const jobRunsQuery = z.object({ ...pageQuery.shape });
export type JobRunsQuery = z.infer<typeof jobRunsQuery>;

export const jobRunListOut = z.object({
  items: z.array(jobRunOut).describe('Every run of the job (skipped ones too), newest first'),
  nextCursor: z.string().nullable(),
});

export const alertQuery = z.object({
  kind: z.enum(ALERT_KINDS).optional(),
  status: z.enum(['open', 'closed']).default('open'),
  ...pageQuery.shape,
});
export type AlertQuery = z.infer<typeof alertQuery>;

export const alertParams = z.object({ id: z.uuid() });

export const closeAlertBody = z
  .strictObject({ note: z.string().trim().min(1).max(1000).optional().describe('What was done about it') })
  .nullish()
  .describe('Optional: a POST with no body closes without a note');

export const alertOut = z.object({
  id: z.uuid(),
  kind: z.enum(ALERT_KINDS),
  subjectType: z.enum(['placement', 'job_order', 'candidate', 'partner', 'grievance']),
  subjectId: z.uuid(),
  thresholdDays: z.number().int(),
  dueOn: z
    .string()
    .describe('The date the alert is about: contract end, departure, interview, 180th day ready'),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  candidateId: z.uuid().nullable(),
  candidateCode: z.string().nullable(),
  placementId: z.uuid().nullable(),
  jobOrderId: z.uuid().nullable(),
  trainingCenterId: z.uuid().nullable(),
  provinceCode: z.string().nullable().describe("The candidate's 2025 home province"),
  partnerId: z.uuid().nullable(),
  status: z.enum(['open', 'closed']),
  raisedAt: z.date(),
  closedAt: z.date().nullable(),
  closedBy: z.string().nullable(),
  closeNote: z.string().nullable(),
});

export const alertListOut = z.object({ items: z.array(alertOut), nextCursor: z.string().nullable() });
