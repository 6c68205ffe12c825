import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { AppError, type FieldError, validationFailed } from '../../lib/errors.ts';
import type { z } from '../../lib/zod.ts';
import { CANDIDATE_INPUT_FIELDS, type CandidateCreateInput } from './candidates.schemas.ts';

export interface CsvImportRows {
  /** Rows that passed the create schema, with their data-row number (1 = first row after the header). */
  rows: { row: number; input: CandidateCreateInput }[];
  /** Every problem found; `row` 0 is the header. */
  errors: FieldError[];
  /**
   * The well-formed national IDs of rows that failed on other fields, so that a repeated ID is
   * reported on those rows too (the service compares them with the valid rows').
   */
  invalidRowIds: { row: number; nationalId: string }[];
}

const REQUIRED_COLUMNS = [
  'fullName',
  'dateOfBirth',
  'gender',
  'nationalId',
  'homeProvinceCode',
  'occupationField',
  'consentToShare',
] as const;
const BOOLEAN_COLUMNS = new Set<string>(['consentToShare']);
const COLUMN_BY_LOWER = new Map<string, string>(CANDIDATE_INPUT_FIELDS.map((f) => [f.toLowerCase(), f]));

/** Spreadsheet booleans, Vietnamese included (Excel writes TRUE/FALSE; clerks write có/không). */
const BOOLEANS = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
  ['yes', true],
  ['no', false],
  ['y', true],
  ['n', false],
  ['có', true],
  ['co', true],
  ['không', false],
  ['khong', false],
  ['x', true],
]);

const payloadTooLarge = () =>
  new AppError(413, 'http-413', 'Payload Too Large', 'The body is larger than this service accepts.');
const notUtf8 = () =>
  validationFailed(
    [{ path: 'body', message: 'must be UTF-8 text (in Excel: Save As → "CSV UTF-8")' }],
    'The file is not UTF-8 text.',
  );

/** Decodes the body as strict UTF-8 (a UTF-8 BOM is dropped) and enforces the body size limit. */
async function* utf8Text(body: AsyncIterable<Buffer | string>, byteLimit: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > byteLimit) throw payloadTooLarge();
    try {
      const text = decoder.decode(bytes, { stream: true });
      if (text) yield text;
    } catch {
      throw notUtf8();
    }
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw notUtf8();
  }
  if (tail) yield tail;
}

/**
 * The delimiter of the header line: comma, semicolon (what Excel writes where the decimal mark is a
 * comma, as in Vietnamese locales) or tab, whichever occurs most outside quotes.
 */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/** Text chunks with the first line available up front, so the delimiter can be chosen before parsing. */
async function withHeaderPeek(text: AsyncGenerator<string>) {
  let head = '';
  for (;;) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
    if (/[\r\n]/.test(head) || head.length > 65536) break;
  }
  const firstLine = head.split(/\r?\n|\r/, 1)[0] ?? '';
  async function* all() {
    if (head) yield head;
    yield* text;
  }
  return { delimiter: detectDelimiter(firstLine), chunks: all() };
}

/**
 * Streams the CSV body through csv-parse, validating every data row with `schema` (the same schema
 * as POST /candidates). Empty cells are absent fields; rows whose cells are all empty are skipped but
 * still counted, so row numbers match the spreadsheet (row 1 = spreadsheet line 2).
 */
export async function readCandidateCsv(
  body: AsyncIterable<Buffer | string>,
  options: { schema: z.ZodType<CandidateCreateInput, unknown>; byteLimit: number },
): Promise<CsvImportRows> {
  const { delimiter, chunks } = await withHeaderPeek(utf8Text(body, options.byteLimit));
  const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: false });
  const errors: FieldError[] = [];
  const rows: CsvImportRows['rows'] = [];
  const invalidRowIds: CsvImportRows['invalidRowIds'] = [];
  let columns: (string | null)[] | undefined;
  let dataRow = 0;

  const consume = async () => {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!columns) {
        columns = readHeader(record, errors);
        if (errors.length) throw headerProblem(errors);
        continue;
      }
      dataRow++;
      const raw: Record<string, unknown> = {};
      const rowErrors: FieldError[] = [];
      const badBoolean = new Set<string>();
      let empty = true;
      for (let i = 0; i < record.length; i++) {
        const cell = record[i]!.trim();
        if (cell === '') continue;
        empty = false;
        const column = columns[i];
        if (!column) {
          rowErrors.push({
            row: dataRow,
            path: i < columns.length ? `column ${i + 1}` : 'row',
            message:
              i < columns.length
                ? 'has a value in a column without a header'
                : `has more cells (${record.length}) than the header has columns (${columns.length})`,
          });
          continue;
        }
        if (BOOLEAN_COLUMNS.has(column)) {
          const value = BOOLEANS.get(cell.normalize('NFC').toLowerCase());
          if (value === undefined) {
            badBoolean.add(column);
            rowErrors.push({ row: dataRow, path: column, message: 'must be true/false, 1/0 or có/không' });
          } else raw[column] = value;
        } else raw[column] = column === 'jlptLevel' ? cell.toUpperCase() : cell;
      }
      if (empty) continue;
      const result = options.schema.safeParse(raw);
      if (result.success && rowErrors.length === 0) {
        rows.push({ row: dataRow, input: result.data });
        continue;
      }
      if (!result.success) {
        for (const issue of result.error.issues) {
          const path = issue.path.join('.') || 'row';
          if (badBoolean.has(path)) continue;
          rowErrors.push({ row: dataRow, path, message: issue.message });
        }
      }
      if (typeof raw.nationalId === 'string' && /^\d{12}$/.test(raw.nationalId)) {
        invalidRowIds.push({ row: dataRow, nationalId: raw.nationalId });
      }
      errors.push(...rowErrors);
    }
  };

  try {
    await Promise.all([pipeline(Readable.from(chunks), parser), consume()]);
  } catch (err) {
    parser.destroy();
    if (err instanceof CsvError) {
      throw validationFailed(
        [{ row: Math.max(dataRow, 0), path: 'body', message: `is not valid CSV: ${err.message}` }],
        'The file is not valid CSV.',
      );
    }
    throw err;
  }
  if (!columns) {
    throw validationFailed(
      [{ path: 'body', message: 'is empty; send a header row and data rows' }],
      'The file is empty.',
    );
  }
  return { rows, errors, invalidRowIds };
}

function headerProblem(errors: FieldError[]) {
  return validationFailed(errors, 'The header row of the file is not valid: nothing was imported.');
}

/** Column names → field names (case-insensitive); unknown, duplicate or missing columns are errors. */
function readHeader(record: string[], errors: FieldError[]): (string | null)[] {
  const seen = new Set<string>();
  const columns = record.map((cell) => {
    const name = cell.trim();
    if (!name) return null;
    const field = COLUMN_BY_LOWER.get(name.toLowerCase());
    if (!field) {
      errors.push({
        row: 0,
        path: name,
        message: `is not a known column; the columns are ${CANDIDATE_INPUT_FIELDS.join(', ')}`,
      });
      return null;
    }
    if (seen.has(field)) errors.push({ row: 0, path: field, message: 'appears twice in the header' });
    seen.add(field);
    return field;
  });
  for (const field of REQUIRED_COLUMNS) {
    if (!seen.has(field)) errors.push({ row: 0, path: field, message: 'column is missing from the header' });
  }
  return columns;
}
