import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';

export const JOB_RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped'] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

/** One row per run of a scheduled job (src/jobs), on whichever instance ran it. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobName: text('job_name').notNull(),
    trigger: text('trigger').$type<'scheduled' | 'manual'>().notNull(),
    /**
     * The cron tick (to the minute) a scheduled run belongs to. Unique per job: when several instances
     * fire on the same tick, the first one to take the advisory lock claims the tick and the others
     * find it taken and record nothing — even if they get the lock after the first has finished.
     */
    scheduledFor: columns.at('scheduled_for'),
    status: text('status').$type<JobRunStatus>().notNull(),
    startedAt: columns.at('started_at').notNull().defaultNow(),
    finishedAt: columns.at('finished_at'),
    counts: jsonb('counts').$type<Record<string, number>>(),
    error: text('error'),
    /** The instance that ran it (host:pid), for tracing a run across several instances. */
    instance: text('instance').notNull(),
    actorId: uuid('actor_id'),
  },
  (t) => [
    check('job_runs_status_check', sql`${t.status} in ('running', 'succeeded', 'failed', 'skipped')`),
    check('job_runs_trigger_check', sql`${t.trigger} in ('scheduled', 'manual')`),
    uniqueIndex('job_runs_tick_unique')
      .on(t.jobName, t.scheduledFor)
      .where(sql`${t.scheduledFor} is not null`),
    index('job_runs_job_idx').on(t.jobName, t.id),
  ],
);

export const ALERT_KINDS = [
  'contract_ending',
  'departure_without_orientation',
  'interview_without_selection',
  'ready_too_long',
  'residence_card_expiring',
  // Raised at the moment, by the placement cancel (src/modules/placements), not by a job.
  'partner_cancellations',
  'selection_cancelled_after_read',
  // Raised by the fee ledger (src/modules/protection) and its grievance-overdue job.
  'fee_over_cap',
  'grievance_overdue',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * Alerts raised by the deadline-alerts job. Each is raised once: the unique key is the subject, the
 * kind, the threshold (90/30 days…) and the date it is about, and the job inserts with
 * ON CONFLICT DO NOTHING. The scope columns are copied from the subject when raised so that
 * "which alerts may this user read" is a WHERE on the alert row alone.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: columns.id(),
    kind: text('kind').$type<AlertKind>().notNull(),
    subjectType: text('subject_type')
      .$type<'placement' | 'job_order' | 'candidate' | 'partner' | 'grievance'>()
      .notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** Days: 90 or 30 before a contract end, 30 before departure, 180 in `ready`, 0 when overdue. */
    thresholdDays: integer('threshold_days').notNull(),
    /** The date the alert is about (contract end, departure, interview, 180th day in `ready`). */
    dueOn: columns.day('due_on').notNull(),
    message: text('message').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    candidateId: uuid('candidate_id'),
    candidateCode: text('candidate_code'),
    placementId: uuid('placement_id'),
    jobOrderId: uuid('job_order_id'),
    trainingCenterId: uuid('training_center_id'),
    provinceCode2025: text('province_code_2025'),
    partnerId: uuid('partner_id'),
    status: text('status').$type<'open' | 'closed'>().notNull().default('open'),
    // Milliseconds, not PostgreSQL's microseconds: the list's keyset cursor carries it through a JS Date.
    raisedAt: columns.at('raised_at').notNull().default(sql`date_trunc('milliseconds', now())`),
    closedAt: columns.at('closed_at'),
    closedBy: uuid('closed_by'),
    closeNote: text('close_note'),
  },
  (t) => [
    uniqueIndex('alerts_once_unique').on(t.kind, t.subjectId, t.thresholdDays, t.dueOn),
    check('alerts_status_check', sql`${t.status} in ('open', 'closed')`),
    check(
      'alerts_kind_check',
      sql`${t.kind} in ('contract_ending', 'departure_without_orientation', 'interview_without_selection', 'ready_too_long', 'residence_card_expiring', 'partner_cancellations', 'selection_cancelled_after_read', 'fee_over_cap', 'grievance_overdue')`,
    ),
    // Keyset pagination, newest first, per scope.
    index('alerts_status_idx').on(t.status, t.raisedAt, t.id),
    index('alerts_center_idx').on(t.trainingCenterId, t.status, t.raisedAt, t.id),
    index('alerts_province_idx').on(t.provinceCode2025, t.status, t.raisedAt, t.id),
    index('alerts_partner_idx').on(t.partnerId, t.status, t.raisedAt, t.id),
  ],
);

/**
 * Request counters of the rate limits (login, public verification), shared by every instance: a
 * national deployment runs several behind a load balancer, and a limit kept in one instance's memory
 * would multiply by their number. `key` is a SHA-256 of the route and the client key (address and
 * email), so no email or address is stored; rows past `expires_at` are reused or swept.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    expiresAt: columns.at('expires_at').notNull(),
  },
  (t) => [index('rate_limits_expires_idx').on(t.expiresAt)],
);
