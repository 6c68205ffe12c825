import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CENTERS, VIETNAM_SIDE } from '../../lib/actor.ts';
import { AppError, payloadTooLarge } from '../../lib/errors.ts';
import { z } from '../../lib/zod.ts';
import { declareRoutes } from '../routes.ts';
import { importAnswer } from './candidates.import.ts';
import {
  candidateCreateSchema,
  candidateIdParams,
  candidateListOut,
  candidateListQuery,
  candidateOut,
  candidatePartnerOut,
  candidatePatchBody,
  historyOut,
  importOut,
  importQuery,
  transitionBody,
} from './candidates.schemas.ts';
import { importTemplateCsv, importTemplateXlsx } from './candidates.template.ts';
import { XLSX_TYPE } from './candidates.xlsx.ts';

const tags = ['candidates'];

export const candidateRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.candidates;
  const createBody = candidateCreateSchema(app.services.reference);
  const api = declareRoutes(app, tags, candidateIdParams);

  api.create('/candidates', CENTERS, createBody, candidateOut, service.create, {
    summary: 'Register a candidate (a center for itself; an admin names the center)',
  });
  api.list('/candidates', VIETNAM_SIDE, candidateListQuery, candidateListOut, service.list, {
    summary: 'List the candidates in your scope, newest first; search by name or code (best matches first)',
    description: [
      'Filters: status, homeProvinceCode (2025), occupationField, jlptLevel (that level or higher),',
      'trainingCenterId, gender, ageMin, ageMax (age today in whole years), q. With q the order is:',
      'the name as typed with its accents (when the query has accents) or the whole code, then whole',
      'words of the name ignoring accents, then the rest; newest first within each.',
    ].join(' '),
    exportAs: 'candidates',
  });

  app.get(
    '/candidates/:id',
    {
      config: { auth: ['admin', 'center', 'province', 'partner'] },
      schema: {
        tags,
        summary: 'One candidate in your scope (a partner: only candidates selected for its own job orders)',
        description:
          'A partner gets the partner view: the record without `nationalId`, `phone` and `poolCode`.',
        params: candidateIdParams,
        response: { 200: z.union([candidateOut, candidatePartnerOut]) },
      },
    },
    async (request, reply) => {
      const out = await service.getForActor(request.actor, request.params.id);
      // A partner's answer is shaped by the partner schema alone, which has no national ID or phone.
      if (request.actor.role === 'partner')
        reply.serializer((data) => JSON.stringify(candidatePartnerOut.parse(data)));
      return out;
    },
  );

  api.act('PATCH', '/candidates/:id', CENTERS, candidatePatchBody, candidateOut, service.update, {
    summary: 'Change fields of a candidate, giving the version you read (stale → 409)',
  });
  api.act('POST', '/candidates/:id/transitions', CENTERS, transitionBody, candidateOut, service.transition, {
    summary: 'Mark a candidate ready, or withdraw them (with a reason)',
  });
  api.get('/candidates/:id/history', VIETNAM_SIDE, historyOut, service.history, {
    summary: 'The status changes of a candidate, oldest first',
  });

  app.get(
    '/candidates/import/template.xlsx',
    {
      config: { auth: CENTERS },
      schema: {
        tags,
        summary:
          'The import template as an Excel workbook (Vietnamese headers, an example row, drop-down lists)',
        description:
          'Sheet 1: the columns the import reads, an example row, lists for gender, field, JLPT, province and consent, the ID and phone columns as text. Sheet 2 explains each column. Admins get a `Trung tâm` column too.',
        produces: [XLSX_TYPE],
        response: { 200: z.any().describe(XLSX_TYPE) },
      },
    },
    async (request, reply) =>
      reply
        .type(XLSX_TYPE)
        .header('content-disposition', 'attachment; filename="kakehashi-mau-nhap-ung-vien.xlsx"')
        .send(await importTemplateXlsx(app.services.reference, request.actor.role === 'admin')),
  );

  app.get(
    '/candidates/import/template.csv',
    {
      config: { auth: CENTERS },
      schema: {
        tags,
        summary:
          'The import template as CSV (UTF-8 with BOM, semicolons; Vietnamese headers, an example row)',
        produces: ['text/csv'],
        response: { 200: z.string().describe('text/csv') },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="kakehashi-mau-nhap-ung-vien.csv"')
        .send(importTemplateCsv(app.services.reference, request.actor.role === 'admin')),
  );

  // The import has its own encapsulated context so that CSV and xlsx bodies are accepted here and
  // nowhere else.
  const importRoute: FastifyPluginAsyncZod = async (csv) => {
    const limit = app.services.config.importLimitBytes;
    // The body is handed over as the raw stream and parsed while it arrives; the size limit is
    // enforced by the reader (and up front from Content-Length).
    csv.addContentTypeParser(
      ['text/csv', XLSX_TYPE, 'application/octet-stream'],
      (request, payload, done) => {
        if (Number(request.headers['content-length'] ?? 0) > limit) {
          done(payloadTooLarge(limit));
          return;
        }
        done(null, payload);
      },
    );

    csv.post(
      '/candidates/import',
      {
        config: { auth: CENTERS },
        bodyLimit: limit,
        onRequest: async (request) => {
          const type = request.headers['content-type'] ?? '';
          const [media, ...params] = type.split(';').map((s) => s.trim().toLowerCase());
          const charset = params
            .find((p) => p.startsWith('charset='))
            ?.slice(8)
            .replace(/"/g, '');
          const csvOk = media === 'text/csv' && (!charset || charset === 'utf-8' || charset === 'utf8');
          if (!csvOk && media !== XLSX_TYPE && media !== 'application/octet-stream') {
            throw new AppError(
              415,
              'http-415',
              'Unsupported Media Type',
              `Send the file as Content-Type: text/csv (UTF-8) or ${XLSX_TYPE} (.xlsx).`,
            );
          }
        },
        schema: {
          tags,
          summary:
            "Import trainees from a CSV or an .xlsx workbook (API field names or the template's Vietnamese headers): all rows or none",
          description: [
            'Body: `Content-Type: text/csv`, UTF-8 with or without BOM. The first line is a header of',
            'POST /candidates field names (fullName, dateOfBirth, gender, nationalId, phone, homeProvinceCode,',
            'provinceBoundaries, occupationField, jlptLevel, consentToShare, trainingCenterId), any order;',
            'comma, semicolon or tab separated (detected from the header). Empty cells are absent fields;',
            'consentToShare accepts true/false, 1/0, yes/no, có/không. Every row is validated first: any',
            'problem → 400 with `errors: [{ row, path, message }]` (row 1 = first line after the header;',
            'row 0 = the header; the first 1,000 problems, the detail counts them all) and nothing is inserted.',
            'Otherwise all rows go in one transaction. The body is streamed: at most IMPORT_LIMIT_BYTES',
            '(default 50 MB) → 413.',
            `An .xlsx (Content-Type ${XLSX_TYPE}, or application/octet-stream with the ZIP signature) is read`,
            'from its first sheet, streamed. Headers may also be the Vietnamese ones of GET',
            '/candidates/import/template.xlsx (Họ và tên, Ngày sinh, Giới tính, Số CCCD, Số điện thoại, Mã tỉnh or',
            'Tỉnh, Ngành nghề, Trình độ tiếng Nhật, Đồng ý chia sẻ, Trung tâm). Dates YYYY-MM-DD, DD/MM/YYYY or',
            'Excel dates; an 11-digit CCCD or 9-digit mobile number gets its leading 0 back; Nam/Nữ; field',
            "labels; a province by name (in the row's boundary set). Each problem echoes the value and the",
            "spreadsheet row. The answer lists each row's new code.",
          ].join(' '),
          consumes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          querystring: importQuery,
          response: { 201: importOut },
        },
      },
      async (request, reply) => {
        const result = await service.importFile(request.actor, request.body as Readable, {
          trainingCenterId: request.query.trainingCenterId,
          format: importFormat(request.headers['content-type']),
        });
        // Streamed: the answer to a 50 MB file lists ~575,000 rows (see importAnswer). The stream
        // writes the JSON that `importOut` documents; a stream is sent as it is, not serialised.
        const answer: unknown = Readable.from(importAnswer(result));
        return reply
          .code(201)
          .type('application/json; charset=utf-8')
          .send(answer as z.infer<typeof importOut>);
      },
    );
  };
  await app.register(importRoute);
};

/** The import's body format from its Content-Type (application/octet-stream: told by its first bytes). */
function importFormat(contentType: string | undefined): 'csv' | 'xlsx' | 'sniff' {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === XLSX_TYPE) return 'xlsx';
  if (media === 'text/csv') return 'csv';
  return 'sniff';
}
