import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { queryRows } from '../../db/query.ts';
import { AppError } from '../../lib/errors.ts';
import { type JLPT_LEVELS, jlptRank, jlptRankSql } from '../../lib/vocab.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { courses, enrollments } from '../training/training.table.ts';
import type { FeeCategory } from './protection.table.ts';

/**
 * The legal caps on what a worker pays for a placement, and the 育成就労 (Employment for Skill
 * Development, ESD) rules on entry and on changing employer. Each rule is written once here; the
 * README's "Worker protection" section cites the same sources.
 */

export type CapRuleName = 'vn_service_fee' | 'vn_brokerage_japan' | 'esd_sending_side';

export const CAP_RULE_SOURCES: Record<CapRuleName, string> = {
  vn_service_fee:
    'Law 69/2020/QH14 art. 23: service fee at most 1 month of wage per 12 months of contract (3 months for 36 months or more)',
  vn_brokerage_japan:
    'Circular 21/2021/TT-BLĐTBXH as amended by Circular 02/2024/TT-BLĐTBXH (from 15 May 2024): no brokerage commission for Japan',
  esd_sending_side:
    'Act on Employment for Skill Development (育成就労, from 1 April 2027; enforcement ordinance 30 Sept 2025): what the worker pays the sending side at most 2 months of wage',
};

/** The placement terms a cap depends on. */
export interface CapTerms {
  program: string;
  destinationCountry: string;
  contractStart: string | null;
  contractEnd: string | null;
  monthlyWageJpy: number | null;
}

/** A worker's payment as the caps count it. */
export interface WorkerPayment {
  category: FeeCategory;
  payer: string;
  payee: string;
  amountJpy: number;
  /** `refunded`: money given back to the payer, counted against what they paid. Absent: paid. */
  direction?: string;
}

export interface CapRuleResult {
  rule: CapRuleName;
  source: string;
  /** What the rule counts: the worker's payments in its scope, in yen. */
  paidJpy: number;
  /** null when the cap depends on a wage or contract term the placement does not have yet. */
  capJpy: number | null;
  overJpy: number;
  status: 'ok' | 'over_cap' | 'unknown';
}

export interface FeeSummary {
  workerPaidJpy: number;
  capJpy: number | null;
  overCapJpy: number;
  status: 'ok' | 'over_cap';
  rules: CapRuleResult[];
}

/** Whole months from the first day of a contract to the day after its last (1 Apr 2027 – 31 Mar 2030: 36). */
export function contractMonths(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const s = new Date(`${start}T00:00:00Z`);
  const e = new Date(`${end}T00:00:00Z`);
  e.setUTCDate(e.getUTCDate() + 1);
  let months = (e.getUTCFullYear() - s.getUTCFullYear()) * 12 + (e.getUTCMonth() - s.getUTCMonth());
  if (e.getUTCDate() < s.getUTCDate()) months -= 1;
  return Math.max(0, months);
}

const result = (rule: CapRuleName, paidJpy: number, capJpy: number | null): CapRuleResult => {
  const overJpy = capJpy === null ? 0 : Math.max(0, paidJpy - capJpy);
  return {
    rule,
    source: CAP_RULE_SOURCES[rule],
    paidJpy,
    capJpy,
    overJpy,
    status: capJpy === null ? 'unknown' : overJpy > 0 ? 'over_cap' : 'ok',
  };
};

/**
 * The caps that apply to a placement and how its worker's payments stand against them. The stricter
 * rule wins: `capJpy` is the lowest cap on the worker's total, `overCapJpy` the largest excess of any
 * rule, and the placement is over the cap when any rule is exceeded (brokerage to Japan: any at all).
 */
export function feeSummary(terms: CapTerms, payments: readonly WorkerPayment[]): FeeSummary {
  const worker = payments.filter((p) => p.payer === 'worker');
  const sum = netPaid;
  const wage = terms.monthlyWageJpy;
  const months = contractMonths(terms.contractStart, terms.contractEnd);
  const rules: CapRuleResult[] = [];
  // Law 69/2020/QH14 art. 23: one month of wage per 12 months of work, at most 3 months' wage.
  const serviceCap = wage && months !== null ? Math.floor((wage * Math.min(months, 36)) / 12) : null;
  rules.push(result('vn_service_fee', sum(worker.filter((p) => p.category === 'service_fee')), serviceCap));
  if (terms.destinationCountry === 'JP') {
    rules.push(result('vn_brokerage_japan', sum(worker.filter((p) => p.category === 'brokerage')), 0));
  }
  if (terms.program === 'esd') {
    rules.push(
      result('esd_sending_side', sum(worker.filter((p) => p.payee === 'sending')), wage ? wage * 2 : null),
    );
  }
  // The caps on an amount of money (not the brokerage ban, which is a cap on one category).
  const caps = rules
    .filter((r) => r.rule !== 'vn_brokerage_japan' && r.capJpy !== null)
    .map((r) => r.capJpy as number);
  return {
    workerPaidJpy: sum(worker),
    capJpy: caps.length ? Math.min(...caps) : null,
    overCapJpy: Math.max(0, ...rules.map((r) => r.overJpy)),
    status: rules.some((r) => r.status === 'over_cap') ? 'over_cap' : 'ok',
    rules,
  };
}

/** What was paid less what was given back (never below 0). */
const netPaid = (ps: readonly WorkerPayment[]) =>
  Math.max(
    0,
    ps.reduce((n, p) => n + (p.direction === 'refunded' ? -p.amountJpy : p.amountJpy), 0),
  );

export const REFUND_RULE_SOURCE =
  "Law 69/2020/QH14 art. 23: on an early return that is not the worker's fault, the service enterprise refunds the service fee in proportion to the time of the contract not worked";

/** The placement facts a refund depends on. */
export interface RefundTerms {
  status: string;
  contractStart: string | null;
  contractEnd: string | null;
  returnedOn: string | null;
  returnReason: string | null;
}

/**
 * Came home before the contract's end: returned before `contractEnd`, and not recorded as a completed
 * contract (`completed` says the contract ran its course, e.g. ended by agreement at term).
 */
export const isEarlyReturn = (p: RefundTerms) =>
  p.status === 'returned' &&
  p.returnReason !== 'completed' &&
  p.returnedOn !== null &&
  p.contractStart !== null &&
  p.contractEnd !== null &&
  p.returnedOn < p.contractEnd;

export interface RefundDue {
  rule: 'vn_service_fee_refund';
  source: string;
  contractMonths: number;
  /** Whole months from the contract's start to the return; the month of the return counts as not worked. */
  monthsWorked: number;
  monthsRemaining: number;
  /** The service fee the worker paid (before refunds), in yen. */
  serviceFeePaidJpy: number;
  /** null: nobody has recorded yet whether the worker was at fault (the refund is due meanwhile). */
  workerAtFault: boolean | null;
  faultReason: string | null;
  dueJpy: number;
  refundedJpy: number;
  outstandingJpy: number;
  status: 'due' | 'refunded' | 'not_due';
}

/**
 * The pro-rata refund of the service fee (Law 69/2020/QH14 art. 23) of a placement that returned before
 * its contract's end: service fee paid × months not worked ÷ contract months, rounded to the yen; none
 * when the worker was at fault. null when the placement did not return early (or has no contract term).
 */
export function refundDue(
  terms: RefundTerms,
  payments: readonly WorkerPayment[],
  fault: { workerAtFault: boolean; reason: string } | null,
): RefundDue | null {
  if (!isEarlyReturn(terms)) return null;
  // isEarlyReturn has checked that the three dates are there.
  const [contractStart, contractEnd, returnedOn] = [
    terms.contractStart as string,
    terms.contractEnd as string,
    terms.returnedOn as string,
  ];
  const total = contractMonths(contractStart, contractEnd) ?? 0;
  if (total === 0) return null;
  const worked = Math.min(
    total,
    returnedOn < contractStart ? 0 : (contractMonths(contractStart, returnedOn) ?? 0),
  );
  const remaining = total - worked;
  const fees = payments.filter((p) => p.payer === 'worker' && p.category === 'service_fee');
  const paid = fees.filter((p) => p.direction !== 'refunded').reduce((n, p) => n + p.amountJpy, 0);
  const refunded = fees.filter((p) => p.direction === 'refunded').reduce((n, p) => n + p.amountJpy, 0);
  const atFault = fault?.workerAtFault ?? null;
  const dueJpy = atFault ? 0 : Math.round((paid * remaining) / total);
  const outstandingJpy = Math.max(0, dueJpy - refunded);
  return {
    rule: 'vn_service_fee_refund',
    source: REFUND_RULE_SOURCE,
    contractMonths: total,
    monthsWorked: worked,
    monthsRemaining: remaining,
    serviceFeePaidJpy: paid,
    workerAtFault: atFault,
    faultReason: fault?.reason ?? null,
    dueJpy,
    refundedJpy: refunded,
    outstandingJpy,
    status: atFault ? 'not_due' : outstandingJpy > 0 ? 'due' : 'refunded',
  };
}

/**
 * ESD own-choice transfer (転籍): the period a worker stays with the first employer, per field, in
 * years. Source: the proposal of the Immigration Services Agency and the Ministry of Health, Labour
 * and Welfare to the expert panel on the field operation policies, 17 Sept 2025 — 1 year in 9 fields
 * (building cleaning, linen supply, accommodation, railway, logistics warehousing, agriculture,
 * fishery, forestry, wood industry), 2 years in 8 (nursing care, industrial products manufacturing,
 * construction, shipbuilding, automobile repair, food and beverage manufacturing, food service,
 * resource circulation). Linen supply, logistics warehousing and resource circulation are not fields
 * of this service yet. A field outside the ESD fields takes the longest period the Act allows (2).
 */
export const ESD_TRANSFER_RESTRICTION_YEARS: Readonly<Record<string, 1 | 2>> = Object.freeze({
  building_cleaning: 1,
  accommodation: 1,
  railway: 1,
  agriculture: 1,
  fishery: 1,
  forestry: 1,
  wood_industry: 1,
  nursing_care: 2,
  industrial_manufacturing: 2,
  construction: 2,
  shipbuilding: 2,
  automobile_repair: 2,
  food_manufacturing: 2,
  food_service: 2,
});
export const ESD_TRANSFER_RESTRICTION_DEFAULT_YEARS = 2;
export const ESD_TRANSFER_RESTRICTION_SOURCE =
  'ISA/MHLW proposal to the expert panel on the field operation policies of SSW and ESD, 17 Sept 2025';

export const restrictionYears = (field: string) =>
  ESD_TRANSFER_RESTRICTION_YEARS[field] ?? ESD_TRANSFER_RESTRICTION_DEFAULT_YEARS;

/** The language level an own-choice transfer needs: A1 (N5); A2 (N4) for nursing care. */
export const transferLanguageLevel = (field: string): (typeof JLPT_LEVELS)[number] =>
  field === 'nursing_care' ? 'N4' : 'N5';

/**
 * Own-choice transfer under ESD also needs the skills test: 技能検定基礎級 or the equivalent ESD
 * evaluation test (育成就労評価試験 初級), besides the language level and the restriction period
 * (育成就労法 and its enforcement ordinance; ISA outline of the ESD system, 2025).
 */
export const TRANSFER_SKILLS_TEST_SOURCE =
  'Act on Employment for Skill Development (Act No. 60 of 2024) and its enforcement ordinance: an own-choice transfer needs the basic-grade skills test (技能検定基礎級) or the equivalent ESD evaluation test passed';

/** The first day an own-choice transfer may be requested: the restriction period after departure. */
export function earliestOwnChoiceTransfer(departedOn: string, field: string): string {
  const d = new Date(`${departedOn}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + restrictionYears(field));
  return d.toISOString().slice(0, 10);
}

export const meetsLevel = (level: string | null, needed: string) => jlptRank(level) >= jlptRank(needed);

/** ESD entry: JLPT N5 (CEFR A1) or better, or at least this many hours of passed Japanese courses. */
export const ESD_ENTRY_LANGUAGE_HOURS = 100;

/**
 * The ESD entry gate of a selection: refused (409 naming `jlptLevel`) unless the candidate has JLPT N5
 * or better, or has passed at least 100 hours of Japanese-language courses.
 */
export async function assertEsdEntry(db: DbOrTx, candidateId: string): Promise<void> {
  const [row] = await queryRows<{ jlpt: string | null; rank: number; hours: number }>(
    db,
    sql`select ${candidates.jlptLevel} as jlpt, ${jlptRankSql(candidates.jlptLevel)} as rank,
               coalesce((select sum(${courses.hours}) from ${enrollments}
                           join ${courses} on ${courses.id} = ${enrollments.courseId}
                          where ${enrollments.candidateId} = ${candidates.id}
                            and ${enrollments.outcome} = 'passed' and ${courses.kind} = 'language'), 0)::int as hours
          from ${candidates} where ${candidates.id} = ${candidateId}`,
  );
  if (!row || Number(row.rank) >= 1 || Number(row.hours) >= ESD_ENTRY_LANGUAGE_HOURS) return;
  throw new AppError(
    409,
    'esd-entry-language',
    'Conflict',
    `An Employment for Skill Development (育成就労) order needs JLPT N5 or better, or at least ${ESD_ENTRY_LANGUAGE_HOURS} hours of passed Japanese courses; the candidate has ${row.jlpt ?? 'no JLPT level'} and ${row.hours} hours.`,
    [
      {
        path: 'jlptLevel',
        message: `is ${row.jlpt ?? 'none'}: N5 or better, or ${ESD_ENTRY_LANGUAGE_HOURS} hours of passed language courses, is required (esd_entry_language)`,
      },
    ],
  );
}
