import { and, asc, desc, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { candidateInScope, loadOr404, readPage } from '../../db/query.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { AppError, conflict, validationFailed } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import { recordAudit, updateAudited } from '../audit/audit.service.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { jobOrders } from '../demand/demand.table.ts';
import { alerts } from '../operations/operations.table.ts';
import { placements } from '../placements/placements.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { SUPPRESSION_THRESHOLD } from '../reports/reports.service.ts';
import {
  earliestOwnChoiceTransfer,
  type FeeSummary,
  feeSummary,
  isEarlyReturn,
  meetsLevel,
  type RefundDue,
  refundDue,
  restrictionYears,
  transferLanguageLevel,
  type WorkerPayment,
} from './protection.rules.ts';
import type {
  EarlyReturnInput,
  FeeInput,
  GrievanceInput,
  GrievanceQuery,
  GrievanceReport,
  GrievanceReportQuery,
  RecruitmentCostQuery,
  RecruitmentCostReport,
  TransferInput,
} from './protection.schemas.ts';
import { grievances, placementEarlyReturns, placementFees, placementTransfers } from './protection.table.ts';

export interface ProtectionDeps {
  db: Db;
  reference: ReferenceService;
}

type PlacementRow = typeof placements.$inferSelect;
interface LoadedPlacement {
  placement: PlacementRow;
  candidate: {
    id: string;
    code: string;
    trainingCenterId: string;
    homeProvince2025: string;
    jlptLevel: string | null;
  };
}

const HOUR = 3_600_000;
/** Acknowledgement within 48 hours of receipt, resolution within 14 days. */
export const GRIEVANCE_ACK_HOURS = 48;
export const GRIEVANCE_RESOLVE_DAYS = 14;

/** The placement with its candidate, if the actor may see it (locked when changing it); else 404. */
async function loadPlacement(db: DbOrTx, actor: Actor, id: string, lock = false): Promise<LoadedPlacement> {
  const q = db
    .select({
      placement: placements,
      candidate: {
        id: candidates.id,
        code: candidates.code,
        trainingCenterId: candidates.trainingCenterId,
        homeProvince2025: candidates.homeProvince2025,
        jlptLevel: candidates.jlptLevel,
      },
    })
    .from(placements)
    .innerJoin(candidates, eq(candidates.id, placements.candidateId))
    .where(and(eq(placements.id, id), access.placement(actor)));
  return (await loadOr404(q, lock && { of: placements }, 'The placement')) as LoadedPlacement;
}

/* ----------------------------------------------------------------- fee ledger */

async function placementSummary(db: DbOrTx, placement: PlacementRow): Promise<FeeSummary> {
  const payments: WorkerPayment[] = await db
    .select({
      category: placementFees.category,
      payer: placementFees.payer,
      payee: placementFees.payee,
      amountJpy: placementFees.amountJpy,
      direction: placementFees.direction,
    })
    .from(placementFees)
    .where(eq(placementFees.placementId, placement.id));
  return feeSummary(placement, payments);
}

/** The center's finding on an early return (worker at fault or not), if recorded. */
async function earlyReturnFault(db: DbOrTx, placementId: string) {
  const [row] = await db
    .select({ workerAtFault: placementEarlyReturns.workerAtFault, reason: placementEarlyReturns.reason })
    .from(placementEarlyReturns)
    .where(eq(placementEarlyReturns.placementId, placementId));
  return row ?? null;
}

/**
 * Alert `fee_over_cap` to the trainee's center (and admins, who read every alert): once per placement,
 * the unique (kind, subject, threshold, due date) holding it — the due date is the day the placement
 * was made, which never changes.
 */
async function raiseFeeOverCap(tx: DbOrTx, loaded: LoadedPlacement, summary: FeeSummary) {
  const { placement, candidate } = loaded;
  const broken = summary.rules.filter((r) => r.status === 'over_cap');
  await tx
    .insert(alerts)
    .values({
      kind: 'fee_over_cap',
      subjectType: 'placement',
      subjectId: placement.id,
      thresholdDays: 0,
      dueOn: todayInVietnam(placement.createdAt),
      message:
        `${candidate.code} has paid ¥${summary.workerPaidJpy.toLocaleString('en')} for the placement with ${placement.employerName}, ` +
        `over the legal cap by ¥${summary.overCapJpy.toLocaleString('en')} (${broken.map((r) => r.rule).join(', ')}).`,
      details: {
        workerPaidJpy: summary.workerPaidJpy,
        capJpy: summary.capJpy,
        overCapJpy: summary.overCapJpy,
        rules: broken.map((r) => ({ rule: r.rule, source: r.source, paidJpy: r.paidJpy, capJpy: r.capJpy })),
      },
      candidateId: candidate.id,
      candidateCode: candidate.code,
      placementId: placement.id,
      jobOrderId: placement.jobOrderId,
      trainingCenterId: candidate.trainingCenterId,
    })
    .onConflictDoNothing();
}

/** Records a payment for a placement; a payment that takes the worker over a cap raises `fee_over_cap`. */
export async function recordFee(
  { db }: Pick<ProtectionDeps, 'db'>,
  actor: Actor,
  placementId: string,
  input: FeeInput,
) {
  const rate = input.currency === 'JPY' ? 1 : (input.rateToJpy as number);
  const amountJpy = Math.round(input.amount * rate);
  if (amountJpy > 2_000_000_000)
    throw validationFailed([{ path: 'amount', message: 'is more than ¥2,000,000,000 at the rate given' }]);
  return db.transaction(async (tx) => {
    const loaded = await loadPlacement(tx, actor, placementId, true);
    if (input.direction === 'refunded') await assertRefundable(tx, placementId, input, amountJpy);
    const [row] = await tx
      .insert(placementFees)
      .values({
        placementId,
        category: input.category,
        payer: input.payer,
        payee: input.payee,
        amount: input.amount,
        currency: input.currency,
        rateToJpy: rate,
        amountJpy,
        paidOn: input.paidOn,
        receiptNo: input.receiptNo ?? null,
        source: input.source,
        direction: input.direction,
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: input.direction === 'refunded' ? 'record_refund' : 'record_fee',
      entity: 'placement_fee',
      entityId: row!.id,
      after: row,
    });
    const summary = await placementSummary(tx, loaded.placement);
    if (summary.status === 'over_cap') await raiseFeeOverCap(tx, loaded, summary);
    return row!;
  });
}

/** A refund gives back no more than the payer paid in that category (net of earlier refunds). */
async function assertRefundable(tx: DbOrTx, placementId: string, input: FeeInput, amountJpy: number) {
  const [row] = await tx
    .select({
      net: sql<number>`coalesce(sum(case when ${placementFees.direction} = 'refunded' then -${placementFees.amountJpy} else ${placementFees.amountJpy} end), 0)::int`,
    })
    .from(placementFees)
    .where(
      and(
        eq(placementFees.placementId, placementId),
        eq(placementFees.category, input.category),
        eq(placementFees.payer, input.payer),
      ),
    );
  const net = Number(row?.net ?? 0);
  if (amountJpy > net)
    throw validationFailed([
      {
        path: 'amount',
        message: `is ¥${amountJpy} refunded, more than the ¥${net} the ${input.payer} paid as ${input.category} (net of refunds)`,
      },
    ]);
}

/** A placement's payments, oldest first, where the worker stands against the caps, and any refund due. */
export async function listFees({ db }: Pick<ProtectionDeps, 'db'>, actor: Actor, placementId: string) {
  const { placement } = await loadPlacement(db, actor, placementId);
  return ledger(db, placement);
}

async function ledger(db: DbOrTx, placement: PlacementRow) {
  const items = await db
    .select()
    .from(placementFees)
    .where(eq(placementFees.placementId, placement.id))
    .orderBy(asc(placementFees.paidOn), asc(placementFees.createdAt), asc(placementFees.id));
  const refund: RefundDue | null = refundDue(placement, items, await earlyReturnFault(db, placement.id));
  return { items, summary: { ...feeSummary(placement, items), refund } };
}

/**
 * Records whether the worker was at fault for an early return (center, admin): not at fault, the
 * service fee is refunded pro rata (Law 69/2020/QH14 art. 23). Recorded again, it replaces the earlier
 * finding; each finding is in the audit log.
 */
export async function recordEarlyReturn(
  { db }: Pick<ProtectionDeps, 'db'>,
  actor: Actor,
  placementId: string,
  input: EarlyReturnInput,
) {
  return db.transaction(async (tx) => {
    const { placement } = await loadPlacement(tx, actor, placementId, true);
    if (!isEarlyReturn(placement)) {
      throw conflict(
        `Only a placement that returned before its contract's end (not as completed) has an early return; this one is ${placement.status}${placement.returnedOn ? `, returned on ${placement.returnedOn} (${placement.returnReason})` : ''}${placement.contractEnd ? `, contract to ${placement.contractEnd}` : ', no contract end'}.`,
        [{ path: 'status', message: `is ${placement.status}, not returned early` }],
      );
    }
    const before = await earlyReturnFault(tx, placementId);
    const values = {
      placementId,
      workerAtFault: input.workerAtFault,
      reason: input.reason.normalize('NFC'),
      decidedBy: actor.id,
      decidedAt: new Date(),
    };
    const [after] = await tx
      .insert(placementEarlyReturns)
      .values(values)
      .onConflictDoUpdate({ target: placementEarlyReturns.placementId, set: values })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'early_return',
      entity: 'placement',
      entityId: placementId,
      before,
      after,
    });
    return ledger(tx, placement);
  });
}

/* ------------------------------------------------- recruitment cost (SDG 10.7.1) */

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * SDG indicator 10.7.1 — recruitment cost borne by the worker as a proportion of monthly earnings in
 * the destination — per home province and programme, over the placements that departed in `year`
 * with fees recorded and a monthly wage. Partners read it with every count below 5 withheld.
 */
export async function recruitmentCost(
  { db, reference }: ProtectionDeps,
  actor: Actor,
  q: RecruitmentCostQuery,
): Promise<RecruitmentCostReport> {
  const rows = await db
    .select({
      placement: {
        program: placements.program,
        destinationCountry: placements.destinationCountry,
        contractStart: placements.contractStart,
        contractEnd: placements.contractEnd,
        monthlyWageJpy: placements.monthlyWageJpy,
      },
      provinceCode: candidates.homeProvinceCode,
      provinceBoundaries: candidates.provinceBoundaries,
      province2025: candidates.homeProvince2025,
      fees: sql<WorkerPayment[]>`(select jsonb_agg(jsonb_build_object(
          'category', ${placementFees.category}, 'payer', ${placementFees.payer},
          'payee', ${placementFees.payee}, 'amountJpy', ${placementFees.amountJpy},
          'direction', ${placementFees.direction}))
        from ${placementFees} where ${placementFees.placementId} = ${placements.id})`,
    })
    .from(placements)
    .innerJoin(candidates, eq(candidates.id, placements.candidateId))
    .where(
      and(
        inArray(placements.status, ['departed', 'returned']),
        sql`${placements.departedOn} >= ${`${q.year}-01-01`}::date and ${placements.departedOn} < ${`${q.year + 1}-01-01`}::date`,
        sql`${placements.monthlyWageJpy} is not null`,
        sql`exists (select 1 from ${placementFees} where ${placementFees.placementId} = ${placements.id})`,
        actor.role === 'center' ? eq(candidates.trainingCenterId, actor.trainingCenterId!) : undefined,
        actor.role === 'province' ? eq(candidates.homeProvince2025, actor.provinceCode!) : undefined,
      ),
    );
  const groups = new Map<
    string,
    { code: string; name: string; program: string; months: number[]; over: number }
  >();
  for (const r of rows) {
    const place = provinceOf(reference, q.boundaries, r);
    const summary = feeSummary(r.placement, r.fees ?? []);
    const key = `${place.code}|${r.placement.program}`;
    const g = groups.get(key) ?? { ...place, program: r.placement.program, months: [], over: 0 };
    g.months.push(summary.workerPaidJpy / (r.placement.monthlyWageJpy as number));
    if (summary.status === 'over_cap') g.over++;
    groups.set(key, g);
  }
  const partner = actor.role === 'partner';
  const out = [...groups.values()]
    .sort((a, b) => a.code.localeCompare(b.code) || a.program.localeCompare(b.program))
    .map((g) => {
      const workers = g.months.length;
      // Partners: no cell of fewer than 5 workers, and no over-cap count below 5.
      if (partner && workers < SUPPRESSION_THRESHOLD) {
        return {
          provinceCode: g.code,
          provinceName: g.name,
          program: g.program,
          workers: null,
          medianCostMonths: null,
          meanCostMonths: null,
          overCap: null,
          suppressed: true,
        };
      }
      const overCap = partner && g.over < SUPPRESSION_THRESHOLD ? null : g.over;
      return {
        provinceCode: g.code,
        provinceName: g.name,
        program: g.program,
        workers,
        medianCostMonths: round2(median(g.months)),
        meanCostMonths: round2(g.months.reduce((a, b) => a + b, 0) / workers),
        overCap,
        suppressed: overCap === null,
      };
    });
  return { year: q.year, boundaries: q.boundaries, rows: out };
}

/**
 * The home province in the requested boundary set: a 2025 unit that is exactly one old province maps
 * back to it; a merged one cannot be split and stays on its 2025 unit.
 */
function provinceOf(
  reference: ReferenceService,
  boundaries: '2025' | '2008',
  r: { provinceCode: string; provinceBoundaries: string; province2025: string },
) {
  if (boundaries === '2025')
    return {
      code: r.province2025,
      name: reference.province(r.province2025, '2025')?.nameVi ?? r.province2025,
    };
  if (r.provinceBoundaries === '2008')
    return {
      code: r.provinceCode,
      name: reference.province(r.provinceCode, '2008')?.nameVi ?? r.provinceCode,
    };
  const before = reference.from2025(r.province2025);
  if (before.length === 1) return { code: before[0]!.code, name: before[0]!.nameVi };
  return { code: r.province2025, name: reference.province(r.province2025, '2025')?.nameVi ?? r.province2025 };
}

/* ------------------------------------------------------------------ transfers */

/** A transfer refused for now: 409 with the first date it could be granted (null: not by waiting). */
export class TransferRefused extends AppError {
  constructor(
    detail: string,
    readonly earliestOn: string | null,
    path: string,
    message: string,
  ) {
    super(409, 'transfer-refused', 'Conflict', detail, [{ path, message }]);
  }
}

/**
 * A change of employer in Japan (転籍). Unavoidable (abuse, unpaid wages…): any departed Japan
 * placement, at any time. Own choice: ESD placements only, after the field's restriction period from
 * departure, with JLPT N5 (N4 in nursing care). The placement's employer and prefecture follow.
 */
export async function requestTransfer(
  { db, reference }: ProtectionDeps,
  actor: Actor,
  placementId: string,
  input: TransferInput,
) {
  if (!reference.prefecture(input.newPrefectureCode))
    throw validationFailed([
      { path: 'newPrefectureCode', message: 'must be one of the 47 JIS prefecture codes (01–47)' },
    ]);
  return db.transaction(async (tx) => {
    const { placement, candidate } = await loadPlacement(tx, actor, placementId, true);
    if (placement.destinationCountry !== 'JP' || placement.status !== 'departed' || !placement.departedOn) {
      throw conflict(
        `Only a departed placement in Japan can change employer; this one is ${placement.status} (${placement.destinationCountry}).`,
        [{ path: 'status', message: `is ${placement.status}, not departed in Japan` }],
      );
    }
    if (input.requestedOn < placement.departedOn)
      throw validationFailed([
        { path: 'requestedOn', message: `must not be before the departure on ${placement.departedOn}` },
      ]);
    if (input.kind === 'own_choice') {
      if (placement.program !== 'esd') {
        throw new TransferRefused(
          `A transfer by own choice is a right of Employment for Skill Development (esd) workers; this placement is ${placement.program}. An unavoidable transfer is always possible.`,
          null,
          'kind',
          `own_choice needs the esd programme, not ${placement.program}`,
        );
      }
      const earliestOn = earliestOwnChoiceTransfer(placement.departedOn, placement.field);
      if (input.requestedOn < earliestOn) {
        throw new TransferRefused(
          `In ${placement.field} a worker may change employer by own choice after ${restrictionYears(placement.field)} year(s) with the first one: from ${earliestOn}.`,
          earliestOn,
          'requestedOn',
          `is before ${earliestOn}, the end of the field's restriction period`,
        );
      }
      const level = transferLanguageLevel(placement.field);
      if (!meetsLevel(candidate.jlptLevel, level)) {
        throw new TransferRefused(
          `A transfer by own choice in ${placement.field} needs JLPT ${level} or better; the worker has ${candidate.jlptLevel ?? 'none'}.`,
          null,
          'jlptLevel',
          `is ${candidate.jlptLevel ?? 'none'}; ${level} or better is required`,
        );
      }
      if (!input.skillsTestPassedOn) {
        throw new TransferRefused(
          'A transfer by own choice needs the basic-grade skills test (技能検定基礎級) or the equivalent ESD evaluation test passed: give the day it was passed in skillsTestPassedOn.',
          null,
          'skillsTestPassedOn',
          'is missing; the skills test (技能検定基礎級 or equivalent) passed is required for own_choice',
        );
      }
    }
    if (input.skillsTestPassedOn && input.skillsTestPassedOn > input.requestedOn)
      throw validationFailed([
        { path: 'skillsTestPassedOn', message: `must not be after requestedOn (${input.requestedOn})` },
      ]);
    const [row] = await tx
      .insert(placementTransfers)
      .values({
        placementId,
        kind: input.kind,
        requestedOn: input.requestedOn,
        route: input.route,
        previousEmployerName: placement.employerName,
        previousPrefectureCode: placement.prefectureCode,
        newEmployerName: input.newEmployerName.normalize('NFC'),
        newPrefectureCode: input.newPrefectureCode,
        skillsTestPassedOn: input.skillsTestPassedOn ?? null,
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'transfer',
      entity: 'placement_transfer',
      entityId: row!.id,
      after: row,
    });
    // The placement follows: its employer and prefecture are now the new ones.
    await updateAudited(
      tx,
      placements,
      { actorId: actor.id, action: 'transfer', entity: 'placement', before: placement },
      {
        employerName: row!.newEmployerName,
        prefectureCode: row!.newPrefectureCode,
        version: sql`${placements.version} + 1`,
        updatedAt: sql`now()`,
      },
    );
    return row!;
  });
}

/** A placement's transfers, oldest first, and its current employer and prefecture. */
export async function listTransfers({ db }: Pick<ProtectionDeps, 'db'>, actor: Actor, placementId: string) {
  const { placement } = await loadPlacement(db, actor, placementId);
  const items = await db
    .select()
    .from(placementTransfers)
    .where(eq(placementTransfers.placementId, placementId))
    .orderBy(asc(placementTransfers.createdAt), asc(placementTransfers.id));
  return {
    items,
    current: { employerName: placement.employerName, prefectureCode: placement.prefectureCode },
  };
}

/* ----------------------------------------------------------------- grievances */

/** A step is late: not acknowledged within 48 hours, or not resolved within 14 days. */
export const grievanceOverdue = (now: Date): SQL =>
  sql`((${grievances.status} = 'open' and ${grievances.ackDue} < ${now.toISOString()}::timestamptz)
      or (${grievances.status} <> 'resolved' and ${grievances.resolveDue} < ${now.toISOString()}::timestamptz))`;

const grievancePager = keyset([
  { expr: grievances.receivedAt, kind: 'timestamp', dir: 'desc' },
  { expr: grievances.id, kind: 'uuid', dir: 'desc' },
]);

function grievanceColumns(now: Date) {
  return {
    id: grievances.id,
    candidateId: grievances.candidateId,
    candidateCode: candidates.code,
    placementId: grievances.placementId,
    category: grievances.category,
    description: grievances.description,
    receivedVia: grievances.receivedVia,
    receivedAt: grievances.receivedAt,
    ackDue: grievances.ackDue,
    resolveDue: grievances.resolveDue,
    status: grievances.status,
    overdue: sql<boolean>`${grievanceOverdue(now)}`.mapWith(Boolean),
    acknowledgedAt: grievances.acknowledgedAt,
    resolvedAt: grievances.resolvedAt,
    resolution: grievances.resolution,
    createdAt: grievances.createdAt,
  };
}

async function loadGrievance(db: DbOrTx, actor: Actor, id: string, lock = false) {
  const q = db
    .select({ grievance: grievances, candidateCode: candidates.code })
    .from(grievances)
    .innerJoin(candidates, eq(candidates.id, grievances.candidateId))
    .where(and(eq(grievances.id, id), access.grievance(actor)));
  return loadOr404(q, lock && { of: grievances }, 'The grievance');
}

async function readGrievance(db: DbOrTx, id: string) {
  const [row] = await db
    .select(grievanceColumns(new Date()))
    .from(grievances)
    .innerJoin(candidates, eq(candidates.id, grievances.candidateId))
    .where(eq(grievances.id, id));
  return row!;
}

/**
 * Files a worker's grievance (the center, an admin, or the partner of the worker's placement) with
 * its two deadlines; the worker's current placement and its partner are copied onto it.
 */
export async function fileGrievance({ db }: Pick<ProtectionDeps, 'db'>, actor: Actor, input: GrievanceInput) {
  const receivedAt = new Date(input.receivedAt);
  if (receivedAt.getTime() > Date.now() + 5 * 60_000)
    throw validationFailed([{ path: 'receivedAt', message: 'must not be in the future' }]);
  return db.transaction(async (tx) => {
    const candidate = await candidateInScope(tx, actor, input.candidateId);
    // The worker's latest placement that stands (for a partner: on one of its own orders).
    const [placement] = await tx
      .select({ id: placements.id, partnerId: jobOrders.partnerId })
      .from(placements)
      .leftJoin(jobOrders, eq(jobOrders.id, placements.jobOrderId))
      .where(
        and(
          eq(placements.candidateId, candidate.id),
          ne(placements.status, 'cancelled'),
          actor.role === 'partner' ? eq(jobOrders.partnerId, actor.partnerId!) : undefined,
        ),
      )
      .orderBy(desc(placements.createdAt), desc(placements.id))
      .limit(1);
    const [row] = await tx
      .insert(grievances)
      .values({
        candidateId: candidate.id,
        placementId: placement?.id ?? null,
        partnerId: placement?.partnerId ?? null,
        category: input.category,
        description: input.description.normalize('NFC'),
        receivedVia: input.receivedVia,
        receivedAt,
        ackDue: new Date(receivedAt.getTime() + GRIEVANCE_ACK_HOURS * HOUR),
        resolveDue: new Date(receivedAt.getTime() + GRIEVANCE_RESOLVE_DAYS * 24 * HOUR),
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'file',
      entity: 'grievance',
      entityId: row!.id,
      after: row,
    });
    return readGrievance(tx, row!.id);
  });
}

/** One step of a grievance's handling: the change written, in the audit log, and the grievance as read after it. */
async function changeGrievance(
  tx: DbOrTx,
  actor: Actor,
  action: 'acknowledge' | 'resolve',
  before: typeof grievances.$inferSelect,
  set: Partial<typeof grievances.$inferInsert>,
) {
  await updateAudited(tx, grievances, { actorId: actor.id, action, entity: 'grievance', before }, set);
  return readGrievance(tx, before.id);
}

/** Acknowledges an open grievance (the center, an admin, or the partner of the worker's placement). */
export async function acknowledgeGrievance({ db }: Pick<ProtectionDeps, 'db'>, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const { grievance } = await loadGrievance(tx, actor, id, true);
    if (grievance.status !== 'open')
      throw conflict(`This grievance is already ${grievance.status}.`, [
        { path: 'status', message: `is ${grievance.status}` },
      ]);
    return changeGrievance(tx, actor, 'acknowledge', grievance, {
      status: 'acknowledged',
      acknowledgedAt: new Date(),
      acknowledgedBy: actor.id,
    });
  });
}

/** Resolves a grievance with what was done; one not yet acknowledged is acknowledged by it too. */
export async function resolveGrievance(
  { db }: Pick<ProtectionDeps, 'db'>,
  actor: Actor,
  id: string,
  resolution: string,
) {
  return db.transaction(async (tx) => {
    const { grievance } = await loadGrievance(tx, actor, id, true);
    if (grievance.status === 'resolved')
      throw conflict('This grievance is already resolved.', [{ path: 'status', message: 'is resolved' }]);
    const now = new Date();
    return changeGrievance(tx, actor, 'resolve', grievance, {
      status: 'resolved',
      acknowledgedAt: grievance.acknowledgedAt ?? now,
      acknowledgedBy: grievance.acknowledgedBy ?? actor.id,
      resolvedAt: now,
      resolvedBy: actor.id,
      resolution: resolution.normalize('NFC'),
    });
  });
}

/** Grievances in the actor's scope, latest received first. */
export async function listGrievances({ db }: Pick<ProtectionDeps, 'db'>, actor: Actor, q: GrievanceQuery) {
  const now = new Date();
  return readPage(grievancePager, q, (after) =>
    db
      .select({ ...grievanceColumns(now), ...grievancePager.keys })
      .from(grievances)
      .innerJoin(candidates, eq(candidates.id, grievances.candidateId))
      .where(
        and(
          access.grievance(actor),
          q.status ? eq(grievances.status, q.status) : undefined,
          q.overdue === undefined
            ? undefined
            : q.overdue
              ? grievanceOverdue(now)
              : sql`not ${grievanceOverdue(now)}`,
          after,
        ),
      ),
  );
}

/**
 * Grievances received in [from, to] (days in Viet Nam) per home province and category: how many, how
 * many are unresolved and how many are past a deadline now. Scoped like the other reports; partners
 * read no count below 5.
 */
export async function grievanceReport(
  { db, reference }: ProtectionDeps,
  actor: Actor,
  q: GrievanceReportQuery,
): Promise<GrievanceReport> {
  const day = sql`(${grievances.receivedAt} at time zone 'Asia/Ho_Chi_Minh')::date`;
  const rows = await db
    .select({
      category: grievances.category,
      status: grievances.status,
      overdue: sql<boolean>`${grievanceOverdue(new Date())}`.mapWith(Boolean),
      provinceCode: candidates.homeProvinceCode,
      provinceBoundaries: candidates.provinceBoundaries,
      province2025: candidates.homeProvince2025,
    })
    .from(grievances)
    .innerJoin(candidates, eq(candidates.id, grievances.candidateId))
    .where(
      and(
        q.from ? sql`${day} >= ${q.from}::date` : undefined,
        q.to ? sql`${day} <= ${q.to}::date` : undefined,
        actor.role === 'center' ? eq(candidates.trainingCenterId, actor.trainingCenterId!) : undefined,
        actor.role === 'province' ? eq(candidates.homeProvince2025, actor.provinceCode!) : undefined,
      ),
    );
  const groups = new Map<
    string,
    {
      code: string;
      name: string;
      category: GrievanceReport['rows'][number]['category'];
      n: number;
      unresolved: number;
      overdue: number;
    }
  >();
  for (const r of rows) {
    const place = provinceOf(reference, q.boundaries, r);
    const key = `${place.code}|${r.category}`;
    const g = groups.get(key) ?? { ...place, category: r.category, n: 0, unresolved: 0, overdue: 0 };
    g.n++;
    if (r.status !== 'resolved') g.unresolved++;
    if (r.overdue) g.overdue++;
    groups.set(key, g);
  }
  const show = (n: number) => (actor.role === 'partner' && n < SUPPRESSION_THRESHOLD ? null : n);
  return {
    rows: [...groups.values()]
      .sort((a, b) => a.code.localeCompare(b.code) || a.category.localeCompare(b.category))
      .map((g) => {
        const grievances = show(g.n);
        const out = {
          provinceCode: g.code,
          provinceName: g.name,
          category: g.category,
          grievances,
          unresolved: grievances === null ? null : show(g.unresolved),
          overdue: grievances === null ? null : show(g.overdue),
        };
        return {
          ...out,
          suppressed: out.grievances === null || out.unresolved === null || out.overdue === null,
        };
      }),
  };
}

/** Binds the deps once; routes call `app.services.protection.recordFee(actor, …)`. */
export function createProtectionService(deps: ProtectionDeps) {
  return {
    recordFee: (actor: Actor, placementId: string, input: FeeInput) =>
      recordFee(deps, actor, placementId, input),
    listFees: (actor: Actor, placementId: string) => listFees(deps, actor, placementId),
    recordEarlyReturn: (actor: Actor, placementId: string, input: EarlyReturnInput) =>
      recordEarlyReturn(deps, actor, placementId, input),
    recruitmentCost: (actor: Actor, q: RecruitmentCostQuery) => recruitmentCost(deps, actor, q),
    requestTransfer: (actor: Actor, placementId: string, input: TransferInput) =>
      requestTransfer(deps, actor, placementId, input),
    listTransfers: (actor: Actor, placementId: string) => listTransfers(deps, actor, placementId),
    fileGrievance: (actor: Actor, input: GrievanceInput) => fileGrievance(deps, actor, input),
    acknowledgeGrievance: (actor: Actor, id: string) => acknowledgeGrievance(deps, actor, id),
    resolveGrievance: (actor: Actor, id: string, resolution: string) =>
      resolveGrievance(deps, actor, id, resolution),
    listGrievances: (actor: Actor, q: GrievanceQuery) => listGrievances(deps, actor, q),
    grievanceReport: (actor: Actor, q: GrievanceReportQuery) => grievanceReport(deps, actor, q),
  };
}

export type ProtectionService = ReturnType<typeof createProtectionService>;
