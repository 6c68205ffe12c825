/**
 * `POST /candidates/import`: a CSV or .xlsx file of trainees, all rows or none, in memory that does
 * not grow with the file. Two passes over the rows (candidates.csv.ts, candidates.xlsx.ts →
 * candidates.rows.ts), both ending in one transaction written by `bulkInsert` (db/bulk.ts: COPY on
 * PostgreSQL, batched INSERTs on PGlite):
 *
 * - The streaming pass (PostgreSQL, a file received whole first, so that no transaction waits on a
 *   slow upload): each row validated and sent into the COPY at once, the database indexing rows while
 *   the next are parsed. Any problem ends it, rolled back with nothing written.
 * - The checked pass (PGlite; or PostgreSQL after the streaming pass found a problem): every row
 *   validated, checked in batches against the database (centers exist, national IDs not yet
 *   registered) while the next batch is read, and spooled to a temporary file; only the first
 *   MAX_REPORTED_ERRORS problems are kept (and counted). A clean spool is then written.
 *
 * Either way the codes come from the column's default and are read back (finishImport), and the
 * import is one audit entry, which also stands for each candidate's first status.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open as openFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { inArray, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { bulkInsert } from '../../db/bulk.ts';
import { type Db, type DbOrTx, embeddedDatabaseOf } from '../../db/client.ts';
import { queryRows } from '../../db/query.ts';
import type { Actor } from '../../lib/actor.ts';
import { AppError, type FieldError, forbidden, payloadTooLarge, validationFailed } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { readCandidateCsv } from './candidates.csv.ts';
import type { CenterRef, ImportRow } from './candidates.rows.ts';
import { type CandidateCreateInput, candidateCreateSchema, searchKey } from './candidates.schemas.ts';
import { candidates } from './candidates.table.ts';
import { isZipMagic, readCandidateXlsx } from './candidates.xlsx.ts';

/** Problems listed in a refused import's answer (all are counted in its detail). */
export const MAX_REPORTED_ERRORS = 1000;
/** Candidates whose codes are read back by one statement. */
const FINISH_SLICE = 5_000;
/** Valid rows checked against the database at once (centers, national IDs). */
const CHECK_BATCH = 2000;

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
 * numbers in a typed array, the ids as 16 bytes each, the codes in the one string the database
 * answered them in (finishImport: separated by spaces, in file order).
 */
export class ImportedRows {
  private rows = new Int32Array(1024);
  private ids = Buffer.alloc(1024 * 16);
  private count = 0;
  private codes = '';
  get length(): number {
    return this.count;
  }
  /** Records the candidate `id` created from data row `row`. */
  add(row: number, id: string) {
    const at = this.count;
    if (at === this.rows.length) {
      this.rows = grow(this.rows);
      const ids = Buffer.alloc(this.ids.length * 2);
      this.ids.copy(ids);
      this.ids = ids;
    }
    this.rows[at] = row;
    this.ids.write(id.replaceAll('-', ''), at * 16, 16, 'hex');
    this.count++;
  }
  /** The codes the candidates were given, space-separated in the order they were added. */
  setCodes(codes: string) {
    this.codes = codes;
  }
  private idAt(i: number): string {
    const hex = this.ids.toString('hex', i * 16, i * 16 + 16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  /** The ids from `from` up to `to` (excluded) as one PostgreSQL array literal `{…}`, in order. */
  idArray(from: number, to: number): string {
    const parts: string[] = [];
    for (let i = from; i < Math.min(to, this.count); i++) parts.push(this.idAt(i));
    return `{${parts.join(',')}}`;
  }
  *[Symbol.iterator](): IterableIterator<{ row: number; code: string; id: string }> {
    let codeStart = 0;
    for (let i = 0; i < this.count; i++) {
      const end = this.codes.indexOf(' ', codeStart);
      const codeEnd = end === -1 ? this.codes.length : end;
      yield { row: this.rows[i]!, code: this.codes.slice(codeStart, codeEnd), id: this.idAt(i) };
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
 *
 * On PostgreSQL the body is first received whole into a temporary file (so that no transaction waits
 * on a slow upload), then read in one pass that validates each row and streams it straight into the
 * COPY, the database indexing while the next rows are parsed (`importStreaming`). The first problem
 * ends that pass — the transaction is rolled back, nothing is written — and the file is read again by
 * the checked pass, which lists every problem. On PGlite (one connection) only the checked pass runs.
 */
export async function importCandidates(
  deps: CandidateImportDeps,
  actor: Actor,
  body: AsyncIterable<Buffer | string>,
  options: ImportOptions,
): Promise<ImportResult> {
  if (actor.role !== 'admin' && actor.role !== 'center') throw forbidden();
  const ownCenter = actor.role === 'center' ? (actor.trainingCenterId ?? null) : undefined;
  if (ownCenter !== undefined && options.trainingCenterId && options.trainingCenterId !== ownCenter) {
    throw validationFailed([{ path: 'trainingCenterId', message: OWN_CENTER }]);
  }
  const dir = await mkdtemp(join(tmpdir(), 'kakehashi-import-'));
  try {
    if (embeddedDatabaseOf(deps.db)) return await importChecked(deps, actor, body, options, dir);
    const received = join(dir, 'body');
    await receive(body, received, deps.config.importLimitBytes);
    const streamed = await importStreaming(deps, actor, received, options);
    return streamed ?? (await importChecked(deps, actor, createReadStream(received), options, dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The body written to `path` as it arrives; over `byteLimit` bytes it is refused (413). */
async function receive(body: AsyncIterable<Buffer | string>, path: string, byteLimit: number) {
  const file = createWriteStream(path);
  const written = finished(file);
  written.catch(() => {});
  let size = 0;
  try {
    for await (const chunk of body) {
      size += Buffer.byteLength(chunk);
      if (size > byteLimit) throw payloadTooLarge(byteLimit);
      if (!file.write(chunk)) await once(file, 'drain');
    }
  } finally {
    file.end();
    await written;
  }
}

/** The centre a row belongs to, as far as the row and the options tell without the database. */
function centerOfRow(
  input: CandidateCreateInput,
  ownCenter: string | null | undefined,
  defaultCenter: string | null | undefined,
): { center?: string; error?: string } {
  const named = input.trainingCenterId;
  if (ownCenter !== undefined && named && named !== ownCenter) return { error: OWN_CENTER };
  const center = named ?? defaultCenter ?? undefined;
  return center
    ? { center }
    : { error: 'is required for admin users (a trainingCenterId column or ?trainingCenterId=)' };
}

/** Thrown into the streaming pass when a row has a problem: the checked pass takes over. */
class NotClean extends Error {}

/**
 * The one-pass import of a received file (PostgreSQL): each row validated and written into the COPY
 * as it is read. Answers `undefined` when the file has a problem anywhere — a row that fails its
 * schema, a national ID twice in the file or already registered, a center that is not the importer's
 * or does not exist — having written nothing.
 */
async function importStreaming(
  deps: CandidateImportDeps,
  actor: Actor,
  received: string,
  options: ImportOptions,
): Promise<ImportResult | undefined> {
  const { db, reference, config } = deps;
  const ownCenter = actor.role === 'center' ? (actor.trainingCenterId ?? null) : undefined;
  const defaultCenter = ownCenter ?? options.trainingCenterId;
  const format = await formatOf(received, options.format);
  const open = () => createReadStream(received);
  const readerOptions = {
    schema: candidateCreateSchema(reference),
    reference,
    byteLimit: config.importLimitBytes,
  };
  const rows =
    format === 'xlsx' ? readCandidateXlsx(open(), readerOptions) : readCandidateCsv(open(), readerOptions);
  const firstRowOf = new FirstRowIndex();
  const items = new ImportedRows();
  const importCenters = new Set<string>();
  const importId = randomUUID();
  let centerNamed: ((text: string) => string | number) | undefined;

  async function* inserts(): AsyncGenerator<CandidateInsert> {
    for await (const parsed of rows) {
      if (!parsed.input) throw new NotClean();
      if (firstRowOf.firstOrAdd(Number(parsed.input.nationalId), parsed.row) !== undefined)
        throw new NotClean();
      let center: string | undefined;
      if (parsed.center) {
        centerNamed ??= await centerDirectory(db);
        const found = centerNamed(parsed.center.text);
        if (typeof found !== 'string' || (ownCenter !== undefined && found !== ownCenter))
          throw new NotClean();
        center = found;
      } else {
        center = centerOfRow(parsed.input, ownCenter, defaultCenter).center;
        if (!center) throw new NotClean();
      }
      if (importCenters.size < 10_000) importCenters.add(center);
      const id = randomUUID();
      items.add(parsed.row, id);
      yield { ...toCandidateInsert(reference, parsed.input, center, id), importId };
    }
  }

  try {
    await db.transaction(async (tx) => {
      // A center named by id that does not exist, or a national ID already registered, fails the
      // COPY on its constraint (and the checked pass then names the rows).
      if ((await bulkInsert(tx, candidates, inserts())) === 0) throw new NotClean();
      await finishImport(tx, actor, { importId, items, format, centers: importCenters });
    });
  } catch (error) {
    if (error instanceof NotClean || isConstraintError(error)) return undefined;
    throw error;
  }
  return { inserted: items.length, items };
}

/** A foreign-key or unique violation, on the error or its cause (drizzle wraps driver errors). */
function isConstraintError(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === '23503' || e.code === '23505') return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** A received file's format: as declared, or sniffed from its first bytes (an .xlsx starts like a ZIP file). */
async function formatOf(path: string, format: ImportOptions['format']) {
  if (format !== 'sniff') return format;
  const file = await openFile(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    return isZipMagic(buffer.subarray(0, bytesRead)) ? 'xlsx' : 'csv';
  } finally {
    await file.close();
  }
}

/**
 * What every import writes after its candidates, in the same transaction: the import's one audit
 * entry. The codes the rows were given by the column's default are read back (by id, in file order).
 *
 * Each imported candidate's first status (`null → registered`) is the import itself: the candidate
 * carries its `importId`, and its history (`candidateHistory`) opens with the import's entry — who
 * imported it, when and from which format — rather than a row of its own written 100,000 times over.
 * `GET /audit?entity=candidate&entityId=` lists the import's entry for each candidate it created.
 */
async function finishImport(
  tx: DbOrTx,
  actor: Actor,
  done: { importId: string; items: ImportedRows; format: 'csv' | 'xlsx'; centers: Set<string> },
) {
  const { importId, items, format } = done;
  // In slices, so that neither the ids sent nor the codes answered are one huge value at once. Each
  // code is looked up by its id (a scan of the table would cost as much on a large database).
  const slices: string[] = [];
  for (let from = 0; from < items.length; from += FINISH_SLICE) {
    const [written] = await queryRows<{ codes: string }>(
      tx,
      sql`select string_agg((select ${candidates.code} from ${candidates} where ${candidates.id} = created.id), ' ' order by created.n) as codes
        from unnest(${items.idArray(from, from + FINISH_SLICE)}::uuid[]) with ordinality as created (id, n)`,
    );
    slices.push(written!.codes);
  }
  const codes = slices.join(' ');
  items.setCodes(codes);
  const firstSpace = codes.indexOf(' ');
  await recordAudit(tx, {
    actorId: actor.id,
    action: 'import',
    entity: 'candidate',
    entityId: importId,
    after: {
      importId,
      format,
      inserted: items.length,
      firstCode: firstSpace === -1 ? codes : codes.slice(0, firstSpace),
      lastCode: codes.slice(codes.lastIndexOf(' ') + 1),
      trainingCenterIds: [...done.centers],
    },
  });
}

/** The reason an imported candidate's first status reads with (candidateHistory). */
export const importReason = (format: unknown, importId: string) =>
  `imported from ${format === 'xlsx' ? 'an .xlsx workbook' : 'CSV'} (import ${importId})`;

/**
 * The checked pass: every row validated, checked against the database in batches and spooled; every
 * problem listed (up to MAX_REPORTED_ERRORS); written only when there is none.
 */
async function importChecked(
  deps: CandidateImportDeps,
  actor: Actor,
  body: AsyncIterable<Buffer | string>,
  options: ImportOptions,
  dir: string,
): Promise<ImportResult> {
  const { db, reference, config } = deps;
  const ownCenter = actor.role === 'center' ? (actor.trainingCenterId ?? null) : undefined;
  const defaultCenter = ownCenter ?? options.trainingCenterId;
  const problems = new ProblemList();
  const firstRowOf = new FirstRowIndex();
  const knownCenters = new Set<string>();
  const importCenters = new Set<string>();
  let centerNamed: ((text: string) => string | number) | undefined;
  let pending: Pending[] = [];
  let valid = 0;

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
    const fileFormat = format;
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
      let center: string | undefined;
      if (!parsed.center) {
        const found = centerOfRow(parsed.input, ownCenter, defaultCenter);
        if (found.error) errors.push({ row: parsed.row, path: 'trainingCenterId', message: found.error });
        center = found.center;
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

    const items = new ImportedRows();
    const importId = randomUUID();
    await db.transaction(async (tx) => {
      await bulkInsert(
        tx,
        candidates,
        readSpool(spoolPath, (row, insert) => {
          items.add(row, insert.id!);
          return { ...insert, importId };
        }),
      );
      await finishImport(tx, actor, { importId, items, format: fileFormat, centers: importCenters });
    });
    return { inserted: valid, items };
  } finally {
    // A batch still being checked (the file failed meanwhile) finishes with the spool still open.
    await checking.catch(() => {});
    spool.destroy();
  }
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
