import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { jobOrders } from '../demand/demand.table.ts';
import { homeEmployers } from '../organisations/organisations.table.ts';

export const placements = pgTable(
  'placements',
  {
    id: columns.id(),
    candidateId: columns.ref('candidate_id', () => candidates.id),
    jobOrderId: uuid('job_order_id').references(() => jobOrders.id),
    destinationCountry: text('destination_country').notNull(),
    prefectureCode: text('prefecture_code'),
    municipality: text('municipality'),
    employerName: text('employer_name').notNull(),
    program: text('program').notNull(),
    field: text('field').notNull(),
    contractStart: columns.day('contract_start'),
    contractEnd: columns.day('contract_end'),
    monthlyWageJpy: integer('monthly_wage_jpy'),
    /** The employer's name in Latin letters (for Vietnamese documents), besides `employerName`. */
    employerNameLatin: text('employer_name_latin'),
    employerAddress: text('employer_address'),
    /** The supervising organisation (監理団体 / 登録支援機関) in Japan. */
    supervisingOrg: text('supervising_org'),
    /** 在留カード number: 2 letters, 8 digits, 2 letters (AB12345678CD). */
    residenceCardNo: text('residence_card_no'),
    residenceCardExpiresOn: columns.day('residence_card_expires_on'),
    status: text('status')
      .$type<'planned' | 'departed' | 'returned' | 'cancelled'>()
      .notNull()
      .default('planned'),
    departedOn: columns.day('departed_on'),
    returnedOn: columns.day('returned_on'),
    returnReason: text('return_reason'),
    cancelReason: text('cancel_reason'),
    version: integer('version').notNull().default(1),
    createdAt: columns.createdAt(),
    updatedAt: columns.updatedAt(),
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
    check('placements_wage_check', sql`${t.monthlyWageJpy} is null or ${t.monthlyWageJpy} > 0`),
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
    id: columns.id(),
    candidateId: columns.ref('candidate_id', () => candidates.id),
    placementId: uuid('placement_id').references(() => placements.id),
    homeEmployerId: columns.ref('home_employer_id', () => homeEmployers.id),
    startedOn: columns.day('started_on').notNull(),
    position: text('position').notNull(),
    createdAt: columns.createdAt(),
  },
  (t) => [index('reintegrations_candidate_idx').on(t.candidateId)],
);
