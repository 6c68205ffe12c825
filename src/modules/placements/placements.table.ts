import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { candidates } from '../candidates/candidates.table.ts';
import { jobOrders } from '../demand/demand.table.ts';
import { homeEmployers } from '../organisations/organisations.table.ts';

export const placements = pgTable(
  'placements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => candidates.id),
    jobOrderId: uuid('job_order_id').references(() => jobOrders.id),
    destinationCountry: text('destination_country').notNull(),
    prefectureCode: text('prefecture_code'),
    municipality: text('municipality'),
    employerName: text('employer_name').notNull(),
    program: text('program').notNull(),
    field: text('field').notNull(),
    contractStart: date('contract_start', { mode: 'string' }),
    contractEnd: date('contract_end', { mode: 'string' }),
    status: text('status')
      .$type<'planned' | 'departed' | 'returned' | 'cancelled'>()
      .notNull()
      .default('planned'),
    departedOn: date('departed_on', { mode: 'string' }),
    returnedOn: date('returned_on', { mode: 'string' }),
    returnReason: text('return_reason'),
    cancelReason: text('cancel_reason'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open placement per candidate, even under concurrent selections.
    uniqueIndex('placements_one_open_per_candidate')
      .on(t.candidateId)
      .where(sql`${t.status} in ('planned', 'departed')`),
    check('placements_status_check', sql`${t.status} in ('planned', 'departed', 'returned', 'cancelled')`),
    check(
      'placements_return_reason_check',
      sql`${t.returnReason} is null or ${t.returnReason} in ('completed', 'early_termination', 'other')`,
    ),
    check(
      'placements_contract_check',
      sql`${t.contractEnd} is null or ${t.contractStart} is null or ${t.contractEnd} >= ${t.contractStart}`,
    ),
    check('placements_return_check', sql`${t.returnedOn} is null or ${t.returnedOn} >= ${t.departedOn}`),
    check(
      'placements_jp_prefecture_check',
      sql`${t.destinationCountry} <> 'JP' or ${t.prefectureCode} is not null`,
    ),
    index('placements_candidate_idx').on(t.candidateId),
    index('placements_job_order_idx').on(t.jobOrderId),
    index('placements_departed_idx').on(t.departedOn),
    index('placements_returned_idx').on(t.returnedOn),
  ],
);

export const reintegrations = pgTable(
  'reintegrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => candidates.id),
    placementId: uuid('placement_id').references(() => placements.id),
    homeEmployerId: uuid('home_employer_id')
      .notNull()
      .references(() => homeEmployers.id),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    position: text('position').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('reintegrations_candidate_idx').on(t.candidateId)],
);
