import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';
import { sqlList } from '../../lib/vocab.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { placements } from '../placements/placements.table.ts';

export const FEE_CATEGORIES = [
  'service_fee',
  'brokerage',
  'training',
  'deposit',
  'travel',
  'medical',
  'visa',
  'other',
] as const;
export type FeeCategory = (typeof FEE_CATEGORIES)[number];
export const FEE_PAYERS = ['worker', 'employer', 'other'] as const;
/** Who received the payment: the sending side in Viet Nam, the receiving side in Japan, or someone else. */
export const FEE_PAYEES = ['sending', 'receiving', 'other'] as const;
export const FEE_CURRENCIES = ['VND', 'JPY', 'USD'] as const;
/** A receipt, or what the worker says was paid: receipts tend to show the legal cap, so both are kept. */
export const FEE_SOURCES = ['receipt', 'worker_declared'] as const;
/** A payment by the payer, or money given back to them (the pro-rata refund of Law 69/2020 art. 23). */
export const FEE_DIRECTIONS = ['paid', 'refunded'] as const;

/**
 * What was paid for a placement, in the currency it was paid in, with the rate used to count it in
 * yen. `amount_jpy` is fixed when the payment is recorded (amount × rate, rounded to the yen).
 */
export const placementFees = pgTable(
  'placement_fees',
  {
    id: columns.id(),
    placementId: uuid('placement_id')
      .notNull()
      .references(() => placements.id),
    category: text('category').$type<FeeCategory>().notNull(),
    payer: text('payer').$type<(typeof FEE_PAYERS)[number]>().notNull(),
    payee: text('payee').$type<(typeof FEE_PAYEES)[number]>().notNull().default('sending'),
    amount: numeric('amount', { precision: 16, scale: 2, mode: 'number' }).notNull(),
    currency: text('currency').$type<(typeof FEE_CURRENCIES)[number]>().notNull(),
    rateToJpy: numeric('rate_to_jpy', { precision: 16, scale: 8, mode: 'number' }).notNull(),
    amountJpy: integer('amount_jpy').notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    receiptNo: text('receipt_no'),
    source: text('source').$type<(typeof FEE_SOURCES)[number]>().notNull(),
    direction: text('direction').$type<(typeof FEE_DIRECTIONS)[number]>().notNull().default('paid'),
    createdBy: uuid('created_by'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check('placement_fees_direction_check', sql`${t.direction} in (${sql.raw(sqlList(FEE_DIRECTIONS))})`),
    check('placement_fees_category_check', sql`${t.category} in (${sql.raw(sqlList(FEE_CATEGORIES))})`),
    check('placement_fees_payer_check', sql`${t.payer} in (${sql.raw(sqlList(FEE_PAYERS))})`),
    check('placement_fees_payee_check', sql`${t.payee} in (${sql.raw(sqlList(FEE_PAYEES))})`),
    check('placement_fees_currency_check', sql`${t.currency} in (${sql.raw(sqlList(FEE_CURRENCIES))})`),
    check('placement_fees_source_check', sql`${t.source} in (${sql.raw(sqlList(FEE_SOURCES))})`),
    check('placement_fees_amount_check', sql`${t.amount} > 0 and ${t.rateToJpy} > 0 and ${t.amountJpy} >= 0`),
    index('placement_fees_placement_idx').on(t.placementId, t.createdAt, t.id),
  ],
);

export const TRANSFER_KINDS = ['own_choice', 'unavoidable'] as const;
export const TRANSFER_ROUTES = ['supervising_org', 'hello_work', 'esd_agency'] as const;

/**
 * A change of employer in Japan (転籍). The placement's employer and prefecture move to the new ones;
 * the row keeps both sides, so the placement's history reads from here.
 */
export const placementTransfers = pgTable(
  'placement_transfers',
  {
    id: columns.id(),
    placementId: uuid('placement_id')
      .notNull()
      .references(() => placements.id),
    kind: text('kind').$type<(typeof TRANSFER_KINDS)[number]>().notNull(),
    requestedOn: date('requested_on', { mode: 'string' }).notNull(),
    route: text('route').$type<(typeof TRANSFER_ROUTES)[number]>().notNull(),
    previousEmployerName: text('previous_employer_name').notNull(),
    previousPrefectureCode: text('previous_prefecture_code'),
    newEmployerName: text('new_employer_name').notNull(),
    newPrefectureCode: text('new_prefecture_code').notNull(),
    /** Own choice (ESD): the day the worker passed the skills test (技能検定基礎級 or equivalent). */
    skillsTestPassedOn: date('skills_test_passed_on', { mode: 'string' }),
    createdBy: uuid('created_by'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check('placement_transfers_kind_check', sql`${t.kind} in (${sql.raw(sqlList(TRANSFER_KINDS))})`),
    check('placement_transfers_route_check', sql`${t.route} in (${sql.raw(sqlList(TRANSFER_ROUTES))})`),
    index('placement_transfers_placement_idx').on(t.placementId, t.createdAt, t.id),
  ],
);

/**
 * Whether a worker who came home before the contract's end was at fault. Law 69/2020/QH14 art. 23:
 * on an early return that is not the worker's fault, the service fee is refunded pro rata to the
 * months not worked. Absent a row, an early return counts as not the worker's fault (the refund is due
 * until the center records otherwise, with its reason).
 */
export const placementEarlyReturns = pgTable('placement_early_returns', {
  placementId: uuid('placement_id')
    .primaryKey()
    .references(() => placements.id),
  workerAtFault: boolean('worker_at_fault').notNull(),
  reason: text('reason').notNull(),
  decidedBy: uuid('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
});

export const GRIEVANCE_CATEGORIES = [
  'wage_unpaid',
  'overtime',
  'abuse',
  'housing',
  'contract_change',
  'fees',
  'other',
] as const;
export const GRIEVANCE_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type GrievanceStatus = (typeof GRIEVANCE_STATUSES)[number];

/**
 * A worker's complaint, filed on their behalf, with the two deadlines someone must watch:
 * acknowledgement within 48 hours and resolution within 14 days of its receipt.
 * `placement_id` and `partner_id` are copied from the worker's placement when it is filed, so that
 * the partner of that placement reads its own grievances with a WHERE on the row.
 */
export const grievances = pgTable(
  'grievances',
  {
    id: columns.id(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => candidates.id),
    placementId: uuid('placement_id').references(() => placements.id),
    partnerId: uuid('partner_id'),
    category: text('category').$type<(typeof GRIEVANCE_CATEGORIES)[number]>().notNull(),
    description: text('description').notNull(),
    receivedVia: text('received_via').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    ackDue: timestamp('ack_due', { withTimezone: true }).notNull(),
    resolveDue: timestamp('resolve_due', { withTimezone: true }).notNull(),
    status: text('status').$type<GrievanceStatus>().notNull().default('open'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
    resolution: text('resolution'),
    createdBy: uuid('created_by'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check('grievances_category_check', sql`${t.category} in (${sql.raw(sqlList(GRIEVANCE_CATEGORIES))})`),
    check('grievances_status_check', sql`${t.status} in (${sql.raw(sqlList(GRIEVANCE_STATUSES))})`),
    index('grievances_received_idx').on(t.receivedAt, t.id),
    index('grievances_candidate_idx').on(t.candidateId),
    index('grievances_partner_idx').on(t.partnerId, t.receivedAt, t.id),
    index('grievances_open_idx').on(t.status, t.resolveDue).where(sql`${t.status} <> 'resolved'`),
  ],
);
