import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  allPages,
  type Column,
  EXPORT_ROW_CAP,
  type ExportQuery,
  exportFormat,
  sendExport,
} from '../../lib/spreadsheet.ts';

/**
 * The candidate, placement and certificate lists as files: their columns, and one handler that
 * answers JSON (one page) or streams every page of the caller's scope as CSV/XLSX, up to
 * EXPORT_ROW_CAP rows, through the list's own service function (so scope, filters and partner
 * disclosure records are those of the JSON list).
 */

type Row = Record<string, unknown>;

export const CANDIDATE_COLUMNS: Column<Row>[] = [
  { key: 'code', kind: 'code' },
  { key: 'fullName', kind: 'text' },
  { key: 'dateOfBirth', kind: 'date' },
  { key: 'gender', kind: 'label', vocab: 'genders' },
  { key: 'nationalId', kind: 'code' },
  { key: 'phone', kind: 'code' },
  { key: 'homeProvinceCode', kind: 'code' },
  { key: 'provinceBoundaries', kind: 'code' },
  { key: 'occupationField', kind: 'label', vocab: 'fields' },
  { key: 'jlptLevel', kind: 'code' },
  { key: 'status', kind: 'label', vocab: 'candidateStatuses' },
  { key: 'consentToShare', kind: 'bool' },
  { key: 'createdAt', kind: 'date' },
];

export const PLACEMENT_COLUMNS: Column<Row>[] = [
  { key: 'candidateCode', kind: 'code' },
  { key: 'homeProvinceCode', kind: 'code' },
  { key: 'homeProvinceName', kind: 'text' },
  { key: 'destinationCountry', kind: 'label', vocab: 'countries' },
  { key: 'prefectureCode', kind: 'code' },
  { key: 'prefectureName', kind: 'text' },
  { key: 'employerName', kind: 'text' },
  { key: 'program', kind: 'label', vocab: 'programs' },
  { key: 'field', kind: 'label', vocab: 'fields' },
  { key: 'contractStart', kind: 'date' },
  { key: 'contractEnd', kind: 'date' },
  { key: 'monthlyWageJpy', kind: 'int' },
  { key: 'status', kind: 'label', vocab: 'placementStatuses' },
  { key: 'departedOn', kind: 'date' },
  { key: 'returnedOn', kind: 'date' },
];

export const CERTIFICATE_COLUMNS: Column<Row>[] = [
  { key: 'serial', kind: 'code' },
  { key: 'verifyCode', kind: 'code' },
  { key: 'type', kind: 'code' },
  { key: 'holderName', kind: 'text' },
  { key: 'courseName', kind: 'text' },
  { key: 'issuedOn', kind: 'date' },
  { key: 'revoked', kind: 'bool' },
  { key: 'revokeReason', kind: 'text' },
];

const LISTS = {
  candidates: CANDIDATE_COLUMNS,
  placements: PLACEMENT_COLUMNS,
  certificates: CERTIFICATE_COLUMNS,
} as const;

/** The filters of a list query that a title row names (not the paging or export parameters). */
const NOT_FILTERS = new Set(['limit', 'cursor', 'format', 'lang', 'sep']);

/**
 * A list route's answer: its JSON page, or (`?format=csv|xlsx`) a file of every page from `cursor`
 * on. `read` is the list's service function for the caller.
 */
export async function answerList<Q extends ExportQuery & { cursor?: string | undefined; limit: number }, T>(
  request: FastifyRequest,
  reply: FastifyReply,
  list: keyof typeof LISTS,
  query: Q,
  read: (q: Q) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const format = exportFormat(query, request);
  if (format === 'json') return read(query);
  const { rows, truncated } = await allPages(
    (cursor, limit) => read({ ...query, cursor, limit }),
    query.cursor,
  );
  const filters = Object.entries(query)
    .filter(([k, v]) => !NOT_FILTERS.has(k) && v !== undefined && v !== '')
    .map(([k, v]) => [k, String(v)] as [string, string]);
  return sendExport(
    request,
    reply,
    query,
    {
      report: list,
      filename: `${list}_${new Date().toISOString().slice(0, 10)}`,
      filters,
      columns: LISTS[list],
      rows: rows as AsyncIterable<Row>,
      truncated,
    },
    format,
  );
}

export const listExportNote =
  ` \`?format=csv|xlsx\` answers a file of every page in your scope from \`cursor\` on (at most ${EXPORT_ROW_CAP.toLocaleString('en')} rows; ` +
  'a file that stops there ends with a line giving the cursor to continue); `lang=vi|ja|en` (or Accept-Language) ' +
  'labels headers and values, `sep=semicolon` for Vietnamese Excel.';
