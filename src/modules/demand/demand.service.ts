import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { queryRows } from '../../db/query.ts';
import { badRequest, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { decodeCursor, pageOf } from '../../lib/pagination.ts';
import { jlptRank } from '../../lib/vocab.ts';
import type { Actor } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { transitionCandidate } from '../candidates/candidates.lifecycle.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { partners } from '../organisations/organisations.table.ts';
import { placements } from '../placements/placements.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import type { JobOrderInput, PoolQuery } from './demand.schemas.ts';
import { jobOrders } from './demand.table.ts';

export interface DemandServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
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

/** The anonymised projection: the only candidate columns a partner's pool query ever selects. */
const poolColumns = sql`
  c.code,
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

export function createDemandService({ db, reference }: DemandServiceDeps) {
  // Written out in full: drizzle renders a lone-table column unqualified, which would bind to p.id.
  const selectedCount = sql<number>`(select count(*)::int from placements p where p.job_order_id = job_orders.id and p.status <> 'cancelled')`;

  function toOut(row: JobOrderRow & { selected: number }) {
    return { ...row, prefectureName: reference.prefecture(row.prefectureCode)?.nameJa };
  }

  /** The order, if the actor may see it (partner: its own; admin: any); else 404. */
  async function loadOrder(db: DbOrTx, id: string, actor: Actor, lock = false) {
    const q = db
      .select()
      .from(jobOrders)
      .where(
        and(
          eq(jobOrders.id, id),
          actor.role === 'partner' ? eq(jobOrders.partnerId, actor.partnerId!) : undefined,
        ),
      );
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw notFound('The job order');
    return row;
  }

  return {
    loadOrder,

    async create(input: JobOrderInput, actor: Actor) {
      const partnerId = actor.role === 'partner' ? actor.partnerId! : input.partnerId;
      const errors = [];
      if (!partnerId)
        errors.push({ path: 'partnerId', message: 'is required when an admin posts a job order' });
      if (!reference.prefecture(input.prefectureCode)) {
        errors.push({
          path: 'prefectureCode',
          message: 'must be one of the 47 JIS prefecture codes (01–47)',
        });
      }
      if (errors.length) throw validationFailed(errors);
      if (actor.role === 'admin') {
        const [p] = await db.select({ id: partners.id }).from(partners).where(eq(partners.id, partnerId!));
        if (!p) throw validationFailed([{ path: 'partnerId', message: 'must be an existing partner' }]);
      }
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(jobOrders)
          .values({
            partnerId: partnerId!,
            prefectureCode: input.prefectureCode,
            municipality: input.municipality ?? null,
            employerName: input.employerName.normalize('NFC'),
            program: input.program,
            field: input.field,
            headcount: input.headcount,
            minJlpt: input.minJlpt ?? null,
            gender: input.gender ?? null,
            ageMin: input.ageMin ?? null,
            ageMax: input.ageMax ?? null,
            interviewOn: input.interviewOn ?? null,
            departureBy: input.departureBy ?? null,
          })
          .returning();
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'create',
          entity: 'job_order',
          entityId: row!.id,
          after: row,
        });
        return toOut({ ...row!, selected: 0 });
      });
    },

    async get(id: string, actor: Actor) {
      const [row] = await db
        .select({ order: jobOrders, selected: selectedCount })
        .from(jobOrders)
        .where(
          and(
            eq(jobOrders.id, id),
            actor.role === 'partner' ? eq(jobOrders.partnerId, actor.partnerId!) : undefined,
          ),
        );
      if (!row) throw notFound('The job order');
      return toOut({ ...row.order, selected: row.selected });
    },

    async list(
      q: { status?: JobOrderRow['status']; partnerId?: string; limit: number; cursor?: string },
      actor: Actor,
    ) {
      const cursor = decodeCursor(q.cursor, 2);
      const rows = await db
        .select({ order: jobOrders, selected: selectedCount })
        .from(jobOrders)
        .where(
          and(
            actor.role === 'partner' ? eq(jobOrders.partnerId, actor.partnerId!) : undefined,
            q.partnerId ? eq(jobOrders.partnerId, q.partnerId) : undefined,
            q.status ? eq(jobOrders.status, q.status) : undefined,
            cursor
              ? or(
                  lt(jobOrders.createdAt, new Date(String(cursor[0]))),
                  and(
                    eq(jobOrders.createdAt, new Date(String(cursor[0]))),
                    lt(jobOrders.id, String(cursor[1])),
                  ),
                )
              : undefined,
          ),
        )
        .orderBy(desc(jobOrders.createdAt), desc(jobOrders.id))
        .limit(q.limit + 1);
      const page = pageOf(rows, q.limit, (r) => [r.order.createdAt.toISOString(), r.order.id]);
      return {
        items: page.items.map((r) => toOut({ ...r.order, selected: r.selected })),
        nextCursor: page.nextCursor,
      };
    },

    /** The anonymised pool of ready, consenting candidates, filtered, in code order. */
    async pool(q: PoolQuery) {
      const cursor = decodeCursor(q.cursor, 1);
      const rows = await queryRows<PoolRow>(
        db,
        sql`select ${poolColumns} from candidates c
            where ${inPool}${hardFilters(q)}${cursor ? sql` and c.code > ${String(cursor[0])}` : sql``}
            order by c.code limit ${q.limit + 1}`,
      );
      return pageOf(rows, q.limit, (r) => [r.code]);
    },

    /** The pool ranked for an order, in SQL: hard requirements filter, soft ones score. */
    async matches(orderId: string, q: { limit: number; cursor?: string | undefined }, actor: Actor) {
      const cursor = decodeCursor(q.cursor, 2);
      if (cursor && (typeof cursor[0] !== 'number' || typeof cursor[1] !== 'string')) {
        throw badRequest('The cursor is not one this service issued.', [
          { path: 'cursor', message: 'is not a valid cursor' },
        ]);
      }
      const order = await loadOrder(db, orderId, actor);
      const minRank = jlptRank(order.minJlpt);
      const rows = await queryRows<PoolRow & { jlpt: number; courses: number; waiting: number }>(
        db,
        sql`select *, (jlpt + courses + waiting) as score from (
              select ${poolColumns},
                least(40, ${minRank ? sql`10 + 10 * (${jlptRankSql(sql`c.jlpt_level`)} - ${minRank})` : sql`10 * ${jlptRankSql(sql`c.jlpt_level`)}`})::int as jlpt,
                least(30, 10 * (select count(*) from enrollments e where e.candidate_id = c.id and e.outcome = 'passed'))::int as courses,
                least(30, floor(extract(epoch from (now() - c.status_changed_at)) / 864000))::int as waiting
              from candidates c
              where ${inPool}${hardFilters({ ...order, homeProvinceCode: null })}
            ) ranked
            ${cursor ? sql`where (jlpt + courses + waiting) < ${cursor[0]} or ((jlpt + courses + waiting) = ${cursor[0]} and code > ${cursor[1]})` : sql``}
            order by score desc, code
            limit ${q.limit + 1}`,
      );
      const page = pageOf(rows, q.limit, (r) => [r.jlpt + r.courses + r.waiting, r.code]);
      return {
        items: page.items.map(({ jlpt, courses, waiting, ...item }) => ({
          ...item,
          score: jlpt + courses + waiting,
          scoreParts: { jlpt, courses, waiting },
        })),
        nextCursor: page.nextCursor,
      };
    },

    /**
     * A partner selects a pool candidate for its own order: a planned placement, the candidate
     * `selected`, in one transaction. The order row lock serialises selections on one order, so
     * the headcount holds; the partial unique index holds one open placement per candidate.
     */
    async select(orderId: string, candidateCode: string, actor: Actor) {
      return db.transaction(async (tx) => {
        const order = await loadOrder(tx, orderId, actor, true);
        if (order.status !== 'open')
          throw conflict(`This job order is ${order.status}; no more candidates can be selected.`);
        const [{ n }] = (await queryRows<{ n: number }>(
          tx,
          sql`select count(*)::int as n from placements where job_order_id = ${order.id} and status <> 'cancelled'`,
        )) as [{ n: number }];
        if (n >= order.headcount) {
          throw conflict(`The order's headcount of ${order.headcount} is already filled.`, [
            {
              path: 'candidateCode',
              message: `cannot be added: ${n} of ${order.headcount} places are taken`,
            },
          ]);
        }
        const [candidate] = await tx
          .select({ id: candidates.id, status: candidates.status, consent: candidates.consentToShare })
          .from(candidates)
          .where(eq(candidates.code, candidateCode));
        // A partner never learns that a non-consenting candidate exists.
        if (!candidate?.consent) throw notFound(`The candidate ${candidateCode}`);
        if (candidate.status !== 'ready') {
          throw conflict(`The candidate ${candidateCode} is no longer available (not in the pool).`, [
            { path: 'candidateCode', message: 'is not ready for selection' },
          ]);
        }
        const unmet = await unmetRequirements(tx, order, candidate.id);
        if (unmet.length) {
          throw conflict(
            `The candidate ${candidateCode} does not meet this job order's requirements: ${unmet.join('; ')}.`,
            unmet.map((message) => ({ path: 'candidateCode', message })),
          );
        }
        const [open] = await tx
          .select({ id: placements.id })
          .from(placements)
          .where(
            and(
              eq(placements.candidateId, candidate.id),
              sql`${placements.status} in ('planned', 'departed')`,
            ),
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
          })
          .returning();
        await transitionCandidate(tx, {
          candidateId: candidate.id,
          to: 'selected',
          actor,
          event: 'select',
          reason: `selected for job order ${order.id}`,
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
    },
  };
}

export type DemandService = ReturnType<typeof createDemandService>;
