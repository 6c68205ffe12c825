import { and, eq, inArray, ne, or, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import {
  alerts,
  candidates,
  certificates,
  courses,
  grievances,
  jobOrders,
  placements,
  trainingCenters,
} from '../db/schema.ts';
import { type Actor, type Role, scopeFieldOf } from './actor.ts';
import { forbidden, notFound } from './errors.ts';

/**
 * Who sees what — one predicate per resource, written once.
 *
 * Each predicate answers an SQL condition over the resource's own table (and, where named, a join the
 * caller makes): `undefined` for "every row", `FALSE` for "no row". Rows outside the condition are
 * answered 404 by the services, never 403, so that a caller cannot learn what exists beyond its scope.
 *
 * The one rule for a missing scope: a token whose role needs a scope id and lacks it is refused by
 * the auth plugin (`assertScoped`) before any service runs, so the predicates below can rely on it.
 */

const NONE = sql`false`;

export function assertScoped(actor: Actor): void {
  const field = scopeFieldOf(actor.role);
  if (field && !actor[field]) {
    throw forbidden(`This ${actor.role} account has no ${field}; an administrator must set it.`);
  }
}

/** The scope id of a scoped role; only called after `assertScoped`. */
const scopeId = (actor: Actor, field: 'trainingCenterId' | 'provinceCode' | 'partnerId'): string =>
  actor[field] as string;

/**
 * A partner's selection that still stands: a placement on one of its own job orders that was not
 * cancelled. Only such a selection opens a candidate's record (and documents) to a partner.
 * `partnerId` may be a value or a placeholder of a prepared statement.
 */
export function selectionStands(partnerId: SQLWrapper | string, candidateId: SQLWrapper): SQL {
  return sql`exists (select 1 from ${placements} join ${jobOrders} on ${jobOrders.id} = ${placements.jobOrderId}
    where ${placements.candidateId} = ${candidateId}
      and ${jobOrders.partnerId} = ${partnerId}::uuid
      and ${placements.status} <> 'cancelled')`;
}

/**
 * `access.candidate` for the sending side and officers, as placeholders of a prepared statement (the
 * hot single-record read): bind `center` and `province` with `candidateScopeParams`; null = any.
 */
export const candidateInScopePrepared = and(
  sql`(${sql.placeholder('center')}::uuid is null or ${candidates.trainingCenterId} = ${sql.placeholder('center')}::uuid)`,
  sql`(${sql.placeholder('province')}::text is null or ${candidates.homeProvince2025} = ${sql.placeholder('province')}::text)`,
) as SQL;

export function candidateScopeParams(actor: Actor): { center: string | null; province: string | null } {
  return {
    center: actor.role === 'center' ? scopeId(actor, 'trainingCenterId') : null,
    province: actor.role === 'province' ? scopeId(actor, 'provinceCode') : null,
  };
}

/** A rule per role: a predicate over the resource's rows, given the caller's scope id. */
type Rules = { [R in Role]: (scope: string) => SQL | undefined };

/** Builds a resource's predicate from its table of rules (admins: every row unless said). */
const rules =
  (table: Omit<Rules, 'admin'> & Partial<Pick<Rules, 'admin'>>) =>
  (actor: Actor): SQL | undefined => {
    const field = scopeFieldOf(actor.role);
    const rule = table[actor.role] ?? (() => undefined);
    return rule(field ? (actor[field] as string) : '');
  };

const nobody = () => NONE;
const centersIn = (province: string) =>
  sql`(select ${trainingCenters.id} from ${trainingCenters} where ${trainingCenters.provinceCode} = ${province})`;
const ordersOf = (partner: string) =>
  sql`(select ${jobOrders.id} from ${jobOrders} where ${jobOrders.partnerId} = ${partner})`;

export const access = {
  /** Candidates: admin all; a center its trainees; a province officer its home province (2025 set,
   * including the old provinces merged into it); a partner those selected for its own orders. */
  candidate: rules({
    center: (id) => eq(candidates.trainingCenterId, id),
    province: (code) => eq(candidates.homeProvince2025, code),
    partner: (id) => selectionStands(id, candidates.id),
  }),

  /** Courses: admin all; a center its own; a province officer those of centers in its province. */
  course: rules({
    center: (id) => eq(courses.trainingCenterId, id),
    province: (code) => inArray(courses.trainingCenterId, centersIn(code)),
    partner: nobody,
  }),

  /** Courses an actor may change, enroll in and record results of: admin any, a center its own. */
  courseWrite: rules({
    center: (id) => eq(courses.trainingCenterId, id),
    province: nobody,
    partner: nobody,
  }),

  /** Certificates (the caller joins `candidates` on the certificate's candidate): a center those it
   * issued and those of its trainees (a trainee may have moved since). */
  certificate: rules({
    center: (id) => or(eq(certificates.trainingCenterId, id), eq(candidates.trainingCenterId, id)),
    province: (code) => eq(candidates.homeProvince2025, code),
    partner: (id) => selectionStands(id, certificates.candidateId),
  }),

  /** Certificates an actor may revoke: admin any, a center those it issued (not those of a trainee
   * that moved to it). */
  certificateWrite: rules({
    center: (id) => eq(certificates.trainingCenterId, id),
    province: nobody,
    partner: nobody,
  }),

  /** Placements (the caller joins `candidates` on the placement's candidate). A partner sees the
   * placements of its own orders, cancelled ones included (its own history). */
  placement: rules({
    center: (id) => eq(candidates.trainingCenterId, id),
    province: (code) => eq(candidates.homeProvince2025, code),
    partner: (id) => inArray(placements.jobOrderId, ordersOf(id)),
  }),

  /** Placements whose identifying documents (letters) the caller may print: as `placement`, but a
   * partner only while its selection stands. */
  placementDocument: rules({
    center: (id) => eq(candidates.trainingCenterId, id),
    province: (code) => eq(candidates.homeProvince2025, code),
    partner: (id) => and(inArray(placements.jobOrderId, ordersOf(id)), ne(placements.status, 'cancelled')),
  }),

  /** Job orders: admin all; a partner its own; nobody else. */
  jobOrder: rules({
    center: nobody,
    province: nobody,
    partner: (id) => eq(jobOrders.partnerId, id),
  }),

  /** Grievances (the caller joins `candidates` on the grievance's candidate): the worker's center and
   * home province; the partner of the worker's placement, copied onto the grievance when filed. */
  grievance: rules({
    center: (id) => eq(candidates.trainingCenterId, id),
    province: (code) => eq(candidates.homeProvince2025, code),
    partner: (id) => eq(grievances.partnerId, id),
  }),

  /** Alerts carry the scope columns copied from their subject when raised. */
  alert: rules({
    center: (id) => eq(alerts.trainingCenterId, id),
    province: (code) => eq(alerts.provinceCode2025, code),
    partner: (id) => eq(alerts.partnerId, id),
  }),

  /**
   * Which slice of an aggregate report an actor may ask for by center or province: admin and partners
   * (partner reports are suppressed elsewhere) any; a center only its own center; a province officer
   * only its own province. Returns the filters to apply; a slice outside the scope is a 404 like any
   * resource outside it.
   */
  reportSlice(
    actor: Actor,
    asked: { trainingCenterId?: string | undefined; homeProvinceCode?: string | undefined },
  ): { trainingCenterId?: string | undefined; homeProvinceCode?: string | undefined } {
    if (actor.role === 'center') {
      const own = scopeId(actor, 'trainingCenterId');
      if (asked.trainingCenterId && asked.trainingCenterId !== own) throw notFound('The training center');
      return { ...asked, trainingCenterId: own };
    }
    if (actor.role === 'province') {
      const own = scopeId(actor, 'provinceCode');
      if (asked.homeProvinceCode && asked.homeProvinceCode !== own) throw notFound('The province');
      return { ...asked, homeProvinceCode: own };
    }
    return asked;
  },
};
