import { randomUUID } from 'node:crypto';
import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  lte,
  ne,
  not,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm';
import { type AnyPgColumn, PgDialect } from 'drizzle-orm/pg-core';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { NullableRow } from '../../db/query.ts';
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
import { auditLog } from '../audit/audit.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import {
  type ImportOptions,
  importCandidates,
  importReason,
  toCandidateInsert,
} from './candidates.import.ts';
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

type CandidateRow = NullableRow<typeof outColumns> & {
  id: string;
  code: string;
  fullName: string;
  statusChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
};

/** The columns a partner's view is read from: the national ID, phone and pool code are not fetched. */
const { nationalId: _nationalId, phone: _phone, poolCode: _poolCode, ...partnerColumns } = outColumns;

/**
 * Each field selected under its own name (`"candidates"."full_name" as "fullName"`), for the hot
 * reads that take the driver's rows as they come (`.all()`): drizzle's mapping of every cell (and a
 * Date per timestamp) is skipped, and `toCandidateOut` reads each row once. Both drivers (postgres.js
 * and PGlite, as drizzle sets them up) give timestamps and dates as PostgreSQL's text, jsonb parsed.
 */
function aliased<T extends Record<string, SQLWrapper>>(fields: T): { [K in keyof T]: SQL.Aliased } {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, sql`${f}`.as(k)])) as {
    [K in keyof T]: SQL.Aliased;
  };
}

/**
 * A selection rendered to SQL text once (see `aliased`), for a read built on every request: drizzle
 * then copies one string instead of rendering two dozen fields each time.
 */
function renderedOnce(fields: Record<string, SQLWrapper>): { row: SQL } {
  const list = Object.entries(fields).map(([k, f]) => sql`${f} as ${sql.identifier(k)}`);
  const { sql: text, params } = new PgDialect().sqlToQuery(sql.join(list, sql`, `));
  if (params.length) throw new Error('a selection rendered once takes no parameters');
  return { row: sql.raw(text) };
}

/**
 * The rows of a prepared query as the driver gives them, unmapped: `all()` of drizzle's postgres-js
 * and PGlite prepared queries (both drivers this service runs on; the abstract type does not declare it).
 */
function driverRows<R>(
  prepared: { execute(values?: Record<string, unknown>): Promise<unknown> },
  values?: Record<string, unknown>,
): Promise<R[]> {
  return (prepared as unknown as { all(values?: Record<string, unknown>): Promise<R[]> }).all(values);
}

/** A row of the driver as it comes (see `aliased`): timestamps in PostgreSQL's text. */
type CandidateTextRow = Omit<CandidateRow, 'statusChangedAt' | 'createdAt' | 'updatedAt'> & {
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
};

/**
 * A timestamp as JSON writes it (ISO, milliseconds): what `new Date(text).toISOString()` gives (the
 * reading drizzle does). PostgreSQL's text of a timestamptz in UTC, `2026-01-05 07:30:00.123456+00`
 * (the fraction without trailing zeros, or none), is rewritten without parsing a Date.
 */
function iso(t: Date | string): string {
  if (typeof t !== 'string') return t.toISOString();
  const n = t.length;
  if (n < 22 || n > 29 || n === 23 || t.charCodeAt(10) !== 32 || !t.endsWith('+00')) {
    return new Date(t).toISOString();
  }
  if (n !== 22 && t.charCodeAt(19) !== 46) return new Date(t).toISOString();
  const ms = n === 22 ? '000' : n >= 26 ? t.slice(20, 23) : `${t.slice(20, n - 3)}00`.slice(0, 3);
  return `${t.slice(0, 10)}T${t.slice(11, 19)}.${ms}Z`;
}

export function toCandidateOut(row: CandidateRow | CandidateTextRow): CandidateOut {
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
    statusChangedAt: iso(row.statusChangedAt),
    version: row.version as number,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** A partner's view of a candidate it selected: without national ID, phone and pool code. */
export function toCandidatePartnerOut(
  row: Omit<CandidateRow | CandidateTextRow, 'nationalId' | 'phone' | 'poolCode'>,
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
      .select(aliased(outColumns))
      .from(candidates)
      .where(and(eq(candidates.id, sql.placeholder('id')), candidateInScopePrepared))
      .prepare('candidate_by_id_in_scope'),
    // A partner reads the full record only of candidates selected for its own job orders (a placement
    // on one of its orders that was not cancelled): the privacy rule of DESIGN.md.
    selectedByPartner: db
      .select(aliased(partnerColumns))
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
): Promise<CandidateTextRow | undefined> {
  // `.all()`: the driver's rows as they come (see `aliased`).
  if (actor.role === 'partner') {
    const [row] = await driverRows<CandidateTextRow>(statements.selectedByPartner, {
      id,
      partner: actor.partnerId,
    });
    return row;
  }
  const [row] = await driverRows<CandidateTextRow>(statements.byIdInScope, {
    id,
    ...candidateScopeParams(actor),
  });
  return row;
}

/** The one place that decides whether `actor` may see candidate `id`: 404 outside the scope. */
async function getRowForActor(
  deps: Pick<CandidateDeps, 'statements'>,
  actor: Actor,
  id: string,
): Promise<CandidateTextRow> {
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
/** What a page without `q` selects: the full view and the pager's keys. */
const candidatePageSelection = renderedOnce({ ...outColumns, ...candidatePager.keys });

/** Each word with its first letter in upper case (Vietnamese names are written so). */
const titleCase = (text: string) =>
  text.replace(/(^|\s)(\p{L})/gu, (_, space: string, letter: string) => space + letter.toUpperCase());

/** A whole public code (KH-2026-000123): found by its unique index, not by scanning every code. */
const WHOLE_CODE = /^KH-\d{4}-\d{6,}$/i;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The name key padded with spaces: the expression of the trigram index (candidates.table.ts). */
const paddedNameKey = sql`(' ' || ${candidates.nameSearch} || ' ')`;

/**
 * What a tier of `q` matches, written twice to the same effect: `indexed` for a read of the word
 * indexes (GIN), `scanned` for a walk through the newest candidates of a scope, where each row is
 * tested as it comes and the cheapest test per row wins.
 */
interface Match {
  indexed: SQL;
  scanned: SQL;
}
const alike = (both: SQL): Match => ({ indexed: both, scanned: both });
function anyOf(matches: (Match | undefined)[]): Match | undefined {
  const some = matches.filter((m) => m !== undefined);
  if (!some.length) return undefined;
  return {
    indexed: or(...some.map((m) => m.indexed)) as SQL,
    scanned: or(...some.map((m) => m.scanned)) as SQL,
  };
}
const without = (m: Match, minus: Match | undefined): Match =>
  minus
    ? {
        indexed: and(m.indexed, not(minus.indexed)) as SQL,
        scanned: and(m.scanned, not(minus.scanned)) as SQL,
      }
    : m;

/**
 * `text` (a name as written, or its key) holds `words` (single spaces) as whole words, in that
 * order. Indexed: the array of its words holds every word, from a GIN index (candidates.table.ts),
 * with statistics per word, so the planner knows a rare name from a common one; `strpos` then checks
 * order and adjacency, and only when there are several words. (`strpos(…) <> 0`, not `like`: the
 * planner guesses a `like` on an expression matches 0.5% of rows, and would then read every holder of
 * a common word to sort them.) Scanned: `strpos` alone — names and keys are stored with single spaces
 * (`normaliseName`, `searchKey`), so the padded words occur in the padded text exactly when it holds
 * them as whole words in that order — and no array is built per row.
 */
function holdsWords(text: AnyPgColumn, words: string): Match {
  const list = words.split(' ');
  const inOrder = sql`strpos(' ' || ${text} || ' ', ${` ${words} `}) <> 0`;
  const all = sql`string_to_array(${text}, ' ') @> array[${sql.join(
    list.map((w) => sql`${w}`),
    sql`, `,
  )}]::text[]`;
  return { indexed: list.length === 1 ? all : sql`(${all} and ${inOrder})`, scanned: inOrder };
}

/**
 * What `q` finds, in three tiers read one after the other, each newest first (the rank is a constant
 * per tier, so each is a plain newest-first query the database can stop early):
 * 0 — the whole code or pool code (`sameCode`: the ids of those, found first by their unique
 *     indexes), or (a query with accents) the name holds the query as typed, accents included, as
 *     whole words;
 * 1 — the name holds the query as whole words, accents ignored;
 * 2 — a part of a word of the name, or (a query with a digit) a part of the code.
 * `code`: whether a tier reads the code (a walk then reads it from the table, see `listCandidates`);
 * `few`: the tier is those ids alone, read as they are.
 */
function searchTiers(q: string, sameCode: string[]) {
  const key = searchKey(q);
  const typed = normaliseName(q).toLowerCase();
  const word = key ? holdsWords(candidates.nameSearch, key) : undefined;
  const found = sameCode.length ? alike(inArray(candidates.id, sameCode)) : undefined;
  // Accent-sensitive: the name holds the words as typed, in lower, Title or upper case. (Folding
  // the stored name's case in SQL costs a function call per match, and lower() folds only ASCII under
  // the C collation.) Such a name also holds the query's key as whole words (`word`), since its
  // `name_search` is the key of the name.
  const exact =
    word && typed !== key
      ? anyOf(
          [...new Set([typed, titleCase(typed), typed.toUpperCase(), normaliseName(q)])].map((form) =>
            holdsWords(candidates.fullName, form),
          ),
        )
      : undefined;
  const tier0 = anyOf([found, exact]);
  const tier1 = word ? without(word, tier0) : undefined;
  const inCode = /\d/.test(q) && !WHOLE_CODE.test(q);
  const partial = anyOf([
    key ? alike(sql`${paddedNameKey} like ${`%${likeEscape(key)}%`}`) : undefined,
    inCode ? alike(sql`${candidates.code} ilike ${`%${likeEscape(q)}%`}`) : undefined,
  ]);
  const tier2 = partial ? without(partial, anyOf([word, found])) : undefined;
  // A cast, not a bare number: ORDER BY 2 would sort by the second column.
  const pagerOf = (rank: number) =>
    keyset([
      { expr: sql.raw(`${rank}::int`), kind: 'int', dir: 'asc' },
      { expr: candidates.createdAt, kind: 'timestamp', dir: 'desc' },
      { expr: candidates.id, kind: 'uuid', dir: 'desc' },
    ]);
  return [tier0, tier1, tier2].flatMap((match, rank) =>
    match ? [{ match, pager: pagerOf(rank), code: rank === 2 && inCode, few: rank === 0 && !exact }] : [],
  );
}

/** How many of the newest candidates of the scope a tier of `q` walks first (see `listCandidates`). */
const SEARCH_WALK = 4000;
/** How far a second walk may go when the first found some matches but not a page. */
const SEARCH_WALK_FAR = 20_000;

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
 * The tiers are read one after the other, each newest first with a limit (`readTier`), so the
 * database never ranks every match of a common name, nor walks every candidate for a rare one.
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
  const q = query.q?.trim();
  // The driver's rows as they come (see `aliased`), each mapped once into its output by `pageOf`; a
  // prepared statement (postgres.js keeps one per query text and connection), so a page is one round
  // trip and no new plan.
  if (!q) {
    const rows = await driverRows<CandidateTextRow>(
      db
        .select(candidatePageSelection)
        .from(candidates)
        .where(and(filters, candidatePager.after(query.cursor)))
        .orderBy(...candidatePager.orderBy)
        .limit(query.limit + 1)
        .prepare('candidates_page'),
    );
    return candidatePager.pageOf(rows, query.limit, (r) => forViewer(actor, toCandidateOut(r)));
  }

  type Tier = ReturnType<typeof searchTiers>[number];
  const newestFirst = sql.join(candidatePager.orderBy, sql`, `);
  // A tier of `q` (see `searchTiers`), read in at most three bounded steps, whatever the planner
  // guesses of how many names hold a word (it cannot tell a word no one bears from a rare one):
  // 1. walk the newest SEARCH_WALK candidates of the scope after the cursor, newest first, and keep
  //    the ids of the first matches: read from the scope's index alone (it holds the name and its
  //    key, candidates.table.ts), so no row of the table is read but the page's;
  // 2. some matches but not a page: walk as far as those make a page likely, up to SEARCH_WALK_FAR;
  // 3. otherwise its holders are few, and they are read from the word indexes and sorted — the sort
  //    key is an expression no index yields, so the database cannot choose to walk every candidate.
  const walk = (tier: Tier, rows: number, limit: number) => {
    const walked: SQLWrapper[] = [
      candidates.id,
      candidates.createdAt,
      candidates.nameSearch,
      candidates.fullName,
    ];
    if (tier.code) walked.push(candidates.code);
    const scope = and(filters, tier.pager.after(query.cursor));
    // The walk's columns under the table's name, so that the tier's test reads them as they are.
    const newest = sql`select ${sql.join(walked, sql`, `)} from ${candidates} ${scope ? sql`where ${scope}` : sql``} order by ${newestFirst} limit ${rows}`;
    const matches = sql`select ${candidates.id} from (${newest}) as ${candidates} where ${tier.match.scanned} order by ${newestFirst} limit ${limit}`;
    return driverRows<CandidateTextRow>(
      db
        .select(aliased({ ...outColumns, ...tier.pager.keys }))
        .from(candidates)
        .where(sql`${candidates.id} in (${matches})`)
        .orderBy(...tier.pager.orderBy)
        .prepare('candidates_search_walk'),
    );
  };
  const readTier = async (tier: Tier, limit: number) => {
    if (!tier.few) {
      const first = await walk(tier, SEARCH_WALK, limit);
      if (first.length === limit) return first;
      // Far enough to fill the page at the rate the first walk found matches, and half as far again.
      const far = first.length
        ? Math.ceil((SEARCH_WALK * limit * 1.5) / first.length)
        : Number.POSITIVE_INFINITY;
      if (far <= SEARCH_WALK_FAR) {
        const second = await walk(tier, far, limit);
        if (second.length === limit) return second;
      }
    }
    return driverRows<CandidateTextRow>(
      db
        .select(aliased({ ...outColumns, ...tier.pager.keys }))
        .from(candidates)
        .where(and(filters, tier.match.indexed, tier.pager.after(query.cursor)))
        .orderBy(desc(sql`${candidates.createdAt} + interval '0 seconds'`), desc(candidates.id))
        .limit(limit)
        .prepare('candidates_search_sort'),
    );
  };

  // The whole code or pool code: at most one candidate each (unique indexes).
  const upper = q.toUpperCase();
  const sameCode = await driverRows<{ id: string }>(
    db
      .select({ id: candidates.id })
      .from(candidates)
      .where(
        and(
          filters,
          or(eq(candidates.code, upper), seesPoolCodes(actor) ? eq(candidates.poolCode, upper) : undefined),
        ),
      )
      .prepare('candidates_same_code'),
  );
  const tiers = searchTiers(
    q,
    sameCode.map((r) => r.id),
  );
  // Tier after tier until the page (and one more row) is full; a cursor in a later tier makes the
  // earlier ones answer nothing (their constant rank is below the cursor's).
  let rows: CandidateTextRow[] = [];
  for (const tier of tiers) {
    rows = rows.concat(await readTier(tier, query.limit + 1 - rows.length));
    if (rows.length > query.limit) break;
  }
  // The tiers' pagers name their keys alike (_k0 … _k2), so any cuts the page and its cursor.
  const pager = tiers[0]?.pager ?? candidatePager;
  return pager.pageOf(rows, query.limit, (r) => forViewer(actor, toCandidateOut(r)));
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

/**
 * The status changes of a candidate, oldest first. A candidate created by an import has no row for
 * its first status: the import's audit entry stands for it (candidates.import.ts, finishImport).
 */
export async function candidateHistory(
  deps: Pick<CandidateDeps, 'db' | 'statements'>,
  actor: Actor,
  id: string,
) {
  await getRowForActor(deps, actor, id);
  const [rows, imported] = await Promise.all([
    deps.db
      .select()
      .from(candidateStatusHistory)
      .where(eq(candidateStatusHistory.candidateId, id))
      .orderBy(asc(candidateStatusHistory.id)),
    deps.db
      .select({
        importId: candidates.importId,
        at: candidates.createdAt,
        actorId: auditLog.actorId,
        after: auditLog.after,
      })
      .from(candidates)
      .innerJoin(
        auditLog,
        and(
          eq(auditLog.entity, 'candidate'),
          eq(auditLog.action, 'import'),
          eq(auditLog.entityId, sql`${candidates.importId}::text`),
        ),
      )
      .where(eq(candidates.id, id)),
  ]);
  const opening = imported.map((i) => ({
    from: null,
    to: 'registered' as CandidateStatus,
    at: i.at.toISOString(),
    actorId: i.actorId,
    reason: importReason((i.after as { format?: unknown } | null)?.format, i.importId!),
  }));
  return {
    items: [
      ...opening,
      ...rows.map((r) => ({
        from: r.fromStatus as CandidateStatus | null,
        to: r.toStatus as CandidateStatus,
        at: r.at.toISOString(),
        actorId: r.actorId,
        reason: r.reason,
      })),
    ],
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
