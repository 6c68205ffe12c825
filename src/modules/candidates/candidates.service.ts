import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, lte, ne, not, or, type SQL, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { access, candidateInScopePrepared, candidateScopeParams, selectionStands } from '../../lib/access.ts';
import type { Actor } from '../../lib/actor.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import {
  conflict,
  type FieldError,
  forbidden,
  notFound,
  staleVersion,
  validationFailed,
} from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import { JLPT_LEVELS } from '../../lib/vocab.ts';
import { recordAudit, recordDisclosure } from '../audit/audit.service.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import { type ImportOptions, importCandidates, toCandidateInsert } from './candidates.import.ts';
import { type CandidateStatus, transitionCandidate } from './candidates.lifecycle.ts';
import {
  type CandidateCreateInput,
  type CandidateListQuery,
  type CandidateOut,
  type CandidatePartnerOut,
  type CandidatePatchInput,
  normaliseName,
  searchKey,
} from './candidates.schemas.ts';
import { candidateStatusHistory, candidates } from './candidates.table.ts';

export interface CandidateServiceDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

type CandidateInsert = typeof candidates.$inferInsert;

/** The columns every full view is built from (nameSearch and anonymisedAt stay inside). */
const outColumns = {
  id: candidates.id,
  code: candidates.code,
  poolCode: candidates.poolCode,
  fullName: candidates.fullName,
  dateOfBirth: candidates.dateOfBirth,
  gender: candidates.gender,
  nationalId: candidates.nationalId,
  phone: candidates.phone,
  homeProvinceCode: candidates.homeProvinceCode,
  provinceBoundaries: candidates.provinceBoundaries,
  homeProvince2025: candidates.homeProvince2025,
  occupationField: candidates.occupationField,
  jlptLevel: candidates.jlptLevel,
  fullNameKana: candidates.fullNameKana,
  motivation: candidates.motivation,
  education: candidates.education,
  consentToShare: candidates.consentToShare,
  trainingCenterId: candidates.trainingCenterId,
  status: candidates.status,
  statusChangedAt: candidates.statusChangedAt,
  version: candidates.version,
  createdAt: candidates.createdAt,
  updatedAt: candidates.updatedAt,
};

type CandidateRow = {
  [K in keyof typeof outColumns]: (typeof outColumns)[K]['_']['data'] | null;
} & {
  id: string;
  code: string;
  fullName: string;
  statusChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
};

/** The columns a partner's view is read from: the national ID, phone and pool code are not fetched. */
const { nationalId: _nationalId, phone: _phone, poolCode: _poolCode, ...partnerColumns } = outColumns;

export function toCandidateOut(row: CandidateRow): CandidateOut {
  return {
    id: row.id,
    code: row.code,
    ...(row.poolCode ? { poolCode: row.poolCode } : {}),
    fullName: row.fullName,
    dateOfBirth: row.dateOfBirth as string,
    gender: row.gender as CandidateOut['gender'],
    nationalId: row.nationalId ?? null,
    phone: row.phone ?? null,
    homeProvinceCode: row.homeProvinceCode as string,
    provinceBoundaries: row.provinceBoundaries as Boundaries,
    homeProvince2025: row.homeProvince2025 as string,
    occupationField: row.occupationField as string,
    jlptLevel: row.jlptLevel ?? null,
    fullNameKana: row.fullNameKana ?? null,
    motivation: row.motivation ?? null,
    education: row.education?.map((e) => ({ ...e, to: e.to ?? null, note: e.note ?? null })) ?? null,
    consentToShare: row.consentToShare as boolean,
    trainingCenterId: row.trainingCenterId as string,
    status: row.status as CandidateStatus,
    statusChangedAt: row.statusChangedAt.toISOString(),
    version: row.version as number,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A partner's view of a candidate it selected: without national ID, phone and pool code. */
export function toCandidatePartnerOut(
  row: Omit<CandidateRow, 'nationalId' | 'phone' | 'poolCode'>,
): CandidatePartnerOut {
  const { nationalId: _n, phone: _p, poolCode: _c, ...view } = toCandidateOut(row as CandidateRow);
  return view;
}

/** The pool code is for the sending side that registered the candidate (center) and admins. */
function forViewer(actor: Actor, out: CandidateOut): CandidateOut {
  if (actor.role === 'admin' || actor.role === 'center') return out;
  const { poolCode: _c, ...view } = out;
  return view;
}

/** Prepared statements of the hot reads, built once per database (see `createCandidateStatements`). */
export function createCandidateStatements(db: Db) {
  return {
    // The hottest read. Scope arrives as parameters (null = any), so every role shares one plan.
    byIdInScope: db
      .select(outColumns)
      .from(candidates)
      .where(and(eq(candidates.id, sql.placeholder('id')), candidateInScopePrepared))
      .prepare('candidate_by_id_in_scope'),
    // A partner reads the full record only of candidates selected for its own job orders (a placement
    // on one of its orders that was not cancelled): the privacy rule of DESIGN.md.
    selectedByPartner: db
      .select(partnerColumns)
      .from(candidates)
      .where(
        and(
          eq(candidates.id, sql.placeholder('id')),
          selectionStands(sql.placeholder('partner'), candidates.id),
        ),
      )
      .prepare('candidate_selected_by_partner'),
  };
}
export type CandidateStatements = ReturnType<typeof createCandidateStatements>;

/** What the functions of this module may be given; each takes only the parts it uses. */
export interface CandidateDeps extends CandidateServiceDeps {
  statements: CandidateStatements;
}

/** The candidate `id` if `actor` may see it. */
async function findInScope(
  { statements }: Pick<CandidateDeps, 'statements'>,
  actor: Actor,
  id: string,
): Promise<CandidateRow | undefined> {
  if (actor.role === 'partner') {
    const [row] = await statements.selectedByPartner.execute({ id, partner: actor.partnerId });
    return row as CandidateRow | undefined;
  }
  const [row] = await statements.byIdInScope.execute({ id, ...candidateScopeParams(actor) });
  return row as CandidateRow | undefined;
}

/** The one place that decides whether `actor` may see candidate `id`: 404 outside the scope. */
async function getRowForActor(
  deps: Pick<CandidateDeps, 'statements'>,
  actor: Actor,
  id: string,
): Promise<CandidateRow> {
  const row = await findInScope(deps, actor, id);
  if (!row) throw notFound('The candidate');
  return row;
}

async function centerExists({ db }: Pick<CandidateDeps, 'db'>, id: string): Promise<boolean> {
  const [c] = await db
    .select({ id: trainingCenters.id })
    .from(trainingCenters)
    .where(eq(trainingCenters.id, id));
  return !!c;
}

/** The center a new trainee belongs to: the caller's own, or (admin) the one named. */
async function resolveCenter(
  deps: Pick<CandidateDeps, 'db'>,
  actor: Actor,
  given: string | undefined,
): Promise<string> {
  if (actor.role === 'center') {
    if (given && given !== actor.trainingCenterId) {
      throw validationFailed([
        { path: 'trainingCenterId', message: 'must be your own training center (or left out)' },
      ]);
    }
    if (!actor.trainingCenterId) throw forbidden('Your account is not linked to a training center.');
    return actor.trainingCenterId;
  }
  if (actor.role !== 'admin') throw forbidden();
  if (!given) throw validationFailed([{ path: 'trainingCenterId', message: 'is required for admin users' }]);
  if (!(await centerExists(deps, given))) {
    throw validationFailed([{ path: 'trainingCenterId', message: 'must be an existing training center' }]);
  }
  return given;
}

/**
 * A 409 for a national ID that is already registered. The existing record is named only when the
 * caller may see it anyway; otherwise nothing says which center holds that person.
 */
async function assertNationalIdFree(
  { db }: Pick<CandidateDeps, 'db'>,
  actor: Actor,
  nationalId: string,
  exceptId?: string,
) {
  const [dup] = await db
    .select({ id: candidates.id, code: candidates.code, trainingCenterId: candidates.trainingCenterId })
    .from(candidates)
    .where(and(eq(candidates.nationalId, nationalId), exceptId ? ne(candidates.id, exceptId) : undefined));
  if (!dup) return;
  const visible =
    actor.role === 'admin' || (actor.role === 'center' && dup.trainingCenterId === actor.trainingCenterId);
  throw conflict(
    visible
      ? `National ID ${nationalId} is already registered as candidate ${dup.code}.`
      : `National ID ${nationalId} is already registered in Kakehashi.`,
    [{ path: 'nationalId', message: 'is already registered' }],
  );
}

/**
 * Scoped read of one candidate. A partner may read the candidates it selected; each such read is a
 * disclosure of personal data and goes into the audit log (who saw whom, when).
 */
export async function getCandidate(
  deps: Pick<CandidateDeps, 'db' | 'statements'>,
  actor: Actor,
  id: string,
): Promise<CandidateOut | CandidatePartnerOut> {
  const row = await getRowForActor(deps, actor, id);
  await recordDisclosure(deps.db, actor, row.id, `full record of ${row.code}`);
  if (actor.role === 'partner') return toCandidatePartnerOut(row);
  return forViewer(actor, toCandidateOut(row));
}

/** Registers a candidate (a center for itself; an admin names the center). */
export async function createCandidate(
  deps: Pick<CandidateDeps, 'db' | 'reference'>,
  actor: Actor,
  input: CandidateCreateInput,
): Promise<CandidateOut> {
  const { db, reference } = deps;
  const trainingCenterId = await resolveCenter(deps, actor, input.trainingCenterId);
  await assertNationalIdFree(deps, actor, input.nationalId);
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(candidates)
      .values(toCandidateInsert(reference, input, trainingCenterId, id))
      .returning(outColumns);
    const out = toCandidateOut(row as CandidateRow);
    await tx.insert(candidateStatusHistory).values({
      candidateId: id,
      fromStatus: null,
      toStatus: 'registered',
      actorId: actor.id,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'create',
      entity: 'candidate',
      entityId: id,
      after: out,
    });
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

/** Newest first (no `q`). */
const candidatePager = keyset([
  { expr: candidates.createdAt, kind: 'timestamp', dir: 'desc' },
  { expr: candidates.id, kind: 'uuid', dir: 'desc' },
]);

/** Each word with its first letter in upper case (Vietnamese names are written so). */
const titleCase = (text: string) =>
  text.replace(/(^|\s)(\p{L})/gu, (_, space: string, letter: string) => space + letter.toUpperCase());

/** A whole public code (KH-2026-000123): found by its unique index, not by scanning every code. */
const WHOLE_CODE = /^KH-\d{4}-\d{6,}$/i;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The name key padded with spaces: the expression of the trigram index (candidates.table.ts). */
const paddedNameKey = sql`(' ' || ${candidates.nameSearch} || ' ')`;

/**
 * What `q` finds, in three tiers read one after the other, each newest first (the rank is a constant
 * per tier, so each is a plain newest-first query the database can stop early):
 * 0 — the whole code or pool code, or (a query with accents) the name holds the query as typed,
 *     accents included, as whole words;
 * 1 — the name holds the query as whole words, accents ignored;
 * 2 — a part of a word of the name, or (a query with a digit) a part of the code.
 */
function searchTiers(actor: Actor, q: string) {
  const key = searchKey(q);
  const typed = normaliseName(q).toLowerCase();
  const upper = q.toUpperCase();
  const word = key ? sql`${paddedNameKey} like ${`% ${likeEscape(key)} %`}` : undefined;
  const sameCode = or(
    eq(candidates.code, upper),
    seesPoolCodes(actor) ? eq(candidates.poolCode, upper) : undefined,
  ) as SQL;
  // Accent-sensitive: the name holds the words as typed, in lower, Title or upper case. (Folding
  // the stored name's case in SQL costs a function call per match, and lower() folds only ASCII under
  // the C collation.)
  const exact =
    word && typed !== key
      ? and(
          word,
          or(
            ...[...new Set([typed, titleCase(typed), typed.toUpperCase(), normaliseName(q)])].map(
              (form) => sql`(' ' || ${candidates.fullName} || ' ') like ${`% ${likeEscape(form)} %`}`,
            ),
          ),
        )
      : undefined;
  const tier0 = or(sameCode, exact) as SQL;
  const tier1 = word ? and(word, not(tier0)) : undefined;
  const partial = or(
    key ? sql`${paddedNameKey} like ${`%${likeEscape(key)}%`}` : undefined,
    /\d/.test(q) && !WHOLE_CODE.test(q) ? sql`${candidates.code} ilike ${`%${likeEscape(q)}%`}` : undefined,
  );
  const tier2 = partial ? and(partial, not(or(word, sameCode) as SQL)) : undefined;
  // A cast, not a bare number: ORDER BY 2 would sort by the second column.
  const pagerOf = (rank: number) =>
    keyset([
      { expr: sql.raw(`${rank}::int`), kind: 'int', dir: 'asc' },
      { expr: candidates.createdAt, kind: 'timestamp', dir: 'desc' },
      { expr: candidates.id, kind: 'uuid', dir: 'desc' },
    ]);
  return [tier0, tier1, tier2].flatMap((where, rank) => (where ? [{ where, pager: pagerOf(rank) }] : []));
}

/** Whoever sees pool codes finds a pool entry a partner asks about by its whole code. */
const seesPoolCodes = (actor: Actor) => actor.role === 'admin' || actor.role === 'center';

/** The date of birth bounds of an age range on `today` (age in whole years). */
function birthBounds(today: string, ageMin: number | undefined, ageMax: number | undefined) {
  const yearsBefore = (years: number) => {
    const y = Number(today.slice(0, 4)) - years;
    return `${String(y).padStart(4, '0')}${today.slice(4)}`;
  };
  return {
    // At least ageMin: born on or before today minus ageMin years.
    latest: ageMin === undefined ? undefined : yearsBefore(ageMin),
    // At most ageMax: born after today minus (ageMax + 1) years.
    earliestExclusive: ageMax === undefined ? undefined : yearsBefore(ageMax + 1),
  };
}

/**
 * The candidates in `actor`'s scope matching the filters. Without `q`, newest first; with `q`, the
 * best matches first (see `searchTiers`), then newest first — one keyset over (rank, createdAt, id).
 * The tiers are read one after the other, each newest first with a limit, so the database never
 * ranks every match of a common name.
 */
export async function listCandidates(
  { db, reference }: Pick<CandidateDeps, 'db' | 'reference'>,
  actor: Actor,
  query: CandidateListQuery,
) {
  const errors: FieldError[] = [];
  if (query.homeProvinceCode && !reference.province(query.homeProvinceCode, '2025')) {
    errors.push({ path: 'homeProvinceCode', message: 'is not a province code of the 2025 boundary set' });
  }
  if (query.ageMin !== undefined && query.ageMax !== undefined && query.ageMin > query.ageMax) {
    errors.push({ path: 'ageMax', message: `must be at least ageMin (${query.ageMin})` });
  }
  if (errors.length) throw validationFailed(errors);

  const { latest, earliestExclusive } = birthBounds(todayInVietnam(), query.ageMin, query.ageMax);
  const jlptFrom = query.jlptLevel ? JLPT_LEVELS.indexOf(query.jlptLevel) : -1;
  const filters = and(
    access.candidate(actor),
    query.status ? eq(candidates.status, query.status) : undefined,
    query.homeProvinceCode ? eq(candidates.homeProvince2025, query.homeProvinceCode) : undefined,
    query.occupationField ? eq(candidates.occupationField, query.occupationField) : undefined,
    jlptFrom >= 0 ? inArray(candidates.jlptLevel, JLPT_LEVELS.slice(jlptFrom)) : undefined,
    query.trainingCenterId ? eq(candidates.trainingCenterId, query.trainingCenterId) : undefined,
    query.gender ? eq(candidates.gender, query.gender) : undefined,
    latest ? lte(candidates.dateOfBirth, latest) : undefined,
    earliestExclusive ? gt(candidates.dateOfBirth, earliestExclusive) : undefined,
  );
  const read = (pager: typeof candidatePager, where: SQL | undefined, limit: number) =>
    db
      .select({ ...outColumns, ...pager.keys })
      .from(candidates)
      .where(and(filters, where, pager.after(query.cursor)))
      .orderBy(...pager.orderBy)
      .limit(limit);

  const q = query.q?.trim();
  let rows: Awaited<ReturnType<typeof read>> = [];
  let pager = candidatePager;
  if (!q) rows = await read(candidatePager, undefined, query.limit + 1);
  else {
    // Tier after tier until the page (and one more row) is full; a cursor in a later tier makes the
    // earlier ones answer nothing (their constant rank is below the cursor's).
    const tiers = searchTiers(actor, q);
    pager = tiers[0]!.pager;
    for (const tier of tiers) {
      rows = rows.concat(await read(tier.pager, tier.where, query.limit + 1 - rows.length));
      if (rows.length > query.limit) break;
    }
  }
  // The tiers' pagers name their keys alike (_k0 … _k2), so the first cuts the page and its cursor.
  const page = pager.page(rows, query.limit);
  return {
    items: page.items.map((r) => forViewer(actor, toCandidateOut(r as unknown as CandidateRow))),
    nextCursor: page.nextCursor,
  };
}

// ---------------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------------

/** Changes fields of a candidate, given the version the caller read (stale → 409). */
export async function updateCandidate(
  deps: Pick<CandidateDeps, 'db' | 'reference' | 'statements'>,
  actor: Actor,
  id: string,
  patch: CandidatePatchInput,
): Promise<CandidateOut> {
  const { db, reference } = deps;
  if (actor.role !== 'admin' && actor.role !== 'center') throw forbidden();
  const current = await getRowForActor(deps, actor, id);
  if (current.version !== patch.version) throw staleVersion('candidate', current.version as number);

  const { version, ...fields } = patch;
  if (Object.keys(fields).length === 0) {
    throw validationFailed([{ path: 'body', message: 'must change at least one field besides version' }]);
  }
  const errors: FieldError[] = [];
  if (fields.trainingCenterId !== undefined && fields.trainingCenterId !== current.trainingCenterId) {
    if (actor.role === 'center') {
      errors.push({ path: 'trainingCenterId', message: 'can only be changed by an administrator' });
    } else if (!(await centerExists(deps, fields.trainingCenterId))) {
      errors.push({ path: 'trainingCenterId', message: 'must be an existing training center' });
    }
  }
  const code = fields.homeProvinceCode ?? (current.homeProvinceCode as string);
  const boundaries = fields.provinceBoundaries ?? (current.provinceBoundaries as Boundaries);
  const province2025 = reference.to2025(code, boundaries);
  if (!province2025) {
    errors.push({
      path: 'homeProvinceCode',
      message: `is not a province code of the ${boundaries} boundary set`,
    });
  }
  if (errors.length) throw validationFailed(errors);

  const next: Partial<CandidateInsert> = { ...fields };
  if (fields.homeProvinceCode !== undefined || fields.provinceBoundaries !== undefined) {
    next.homeProvince2025 = province2025;
  }
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    const old = (current as Record<string, unknown>)[key] ?? null;
    const now = value ?? null;
    if (old !== now) {
      before[key] = old;
      after[key] = now;
      changes[key] = now;
    }
  }
  if (Object.keys(changes).length === 0) return toCandidateOut(current);
  if (typeof changes.fullName === 'string') changes.nameSearch = searchKey(changes.fullName);
  if (typeof changes.nationalId === 'string') await assertNationalIdFree(deps, actor, changes.nationalId, id);

  return db.transaction(async (tx) => {
    // Compare-and-set on the version: of two writers holding the same version, the second one's
    // UPDATE re-checks the row after the first commits, matches nothing, and gets the 409.
    const [row] = await tx
      .update(candidates)
      .set({ ...changes, version: sql`${candidates.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(candidates.id, id), eq(candidates.version, version)))
      .returning(outColumns);
    if (!row) {
      const [now] = await tx
        .select({ version: candidates.version })
        .from(candidates)
        .where(eq(candidates.id, id));
      throw staleVersion('candidate', now?.version ?? version);
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'update',
      entity: 'candidate',
      entityId: id,
      before: { ...before, version },
      after: { ...after, version: row.version },
    });
    return toCandidateOut(row as CandidateRow);
  });
}

export interface TransitionInput {
  to: 'ready' | 'withdrawn';
  reason?: string | undefined;
  version?: number | undefined;
}

/** Marks a candidate ready, or withdraws them. */
export async function transitionCandidateFor(
  deps: Pick<CandidateDeps, 'db' | 'statements'>,
  actor: Actor,
  id: string,
  body: TransitionInput,
): Promise<CandidateOut> {
  if (actor.role !== 'admin' && actor.role !== 'center') throw forbidden();
  await getRowForActor(deps, actor, id);
  const row = await deps.db.transaction((tx) =>
    transitionCandidate(tx, {
      candidateId: id,
      to: body.to,
      actor,
      reason: body.reason || null,
      ...(body.version !== undefined ? { expectedVersion: body.version } : {}),
      event: body.to === 'ready' ? 'mark_ready' : 'withdraw',
    }),
  );
  return toCandidateOut(row);
}

/** The status changes of a candidate, oldest first. */
export async function candidateHistory(
  deps: Pick<CandidateDeps, 'db' | 'statements'>,
  actor: Actor,
  id: string,
) {
  await getRowForActor(deps, actor, id);
  const rows = await deps.db
    .select()
    .from(candidateStatusHistory)
    .where(eq(candidateStatusHistory.candidateId, id))
    .orderBy(asc(candidateStatusHistory.id));
  return {
    items: rows.map((r) => ({
      from: r.fromStatus as CandidateStatus | null,
      to: r.toStatus as CandidateStatus,
      at: r.at.toISOString(),
      actorId: r.actorId,
      reason: r.reason,
    })),
  };
}

/** Binds the deps once; routes call `app.services.candidates.list(actor, query)`. */
export function createCandidateService(base: CandidateServiceDeps) {
  const deps: CandidateDeps = { ...base, statements: createCandidateStatements(base.db) };
  return {
    getForActor: (actor: Actor, id: string) => getCandidate(deps, actor, id),
    create: (actor: Actor, input: CandidateCreateInput) => createCandidate(deps, actor, input),
    list: (actor: Actor, query: CandidateListQuery) => listCandidates(deps, actor, query),
    update: (actor: Actor, id: string, patch: CandidatePatchInput) => updateCandidate(deps, actor, id, patch),
    transition: (actor: Actor, id: string, body: TransitionInput) =>
      transitionCandidateFor(deps, actor, id, body),
    history: (actor: Actor, id: string) => candidateHistory(deps, actor, id),
    /** All-or-nothing import of a CSV or xlsx body, streamed (candidates.import.ts). */
    importFile: (actor: Actor, body: AsyncIterable<Buffer | string>, options: ImportOptions) =>
      importCandidates(deps, actor, body, options),
  };
}

export type CandidateService = ReturnType<typeof createCandidateService>;
