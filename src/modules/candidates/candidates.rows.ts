/**
 * The rows of an import, whatever the file: a header (API field names or the Vietnamese headers of
 * the template) and data rows whose cells are text (CSV) or typed spreadsheet values (xlsx). Each
 * cell is read the way a Vietnamese office writes it — `17/05/2001`, an Excel date, `Nam`/`Nữ`,
 * `có`/`không`, a CCCD or phone that lost its leading zero, a province by name — and the row is
 * then validated by the schema of POST /candidates. Nothing is kept from one row to the next.
 */
import { type FieldError, validationFailed } from '../../lib/errors.ts';
import { FIELDS } from '../../lib/vocab.ts';
import type { z } from '../../lib/zod.ts';
import { vocab } from '../../pdf/vocabulary.ts';
import type { Boundaries, ReferenceService } from '../reference/reference.service.ts';
import { CANDIDATE_INPUT_FIELDS, type CandidateCreateInput, searchKey } from './candidates.schemas.ts';

/** A spreadsheet cell as read: text from CSV; text, number, boolean or date from xlsx; empty = null. */
export type Cell = string | number | boolean | Date | null | undefined;

/** One record of the file: its cells and its row number as a spreadsheet shows it (header = its row). */
export interface SheetRecord {
  cells: Cell[];
  /** The spreadsheet row number of this record (CSV: line number; xlsx: the sheet's row number). */
  line: number;
}

/**
 * One data row of the file, as it is read: either the validated input, or its problems. `row` is the
 * data-row number (1 = the first row after the header). A row whose problems leave a well-formed
 * national ID carries it, so that a repeated ID is reported on that row too.
 */
export type ImportRow =
  | { row: number; input: CandidateCreateInput; errors?: undefined; center?: CenterRef | undefined }
  | { row: number; input?: undefined; errors: FieldError[]; nationalId: string | undefined };

/**
 * A `trainingCenterId` (`Trung tâm`) cell that is not an id: the center's code or name, resolved by
 * the import against the database; `at` is the suffix its error messages end with.
 */
export interface CenterRef {
  text: string;
  at: string;
}

/** Looks like an id (the schema then checks it is a valid one); anything else is a code or a name. */
const ID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `Tỉnh`: the home province by name (resolved in the row's boundary set). */
const PROVINCE_NAME = 'homeProvinceName';
type Column = (typeof CANDIDATE_INPUT_FIELDS)[number] | typeof PROVINCE_NAME;

/** The template's Vietnamese headers (labels of templates/vocabulary.json, exports.columns). */
export const TEMPLATE_COLUMNS = [
  'fullName',
  'dateOfBirth',
  'gender',
  'nationalId',
  'phone',
  'homeProvinceCode',
  'occupationField',
  'jlptLevel',
  'consentToShare',
] as const;

const REQUIRED_COLUMNS = [
  'fullName',
  'dateOfBirth',
  'gender',
  'nationalId',
  'occupationField',
  'consentToShare',
] as const;

/** A header's label in Vietnamese (the template's header). */
export function headerLabel(column: string): string {
  if (column === 'homeProvinceCode') return 'Mã tỉnh';
  if (column === PROVINCE_NAME) return 'Tỉnh';
  const labels = vocab() as unknown as { exports: { columns: Record<string, { vi: string }> } };
  return labels.exports.columns[column]?.vi ?? column;
}

/** Header text (case, accents and spacing ignored) → column. */
const COLUMN_BY_HEADER = (() => {
  const map = new Map<string, Column>();
  for (const f of CANDIDATE_INPUT_FIELDS) map.set(f.toLowerCase(), f);
  for (const f of CANDIDATE_INPUT_FIELDS) {
    const key = searchKey(headerLabel(f));
    if (!map.has(key)) map.set(key, f);
  }
  map.set(searchKey('Mã tỉnh'), 'homeProvinceCode');
  map.set(searchKey('Tỉnh'), PROVINCE_NAME);
  map.set(searchKey('Tỉnh, thành'), PROVINCE_NAME);
  map.set(searchKey('Tỉnh/thành phố'), PROVINCE_NAME);
  map.set(searchKey('Trung tâm'), 'trainingCenterId');
  map.set(searchKey('CCCD'), 'nationalId');
  map.set(searchKey('Ranh giới'), 'provinceBoundaries');
  map.set(searchKey('JLPT'), 'jlptLevel');
  return map;
})();

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
  ['co', true],
  ['khong', false],
  ['x', true],
]);

/** Label (vi or en, accents ignored) or code → code, for genders and fields. */
function labelMap(table: 'genders' | 'fields', codes: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  const labels = vocab()[table] as Record<string, { vi: string; ja: string; en: string }>;
  for (const code of codes) {
    map.set(code.toLowerCase(), code);
    const label = labels[code];
    if (label) for (const text of [label.vi, label.en, label.ja]) map.set(searchKey(text), code);
  }
  return map;
}
const GENDER_BY_TEXT = labelMap('genders', ['male', 'female']);
const FIELD_BY_TEXT = labelMap('fields', FIELDS);

/** Days from the Excel epoch (1899-12-30, leap-year bug included) to a date. */
function excelSerialDate(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return undefined;
  return new Date(Math.round((serial - 25569) * 86400000)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD`, `DD/MM/YYYY` (also `-` or `.`, one-digit day or month), an Excel date or serial → YYYY-MM-DD. */
export function readDate(cell: Cell): string | undefined {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return excelSerialDate(cell);
  if (typeof cell !== 'string') return undefined;
  const text = cell.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  // Also a datetime Excel wrote as text (2001-05-17 00:00:00).
  const ymd = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/.exec(text);
  const date = dmy
    ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`
    : ymd
      ? `${ymd[1]}-${ymd[2]}-${ymd[3]}`
      : undefined;
  // A day that exists (not 31/02).
  if (!date) return undefined;
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) ? date : undefined;
}

const daysIn = (year: number, month: number) =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;

/** A cell as text: numbers without exponent or grouping, dates as YYYY-MM-DD. */
function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  if (typeof cell === 'number') return Number.isInteger(cell) ? BigInt(cell).toString() : String(cell);
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return cell.trim();
}

/** The value a clerk sees in the cell, for error messages. */
function shown(cell: Cell): string {
  const text = cellText(cell);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Province names of a boundary set, accents and the "Tỉnh"/"Thành phố" prefix ignored → code. */
function provinceByName(
  reference: ReferenceService,
  boundaries: Boundaries,
  name: string,
): string | undefined {
  const key = searchKey(name).replace(/^(tinh|thanh pho|tp\.?)\s+/, '');
  for (const p of reference.listProvinces(boundaries)) {
    if (searchKey(p.nameVi).replace(/^(tinh|thanh pho|tp\.?)\s+/, '') === key) return p.code;
    if (searchKey(p.nameEn).replace(/\s+(province|city)$/, '') === key.replace(/\s+(province|city)$/, ''))
      return p.code;
  }
  return undefined;
}

/**
 * Reads the records of one file: the first non-empty record is the header; every other record is
 * validated and yielded at once. Throws on a bad header or a file without a header.
 */
export async function* readImportRows(
  records: AsyncIterable<SheetRecord>,
  options: { schema: z.ZodType<CandidateCreateInput, unknown>; reference: ReferenceService },
): AsyncGenerator<ImportRow> {
  let columns: (Column | null)[] | undefined;
  let headerLine = 0;
  for await (const record of records) {
    if (!columns) {
      if (record.cells.every((c) => cellText(c) === '')) continue;
      const headerErrors: FieldError[] = [];
      columns = readHeader(record.cells, headerErrors);
      headerLine = record.line;
      if (headerErrors.length) throw headerProblem(headerErrors);
      continue;
    }
    const parsed = readRow(record.cells, columns, record.line - headerLine, record.line, options);
    if (parsed) yield parsed;
  }
  if (!columns) {
    throw validationFailed(
      [{ path: 'body', message: 'is empty; send a header row and data rows' }],
      'The file is empty.',
    );
  }
}

function headerProblem(errors: FieldError[]) {
  return validationFailed(errors, 'The header row of the file is not valid: nothing was imported.');
}

/** Column names → fields (case and accents ignored); unknown, duplicate or missing columns are errors. */
function readHeader(record: Cell[], errors: FieldError[]): (Column | null)[] {
  const seen = new Set<Column>();
  const columns = record.map((cell) => {
    const name = cellText(cell);
    if (!name) return null;
    const field = COLUMN_BY_HEADER.get(name.toLowerCase()) ?? COLUMN_BY_HEADER.get(searchKey(name));
    if (!field) {
      errors.push({
        row: 0,
        path: name,
        message: `is not a known column; the columns are ${CANDIDATE_INPUT_FIELDS.join(', ')} (or the template's: ${[
          ...TEMPLATE_COLUMNS.map(headerLabel),
          'Tỉnh',
          'Trung tâm',
        ].join(', ')})`,
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
  if (!seen.has('homeProvinceCode') && !seen.has(PROVINCE_NAME)) {
    errors.push({ row: 0, path: 'homeProvinceCode', message: 'column is missing from the header (or Tỉnh)' });
  }
  return columns;
}

/** One record → its validated input or its problems; undefined for a row whose cells are all empty. */
function readRow(
  record: Cell[],
  columns: (Column | null)[],
  dataRow: number,
  line: number,
  options: { schema: z.ZodType<CandidateCreateInput, unknown>; reference: ReferenceService },
): ImportRow | undefined {
  const raw: Record<string, unknown> = {};
  const given: Record<string, Cell> = {};
  const rowErrors: FieldError[] = [];
  const reported = new Set<string>();
  const at = (cell: Cell) => ` (value "${shown(cell)}", spreadsheet row ${line})`;
  const fail = (path: string, cell: Cell, message: string) => {
    reported.add(path);
    rowErrors.push({ row: dataRow, path, message: `${message}${at(cell)}` });
  };
  let empty = true;
  let center: CenterRef | undefined;
  for (let i = 0; i < record.length; i++) {
    const cell = record[i];
    const text = cellText(cell);
    if (text === '') continue;
    empty = false;
    const column = columns[i];
    if (!column) {
      rowErrors.push({
        row: dataRow,
        path: i < columns.length ? `column ${i + 1}` : 'row',
        message:
          i < columns.length
            ? `has a value in a column without a header${at(cell)}`
            : `has more cells (${record.length}) than the header has columns (${columns.length})`,
      });
      continue;
    }
    given[column] = cell;
    switch (column) {
      case 'consentToShare': {
        const value = typeof cell === 'boolean' ? cell : BOOLEANS.get(searchKey(text));
        if (value === undefined) fail(column, cell, 'must be true/false, 1/0 or có/không');
        else raw[column] = value;
        break;
      }
      case 'dateOfBirth': {
        const date = readDate(cell);
        if (date === undefined) fail(column, cell, 'must be a date YYYY-MM-DD or DD/MM/YYYY');
        else raw[column] = date;
        break;
      }
      case 'gender':
        raw[column] = GENDER_BY_TEXT.get(searchKey(text)) ?? text;
        break;
      case 'occupationField':
        raw[column] = FIELD_BY_TEXT.get(text.toLowerCase()) ?? FIELD_BY_TEXT.get(searchKey(text)) ?? text;
        break;
      case 'jlptLevel': {
        const upper = text.toUpperCase().replace(/\s+/g, '');
        raw[column] = /^[1-5]$/.test(upper) ? `N${upper}` : upper;
        break;
      }
      case 'nationalId':
        // Excel drops the leading zeros of a CCCD typed as a number. Every CCCD begins with 0 and the
        // province code (001 Hà Nội … 096 Cà Mau), so a Hà Nội number loses two: 10 or 11 digits are padded.
        raw[column] = /^\d{10,11}$/.test(text) ? text.padStart(12, '0') : text;
        break;
      case 'phone':
        // 912345678: a mobile number that lost its 0.
        raw[column] = /^[35789]\d{8}$/.test(text) ? `0${text}` : text;
        break;
      case 'provinceBoundaries':
        raw[column] = text;
        break;
      case 'trainingCenterId':
        if (ID_LIKE.test(text)) raw[column] = text;
        else center = { text, at: at(cell) };
        break;
      case 'homeProvinceCode':
        raw[column] = /^\d$/.test(text) ? `0${text}` : text;
        break;
      default:
        raw[column] = text;
    }
  }
  if (empty) return undefined;

  // A province given by name, in the row's boundary set.
  const boundaries: Boundaries = raw.provinceBoundaries === '2008' ? '2008' : '2025';
  const byName =
    typeof raw.homeProvinceCode === 'string' && !/^\d+$/.test(raw.homeProvinceCode)
      ? raw.homeProvinceCode
      : typeof raw[PROVINCE_NAME] === 'string' && raw.homeProvinceCode === undefined
        ? (raw[PROVINCE_NAME] as string)
        : undefined;
  if (byName !== undefined) {
    const code = provinceByName(options.reference, boundaries, byName);
    const path = raw.homeProvinceCode !== undefined ? 'homeProvinceCode' : PROVINCE_NAME;
    if (code) raw.homeProvinceCode = code;
    else {
      fail(path, given[path], `is not a province of the ${boundaries} boundary set`);
      delete raw.homeProvinceCode;
    }
  }
  delete raw[PROVINCE_NAME];

  const result = options.schema.safeParse(raw);
  if (result.success && rowErrors.length === 0) return { row: dataRow, input: result.data, center };
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.') || 'row';
      if (reported.has(path)) continue;
      if (path === 'homeProvinceCode' && reported.has(PROVINCE_NAME)) continue;
      const cell = given[issue.path[0] as string];
      rowErrors.push({
        row: dataRow,
        path,
        message: cell === undefined ? issue.message : `${issue.message}${at(cell)}`,
      });
    }
  }
  const nationalId =
    typeof raw.nationalId === 'string' && /^\d{12}$/.test(raw.nationalId) ? raw.nationalId : undefined;
  return { row: dataRow, errors: rowErrors, nationalId };
}
