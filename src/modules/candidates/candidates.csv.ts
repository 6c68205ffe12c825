import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { payloadTooLarge, validationFailed } from '../../lib/errors.ts';
import type { z } from '../../lib/zod.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { type ImportRow, readImportRows, type SheetRecord } from './candidates.rows.ts';
import type { CandidateCreateInput } from './candidates.schemas.ts';

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
    if (size > byteLimit) throw payloadTooLarge(byteLimit);
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
 * Streams the CSV body through csv-parse into the row reader of candidates.rows.ts (the same as the
 * xlsx import's), validating every data row with `schema` (the schema of POST /candidates) and
 * yielding it at once: memory does not grow with the file. Rows whose cells are all empty are skipped
 * but still counted, so row numbers match the spreadsheet (row 1 = spreadsheet line 2). A bad header,
 * a body that is not UTF-8 or not CSV, or one over `byteLimit` throws.
 */
export async function* readCandidateCsv(
  body: AsyncIterable<Buffer | string>,
  options: {
    schema: z.ZodType<CandidateCreateInput, unknown>;
    reference: ReferenceService;
    byteLimit: number;
  },
): AsyncGenerator<ImportRow> {
  const { delimiter, chunks } = await withHeaderPeek(utf8Text(body, options.byteLimit));
  const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: false });
  let line = 0;
  // The parser is fed in the background; its async iterator pulls records at the consumer's pace
  // (the feeding pauses while the parser's buffer is full).
  const feeding = pipeline(Readable.from(chunks), parser);
  let feedError: unknown;
  feeding.catch((err) => {
    feedError = err;
  });
  async function* records(): AsyncGenerator<SheetRecord> {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      yield { cells: record, line };
    }
    await feeding;
  }

  try {
    yield* readImportRows(records(), options);
  } catch (err) {
    parser.destroy();
    const cause = feedError ?? err;
    if (cause instanceof CsvError) {
      throw validationFailed(
        [{ row: Math.max(line - 1, 0), path: 'body', message: `is not valid CSV: ${cause.message}` }],
        'The file is not valid CSV.',
      );
    }
    throw cause;
  } finally {
    // The consumer stopped early (an error elsewhere): stop reading the body.
    if (!parser.destroyed) parser.destroy();
  }
}
