import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { candidateInScope, loadOr404, readPage } from '../../db/query.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { AppError, conflict, notFound, staleVersion, validationFailed } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type TransitionInput, transitionCandidate } from '../candidates/candidates.lifecycle.ts';
import { candidates } from '../candidates/candidates.table.ts';
import {
  cancelQuotaExceeded,
  partnerCancelQuota,
  raisePartnerCancellationsAlert,
  recordPartnerCancellation,
} from '../demand/demand.cancellations.ts';
import { jobOrders } from '../demand/demand.table.ts';
import { homeEmployers } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import type { PlacementInput, PlacementPatch } from './placements.schemas.ts';
import { placements, reintegrations } from './placements.table.ts';

/** What the placements module needs: the database, the reference names, the partner cancel quota. */
export interface PlacementDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

type PlacementRow = typeof placements.$inferSelect;
type Loaded = { placement: PlacementRow; candidateCode: string; homeProvinceCode: string };
export interface ListQuery {
  status?: PlacementRow['status'] | undefined;
  candidateId?: string | undefined;
  jobOrderId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}
export interface ReturnInput {
  returnedOn: string;
  reason: 'completed' | 'early_termination' | 'other';
}
export interface ReintegrationInput {
  homeEmployerId: string;
  startedOn: string;
  position: string;
}

/** Fields a departed placement may still change: an extension of the contract and the residence card. */
const AFTER_DEPARTURE = new Set(['contractEnd', 'residenceCardNo', 'residenceCardExpiresOn']);
const PATCHABLE = [
  'contractStart',
  'contractEnd',
  'monthlyWageJpy',
  'employerName',
  'employerNameLatin',
  'employerAddress',
  'supervisingOrg',
  'residenceCardNo',
  'residenceCardExpiresOn',
] as const;

const badDate = (path: string, message: string) => validationFailed([{ path, message }]);
const dateRefused = (path: string, message: string) =>
  conflict(`The ${path} cannot be true: it ${message}.`, [{ path, message }]);

const placementPager = keyset([
  { expr: placements.createdAt, kind: 'timestamp', dir: 'desc' },
  { expr: placements.id, kind: 'uuid', dir: 'desc' },
]);

/** The answer shape: the row with the names of the host prefecture and the worker's home province. */
function toOut({ reference }: Pick<PlacementDeps, 'reference'>, row: Loaded) {
  const { placement } = row;
  const prefecture = placement.prefectureCode ? reference.prefecture(placement.prefectureCode) : undefined;
  const province = reference.province(row.homeProvinceCode, '2025');
  return {
    ...placement,
    candidateCode: row.candidateCode,
    prefectureName: prefecture?.nameJa ?? null,
    prefectureNameEn: prefecture?.nameEn ?? null,
    homeProvinceCode: row.homeProvinceCode,
    homeProvinceName: province?.nameVi ?? null,
    homeProvinceNameEn: province?.nameEn ?? null,
  };
}

const loadedColumns = {
  placement: placements,
  candidateCode: candidates.code,
  homeProvinceCode: candidates.homeProvince2025,
};

/** The placement (locked for update when changing it), if the actor may see it; else 404. */
async function loadPlacement(tx: DbOrTx, actor: Actor, id: string, lock: boolean): Promise<Loaded> {
  const q = tx
    .select(loadedColumns)
    .from(placements)
    .innerJoin(candidates, eq(candidates.id, placements.candidateId))
    .where(and(eq(placements.id, id), access.placement(actor)));
  return loadOr404(q, lock && { of: placements }, 'The placement');
}

/** Writes a change with a new version and audits it with its before and after. */
async function updatePlacementRow(
  tx: DbOrTx,
  actor: Actor,
  before: PlacementRow,
  set: Partial<PlacementRow>,
  action: string,
  auditExtra: Record<string, unknown> = {},
) {
  const [after] = await tx
    .update(placements)
    .set({ ...set, version: sql`${placements.version} + 1`, updatedAt: sql`now()` })
    .where(eq(placements.id, before.id))
    .returning();
  await recordAudit(tx, {
    actorId: actor.id,
    action,
    entity: 'placement',
    entityId: before.id,
    before,
    after: { ...after, ...auditExtra },
  });
  return after!;
}

/**
 * A step of the placement to its next status, with its candidate's (the candidate's move is checked
 * as any): the row written and audited as `action`, answered as the API shows it.
 */
async function stepPlacement(
  tx: DbOrTx,
  deps: Pick<PlacementDeps, 'reference'>,
  actor: Actor,
  loaded: Loaded,
  step: Pick<TransitionInput, 'to' | 'event' | 'reason'> & { set: Partial<PlacementRow>; action: string },
) {
  const { placement } = loaded;
  await transitionCandidate(tx, {
    candidateId: placement.candidateId,
    to: step.to,
    actor,
    event: step.event,
    reason: step.reason,
    sideEffect: true,
  });
  const after = await updatePlacementRow(tx, actor, placement, step.set, step.action);
  return toOut(deps, { ...loaded, placement: after });
}

const refuse = (placement: PlacementRow, what: string) =>
  new AppError(409, 'transition-refused', 'Conflict', `A ${placement.status} placement cannot be ${what}.`, [
    { path: 'status', message: `is ${placement.status}` },
  ]);

/** One placement in the actor's scope. */
export async function getPlacement(deps: Pick<PlacementDeps, 'db' | 'reference'>, actor: Actor, id: string) {
  return toOut(deps, await loadPlacement(deps.db, actor, id, false));
}

/** Placements in the actor's scope, newest first. */
export async function listPlacements(
  deps: Pick<PlacementDeps, 'db' | 'reference'>,
  actor: Actor,
  q: ListQuery,
) {
  const page = await readPage(placementPager, q, (after) =>
    deps.db
      .select({ ...loadedColumns, ...placementPager.keys })
      .from(placements)
      .innerJoin(candidates, eq(candidates.id, placements.candidateId))
      .where(
        and(
          access.placement(actor),
          q.status ? eq(placements.status, q.status) : undefined,
          q.candidateId ? eq(placements.candidateId, q.candidateId) : undefined,
          q.jobOrderId ? eq(placements.jobOrderId, q.jobOrderId) : undefined,
          after,
        ),
      ),
  );
  return { items: page.items.map((r) => toOut(deps, r)), nextCursor: page.nextCursor };
}

/** A placement made directly (any destination, or Japan without a job order): ready → selected. */
export async function createPlacement(
  deps: Pick<PlacementDeps, 'db' | 'reference'>,
  actor: Actor,
  input: PlacementInput,
) {
  const { db, reference } = deps;
  if (input.prefectureCode && !reference.prefecture(input.prefectureCode)) {
    throw validationFailed([
      { path: 'prefectureCode', message: 'must be one of the 47 JIS prefecture codes (01–47)' },
    ]);
  }
  return db.transaction(async (tx) => {
    const [candidate] = await tx
      .select({
        id: candidates.id,
        code: candidates.code,
        status: candidates.status,
        homeProvinceCode: candidates.homeProvince2025,
      })
      .from(candidates)
      .where(and(eq(candidates.id, input.candidateId), access.candidate(actor)));
    if (!candidate) throw notFound('The candidate');
    if (candidate.status !== 'ready') {
      throw conflict(`Only a ready candidate can be placed; this one is ${candidate.status}.`, [
        { path: 'candidateId', message: `is ${candidate.status}, not ready` },
      ]);
    }
    const [row] = await tx
      .insert(placements)
      .values({
        candidateId: candidate.id,
        destinationCountry: input.destinationCountry,
        prefectureCode: input.prefectureCode ?? null,
        municipality: input.municipality ?? null,
        employerName: input.employerName.normalize('NFC'),
        program: input.program,
        field: input.field,
        contractStart: input.contractStart,
        contractEnd: input.contractEnd,
      })
      .returning();
    await transitionCandidate(tx, {
      candidateId: candidate.id,
      to: 'selected',
      actor,
      event: 'placement_planned',
      sideEffect: true,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'create',
      entity: 'placement',
      entityId: row!.id,
      after: row,
    });
    return toOut(deps, {
      placement: row!,
      candidateCode: candidate.code,
      homeProvinceCode: candidate.homeProvinceCode,
    });
  });
}

/**
 * Contract terms, employer and residence card (PATCH). Before departure any field; after it only
 * an extension of `contractEnd` (with a reason) and the residence card. Optimistic `version`.
 */
export async function updatePlacement(
  deps: Pick<PlacementDeps, 'db' | 'reference'>,
  actor: Actor,
  id: string,
  patch: PlacementPatch,
) {
  return deps.db.transaction(async (tx) => {
    const loaded = await loadPlacement(tx, actor, id, true);
    const { placement } = loaded;
    if (patch.version !== placement.version) throw staleVersion('placement', placement.version);
    if (placement.status === 'returned' || placement.status === 'cancelled') {
      throw refuse(placement, 'changed any more');
    }
    const changes: Partial<PlacementRow> = {};
    for (const key of PATCHABLE) {
      const value = patch[key];
      if (value === undefined) continue;
      const normalised = typeof value === 'string' ? value.normalize('NFC') : value;
      if (normalised !== placement[key]) (changes as Record<string, unknown>)[key] = normalised;
    }
    const changed = Object.keys(changes);
    if (!changed.length) {
      throw validationFailed([{ path: 'body', message: 'must change at least one field besides version' }]);
    }
    const departed = placement.status === 'departed';
    if (departed) {
      const frozen = changed.filter((k) => !AFTER_DEPARTURE.has(k));
      if (frozen.length) {
        throw conflict(
          `The placement has departed (on ${placement.departedOn}); only an extension of contractEnd and the residence card can change now, not ${frozen.join(', ')}.`,
          frozen.map((path) => ({ path, message: 'cannot change after departure' })),
        );
      }
      if (changes.contractEnd !== undefined) {
        if (!patch.reason) {
          throw validationFailed([
            { path: 'reason', message: 'is required to extend the contract after departure' },
          ]);
        }
        if (placement.contractEnd && changes.contractEnd! <= placement.contractEnd) {
          throw conflict(
            `After departure contractEnd can only be extended beyond ${placement.contractEnd}.`,
            [
              {
                path: 'contractEnd',
                message: `must be after the current end ${placement.contractEnd} (an extension)`,
              },
            ],
          );
        }
      }
    }
    const start = changes.contractStart ?? placement.contractStart;
    const end = changes.contractEnd ?? placement.contractEnd;
    if (start && end && end <= start) {
      throw validationFailed([{ path: 'contractEnd', message: `must be after contractStart (${start})` }]);
    }
    const action = departed && changes.contractEnd !== undefined ? 'extend' : 'update';
    const after = await updatePlacementRow(tx, actor, placement, changes, action, {
      changed,
      reason: patch.reason ?? null,
    });
    return toOut(deps, { ...loaded, placement: after });
  });
}

/**
 * planned → departed. Needs the contract dates, a date not before the job order's interview, and
 * (the candidate's move checks it) a passed orientation course (Law 69/2020).
 */
export async function departPlacement(
  deps: Pick<PlacementDeps, 'db' | 'reference'>,
  actor: Actor,
  id: string,
  departedOn: string,
) {
  if (departedOn > todayInVietnam())
    throw badDate('departedOn', 'must not be in the future: record a departure once it happened');
  return deps.db.transaction(async (tx) => {
    const loaded = await loadPlacement(tx, actor, id, true);
    const { placement } = loaded;
    if (placement.status !== 'planned') throw refuse(placement, 'departed');
    const missing = (['contractStart', 'contractEnd'] as const).filter((k) => !placement[k]);
    if (missing.length) {
      throw conflict(
        `The placement has no ${missing.join(' and ')}: give the contract term with PATCH /placements/${placement.id} before the departure.`,
        missing.map((path) => ({ path, message: 'is required before departure' })),
      );
    }
    if (placement.jobOrderId) {
      const [order] = await tx
        .select({ interviewOn: jobOrders.interviewOn })
        .from(jobOrders)
        .where(eq(jobOrders.id, placement.jobOrderId));
      if (order?.interviewOn && departedOn < order.interviewOn) {
        throw dateRefused('departedOn', `is before the job order's interview on ${order.interviewOn}`);
      }
    }
    return stepPlacement(tx, deps, actor, loaded, {
      to: 'departed',
      event: 'depart',
      set: { status: 'departed', departedOn },
      action: 'depart',
    });
  });
}

/** departed → returned. */
export async function returnPlacement(
  deps: Pick<PlacementDeps, 'db' | 'reference'>,
  actor: Actor,
  id: string,
  input: ReturnInput,
) {
  if (input.returnedOn > todayInVietnam()) throw badDate('returnedOn', 'must not be in the future');
  return deps.db.transaction(async (tx) => {
    const loaded = await loadPlacement(tx, actor, id, true);
    const { placement } = loaded;
    if (placement.status !== 'departed') throw refuse(placement, 'returned');
    if (placement.departedOn && input.returnedOn < placement.departedOn) {
      throw badDate('returnedOn', `must not be before the departure on ${placement.departedOn}`);
    }
    return stepPlacement(tx, deps, actor, loaded, {
      to: 'returned',
      event: 'return',
      reason: input.reason,
      set: { status: 'returned', returnedOn: input.returnedOn, returnReason: input.reason },
      action: 'return',
    });
  });
}

/** Before departure only: the candidate goes back to ready and the order's place frees up. */
export async function cancelPlacement(deps: PlacementDeps, actor: Actor, id: string, reason: string) {
  const { db, config } = deps;
  const result = await db.transaction(async (tx) => {
    const loaded = await loadPlacement(tx, actor, id, true);
    const { placement } = loaded;
    if (placement.status !== 'planned')
      throw refuse(placement, 'cancelled (only a planned placement can be)');
    // A partner's own cancellations are limited (see demand.cancellations.ts); centers' and admins' are not.
    const quota = actor.role === 'partner' ? await partnerCancelQuota(tx, actor.partnerId!, config) : null;
    if (quota?.exceeded) return { refused: quota };
    const out = await stepPlacement(tx, deps, actor, loaded, {
      to: 'ready',
      event: 'placement_cancelled',
      reason,
      set: { status: 'cancelled', cancelReason: reason },
      action: 'cancel',
    });
    if (placement.jobOrderId) {
      // A filled order opens again (a closed one stays closed).
      await tx
        .update(jobOrders)
        .set({ status: 'open' })
        .where(and(eq(jobOrders.id, placement.jobOrderId), eq(jobOrders.status, 'filled')));
    }
    if (quota) await recordPartnerCancellation(tx, actor, quota, placement, reason);
    return { placement: out };
  });
  if (result.refused) {
    // Nothing was changed; the admin alert is written after the lock is released.
    await raisePartnerCancellationsAlert(db, result.refused, id);
    throw cancelQuotaExceeded(result.refused);
  }
  return result.placement;
}

/** A returnee starts at a Japanese-invested firm at home: returned → reintegrated. */
export async function reintegrateCandidate(
  { db }: Pick<PlacementDeps, 'db'>,
  actor: Actor,
  candidateId: string,
  input: ReintegrationInput,
) {
  if (input.startedOn > todayInVietnam()) {
    throw dateRefused('startedOn', 'is in the future: record a reintegration once the job has started');
  }
  return db.transaction(async (tx) => {
    const [candidate] = await tx
      .select({ id: candidates.id, status: candidates.status })
      .from(candidates)
      .where(and(eq(candidates.id, candidateId), access.candidate(actor)));
    if (!candidate) throw notFound('The candidate');
    const [employer] = await tx
      .select()
      .from(homeEmployers)
      .where(eq(homeEmployers.id, input.homeEmployerId));
    if (!employer)
      throw validationFailed([{ path: 'homeEmployerId', message: 'must be an existing home employer' }]);
    const [last] = await tx
      .select()
      .from(placements)
      .where(and(eq(placements.candidateId, candidate.id), eq(placements.status, 'returned')))
      .orderBy(desc(placements.returnedOn))
      .limit(1);
    if (last?.returnedOn && input.startedOn < last.returnedOn) {
      throw dateRefused('startedOn', `is before the return home on ${last.returnedOn}`);
    }
    await transitionCandidate(tx, {
      candidateId: candidate.id,
      to: 'reintegrated',
      actor,
      event: 'reintegrate',
      sideEffect: true,
    });
    const [row] = await tx
      .insert(reintegrations)
      .values({
        candidateId: candidate.id,
        placementId: last?.id ?? null,
        homeEmployerId: employer.id,
        startedOn: input.startedOn,
        position: input.position.normalize('NFC'),
      })
      .returning();
    const { createdAt: _createdAt, ...out } = row!;
    return { ...out, homeEmployerName: employer.name, candidateStatus: 'reintegrated' as const };
  });
}

/** A candidate's reintegrations (jobs at home after the return), first first. */
export async function listReintegrations(
  { db }: Pick<PlacementDeps, 'db'>,
  actor: Actor,
  candidateId: string,
) {
  const candidate = await candidateInScope(db, actor, candidateId);
  const items = await db
    .select({
      id: reintegrations.id,
      candidateId: reintegrations.candidateId,
      placementId: reintegrations.placementId,
      homeEmployerId: reintegrations.homeEmployerId,
      homeEmployerName: homeEmployers.name,
      startedOn: reintegrations.startedOn,
      position: reintegrations.position,
      createdAt: reintegrations.createdAt,
    })
    .from(reintegrations)
    .innerJoin(homeEmployers, eq(homeEmployers.id, reintegrations.homeEmployerId))
    .where(eq(reintegrations.candidateId, candidate.id))
    .orderBy(asc(reintegrations.startedOn), asc(reintegrations.id));
  return { items };
}

/** Binds the deps once; routes call `app.services.placements.list(actor, query)`. */
export function createPlacementService(deps: PlacementDeps) {
  return {
    get: (actor: Actor, id: string) => getPlacement(deps, actor, id),
    list: (actor: Actor, q: ListQuery) => listPlacements(deps, actor, q),
    create: (actor: Actor, input: PlacementInput) => createPlacement(deps, actor, input),
    update: (actor: Actor, id: string, patch: PlacementPatch) => updatePlacement(deps, actor, id, patch),
    depart: (actor: Actor, id: string, departedOn: string) => departPlacement(deps, actor, id, departedOn),
    return: (actor: Actor, id: string, input: ReturnInput) => returnPlacement(deps, actor, id, input),
    cancel: (actor: Actor, id: string, reason: string) => cancelPlacement(deps, actor, id, reason),
    reintegrate: (actor: Actor, candidateId: string, input: ReintegrationInput) =>
      reintegrateCandidate(deps, actor, candidateId, input),
    reintegrations: (actor: Actor, candidateId: string) => listReintegrations(deps, actor, candidateId),
  };
}

export type PlacementService = ReturnType<typeof createPlacementService>;
