import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';
import { partners } from '../organisations/organisations.table.ts';

export const jobOrders = pgTable(
  'job_orders',
  {
    id: columns.id(),
    partnerId: columns.ref('partner_id', () => partners.id),
    prefectureCode: text('prefecture_code').notNull(),
    municipality: text('municipality'),
    employerName: text('employer_name').notNull(),
    program: text('program').notNull(),
    field: text('field').notNull(),
    headcount: integer('headcount').notNull(),
    minJlpt: text('min_jlpt'),
    gender: text('gender'),
    ageMin: integer('age_min'),
    ageMax: integer('age_max'),
    interviewOn: columns.day('interview_on'),
    departureBy: columns.day('departure_by'),
    status: text('status').$type<'open' | 'filled' | 'closed'>().notNull().default('open'),
    closeReason: text('close_reason'),
    closedAt: columns.at('closed_at'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check('job_orders_headcount_check', sql`${t.headcount} >= 1`),
    check(
      'job_orders_age_check',
      sql`${t.ageMin} is null or ${t.ageMax} is null or ${t.ageMin} <= ${t.ageMax}`,
    ),
    check('job_orders_status_check', sql`${t.status} in ('open', 'filled', 'closed')`),
    check('job_orders_gender_check', sql`${t.gender} is null or ${t.gender} in ('male', 'female')`),
    index('job_orders_partner_idx').on(t.partnerId, t.createdAt),
  ],
);

/**
 * Selections a partner cancelled (not those cancelled by the center or an admin): what the cancel
 * quota counts. A cancelled selection returns the candidate to the pool, so without a limit a partner
 * could select, read the identity and cancel, over and over.
 */
export const selectionCancellations = pgTable(
  'selection_cancellations',
  {
    id: columns.id(),
    partnerId: columns.ref('partner_id', () => partners.id),
    placementId: uuid('placement_id').notNull(),
    candidateId: uuid('candidate_id').notNull(),
    actorId: uuid('actor_id'),
    /** Whether the partner had read the candidate's record (a disclosure) before cancelling. */
    afterRead: boolean('after_read').notNull().default(false),
    cancelledAt: columns.at('cancelled_at').notNull().defaultNow(),
  },
  (t) => [index('selection_cancellations_partner_idx').on(t.partnerId, t.cancelledAt)],
);
