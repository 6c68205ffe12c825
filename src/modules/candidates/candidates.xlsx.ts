/**
 * The `.xlsx` side of the import: the first worksheet of a workbook, read by exceljs's streaming
 * reader (WorkbookReader) row by row and handed to the same row reader as CSV (candidates.rows.ts).
 * No workbook is held in memory: rows are parsed from the zip stream as it arrives (a worksheet
 * stored before the shared strings is spooled to a temporary file by exceljs, not to memory).
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError, payloadTooLarge, validationFailed } from '../../lib/errors.ts';
import type { z } from '../../lib/zod.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { type Cell, type ImportRow, readImportRows, type SheetRecord } from './candidates.rows.ts';
import type { CandidateCreateInput } from './candidates.schemas.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The first bytes of a ZIP file (an .xlsx is one): `PK\x03\x04`. */
export const isZipMagic = (bytes: Buffer) =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

const notXlsx = (why: string) =>
  validationFailed(
    [
      {
        path: 'body',
        message: `is not a readable .xlsx workbook (${why}); save it from Excel as "Excel Workbook (.xlsx)"`,
      },
    ],
    'The file is not an Excel workbook.',
  );

/** An exceljs cell value → a plain cell: formulas give their result, rich text its text. */
function plainCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((r) => r.text).join('');
    if ('result' in v) return plainCell(v.result);
    if (typeof v.text === 'string') return v.text;
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

/** The body, counted against `byteLimit` as it passes. */
async function* limited(body: AsyncIterable<Buffer | string>, byteLimit: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > byteLimit) throw payloadTooLarge(byteLimit);
    yield bytes;
  }
}

/** The rows of the first worksheet, each with its row number in the sheet. */
async function* sheetRecords(
  body: AsyncIterable<Buffer | string>,
  byteLimit: number,
): AsyncGenerator<SheetRecord> {
  const input = Readable.from(limited(body, byteLimit));
  let inputError: unknown;
  input.on('error', (err) => {
    inputError = err;
  });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  let done = false;
  try {
    for await (const sheet of reader) {
      // The first sheet in the workbook's order (exceljs names each reader after its sheet).
      const first = (reader as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets?.[0]
        ?.name;
      if (done || (first !== undefined && (sheet as unknown as { name?: string }).name !== first)) {
        // Read through, not skipped: a sheet stored before the shared strings comes from a temporary
        // file that exceljs deletes as soon as we move on, while the file's read stream may still be
        // opening — an ENOENT with no listener, which would end the process.
        for await (const _ of sheet) {
          // the other sheets' rows are not imported
        }
        continue;
      }
      done = true;
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(plainCell(values[i]));
        yield { cells, line: row.number };
      }
    }
  } catch (err) {
    if (inputError) throw inputError;
    if (err instanceof AppError) throw err;
    throw notXlsx(err instanceof Error ? err.message : String(err));
  }
  if (inputError) throw inputError;
  if (!done) throw notXlsx('it has no worksheet');
}

/** Validated rows of the workbook's first sheet (see candidates.rows.ts for what a cell may hold). */
export function readCandidateXlsx(
  body: AsyncIterable<Buffer | string>,
  options: {
    schema: z.ZodType<CandidateCreateInput, unknown>;
    reference: ReferenceService;
    byteLimit: number;
  },
): AsyncGenerator<ImportRow> {
  return readImportRows(sheetRecords(body, options.byteLimit), options);
}
