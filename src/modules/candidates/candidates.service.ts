import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { and, asc, desc, eq, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import {
  AppError,
  badRequest,
  conflict,
  type FieldError,
  forbidden,
  notFound,
  staleVersion,
  validationFailed,
} from '../../lib/errors.ts';
import { decodeCursor, pageOf } from '../../lib/pagination.ts';
import type { Actor } from '../../plugins/auth.ts';
import { recordAudit, recordDisclosure, recordImportedCandidates } from '../audit/audit.service.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import { type CsvImportRows, readCandidateCsv } from './candidates.csv.ts';
import { type CandidateStatus, transitionCandidate } from './candidates.lifecycle.ts';
import {
  type CandidateCreateInput,
  type CandidateListQuery,
  type CandidateOut,
  type CandidatePatchInput,
  candidateCreateSchema,
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

export function toCandidateOut(row: CandidateRow): CandidateOut {
  return {
    id: row.id,
    code: row.code,
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
    consentToShare: row.consentToShare as boolean,
    trainingCenterId: row.trainingCenterId as string,
    status: row.status as CandidateStatus,
    statusChangedAt: row.statusChangedAt.toISOString(),
    version: row.version as number,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A row's scope: which center and/or 2025 province the caller is limited to (null = any). */
interface Scope {
  center: string | null;
  province: string | null;
}

/** A UUID no row has: a center token without a center id sees nothing rather than everything. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * Who sees which candidates. Partners see none here (their anonymised pool is another module;
 * selected candidates will be opened to them through this function).
 */
function scopeOf(actor: Actor): Scope {
  switch (actor.role) {
    case 'admin':
      return { center: null, province: null };
    case 'center':
      return { center: actor.trainingCenterId ?? NOBODY, province: null };
    case 'province':
      return { center: null, province: actor.provinceCode ?? '--' };
    default:
      throw forbidden('Partners see candidates only through the anonymised pool and their own selections.');
  }
}

function scopeWhere(scope: Scope): SQL | undefined {
  return and(
    scope.center ? eq(candidates.trainingCenterId, scope.center) : undefined,
    scope.province ? eq(candidates.homeProvince2025, scope.province) : undefined,
  );
}

const historyReasonForImport = (importId: string) => `imported from CSV (import ${importId})`;

/** Rows per multi-row INSERT (14 parameters each, well under PostgreSQL's 65,535). */
const INSERT_BATCH = 2000;
/** Problems listed in a refused import's answer (all are counted in its detail). */
const MAX_REPORTED_ERRORS = 1000;
/** National IDs per duplicate lookup. */
const LOOKUP_BATCH = 5000;

export function createCandidateService({ db, reference, config }: CandidateServiceDeps) {
  const createSchema = candidateCreateSchema(reference);

  // The hottest read: one prepared statement, built once. Scope arrives as parameters (null = any),
  // so every role shares the same plan and nothing is assembled per request.
  const byIdInScope = db
    .select(outColumns)
    .from(candidates)
    .where(
      and(
        eq(candidates.id, sql.placeholder('id')),
        sql`(${sql.placeholder('center')}::uuid is null or ${candidates.trainingCenterId} = ${sql.placeholder('center')}::uuid)`,
        sql`(${sql.placeholder('province')}::text is null or ${candidates.homeProvince2025} = ${sql.placeholder('province')}::text)`,
      ),
    )
    .prepare('candidate_by_id_in_scope');

  // A partner reads the full record only of candidates selected for its own job orders (a placement
  // on one of its orders that was not cancelled): the privacy rule of DESIGN.md.
  const selectedByPartner = db
    .select(outColumns)
    .from(candidates)
    .where(
      and(
        eq(candidates.id, sql.placeholder('id')),
        sql`exists (select 1 from placements p join job_orders jo on jo.id = p.job_order_id
                     where p.candidate_id = ${candidates.id} and p.status <> 'cancelled'
                       and jo.partner_id = ${sql.placeholder('partner')}::uuid)`,
      ),
    )
    .prepare('candidate_selected_by_partner');

  async function findInScope(actor: Actor, id: string): Promise<CandidateRow | undefined> {
    if (actor.role === 'partner') {
      const [row] = await selectedByPartner.execute({ id, partner: actor.partnerId ?? NOBODY });
      return row as CandidateRow | undefined;
    }
    const scope = scopeOf(actor);
    const [row] = await byIdInScope.execute({ id, center: scope.center, province: scope.province });
    return row as CandidateRow | undefined;
  }

  /** The one place that decides whether `actor` may see candidate `id`: 404 outside the scope. */
  async function getRowForActor(actor: Actor, id: string): Promise<CandidateRow> {
    const row = await findInScope(actor, id);
    if (!row) throw notFound('The candidate');
    return row;
  }

  async function centerExists(id: string, tx: DbOrTx = db): Promise<boolean> {
    const [c] = await tx
      .select({ id: trainingCenters.id })
      .from(trainingCenters)
      .where(eq(trainingCenters.id, id));
    return !!c;
  }

  /** The center a new trainee belongs to: the caller's own, or (admin) the one named. */
  async function resolveCenter(actor: Actor, given: string | undefined): Promise<string> {
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
    if (!given)
      throw validationFailed([{ path: 'trainingCenterId', message: 'is required for admin users' }]);
    if (!(await centerExists(given))) {
      throw validationFailed([{ path: 'trainingCenterId', message: 'must be an existing training center' }]);
    }
    return given;
  }

  /**
   * A 409 for a national ID that is already registered. The existing record is named only when the
   * caller may see it anyway; otherwise nothing says which center holds that person.
   */
  async function assertNationalIdFree(actor: Actor, nationalId: string, exceptId?: string) {
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

  function insertValues(input: CandidateCreateInput, trainingCenterId: string, id: string): CandidateInsert {
    return {
      id,
      fullName: input.fullName,
      nameSearch: searchKey(input.fullName),
      dateOfBirth: input.dateOfBirth,
      gender: input.gender,
      nationalId: input.nationalId,
      phone: input.phone ?? null,
      homeProvinceCode: input.homeProvinceCode,
      provinceBoundaries: input.provinceBoundaries,
      // The schema has checked the code exists in that set.
      homeProvince2025: reference.to2025(input.homeProvinceCode, input.provinceBoundaries)!,
      occupationField: input.occupationField,
      jlptLevel: input.jlptLevel ?? null,
      consentToShare: input.consentToShare,
      trainingCenterId,
    };
  }

  return {
    /**
     * Scoped read of one candidate. A partner may read the candidates it selected; each such read
     * is a disclosure of personal data and goes into the audit log (who saw whom, when).
     */
    async getForActor(actor: Actor, id: string): Promise<CandidateOut> {
      const row = await getRowForActor(actor, id);
      await recordDisclosure(db, actor, row.id, `full record of ${row.code}`);
      return toCandidateOut(row);
    },

    async create(input: CandidateCreateInput, actor: Actor): Promise<CandidateOut> {
      const trainingCenterId = await resolveCenter(actor, input.trainingCenterId);
      await assertNationalIdFree(actor, input.nationalId);
      const id = randomUUID();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(candidates)
          .values(insertValues(input, trainingCenterId, id))
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
    },

    async list(actor: Actor, query: CandidateListQuery) {
      const scope = scopeOf(actor);
      const cursor = decodeCursor(query.cursor, 2);
      if (
        cursor &&
        !(
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(String(cursor[0])) &&
          /^[0-9a-f-]{36}$/i.test(String(cursor[1]))
        )
      ) {
        throw badRequest('The cursor is not one this service issued.', [
          { path: 'cursor', message: 'is not a valid cursor' },
        ]);
      }
      if (query.homeProvinceCode && !reference.province(query.homeProvinceCode, '2025')) {
        throw validationFailed([
          { path: 'homeProvinceCode', message: 'is not a province code of the 2025 boundary set' },
        ]);
      }
      let text: SQL | undefined;
      if (query.q) {
        const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const key = searchKey(query.q);
        text = or(
          key ? sql`${candidates.nameSearch} like ${like(key)}` : undefined,
          sql`${candidates.code} ilike ${like(query.q.trim())}`,
        );
      }
      const rows = await db
        .select({
          ...outColumns,
          // Microsecond precision: a JS Date would round to milliseconds and skip or repeat rows.
          cursorAt: sql<string>`to_char(${candidates.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        })
        .from(candidates)
        .where(
          and(
            scopeWhere(scope),
            query.status ? eq(candidates.status, query.status) : undefined,
            query.homeProvinceCode ? eq(candidates.homeProvince2025, query.homeProvinceCode) : undefined,
            text,
            cursor
              ? sql`(${candidates.createdAt}, ${candidates.id}) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(candidates.createdAt), desc(candidates.id))
        .limit(query.limit + 1);
      const page = pageOf(rows, query.limit, (r) => [r.cursorAt, r.id]);
      return { items: page.items.map((r) => toCandidateOut(r as CandidateRow)), nextCursor: page.nextCursor };
    },

    async update(actor: Actor, id: string, patch: CandidatePatchInput): Promise<CandidateOut> {
      if (actor.role !== 'admin' && actor.role !== 'center') throw forbidden();
      const current = await getRowForActor(actor, id);
      if (current.version !== patch.version) throw staleVersion('candidate', current.version as number);

      const { version, ...fields } = patch;
      if (Object.keys(fields).length === 0) {
        throw validationFailed([{ path: 'body', message: 'must change at least one field besides version' }]);
      }
      const errors: FieldError[] = [];
      if (fields.trainingCenterId !== undefined && fields.trainingCenterId !== current.trainingCenterId) {
        if (actor.role === 'center') {
          errors.push({ path: 'trainingCenterId', message: 'can only be changed by an administrator' });
        } else if (!(await centerExists(fields.trainingCenterId))) {
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
      if (typeof changes.nationalId === 'string') await assertNationalIdFree(actor, changes.nationalId, id);

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
    },

    async transition(
      actor: Actor,
      id: string,
      body: { to: 'ready' | 'withdrawn'; reason?: string | undefined; version?: number | undefined },
    ): Promise<CandidateOut> {
      if (actor.role !== 'admin' && actor.role !== 'center') throw forbidden();
      await getRowForActor(actor, id);
      const row = await db.transaction((tx) =>
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
    },

    async history(actor: Actor, id: string) {
      await getRowForActor(actor, id);
      const rows = await db
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
    },

    /**
     * All-or-nothing import of a CSV body: every row is validated with the create schema first and
     * every problem reported; only a clean file is inserted, in one transaction. On PostgreSQL the
     * rows are streamed through COPY inside that transaction; on PGlite multi-row INSERTs.
     */
    async importCsv(
      body: AsyncIterable<Buffer | string>,
      actor: Actor,
      options: { trainingCenterId?: string | undefined; pg?: postgres.Sql | undefined },
    ): Promise<{ inserted: number }> {
      if (actor.role !== 'admin' && actor.role !== 'center') throw forbidden();
      if (
        actor.role === 'center' &&
        options.trainingCenterId &&
        options.trainingCenterId !== actor.trainingCenterId
      ) {
        throw validationFailed([
          { path: 'trainingCenterId', message: 'must be your own training center (or left out)' },
        ]);
      }
      const parsed: CsvImportRows = await readCandidateCsv(body, {
        schema: createSchema,
        byteLimit: config.bodyLimitBytes,
      });
      const errors = parsed.errors;
      const rows: CandidateInsert[] = [];
      const rowNumbers: number[] = [];
      const byNationalId = new Map<string, number>();
      const centerRows = new Map<string, number[]>();
      const defaultCenter = actor.role === 'center' ? actor.trainingCenterId : options.trainingCenterId;

      // A national ID repeated in the file, on valid rows and on rows wrong in other ways alike: every
      // later occurrence names the first.
      const firstRowOf = new Map<string, number>();
      const duplicateOf = new Map<number, number>();
      const occurrences = [
        ...parsed.rows.map((r) => ({ row: r.row, nationalId: r.input.nationalId })),
        ...parsed.invalidRowIds,
      ].sort((a, b) => a.row - b.row);
      for (const { row, nationalId } of occurrences) {
        const first = firstRowOf.get(nationalId);
        if (first === undefined) firstRowOf.set(nationalId, row);
        else duplicateOf.set(row, first);
      }
      for (const { row } of parsed.invalidRowIds) {
        const first = duplicateOf.get(row);
        if (first !== undefined)
          errors.push({ row, path: 'nationalId', message: `duplicates row ${first} of this file` });
      }

      for (const { row, input } of parsed.rows) {
        let center = input.trainingCenterId ?? defaultCenter ?? undefined;
        if (
          actor.role === 'center' &&
          input.trainingCenterId &&
          input.trainingCenterId !== actor.trainingCenterId
        ) {
          errors.push({
            row,
            path: 'trainingCenterId',
            message: 'must be your own training center (or left empty)',
          });
          center = undefined;
        } else if (!center) {
          errors.push({
            row,
            path: 'trainingCenterId',
            message: 'is required for admin users (a trainingCenterId column or ?trainingCenterId=)',
          });
        }
        const first = duplicateOf.get(row);
        if (first !== undefined) {
          errors.push({ row, path: 'nationalId', message: `duplicates row ${first} of this file` });
          continue;
        }
        byNationalId.set(input.nationalId, row);
        if (!center) continue;
        const list = centerRows.get(center) ?? [];
        list.push(row);
        centerRows.set(center, list);
        rows.push(insertValues(input, center, randomUUID()));
        rowNumbers.push(row);
      }

      // Centers named in the file must exist (admin imports).
      const centerIds = [...centerRows.keys()];
      if (centerIds.length && actor.role === 'admin') {
        const found = await db
          .select({ id: trainingCenters.id })
          .from(trainingCenters)
          .where(inArray(trainingCenters.id, centerIds));
        const known = new Set(found.map((c) => c.id));
        for (const id of centerIds) {
          if (known.has(id)) continue;
          for (const row of centerRows.get(id)!) {
            errors.push({ row, path: 'trainingCenterId', message: 'must be an existing training center' });
          }
        }
      }

      // National IDs already in the database (the unique index still guards a concurrent insert).
      const ids = [...byNationalId.keys()];
      for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
        const taken = await db
          .select({ nationalId: candidates.nationalId })
          .from(candidates)
          .where(inArray(candidates.nationalId, ids.slice(i, i + LOOKUP_BATCH)));
        for (const t of taken) {
          errors.push({
            row: byNationalId.get(t.nationalId!)!,
            path: 'nationalId',
            message: 'is already registered',
          });
        }
      }

      if (errors.length) {
        errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
        const badRows = new Set(errors.map((e) => e.row)).size;
        // A file that is wrong throughout (the wrong sheet, shifted columns) would otherwise answer
        // with hundreds of thousands of entries; the first ones show what to fix.
        const shown = errors.slice(0, MAX_REPORTED_ERRORS);
        const more =
          errors.length > shown.length
            ? ` The first ${shown.length} of ${errors.length} problems are listed.`
            : '';
        throw new AppError(
          400,
          'validation',
          'Validation Failed',
          `Nothing was imported: ${badRows} row${badRows === 1 ? '' : 's'} of the file ${badRows === 1 ? 'has' : 'have'} problems (rows are counted from 1 after the header; row 0 is the header).${more}`,
          shown,
        );
      }
      if (rows.length === 0) {
        throw validationFailed(
          [{ path: 'body', message: 'has a header but no data rows' }],
          'The file has no data rows.',
        );
      }

      const importId = randomUUID();
      const newIds = rows.map((r) => r.id!);
      const audit = {
        actorId: actor.id,
        action: 'import',
        entity: 'candidate' as const,
        entityId: importId,
        after: { importId, inserted: rows.length, trainingCenterIds: centerIds },
      };
      if (options.pg) {
        const pg = options.pg;
        await pg.begin(async (t) => {
          await copyCandidates(t, rows, actor.id, historyReasonForImport(importId));
          // A drizzle view of this transaction's connection, so the audit row is written the usual
          // way. A TransactionSql lacks the `options` drizzle reads; it shares the pool's.
          const tx = drizzlePostgres({
            client: Object.assign(t, { options: pg.options }) as unknown as postgres.Sql,
          });
          await recordAudit(tx as unknown as Db, audit);
          await recordImportedCandidates(tx as unknown as Db, actor.id, importId, newIds);
        });
      } else {
        await db.transaction(async (tx) => {
          const reason = historyReasonForImport(importId);
          for (let i = 0; i < rows.length; i += INSERT_BATCH) {
            const batch = rows.slice(i, i + INSERT_BATCH);
            await tx.insert(candidates).values(batch);
            await tx.insert(candidateStatusHistory).values(
              batch.map((r) => ({
                candidateId: r.id!,
                fromStatus: null,
                toStatus: 'registered',
                actorId: actor.id,
                reason,
              })),
            );
          }
          await recordAudit(tx, audit);
          await recordImportedCandidates(tx, actor.id, importId, newIds);
        });
      }
      return { inserted: rows.length };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// COPY (PostgreSQL only)
// ---------------------------------------------------------------------------------------------

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
function copyValue(v: string | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return /[\\\t\n\r]/.test(v)
    ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : v;
}

async function writeLines(stream: Writable, lines: Iterable<string>) {
  let buffer = '';
  let n = 0;
  for (const line of lines) {
    buffer += line;
    if (++n % 1000 === 0) {
      if (!stream.write(buffer)) await once(stream, 'drain');
      buffer = '';
    }
  }
  if (buffer) stream.write(buffer);
  stream.end();
  await finished(stream);
}

async function copyCandidates(
  t: postgres.TransactionSql,
  rows: CandidateInsert[],
  actorId: string,
  reason: string,
) {
  const out = await t`copy candidates (id, full_name, name_search, date_of_birth, gender, national_id, phone,
    home_province_code, province_boundaries, home_province_2025, occupation_field, jlpt_level, consent_to_share,
    training_center_id) from stdin`.writable();
  await writeLines(
    out,
    (function* () {
      for (const r of rows) {
        yield `${r.id}\t${copyValue(r.fullName)}\t${copyValue(r.nameSearch)}\t${r.dateOfBirth}\t${r.gender}\t${copyValue(
          r.nationalId,
        )}\t${copyValue(r.phone)}\t${r.homeProvinceCode}\t${r.provinceBoundaries}\t${r.homeProvince2025}\t${
          r.occupationField
        }\t${copyValue(r.jlptLevel)}\t${copyValue(r.consentToShare)}\t${r.trainingCenterId}\n`;
      }
    })(),
  );
  const history =
    await t`copy candidate_status_history (candidate_id, to_status, actor_id, reason) from stdin`.writable();
  const tail = `\tregistered\t${copyValue(actorId)}\t${copyValue(reason)}\n`;
  await writeLines(
    history,
    (function* () {
      for (const r of rows) yield `${r.id}${tail}`;
    })(),
  );
}

export type CandidateService = ReturnType<typeof createCandidateService>;
