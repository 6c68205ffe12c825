import { cursorSchema, limitSchema } from '../../lib/pagination.ts';
import { exportParams } from '../../lib/spreadsheet.ts';
import { isoDate, z } from '../../lib/zod.ts';
import {
  FEE_CATEGORIES,
  FEE_CURRENCIES,
  FEE_DIRECTIONS,
  FEE_PAYEES,
  FEE_PAYERS,
  FEE_SOURCES,
  GRIEVANCE_CATEGORIES,
  GRIEVANCE_STATUSES,
  TRANSFER_KINDS,
  TRANSFER_ROUTES,
} from './protection.table.ts';

export const idParams = z.object({ id: z.uuid() });

const pastDate = isoDate.refine((d) => d >= '1990-01-01' && d <= '2999-12-31', {
  message: 'must be between 1990-01-01 and 2999-12-31',
});

export const feeBody = z
  .strictObject({
    category: z.enum(FEE_CATEGORIES),
    payer: z.enum(FEE_PAYERS),
    payee: z
      .enum(FEE_PAYEES)
      .default('sending')
      .describe(
        'Who received it: the sending side in Viet Nam (default), the receiving side in Japan, or other',
      ),
    amount: z.number().positive().max(1e13).describe('In `currency`, as paid'),
    currency: z.enum(FEE_CURRENCIES),
    rateToJpy: z
      .number()
      .positive()
      .max(1e6)
      .optional()
      .describe('Yen per unit of `currency` on the day paid; required unless JPY (e.g. VND 0.0059, USD 150)'),
    paidOn: pastDate,
    receiptNo: z.string().trim().min(1).max(100).optional(),
    source: z
      .enum(FEE_SOURCES)
      .describe('receipt, or what the worker declares to have paid (kept beside receipts)'),
    direction: z
      .enum(FEE_DIRECTIONS)
      .default('paid')
      .describe(
        'paid (default), or refunded: money given back to the payer (e.g. the pro-rata service-fee refund of an early return)',
      ),
  })
  .superRefine((f, ctx) => {
    if (f.currency !== 'JPY' && f.rateToJpy === undefined)
      ctx.addIssue({ code: 'custom', path: ['rateToJpy'], message: `is required for ${f.currency}` });
    if (f.currency === 'JPY' && f.rateToJpy !== undefined && f.rateToJpy !== 1)
      ctx.addIssue({ code: 'custom', path: ['rateToJpy'], message: 'must be 1 (or absent) for JPY' });
  });
export type FeeInput = z.infer<typeof feeBody>;

export const feeOut = z.object({
  id: z.uuid(),
  placementId: z.uuid(),
  category: z.enum(FEE_CATEGORIES),
  payer: z.enum(FEE_PAYERS),
  payee: z.enum(FEE_PAYEES),
  amount: z.number(),
  currency: z.enum(FEE_CURRENCIES),
  rateToJpy: z.number(),
  amountJpy: z.number().int().describe('amount × rateToJpy, rounded to the yen'),
  paidOn: z.string(),
  receiptNo: z.string().nullable(),
  source: z.enum(FEE_SOURCES),
  direction: z.enum(FEE_DIRECTIONS),
  createdAt: z.date(),
});

const ruleOut = z.object({
  rule: z.enum(['vn_service_fee', 'vn_brokerage_japan', 'esd_sending_side']),
  source: z.string().describe('The legal text the cap comes from'),
  paidJpy: z.number().int().describe('What the worker paid within the scope of this rule'),
  capJpy: z.number().int().nullable().describe('null when the wage or contract term is not recorded'),
  overJpy: z.number().int(),
  status: z.enum(['ok', 'over_cap', 'unknown']),
});

export const refundOut = z.object({
  rule: z.literal('vn_service_fee_refund'),
  source: z.string(),
  contractMonths: z.number().int(),
  monthsWorked: z.number().int().describe('Whole months from the contract start to the return'),
  monthsRemaining: z.number().int(),
  serviceFeePaidJpy: z.number().int().describe('Service fee the worker paid, before refunds'),
  workerAtFault: z
    .boolean()
    .nullable()
    .describe('null: not recorded (PUT /placements/:id/early-return); the refund is due meanwhile'),
  faultReason: z.string().nullable(),
  dueJpy: z.number().int().describe('serviceFeePaidJpy × monthsRemaining ÷ contractMonths; 0 when at fault'),
  refundedJpy: z.number().int().describe('Service fee recorded as refunded to the worker'),
  outstandingJpy: z.number().int(),
  status: z.enum(['due', 'refunded', 'not_due']),
});

export const feeSummaryOut = z.object({
  workerPaidJpy: z.number().int().describe('Everything the worker paid, less what was refunded, in yen'),
  capJpy: z.number().int().nullable().describe('The strictest cap on the worker’s payments that applies'),
  overCapJpy: z.number().int().describe('The largest excess over any rule'),
  status: z.enum(['ok', 'over_cap']),
  rules: z.array(ruleOut),
  refund: refundOut
    .nullable()
    .describe(
      'The pro-rata service-fee refund of an early return (Law 69/2020 art. 23); null when none applies',
    ),
});

export const earlyReturnBody = z.strictObject({
  workerAtFault: z.boolean().describe('false: the refund of Law 69/2020 art. 23 is due'),
  reason: z.string().trim().min(1).max(2000).describe('What happened, as the center found it'),
});
export type EarlyReturnInput = z.infer<typeof earlyReturnBody>;

export const feeListOut = z.object({ items: z.array(feeOut), summary: feeSummaryOut });

export const recruitmentCostQuery = z.object({
  year: z.coerce.number().int().min(1990).max(2999).describe('Year of departure'),
  boundaries: z.enum(['2025', '2008']).default('2025'),
  ...exportParams,
});
export type RecruitmentCostQuery = z.infer<typeof recruitmentCostQuery>;

const suppressedNumber = (d: string) => z.number().nullable().describe(`${d}; null when suppressed`);
// Every row of a worker-protection report by province: its province, and whether a number is withheld.
const provinceRow = { provinceCode: z.string(), provinceName: z.string() };
const suppressed = z.boolean().describe('true when a number is withheld (partner view, count below 5)');
export const recruitmentCostOut = z.object({
  year: z.number().int(),
  boundaries: z.enum(['2025', '2008']),
  rows: z.array(
    z.object({
      ...provinceRow,
      program: z.string(),
      workers: suppressedNumber('Departed placements with fees recorded and a known wage'),
      medianCostMonths: suppressedNumber(
        'Median of worker-paid cost ÷ monthly wage (SDG 10.7.1), 2 decimals',
      ),
      meanCostMonths: suppressedNumber('Mean of the same ratio, 2 decimals'),
      overCap: suppressedNumber('Placements over a legal cap'),
      suppressed,
    }),
  ),
});
export type RecruitmentCostReport = z.infer<typeof recruitmentCostOut>;

export const transferBody = z.strictObject({
  kind: z
    .enum(TRANSFER_KINDS)
    .describe('own_choice (ESD, after the field’s period) or unavoidable (abuse, unpaid wages…)'),
  requestedOn: pastDate,
  newEmployerName: z.string().trim().min(1).max(300),
  newPrefectureCode: z.string().regex(/^\d{2}$/, 'must be a 2-digit JIS prefecture code'),
  route: z.enum(TRANSFER_ROUTES),
  skillsTestPassedOn: pastDate
    .optional()
    .describe(
      'Own choice: the day the worker passed 技能検定基礎級 or the equivalent ESD evaluation test (required for own_choice)',
    ),
});
export type TransferInput = z.infer<typeof transferBody>;

export const transferOut = z.object({
  id: z.uuid(),
  placementId: z.uuid(),
  kind: z.enum(TRANSFER_KINDS),
  requestedOn: z.string(),
  route: z.enum(TRANSFER_ROUTES),
  previousEmployerName: z.string(),
  previousPrefectureCode: z.string().nullable(),
  newEmployerName: z.string(),
  newPrefectureCode: z.string(),
  skillsTestPassedOn: z.string().nullable(),
  createdAt: z.date(),
});
export const transferListOut = z.object({
  items: z.array(transferOut),
  current: z.object({
    employerName: z.string(),
    prefectureCode: z.string().nullable(),
  }),
});

export const grievanceBody = z.strictObject({
  candidateId: z.uuid(),
  category: z.enum(GRIEVANCE_CATEGORIES),
  description: z.string().trim().min(1).max(5000),
  receivedVia: z.string().trim().min(1).max(100).describe('phone, hotline, visit, email, chat…'),
  receivedAt: z.iso.datetime({ offset: true }).describe('When it was received (ISO 8601 with a time zone)'),
});
export type GrievanceInput = z.infer<typeof grievanceBody>;

export const resolveBody = z.strictObject({ resolution: z.string().trim().min(1).max(5000) });

export const grievanceQuery = z.object({
  status: z.enum(GRIEVANCE_STATUSES).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: a step is past its deadline (not acknowledged in 48 h, or not resolved in 14 days)'),
  limit: limitSchema,
  cursor: cursorSchema,
});
export type GrievanceQuery = z.infer<typeof grievanceQuery>;

export const grievanceOut = z.object({
  id: z.uuid(),
  candidateId: z.uuid(),
  candidateCode: z.string(),
  placementId: z.uuid().nullable(),
  category: z.enum(GRIEVANCE_CATEGORIES),
  description: z.string(),
  receivedVia: z.string(),
  receivedAt: z.date(),
  ackDue: z.date().describe('48 hours after receivedAt'),
  resolveDue: z.date().describe('14 days after receivedAt'),
  status: z.enum(GRIEVANCE_STATUSES),
  overdue: z.boolean(),
  acknowledgedAt: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  resolution: z.string().nullable(),
  createdAt: z.date(),
});
export const grievanceListOut = z.object({ items: z.array(grievanceOut), nextCursor: z.string().nullable() });

export const grievanceReportQuery = z
  .object({
    from: isoDate
      .optional()
      .describe('First day received (YYYY-MM-DD, Viet Nam time); absent: from the first'),
    to: isoDate.optional().describe('Last day received (YYYY-MM-DD); absent: up to today'),
    boundaries: z.enum(['2025', '2008']).default('2025'),
    ...exportParams,
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
  });
export type GrievanceReportQuery = z.infer<typeof grievanceReportQuery>;

export const grievanceReportOut = z.object({
  rows: z.array(
    z.object({
      ...provinceRow,
      category: z.enum(GRIEVANCE_CATEGORIES),
      grievances: suppressedNumber('Grievances received in the range'),
      unresolved: suppressedNumber('Of those, not resolved yet'),
      overdue: suppressedNumber('Of those, a step past its deadline now'),
      suppressed,
    }),
  ),
});
export type GrievanceReport = z.infer<typeof grievanceReportOut>;
