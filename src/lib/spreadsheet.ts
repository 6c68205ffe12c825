import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Label, vocab } from '../pdf/vocabulary.ts';
import { z } from './zod.ts';

/**
 * The one export path: rows and column definitions → CSV or XLSX, headers and labels in vi/ja/en
 * (templates/vocabulary.json, section `exports`). Reports and lists declare their columns here and
 * never format a cell themselves.
 */

export type Lang = 'vi' | 'ja' | 'en';
export const LANGS = ['vi', 'ja', 'en'] as const;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A list exported as a file streams the caller's scope page by page, up to this many rows. */
export const EXPORT_ROW_CAP = 100_000;

/** The query parameters of every exportable route. */
export const exportParams = {
  format: z
    .enum(['json', 'csv', 'xlsx'])
    .optional()
    .describe(
      'csv: text/csv (UTF-8 with BOM), like an Accept: text/csv header; xlsx: an Excel workbook with a title row',
    ),
  lang: z
    .enum(LANGS)
    .optional()
    .describe(
      'Language of the headers and labels of a csv/xlsx file (else Accept-Language). A CSV without either keeps the API field names and codes.',
    ),
  sep: z
    .enum(['comma', 'semicolon'])
    .optional()
    .describe('CSV separator; semicolon for Excel set to Vietnamese (with lang=vi, decimals take a comma)'),
};

export interface ExportQuery {
  format?: 'json' | 'csv' | 'xlsx' | undefined;
  lang?: Lang | undefined;
  sep?: 'comma' | 'semicolon' | undefined;
}

type VocabTable =
  | 'candidateStatuses'
  | 'placementStatuses'
  | 'genders'
  | 'fields'
  | 'programs'
  | 'countries'
  | 'courseKinds'
  | 'revokeCategories'
  | 'grievanceCategories';

/**
 * How a column's values are written. `text` is what people typed (neutralised against formulas);
 * `code` is text that must stay text (`05`, a national ID, a phone); `int`, `ratio` (a share, shown
 * as a percentage) and `decimal` (2 decimals) are numbers;
 * `date` an ISO date (YYYY-MM-DD) or timestamp; `bool` yes/no; `label` a code of a vocabulary.
 */
export type ColumnKind = 'text' | 'code' | 'int' | 'ratio' | 'decimal' | 'date' | 'bool' | 'label';

export interface Column<R> {
  /** The field name (the raw CSV header) and the key of its label in `exports.columns`. */
  key: string;
  kind: ColumnKind;
  vocab?: VocabTable;
  /** The value, when it is not `row[key]`. */
  value?: (row: R, lang: Lang | undefined) => unknown;
}

export interface ExportSpec<R> {
  /** Key of `exports.reports`: the title and the sheet. */
  report: string;
  /** File name without extension. */
  filename: string;
  /** What the rows were chosen by: [key of `exports.columns`, value] (empty values are left out). */
  filters: [string, string | undefined][];
  columns: Column<R>[];
  rows: Iterable<R> | AsyncIterable<R>;
  /** A totals line, bold in a workbook; its first column is labelled by `totalLabel`. */
  totals?: R | undefined;
  /** Set when a list stopped at the cap: the cursor to continue from. */
  truncated?: () => string | null;
}

interface Exports {
  columns: Record<string, Label>;
  reports: Record<string, Label>;
  terms: Record<string, Label>;
}
const exportsVocab = () => (vocab() as unknown as { exports: Exports }).exports;

export const columnLabel = (key: string, lang: Lang) => exportsVocab().columns[key]?.[lang] ?? key;
export const term = (key: string, lang: Lang) => exportsVocab().terms[key]?.[lang] ?? key;
export const reportTitle = (key: string, lang: Lang) => exportsVocab().reports[key]?.[lang] ?? key;

/** `?lang=` first, else the first of vi/ja/en the Accept-Language header names; none: undefined. */
export function resolveLang(query: ExportQuery, request: FastifyRequest): Lang | undefined {
  if (query.lang) return query.lang;
  const header = request.headers['accept-language'];
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { lang: tag!.split('-')[0]!, q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((x) => (LANGS as readonly string[]).includes(x.lang) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.lang as Lang | undefined;
}

/** json, csv or xlsx: `?format=` first, else an Accept header naming text/csv or the xlsx type. */
export function exportFormat(query: ExportQuery, request: FastifyRequest): 'json' | 'csv' | 'xlsx' {
  if (query.format) return query.format;
  const accept = request.headers.accept ?? '';
  if (accept.includes(XLSX_TYPE)) return 'xlsx';
  if (/\btext\/csv\b/i.test(accept)) return 'csv';
  return 'json';
}

/**
 * CSV injection (OWASP): a text cell that a spreadsheet could read as a formula — one starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return — is prefixed with an apostrophe.
 */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A formatted cell: a string (always text), a number, a Date (a date cell) or empty. */
type Cell = string | number | Date | null;

const isoDay = (value: unknown): string | null => {
  if (value === null || value === undefined || value === '') return null;
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /^\d{4}-\d\d-\d\d/.test(text) ? text.slice(0, 10) : null;
};

/** The cell of one value, in a language or raw (lang undefined: codes and true/false). */
function cellOf<R>(column: Column<R>, row: R, lang: Lang | undefined): Cell {
  const value = column.value ? column.value(row, lang) : (row as Record<string, unknown>)[column.key];
  if (value === null || value === undefined || value === '') return null;
  switch (column.kind) {
    case 'int':
    case 'ratio':
    case 'decimal':
      return typeof value === 'number' ? value : neutralise(String(value));
    case 'bool':
      if (typeof value !== 'boolean') return neutralise(String(value));
      if (!lang) return String(value);
      return term(value ? 'yes' : 'no', lang);
    case 'label': {
      const code = String(value);
      if (!lang || !column.vocab) return neutralise(code);
      const table = (vocab() as unknown as Record<VocabTable, Record<string, Label>>)[column.vocab];
      return neutralise(table[code]?.[lang] ?? code);
    }
    case 'date': {
      const day = isoDay(value);
      if (!day) return neutralise(String(value));
      return new Date(`${day}T00:00:00Z`);
    }
    default:
      return neutralise(String(value));
  }
}

/** A date as the language writes it: DD/MM/YYYY (vi), YYYY年M月D日 (ja), YYYY-MM-DD (en, raw). */
export function formatDay(day: Date, lang: Lang | undefined): string {
  const iso = day.toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  if (lang === 'vi') return `${d}/${m}/${y}`;
  if (lang === 'ja') return `${y}年${Number(m)}月${Number(d)}日`;
  return iso;
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** RFC 4180 quoting: a cell with the separator, a quote or a line break is quoted, quotes doubled. */
export function csvCell(value: string | number | boolean | null | undefined, sep = ','): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return text.includes(sep) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A whole CSV document. The byte-order mark makes Excel open it as UTF-8, so Vietnamese names
 * (Nghệ An, Hà Tĩnh) are not mangled; CRLF line ends as RFC 4180 and Excel expect.
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null | undefined)[])[],
): string {
  const lines = [header, ...rows].map((cells) => cells.map((c) => csvCell(c)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function csvText(cell: Cell, lang: Lang | undefined, kind: ColumnKind): string | null {
  if (cell === null) return null;
  if (cell instanceof Date) return formatDay(cell, lang === 'vi' ? 'vi' : undefined);
  if (typeof cell === 'number') {
    const text = String(cell);
    // Vietnamese Excel reads 0,8571 as a number, 0.8571 as text.
    return lang === 'vi' && kind !== 'int' ? text.replace('.', ',') : text;
  }
  return cell;
}

async function* csvLines<R>(spec: ExportSpec<R>, lang: Lang | undefined, sep: string) {
  const line = (cells: (string | null)[]) => `${cells.map((c) => csvCell(c, sep)).join(sep)}\r\n`;
  yield `\uFEFF${line(spec.columns.map((c) => (lang ? columnLabel(c.key, lang) : c.key)))}`;
  let batch = '';
  for await (const row of spec.rows) {
    batch += line(spec.columns.map((c) => csvText(cellOf(c, row, lang), lang, c.kind)));
    if (batch.length > 64_000) {
      yield batch;
      batch = '';
    }
  }
  if (spec.totals)
    batch += line(spec.columns.map((c) => csvText(cellOf(c, spec.totals!, lang), lang, c.kind)));
  const cursor = spec.truncated?.();
  if (cursor) batch += line([truncatedNote(lang ?? 'en', cursor)]);
  if (batch) yield batch;
}

const truncatedNote = (lang: Lang, cursor: string) =>
  term('truncated', lang).replace('{n}', String(EXPORT_ROW_CAP)).replace('{cursor}', cursor);

// ---------------------------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------------------------

const DATE_FORMAT: Record<Lang, string> = { vi: 'dd/mm/yyyy', ja: 'yyyy"年"m"月"d"日"', en: 'yyyy-mm-dd' };
const NUMBER_FORMAT: Partial<Record<ColumnKind, string>> = {
  int: '#,##0',
  ratio: '0.00%',
  decimal: '0.00',
  code: '@',
};

/** The title block's filter line: "Từ ngày: 01/01/2026 · Ranh giới: 2008". */
function filterLine(filters: ExportSpec<unknown>['filters'], lang: Lang): string {
  const shown = filters
    .filter(([, v]) => v !== undefined && v !== '')
    .map(
      ([k, v]) =>
        `${columnLabel(k, lang)}: ${/^\d{4}-\d\d-\d\d$/.test(v!) ? formatDay(new Date(`${v}T00:00:00Z`), lang) : v}`,
    );
  return neutralise(`${term('filters', lang)}: ${shown.length ? shown.join(' · ') : term('none', lang)}`);
}

/**
 * Streams a workbook (exceljs WorkbookWriter: rows are committed as they are written, never the
 * whole sheet in memory): a title row (report, filters, date), a header row, the rows, the totals.
 */
async function writeXlsx<R>(spec: ExportSpec<R>, lang: Lang, out: PassThrough, today: Date): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const title = reportTitle(spec.report, lang);
  const sheet = workbook.addWorksheet(title.slice(0, 31).replace(/[[\]:*?/\\]/g, ' '), {
    views: [{ state: 'frozen', ySplit: 4 }],
  });
  sheet.columns = spec.columns.map((c) => ({
    key: c.key,
    width: Math.max(10, Math.min(40, columnLabel(c.key, lang).length + 4)),
    style:
      c.kind === 'date'
        ? { numFmt: DATE_FORMAT[lang] }
        : NUMBER_FORMAT[c.kind]
          ? { numFmt: NUMBER_FORMAT[c.kind] }
          : {},
  }));
  const titleRow = sheet.addRow([title]);
  titleRow.font = { bold: true, size: 14 };
  titleRow.commit();
  sheet.addRow([filterLine(spec.filters as ExportSpec<unknown>['filters'], lang)]).commit();
  sheet.addRow([`${term('exportedOn', lang)}: ${formatDay(today, lang)}`]).commit();
  const header = sheet.addRow(spec.columns.map((c) => columnLabel(c.key, lang)));
  header.font = { bold: true };
  header.commit();
  const add = (row: R, bold: boolean) => {
    const added = sheet.addRow(spec.columns.map((c) => cellOf(c, row, lang)));
    if (bold) added.font = { bold: true };
    added.commit();
  };
  for await (const row of spec.rows) add(row, false);
  if (spec.totals) add(spec.totals, true);
  const cursor = spec.truncated?.();
  if (cursor) sheet.addRow([truncatedNote(lang, cursor)]).commit();
  sheet.commit();
  await workbook.commit();
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

/**
 * Sends `spec` as the request asks: CSV (`sep`, `lang`; raw field names without a language) or
 * XLSX (in the asked language, else Vietnamese). The caller answers JSON itself.
 */
export function sendExport<R>(
  request: FastifyRequest,
  reply: FastifyReply,
  query: ExportQuery,
  spec: ExportSpec<R>,
  format: 'csv' | 'xlsx',
) {
  const lang = resolveLang(query, request);
  reply.header('cache-control', 'no-store');
  if (format === 'csv') {
    const sep = query.sep === 'semicolon' ? ';' : ',';
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${spec.filename}.csv"`)
      .send(Readable.from(csvLines(spec, lang, sep)));
  }
  const out = new PassThrough();
  writeXlsx(spec, lang ?? 'vi', out, new Date()).catch((error: unknown) => {
    request.log.error({ err: error }, 'xlsx export failed mid-stream');
    out.destroy(error as Error);
  });
  return reply
    .type(XLSX_TYPE)
    .header('content-disposition', `attachment; filename="${spec.filename}.xlsx"`)
    .send(out);
}

/**
 * Every page of a list in the caller's scope, from `cursor` on, up to EXPORT_ROW_CAP rows. The first
 * page is read before anything is sent, so a bad cursor or filter is still a 400.
 */
export async function allPages<T>(
  read: (cursor: string | undefined, limit: number) => Promise<{ items: T[]; nextCursor: string | null }>,
  cursor: string | undefined,
): Promise<{ rows: AsyncIterable<T>; truncated: () => string | null }> {
  const PAGE = 500;
  const first = await read(cursor, PAGE);
  let stoppedAt: string | null = null;
  async function* rows() {
    let page = first;
    let count = 0;
    for (;;) {
      for (const item of page.items) {
        yield item;
        count++;
      }
      if (!page.nextCursor) return;
      if (count >= EXPORT_ROW_CAP) {
        stoppedAt = page.nextCursor;
        return;
      }
      page = await read(page.nextCursor, Math.min(PAGE, EXPORT_ROW_CAP - count));
    }
  }
  return { rows: rows(), truncated: () => stoppedAt };
}
