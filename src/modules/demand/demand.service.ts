import { and, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.ts';
import { queryRows, readPage } from '../../db/query.ts';
import { access } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { AppError, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import { jlptRank } from '../../lib/vocab.ts';
import { recordAudit, updateAudited } from '../audit/audit.service.ts';
import { transitionCandidate } from '../candidates/candidates.lifecycle.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { partners } from '../organisations/organisations.table.ts';
import { placements } from '../placements/placements.table.ts';
import { assertEsdEntry } from '../protection/protection.rules.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import type { JobOrderInput, JobOrderPatch, PoolQuery, SelectionInput } from './demand.schemas.ts';
import { jobOrders } from './demand.table.ts';

/** What the demand module needs: the database and the reference names. */
export interface DemandDeps {
  db: Db;
  reference: ReferenceService;
}

type JobOrderRow = typeof jobOrders.$inferSelect;

/** SQL for a JLPT level's rank (N5 = 1 … N1 = 5, none = 0), to compare levels in the database. */
const jlptRankSql = (column: ReturnType<typeof sql.raw> | ReturnType<typeof sql>) =>
  sql`(case ${column} when 'N1' then 5 when 'N2' then 4 when 'N3' then 3 when 'N4' then 2 when 'N5' then 1 else 0 end)`;

interface PoolRow {
  code: string;
  age: number;
  gender: string;
  homeProvinceCode: string;
  occupationField: string;
  jlptLevel: string | null;
  coursesPassed: number;
}

/**
 * The anonymised projection: the only candidate columns a partner's pool query ever selects. `code`
 * is the opaque pool code, never the public code (which is sequential and names the year).
 */
const poolColumns = sql`
  c.pool_code as "code",
  date_part('year', age(current_date, c.date_of_birth))::int as "age",
  c.gender,
  c.home_province_2025 as "homeProvinceCode",
  c.occupation_field as "occupationField",
  c.jlpt_level as "jlptLevel",
  (select count(*)::int from enrollments e where e.candidate_id = c.id and e.outcome = 'passed') as "coursesPassed"`;

/** Ready, consenting, not anonymised: who may appear in a partner's pool. */
const inPool = sql`c.status = 'ready' and c.consent_to_share and c.anonymised_at is null`;

function hardFilters(f: {
  field?: string | null;
  minJlpt?: string | null;
  gender?: string | null;
  ageMin?: number | null;
  ageMax?: number | null;
  homeProvinceCode?: string | null;
}) {
  const parts = [];
  if (f.field) parts.push(sql`c.occupation_field = ${f.field}`);
  if (f.minJlpt) parts.push(sql`${jlptRankSql(sql`c.jlpt_level`)} >= ${jlptRank(f.minJlpt)}`);
  if (f.gender) parts.push(sql`c.gender = ${f.gender}`);
  // Age in whole years today: born on or before today minus ageMin years, after today minus (ageMax+1).
  if (f.ageMin != null)
    parts.push(sql`c.date_of_birth <= (current_date - make_interval(years => ${f.ageMin}::int))::date`);
  if (f.ageMax != null)
    parts.push(sql`c.date_of_birth > (current_date - make_interval(years => ${f.ageMax + 1}::int))::date`);
  if (f.homeProvinceCode) parts.push(sql`c.home_province_2025 = ${f.homeProvinceCode}`);
  return parts.length ? sql` and ${sql.join(parts, sql` and `)}` : sql``;
}

/**
 * The order's hard requirements (the ones that filter its matches) a candidate does not meet, in
 * words; empty when the candidate qualifies. Age is counted in whole years today, as in the pool.
 */
async function unmetRequirements(
  db: DbOrTx,
  order: Pick<JobOrderRow, 'field' | 'minJlpt' | 'gender' | 'ageMin' | 'ageMax'>,
  candidateId: string,
): Promise<string[]> {
  const [row] = await queryRows<{
    field: string;
    jlpt: string | null;
    jlpt_ok: boolean;
    gender: string;
    age: number;
  }>(
    db,
    sql`select c.occupation_field as field, c.jlpt_level as jlpt, c.gender,
               ${order.minJlpt ? sql`${jlptRankSql(sql`c.jlpt_level`)} >= ${jlptRank(order.minJlpt)}` : sql`true`} as jlpt_ok,
               date_part('year', age(current_date, c.date_of_birth))::int as age
          from candidates c where c.id = ${candidateId}`,
  );
  if (!row) return [];
  const unmet: string[] = [];
  if (order.field && row.field !== order.field)
    unmet.push(`the order is for the field ${order.field}, the candidate's is ${row.field}`);
  if (order.minJlpt && !row.jlpt_ok)
    unmet.push(`the order asks for JLPT ${order.minJlpt} or higher, the candidate has ${row.jlpt ?? 'none'}`);
  if (order.gender && row.gender !== order.gender)
    unmet.push(`the order asks for ${order.gender} candidates`);
  if (order.ageMin != null && row.age < order.ageMin)
    unmet.push(`the order asks for an age of at least ${order.ageMin}, the candidate is ${row.age}`);
  if (order.ageMax != null && row.age > order.ageMax)
    unmet.push(`the order asks for an age of at most ${order.ageMax}, the candidate is ${row.age}`);
  return unmet;
}

/** The one answer for a code that cannot be selected, whatever the reason. */
const notSelectable = (code: string) =>
  new AppError(
    404,
    'not-found',
    'Not Found',
    `No candidate in the pool has the code ${code}: check the code against GET /pool or the order's matches.`,
    [{ path: 'candidateCode', message: 'is not the code of a candidate in the pool' }],
  );

/** The pool in pool-code order: opaque codes, so the order reveals nothing. */
const poolPager = keyset([{ expr: sql`c.pool_code`, kind: 'text' }]);
/** Matches best first; equal scores in pool-code order. */
const matchPager = keyset([
  { expr: sql`(jlpt + courses + waiting)`, kind: 'int', dir: 'desc' },
  { expr: sql`code`, kind: 'text' },
]);

/** Newest first. */
const jobOrderPager = keyset([
  { expr: jobOrders.createdAt, kind: 'timestamp', dir: 'desc' },
  { expr: jobOrders.id, kind: 'uuid', dir: 'desc' },
]);

// Written out in full: drizzle renders a lone-table column unqualified, which would bind to p.id.
const selectedCount = sql<number>`(select count(*)::int from placements p where p.job_order_id = job_orders.id and p.status <> 'cancelled')`;

export interface JobOrderListQuery {
  status?: JobOrderRow['status'] | undefined;
  program?: string | undefined;
  field?: string | undefined;
  partnerId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The answer shape of an order: with the prefecture's names. */
function jobOrderOut({ reference }: Pick<DemandDeps, 'reference'>, row: JobOrderRow & { selected: number }) {
  const prefecture = reference.prefecture(row.prefectureCode);
  return { ...row, prefectureName: prefecture?.nameJa, prefectureNameEn: prefecture?.nameEn };
}

/** A pool item with its home province's names besides the code. */
function withProvinceNames<T extends Pick<PoolRow, 'homeProvinceCode'>>(
  { reference }: Pick<DemandDeps, 'reference'>,
  row: T,
): T & { homeProvinceName: string | null; homeProvinceNameEn: string | null } {
  const province = reference.province(row.homeProvinceCode, '2025');
  return { ...row, homeProvinceName: province?.nameVi ?? null, homeProvinceNameEn: province?.nameEn ?? null };
}

/** The order, if the actor may see it (partner: its own; admin: any); else 404. */
export async function loadOrder(db: DbOrTx, actor: Actor, id: string, lock = false) {
  const q = db
    .select()
    .from(jobOrders)
    .where(and(eq(jobOrders.id, id), access.jobOrder(actor)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('The job order');
  return row;
}

/** Selections that stand (placements not cancelled) on an order. */
async function countSelections(tx: DbOrTx, orderId: string) {
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from ${placements} where ${placements.jobOrderId} = ${orderId} and ${placements.status} <> 'cancelled'`,
  );
  return Number(row?.n ?? 0);
}

/** Post a job order (a partner for itself, an admin for any partner). */
export async function createJobOrder(deps: DemandDeps, actor: Actor, input: JobOrderInput) {
  const { db, reference } = deps;
  const partnerId = actor.role === 'partner' ? actor.partnerId! : input.partnerId;
  const errors = [];
  if (!partnerId) errors.push({ path: 'partnerId', message: 'is required when an admin posts a job order' });
  if (!reference.prefecture(input.prefectureCode)) {
    errors.push({ path: 'prefectureCode', message: 'must be one of the 47 JIS prefecture codes (01–47)' });
  }
  if (errors.length) throw validationFailed(errors);
  if (actor.role === 'admin') {
    const [p] = await db.select({ id: partners.id }).from(partners).where(eq(partners.id, partnerId!));
    if (!p) throw validationFailed([{ path: 'partnerId', message: 'must be an existing partner' }]);
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(jobOrders)
      // What the body leaves out is null: the columns it may leave out have no default.
      .values({ ...input, partnerId: partnerId!, employerName: input.employerName.normalize('NFC') })
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'create',
      entity: 'job_order',
      entityId: row!.id,
      after: row,
    });
    return jobOrderOut(deps, { ...row!, selected: 0 });
  });
}

/** One order in the actor's scope, with its selections counted. */
export async function getJobOrder(deps: DemandDeps, actor: Actor, id: string) {
  const [row] = await deps.db
    .select({ order: jobOrders, selected: selectedCount })
    .from(jobOrders)
    .where(and(eq(jobOrders.id, id), access.jobOrder(actor)));
  if (!row) throw notFound('The job order');
  return jobOrderOut(deps, { ...row.order, selected: row.selected });
}

/** Orders in the actor's scope, newest first, filtered by status, programme, field, partner. */
export async function listJobOrders(deps: DemandDeps, actor: Actor, q: JobOrderListQuery) {
  const page = await readPage(jobOrderPager, q, (after) =>
    deps.db
      .select({ order: jobOrders, selected: selectedCount, ...jobOrderPager.keys })
      .from(jobOrders)
      .where(
        and(
          access.jobOrder(actor),
          q.partnerId ? eq(jobOrders.partnerId, q.partnerId) : undefined,
          q.status ? eq(jobOrders.status, q.status) : undefined,
          q.program ? eq(jobOrders.program, q.program) : undefined,
          q.field ? eq(jobOrders.field, q.field) : undefined,
          after,
        ),
      ),
  );
  return {
    items: page.items.map((r) => jobOrderOut(deps, { ...r.order, selected: r.selected })),
    nextCursor: page.nextCursor,
  };
}

/**
 * Edit an order. The headcount never goes below the selections made; the status follows it
 * (open ↔ filled). A closed order is not edited.
 */
export async function updateJobOrder(deps: DemandDeps, actor: Actor, id: string, patch: JobOrderPatch) {
  return deps.db.transaction(async (tx) => {
    const order = await loadOrder(tx, actor, id, true);
    if (order.status === 'closed') {
      throw conflict(
        `This job order was closed${order.closeReason ? ` (${order.closeReason})` : ''}; it cannot be edited.`,
        [{ path: 'status', message: 'is closed' }],
      );
    }
    const changes: Partial<JobOrderRow> = {};
    for (const [key, value] of Object.entries(patch) as [keyof JobOrderPatch, unknown][]) {
      if (value === undefined) continue;
      const v = typeof value === 'string' ? value.normalize('NFC') : value;
      if (v !== order[key]) (changes as Record<string, unknown>)[key] = v;
    }
    if (!Object.keys(changes).length) {
      throw validationFailed([{ path: 'body', message: 'must change at least one field' }]);
    }
    const merged = { ...order, ...changes };
    if (merged.ageMin != null && merged.ageMax != null && merged.ageMin > merged.ageMax) {
      throw validationFailed([{ path: 'ageMax', message: `must be at least ageMin (${merged.ageMin})` }]);
    }
    if (merged.interviewOn && merged.departureBy && merged.departureBy < merged.interviewOn) {
      throw validationFailed([
        { path: 'departureBy', message: `must not be before interviewOn (${merged.interviewOn})` },
      ]);
    }
    const selected = await countSelections(tx, order.id);
    if (merged.headcount < selected) {
      throw conflict(
        `${selected} candidates are already selected for this order; the headcount cannot go below that.`,
        [{ path: 'headcount', message: `must be at least ${selected}, the selections made` }],
      );
    }
    const status = selected >= merged.headcount ? 'filled' : 'open';
    const after = await updateAudited(
      tx,
      jobOrders,
      { actorId: actor.id, action: 'update', entity: 'job_order', before: order },
      { ...changes, status },
    );
    return jobOrderOut(deps, { ...after, selected });
  });
}

/** Close an order (open or filled) with a reason: it takes no more selections. */
export async function closeJobOrder(deps: DemandDeps, actor: Actor, id: string, reason: string) {
  return deps.db.transaction(async (tx) => {
    const order = await loadOrder(tx, actor, id, true);
    if (order.status === 'closed') {
      throw conflict(`This job order is already closed (${order.closeReason ?? 'no reason given'}).`, [
        { path: 'status', message: 'is closed' },
      ]);
    }
    const after = await updateAudited(
      tx,
      jobOrders,
      { actorId: actor.id, action: 'close', entity: 'job_order', before: order },
      { status: 'closed', closeReason: reason.normalize('NFC'), closedAt: sql`now()` },
    );
    return jobOrderOut(deps, { ...after, selected: await countSelections(tx, order.id) });
  });
}

/** The anonymised pool of ready, consenting candidates, filtered, in pool-code order. */
export async function listPool(deps: DemandDeps, _actor: Actor, q: PoolQuery) {
  const rows = await queryRows<PoolRow>(
    deps.db,
    sql`select ${poolColumns}, ${poolPager.keysSql} from candidates c
        where ${inPool}${hardFilters(q)} and ${poolPager.after(q.cursor) ?? sql`true`}
        order by ${poolPager.orderBySql} limit ${q.limit + 1}`,
  );
  const page = poolPager.page(rows, q.limit);
  return { ...page, items: page.items.map((r) => withProvinceNames(deps, r)) };
}

/** The pool ranked for an order, in SQL: hard requirements filter, soft ones score. */
export async function listMatches(
  deps: DemandDeps,
  actor: Actor,
  orderId: string,
  q: { limit: number; cursor?: string | undefined },
) {
  const after = matchPager.after(q.cursor);
  const order = await loadOrder(deps.db, actor, orderId);
  const minRank = jlptRank(order.minJlpt);
  const rows = await queryRows<PoolRow & { jlpt: number; courses: number; waiting: number }>(
    deps.db,
    sql`select *, (jlpt + courses + waiting) as score, ${matchPager.keysSql} from (
          select ${poolColumns},
            least(40, ${minRank ? sql`10 + 10 * (${jlptRankSql(sql`c.jlpt_level`)} - ${minRank})` : sql`10 * ${jlptRankSql(sql`c.jlpt_level`)}`})::int as jlpt,
            least(30, 10 * (select count(*) from enrollments e where e.candidate_id = c.id and e.outcome = 'passed'))::int as courses,
            least(30, floor(extract(epoch from (now() - c.status_changed_at)) / 864000))::int as waiting
          from candidates c
          where ${inPool}${hardFilters({ ...order, homeProvinceCode: null })}
        ) ranked
        ${after ? sql`where ${after}` : sql``}
        order by ${matchPager.orderBySql}
        limit ${q.limit + 1}`,
  );
  const page = matchPager.page(rows, q.limit);
  return {
    items: page.items.map(({ jlpt, courses, waiting, ...item }) => ({
      ...withProvinceNames(deps, item),
      score: jlpt + courses + waiting,
      scoreParts: { jlpt, courses, waiting },
    })),
    nextCursor: page.nextCursor,
  };
}

/**
 * A partner selects a pool candidate for its own order: a planned placement (with the contract
 * terms when given), the candidate `selected`, in one transaction. The order row lock serialises
 * selections on one order, so the headcount holds; the partial unique index holds one open
 * placement per candidate. Reaching the headcount fills the order.
 */
export async function selectCandidate(
  { db }: Pick<DemandDeps, 'db'>,
  actor: Actor,
  orderId: string,
  input: SelectionInput,
) {
  const { candidateCode, ...contractTerms } = input;
  return db.transaction(async (tx) => {
    const order = await loadOrder(tx, actor, orderId, true);
    if (order.status === 'closed') {
      throw conflict(
        `This job order was closed (${order.closeReason ?? 'no reason given'}); no more candidates can be selected.`,
        [{ path: 'status', message: 'is closed' }],
      );
    }
    if (order.status === 'filled') {
      throw conflict(
        `This job order is filled (${order.headcount} selected); no more candidates can be selected.`,
        [{ path: 'status', message: 'is filled' }],
      );
    }
    const n = await countSelections(tx, order.id);
    if (n >= order.headcount) {
      throw conflict(`The order's headcount of ${order.headcount} is already filled.`, [
        { path: 'candidateCode', message: `cannot be added: ${n} of ${order.headcount} places are taken` },
      ]);
    }
    // Only a candidate in the pool can be selected, and every other code — unknown, not consenting,
    // not ready, anonymised, just taken by another order — gets the same 404: no answer tells a
    // partner that a code exists outside the pool. The row lock makes the loser of two
    // simultaneous selections wait, re-read the row, find it out of the pool and get that 404.
    const [candidate] = await queryRows<{ id: string }>(
      tx,
      sql`select c.id from ${candidates} c where c.pool_code = ${candidateCode} and ${inPool} for update`,
    );
    if (!candidate) throw notSelectable(candidateCode);
    const unmet = await unmetRequirements(tx, order, candidate.id);
    if (unmet.length) {
      throw conflict(
        `The candidate ${candidateCode} does not meet this job order's requirements: ${unmet.join('; ')}.`,
        unmet.map((message) => ({ path: 'candidateCode', message })),
      );
    }
    if (order.program === 'esd') await assertEsdEntry(tx, candidate.id);
    const [open] = await tx
      .select({ id: placements.id })
      .from(placements)
      .where(
        and(eq(placements.candidateId, candidate.id), sql`${placements.status} in ('planned', 'departed')`),
      );
    if (open) throw conflict(`The candidate ${candidateCode} already has an open placement.`);
    const [placement] = await tx
      .insert(placements)
      .values({
        candidateId: candidate.id,
        jobOrderId: order.id,
        destinationCountry: 'JP',
        prefectureCode: order.prefectureCode,
        municipality: order.municipality,
        employerName: order.employerName,
        program: order.program,
        field: order.field,
        ...contractTerms, // the terms left out are null until PATCH /placements/:id gives them
      })
      .returning();
    await transitionCandidate(tx, {
      candidateId: candidate.id,
      to: 'selected',
      actor,
      event: 'select',
      reason: `selected for job order ${order.id}`,
      sideEffect: true,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'select',
      entity: 'placement',
      entityId: placement!.id,
      after: placement,
    });
    if (n + 1 >= order.headcount)
      await tx.update(jobOrders).set({ status: 'filled' }).where(eq(jobOrders.id, order.id));
    return { placementId: placement!.id, candidateId: candidate.id };
  });
}

/** Binds the deps once; routes call `app.services.demand.list(actor, query)`. */
export function createDemandService(deps: DemandDeps) {
  return {
    create: (actor: Actor, input: JobOrderInput) => createJobOrder(deps, actor, input),
    get: (actor: Actor, id: string) => getJobOrder(deps, actor, id),
    list: (actor: Actor, q: JobOrderListQuery) => listJobOrders(deps, actor, q),
    update: (actor: Actor, id: string, patch: JobOrderPatch) => updateJobOrder(deps, actor, id, patch),
    close: (actor: Actor, id: string, reason: string) => closeJobOrder(deps, actor, id, reason),
    pool: (actor: Actor, q: PoolQuery) => listPool(deps, actor, q),
    matches: (actor: Actor, orderId: string, q: { limit: number; cursor?: string | undefined }) =>
      listMatches(deps, actor, orderId, q),
    select: (actor: Actor, orderId: string, input: SelectionInput) =>
      selectCandidate(deps, actor, orderId, input),
  };
}

export type DemandService = ReturnType<typeof createDemandService>;
