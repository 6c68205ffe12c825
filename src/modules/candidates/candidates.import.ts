/**
 * `POST /candidates/import`: a CSV or .xlsx file of trainees, all rows or none, in memory that does
 * not grow with the file.
 *
 * 1. The body is read as it arrives (candidates.csv.ts, candidates.xlsx.ts → candidates.rows.ts) and
 *    every row validated; rows that pass are
 *    checked in batches against the database (centers exist, national IDs not yet registered) and
 *    spooled to a temporary file. Only the first MAX_REPORTED_ERRORS problems are kept (and counted).
 * 2. A clean file is then written in one transaction by `bulkInsert` (COPY on PostgreSQL, batched
 *    INSERTs on PGlite), read back from the spool: the transaction is never held open while a client
 *    is still uploading.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { getTableColumns, getTableName, inArray, is } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../lib/actor.ts';
import { AppError, type FieldError, forbidden, validationFailed } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditLog } from '../audit/audit.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { readCandidateCsv } from './candidates.csv.ts';
import type { ImportRow } from './candidates.rows.ts';
import { type CandidateCreateInput, candidateCreateSchema, searchKey } from './candidates.schemas.ts';
import { candidateStatusHistory, candidates } from './candidates.table.ts';
import { isZipMagic, readCandidateXlsx } from './candidates.xlsx.ts';

/** Problems listed in a refused import's answer (all are counted in its detail). */
export const MAX_REPORTED_ERRORS = 1000;
/** Valid rows checked against the database at once (centers, national IDs). */
const CHECK_BATCH = 2000;
/** Bound on the query parameters of one INSERT (PostgreSQL accepts 65,535). */
const MAX_INSERT_PARAMETERS = 8000;

type CandidateInsert = typeof candidates.$inferInsert;

export interface CandidateImportDeps {
  db: Db;
  reference: ReferenceService;
  config: Config;
}

/** The row a validated create input becomes (POST /candidates and the import alike). */
export function toCandidateInsert(
  reference: ReferenceService,
  input: CandidateCreateInput,
  trainingCenterId: string,
  id: string,
): CandidateInsert {
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

const OWN_CENTER = 'must be your own training center (or left out)';

/**
 * The problems of a file, kept to the MAX_REPORTED_ERRORS lowest rows (batch checks may report an
 * earlier row after a later one), with the total number of problems and of rows that have one.
 */
class ProblemList {
  total = 0;
  badRows = 0;
  private kept: FieldError[] = [];

  /** The problems of one row not reported before. */
  addRow(errors: FieldError[]) {
    if (errors.length === 0) return;
    this.badRows++;
    this.total += errors.length;
    this.kept.push(...errors);
    if (this.kept.length > 2 * MAX_REPORTED_ERRORS) this.trim();
  }

  private trim() {
    this.kept.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    this.kept.length = Math.min(this.kept.length, MAX_REPORTED_ERRORS);
  }

  toError(): AppError {
    this.trim();
    const more =
      this.total > this.kept.length
        ? ` The first ${this.kept.length} of ${this.total} problems are listed.`
        : '';
    const rows = this.badRows;
    return new AppError(
      400,
      'validation',
      'Validation Failed',
      `Nothing was imported: ${rows} row${rows === 1 ? '' : 's'} of the file ${rows === 1 ? 'has' : 'have'} problems (rows are counted from 1 after the header; row 0 is the header).${more}`,
      this.kept,
    );
  }
}

/**
 * National ID → the first data row that carries it, in 12 bytes a row (a Map costs about four times
 * that): open addressing over typed arrays, doubled when half full. The IDs are 12 digits, exact as
 * doubles.
 */
export class FirstRowIndex {
  private keys = new Float64Array(1 << 16).fill(-1);
  private rows = new Int32Array(1 << 16);
  private size = 0;

  /** The row `key` was first seen on; records `row` for it when it is new. */
  firstOrAdd(key: number, row: number): number | undefined {
    if (this.size * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let i = this.slot(key, mask);
    for (;;) {
      const k = this.keys[i]!;
      if (k === key) return this.rows[i];
      if (k === -1) {
        this.keys[i] = key;
        this.rows[i] = row;
        this.size++;
        return undefined;
      }
      i = (i + 1) & mask;
    }
  }

  private slot(key: number, mask: number) {
    // Mixes both halves of the number: consecutive IDs land far apart.
    const h = Math.imul((key % 0x7fffffff) ^ Math.floor(key / 0x7fffffff), 0x9e3779b1);
    return (h ^ (h >>> 15)) & mask;
  }

  private grow() {
    const { keys, rows } = this;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.rows = new Int32Array(keys.length * 2);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.firstOrAdd(keys[i]!, rows[i]!);
  }
}

export interface ImportOptions {
  /** Admin: the center of rows that name none. */
  trainingCenterId?: string | undefined;
  /** The body's format; `sniff`: an .xlsx if it starts like a ZIP file, CSV otherwise. */
  format: 'csv' | 'xlsx' | 'sniff';
}

export interface ImportResult {
  inserted: number;
  /** Each row with the code and id it was given, in file order. */
  items: { row: number; code: string; id: string }[];
}

/** A body whose first chunk has been looked at (to tell an .xlsx from a CSV). */
async function peekFormat(body: AsyncIterable<Buffer | string>): Promise<{
  zip: boolean;
  body: AsyncIterable<Buffer | string>;
}> {
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  async function* all() {
    if (!first.done) yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { zip: isZipMagic(head), body: all() };
}

/** A validated row waiting for its database checks. */
interface Pending {
  row: number;
  insert: CandidateInsert;
  errors: FieldError[];
}

/**
 * All-or-nothing import of a CSV or .xlsx body (see the top of this file). A center imports into its
 * own center; an admin names the center per row (`trainingCenterId` column) or for the whole file.
 */
export async function importCandidates(
  deps: CandidateImportDeps,
  actor: Actor,
  body: AsyncIterable<Buffer | string>,
  options: ImportOptions,
): Promise<ImportResult> {
  const { db, reference, config } = deps;
  if (actor.role !== 'admin' && actor.role !== 'center') throw forbidden();
  const ownCenter = actor.role === 'center' ? (actor.trainingCenterId ?? null) : undefined;
  if (ownCenter !== undefined && options.trainingCenterId && options.trainingCenterId !== ownCenter) {
    throw validationFailed([{ path: 'trainingCenterId', message: OWN_CENTER }]);
  }
  const defaultCenter = ownCenter ?? options.trainingCenterId;

  const problems = new ProblemList();
  const firstRowOf = new FirstRowIndex();
  const knownCenters = new Set<string>();
  const importCenters = new Set<string>();
  let pending: Pending[] = [];
  let valid = 0;

  const dir = await mkdtemp(join(tmpdir(), 'kakehashi-import-'));
  const spoolPath = join(dir, 'rows.jsonl');
  const spool = createWriteStream(spoolPath);
  const spooled = finished(spool);
  spooled.catch(() => {});

  /** Database checks of a batch of valid rows, then the clean ones to the spool. */
  const checkBatch = async (batch: Pending[]) => {
    if (actor.role === 'admin') {
      const unknown = [...new Set(batch.map((p) => p.insert.trainingCenterId))].filter(
        (id) => !knownCenters.has(id),
      );
      if (unknown.length) {
        const found = await db
          .select({ id: trainingCenters.id })
          .from(trainingCenters)
          .where(inArray(trainingCenters.id, unknown));
        for (const c of found) if (knownCenters.size < 10_000) knownCenters.add(c.id);
        const exists = new Set(found.map((c) => c.id));
        for (const p of batch)
          if (unknown.includes(p.insert.trainingCenterId) && !exists.has(p.insert.trainingCenterId))
            p.errors.push({
              row: p.row,
              path: 'trainingCenterId',
              message: 'must be an existing training center',
            });
      }
    }
    // National IDs already in the database (the unique index still guards a concurrent insert).
    const taken = await db
      .select({ nationalId: candidates.nationalId })
      .from(candidates)
      .where(
        inArray(
          candidates.nationalId,
          batch.map((p) => p.insert.nationalId!),
        ),
      );
    const takenIds = new Set(taken.map((t) => t.nationalId));
    let lines = '';
    for (const p of batch) {
      if (takenIds.has(p.insert.nationalId!))
        p.errors.push({ row: p.row, path: 'nationalId', message: 'is already registered' });
      if (p.errors.length) problems.addRow(p.errors);
      else if (problems.total === 0) {
        importCenters.add(p.insert.trainingCenterId);
        lines += `${JSON.stringify([p.row, p.insert])}\n`;
      }
    }
    // Once a problem is found nothing will be written: the spool is not needed any more.
    if (lines && problems.total === 0 && !spool.write(lines)) await once(spool, 'drain');
  };

  try {
    let format = options.format;
    let input = body;
    if (format === 'sniff') {
      const peeked = await peekFormat(body);
      format = peeked.zip ? 'xlsx' : 'csv';
      input = peeked.body;
    }
    const readerOptions = {
      schema: candidateCreateSchema(reference),
      reference,
      byteLimit: config.importLimitBytes,
    };
    const rows: AsyncIterable<ImportRow> =
      format === 'xlsx' ? readCandidateXlsx(input, readerOptions) : readCandidateCsv(input, readerOptions);
    for await (const parsed of rows) {
      const errors = parsed.errors ? [...parsed.errors] : [];
      const nationalId = parsed.input ? parsed.input.nationalId : parsed.nationalId;
      const first =
        nationalId === undefined ? undefined : firstRowOf.firstOrAdd(Number(nationalId), parsed.row);
      if (!parsed.input) {
        if (first !== undefined) errors.push(duplicateOf(parsed.row, first));
        problems.addRow(errors);
        continue;
      }
      const named = parsed.input.trainingCenterId;
      let center = named ?? defaultCenter ?? undefined;
      if (ownCenter !== undefined && named && named !== ownCenter) {
        errors.push({ row: parsed.row, path: 'trainingCenterId', message: OWN_CENTER });
        center = undefined;
      } else if (!center) {
        errors.push({
          row: parsed.row,
          path: 'trainingCenterId',
          message: 'is required for admin users (a trainingCenterId column or ?trainingCenterId=)',
        });
      }
      if (first !== undefined) errors.push(duplicateOf(parsed.row, first));
      if (errors.length || !center) {
        problems.addRow(errors);
        continue;
      }
      valid++;
      pending.push({
        row: parsed.row,
        insert: toCandidateInsert(reference, parsed.input, center, randomUUID()),
        errors,
      });
      if (pending.length >= CHECK_BATCH) {
        const batch = pending;
        pending = [];
        await checkBatch(batch);
      }
    }
    if (pending.length) await checkBatch(pending);
    pending = [];
    spool.end();
    await spooled;

    if (problems.total > 0) throw problems.toError();
    if (valid === 0) {
      throw validationFailed(
        [{ path: 'body', message: 'has a header but no data rows' }],
        'The file has no data rows.',
      );
    }

    const importId = randomUUID();
    const reason = `imported from ${format === 'xlsx' ? 'an .xlsx workbook' : 'CSV'} (import ${importId})`;
    const items: ImportResult['items'] = [];
    await db.transaction(async (tx) => {
      await bulkInsert(
        tx,
        candidates,
        readSpool(spoolPath, (r) => r),
      );
      await bulkInsert(
        tx,
        candidateStatusHistory,
        readSpool(spoolPath, (r) => ({
          candidateId: r.id!,
          fromStatus: null,
          toStatus: 'registered',
          actorId: actor.id,
          reason,
        })),
      );
      await recordAudit(tx, {
        actorId: actor.id,
        action: 'import',
        entity: 'candidate',
        entityId: importId,
        after: { importId, inserted: valid, trainingCenterIds: [...importCenters] },
      });
      // One audit entry per created candidate, as POST /candidates writes.
      await bulkInsert(
        tx,
        auditLog,
        readSpool(spoolPath, (r) => ({
          actorId: actor.id,
          action: 'create',
          entity: 'candidate',
          entityId: r.id!,
          before: null,
          after: { importId },
        })),
      );
      // The codes the database gave (its default), read back in batches, in file order.
      let batch: [number, string][] = [];
      const readCodes = async () => {
        const found = await tx
          .select({ id: candidates.id, code: candidates.code })
          .from(candidates)
          .where(
            inArray(
              candidates.id,
              batch.map(([, id]) => id),
            ),
          );
        const codeOf = new Map(found.map((f) => [f.id, f.code]));
        for (const [row, id] of batch) items.push({ row, code: codeOf.get(id)!, id });
        batch = [];
      };
      for await (const entry of readSpoolEntries(spoolPath)) {
        batch.push([entry[0], entry[1].id!]);
        if (batch.length >= CHECK_BATCH) await readCodes();
      }
      if (batch.length) await readCodes();
    });
    return { inserted: valid, items };
  } finally {
    spool.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

const duplicateOf = (row: number, first: number): FieldError => ({
  row,
  path: 'nationalId',
  message: `duplicates row ${first} of this file`,
});

/** The spooled `[row, insert]` entries, read back one line at a time. */
async function* readSpoolEntries(path: string): AsyncGenerator<[number, CandidateInsert]> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line) yield JSON.parse(line) as [number, CandidateInsert];
}

/** The spooled rows, mapped to the rows of one table. */
async function* readSpool<T>(path: string, map: (row: CandidateInsert) => T): AsyncGenerator<T> {
  for await (const [, row] of readSpoolEntries(path)) yield map(row);
}

// ---------------------------------------------------------------------------------------------
// Bulk writer
// ---------------------------------------------------------------------------------------------

/**
 * Writes a stream of rows into `table` through `db` (a transaction, usually): `COPY … FROM STDIN` on
 * PostgreSQL, multi-row INSERTs on PGlite. The columns are those of the table definition that the
 * first row names (the others take their defaults); every row must name the same ones.
 */
export async function bulkInsert<T extends PgTable>(
  db: DbOrTx,
  table: T,
  rows: AsyncIterable<T['$inferInsert']>,
): Promise<number> {
  const session = db._.session;
  if (is(session, PostgresJsSession)) return copyInto(session.client, table, rows);
  const width = Object.keys(getTableColumns(table)).length;
  const batchSize = Math.max(1, Math.floor(MAX_INSERT_PARAMETERS / width));
  let batch: T['$inferInsert'][] = [];
  let written = 0;
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= batchSize) {
      await db.insert(table).values(batch);
      written += batch.length;
      batch = [];
    }
  }
  if (batch.length) {
    await db.insert(table).values(batch);
    written += batch.length;
  }
  return written;
}

const quoteIdent = (name: string) =>
  /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : text;
}

async function copyInto<T extends PgTable>(
  client: postgres.Sql,
  table: T,
  rows: AsyncIterable<T['$inferInsert']>,
): Promise<number> {
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return 0;
  const named = first.value as Record<string, unknown>;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => key in named);
  const statement = `copy ${quoteIdent(getTableName(table))} (${columns
    .map(([, c]) => quoteIdent(c.name))
    .join(', ')}) from stdin`;
  const line = (row: Record<string, unknown>) =>
    `${columns
      .map(([key, column]) => {
        const value = row[key];
        return copyText(value === null || value === undefined ? value : column.mapToDriverValue(value));
      })
      .join('\t')}\n`;

  const out: Writable = await client.unsafe(statement).writable();
  let buffer = line(named);
  let written = 1;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    buffer += line(next.value as Record<string, unknown>);
    written++;
    if (buffer.length >= 64 * 1024) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await finished(out);
  return written;
}
