/**
 * `POST /candidates/import`: a CSV or .xlsx file of trainees, all rows or none, in memory that does
 * not grow with the file.
 *
 * 1. The body is read as it arrives (candidates.csv.ts, candidates.xlsx.ts → candidates.rows.ts) and
 *    every row validated; rows that pass are
 *    checked in batches against the database (centers exist, national IDs not yet registered) and
 *    spooled to a temporary file. Only the first MAX_REPORTED_ERRORS problems are kept (and counted).
 *    The database checks of one batch run while the next batch is being read.
 * 2. A clean file is then written in one transaction by `bulkInsert` (COPY on PostgreSQL, batched
 *    INSERTs on PGlite), read back from the spool: the transaction is never held open while a client
 *    is still uploading. The codes are drawn first, in one query, from the column's own default, so
 *    that the rows go in with their codes and nothing is read back.
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
import { getTableColumns, getTableName, inArray, is, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import type { Config } from '../../config.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { queryRows } from '../../db/query.ts';
import type { Actor } from '../../lib/actor.ts';
import { AppError, type FieldError, forbidden, validationFailed } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditLog } from '../audit/audit.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { readCandidateCsv } from './candidates.csv.ts';
import type { CenterRef, ImportRow } from './candidates.rows.ts';
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
  items: ImportedRows;
}

/**
 * What an import created, kept compact: a 50 MB file creates ~575,000 candidates, and an array of
 * objects (plus the answer as one JSON string) would not fit the heap beside the import itself. Row
 * numbers and code offsets in typed arrays, the ids as 16 bytes each, the codes in the one string they
 * were drawn in (drawCodes: separated by spaces, in file order).
 */
export class ImportedRows {
  private rows = new Int32Array(1024);
  private codeEnds = new Int32Array(1024);
  private ids = Buffer.alloc(1024 * 16);
  private count = 0;
  private codeAt = 0;
  constructor(private readonly codes: string) {}
  get length(): number {
    return this.count;
  }
  /** Takes the next drawn code for `row` and the candidate `id`; returns the code. */
  add(row: number, id: string): string {
    const at = this.count;
    if (at === this.rows.length) {
      this.rows = grow(this.rows);
      this.codeEnds = grow(this.codeEnds);
      const ids = Buffer.alloc(this.ids.length * 2);
      this.ids.copy(ids);
      this.ids = ids;
    }
    const end = this.codes.indexOf(' ', this.codeAt);
    const codeEnd = end === -1 ? this.codes.length : end;
    const code = this.codes.slice(this.codeAt, codeEnd);
    this.codeAt = codeEnd + 1;
    this.rows[at] = row;
    this.codeEnds[at] = codeEnd;
    this.ids.write(id.replaceAll('-', ''), at * 16, 16, 'hex');
    this.count++;
    return code;
  }
  *[Symbol.iterator](): IterableIterator<{ row: number; code: string; id: string }> {
    let codeStart = 0;
    for (let i = 0; i < this.count; i++) {
      const codeEnd = this.codeEnds[i]!;
      const hex = this.ids.toString('hex', i * 16, i * 16 + 16);
      yield {
        row: this.rows[i]!,
        code: this.codes.slice(codeStart, codeEnd),
        id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
      };
      codeStart = codeEnd + 1;
    }
  }
  toJSON(): { row: number; code: string; id: string }[] {
    return [...this];
  }
}

function grow(list: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(list.length * 2);
  grown.set(list);
  return grown;
}

/**
 * The import's answer (`importOut`) as JSON text in pieces of a thousand items, so that the answer
 * to a large file is never one string of tens of megabytes.
 */
export async function* importAnswer(result: ImportResult): AsyncGenerator<string> {
  let piece = `{"inserted":${result.inserted},"items":[`;
  let n = 0;
  for (const item of result.items) {
    piece += `${n === 0 ? '' : ','}{"row":${item.row},"code":${JSON.stringify(item.code)},"id":"${item.id}"}`;
    if (++n % 1000 === 0) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]}`;
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

/** A validated row waiting for its database checks (its center may still be a code or a name). */
interface Pending {
  row: number;
  input: CandidateCreateInput;
  center: string | undefined;
  ref: CenterRef | undefined;
  errors: FieldError[];
}

/**
 * The training centers by code (`serialPrefix`, case ignored) and by name (case, accents and spacing
 * ignored), read once per import when a row first names one that way.
 */
async function centerDirectory(db: Db) {
  const all = await db
    .select({ id: trainingCenters.id, name: trainingCenters.name, code: trainingCenters.serialPrefix })
    .from(trainingCenters);
  const byKey = new Map<string, Set<string>>();
  const add = (key: string, id: string) => {
    const ids = byKey.get(key) ?? new Set<string>();
    ids.add(id);
    byKey.set(key, ids);
  };
  for (const c of all) {
    add(`code:${c.code.toUpperCase()}`, c.id);
    add(`name:${searchKey(c.name)}`, c.id);
  }
  /** The one center `text` names; otherwise how many it names (0: none). */
  return (text: string): string | number => {
    const ids = new Set([
      ...(byKey.get(`code:${text.trim().toUpperCase()}`) ?? []),
      ...(byKey.get(`name:${searchKey(text)}`) ?? []),
    ]);
    return ids.size === 1 ? [...ids][0]! : ids.size;
  };
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
  let centerNamed: ((text: string) => string | number) | undefined;
  let pending: Pending[] = [];
  let valid = 0;

  const dir = await mkdtemp(join(tmpdir(), 'kakehashi-import-'));
  const spoolPath = join(dir, 'rows.jsonl');
  const spool = createWriteStream(spoolPath);
  const spooled = finished(spool);
  spooled.catch(() => {});

  /** Database checks of a batch of valid rows, then the clean ones to the spool. */
  const checkBatch = async (batch: Pending[]) => {
    // Centers named by code or name.
    for (const p of batch) {
      if (!p.ref) continue;
      centerNamed ??= await centerDirectory(db);
      const found = centerNamed(p.ref.text);
      if (typeof found === 'string') {
        if (ownCenter !== undefined && found !== ownCenter)
          p.errors.push({ row: p.row, path: 'trainingCenterId', message: `${OWN_CENTER}${p.ref.at}` });
        else p.center = found;
      } else {
        p.errors.push({
          row: p.row,
          path: 'trainingCenterId',
          message:
            found === 0
              ? `must be an existing training center (its id, code or name)${p.ref.at}`
              : `names ${found} training centers; give the center's id or code${p.ref.at}`,
        });
      }
    }
    if (actor.role === 'admin') {
      const unknown = [
        ...new Set(
          batch.flatMap((p) => (p.ref || !p.center || knownCenters.has(p.center) ? [] : [p.center])),
        ),
      ];
      if (unknown.length) {
        const found = await db
          .select({ id: trainingCenters.id })
          .from(trainingCenters)
          .where(inArray(trainingCenters.id, unknown));
        for (const c of found) if (knownCenters.size < 10_000) knownCenters.add(c.id);
        const exists = new Set(found.map((c) => c.id));
        for (const p of batch)
          if (!p.ref && p.center && unknown.includes(p.center) && !exists.has(p.center))
            p.errors.push({
              row: p.row,
              path: 'trainingCenterId',
              message: 'must be an existing training center',
            });
      }
    }
    // National IDs already in the database (the unique index still guards a concurrent insert), as
    // one array parameter rather than one parameter per ID.
    const taken = await db
      .select({ nationalId: candidates.nationalId })
      .from(candidates)
      .where(sql`${candidates.nationalId} = any(${sql.param(batch.map((p) => p.input.nationalId))}::text[])`);
    const takenIds = new Set(taken.map((t) => t.nationalId));
    let lines = '';
    for (const p of batch) {
      if (takenIds.has(p.input.nationalId))
        p.errors.push({ row: p.row, path: 'nationalId', message: 'is already registered' });
      if (p.errors.length || !p.center) problems.addRow(p.errors);
      else if (problems.total === 0) {
        importCenters.add(p.center);
        lines += `${JSON.stringify([p.row, toCandidateInsert(reference, p.input, p.center, randomUUID())])}\n`;
      }
    }
    // Once a problem is found nothing will be written: the spool is not needed any more.
    if (lines && problems.total === 0 && !spool.write(lines)) await once(spool, 'drain');
  };

  // The checks of one batch run while the next is read: at most one batch in flight.
  let checking: Promise<void> = Promise.resolve();
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
      let center = parsed.center ? undefined : (named ?? defaultCenter ?? undefined);
      if (ownCenter !== undefined && named && named !== ownCenter) {
        errors.push({ row: parsed.row, path: 'trainingCenterId', message: OWN_CENTER });
        center = undefined;
      } else if (!center && !parsed.center) {
        errors.push({
          row: parsed.row,
          path: 'trainingCenterId',
          message: 'is required for admin users (a trainingCenterId column or ?trainingCenterId=)',
        });
      }
      if (first !== undefined) errors.push(duplicateOf(parsed.row, first));
      if (errors.length) {
        problems.addRow(errors);
        continue;
      }
      valid++;
      pending.push({ row: parsed.row, input: parsed.input, center, ref: parsed.center, errors });
      if (pending.length >= CHECK_BATCH) {
        const batch = pending;
        pending = [];
        await checking;
        checking = checkBatch(batch);
        checking.catch(() => {});
      }
    }
    await checking;
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
    let items = new ImportedRows('');
    await db.transaction(async (tx) => {
      // The codes, drawn in file order by the column's default (the sequence), before the COPY.
      items = new ImportedRows(await drawCodes(tx, valid));
      await bulkInsert(
        tx,
        candidates,
        readSpool(spoolPath, (row, insert) => {
          const code = items.add(row, insert.id!);
          return { ...insert, code };
        }),
      );
      await bulkInsert(
        tx,
        candidateStatusHistory,
        eachOf(items, (item) => ({
          candidateId: item.id,
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
        eachOf(items, (item) => ({
          actorId: actor.id,
          action: 'create',
          entity: 'candidate',
          entityId: item.id,
          before: null,
          after: { importId },
        })),
      );
    });
    return { inserted: valid, items };
  } finally {
    // A batch still being checked (the file failed meanwhile) finishes with the spool still open.
    await checking.catch(() => {});
    spool.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `count` codes from the `code` column's default (its sequence), in the order they are drawn, handed
 * out one at a time. They come as one space-separated text, not a row each: a 50 MB file has half a
 * million rows, and as many result rows would cost tens of megabytes at once.
 */
async function drawCodes(tx: DbOrTx, count: number): Promise<string> {
  const [drawn] = await queryRows<{ codes: string }>(
    tx,
    sql`select string_agg(code, ' ' order by n) as codes from (select n, ${candidates.code.default as SQL} as code from generate_series(1, ${count}::int) as n) as drawn`,
  );
  return drawn!.codes;
}

/** The rows of a table made from each item of a list, as the bulk writer takes them. */
async function* eachOf<I, T>(list: Iterable<I>, map: (item: I) => T): AsyncGenerator<T> {
  for (const item of list) yield map(item);
}

const duplicateOf = (row: number, first: number): FieldError => ({
  row,
  path: 'nationalId',
  message: `duplicates row ${first} of this file`,
});

/** The spooled `[row, insert]` entries, read back one line at a time and mapped. */
async function* readSpool<T>(
  path: string,
  map: (row: number, insert: CandidateInsert) => T,
): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line) continue;
    const [row, insert] = JSON.parse(line) as [number, CandidateInsert];
    yield map(row, insert);
  }
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
