import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../lib/errors.ts';
import {
  candidateCreateSchema,
  candidateIdParams,
  candidateListOut,
  candidateListQuery,
  candidateOut,
  candidatePatchBody,
  historyOut,
  importOut,
  importQuery,
  transitionBody,
} from './candidates.schemas.ts';

const tags = ['candidates'];

export const candidateRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.candidates;
  const createBody = candidateCreateSchema(app.services.reference);

  app.post(
    '/candidates',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags,
        summary: 'Register a candidate (a center for itself; an admin names the center)',
        body: createBody,
        response: { 201: candidateOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(request.body, request.actor)),
  );

  app.get(
    '/candidates',
    {
      config: { auth: ['admin', 'center', 'province'] },
      schema: {
        tags,
        summary: 'List the candidates in your scope, newest first; search by name or code',
        querystring: candidateListQuery,
        response: { 200: candidateListOut },
      },
    },
    async (request) => service.list(request.actor, request.query),
  );

  app.get(
    '/candidates/:id',
    {
      config: { auth: ['admin', 'center', 'province', 'partner'] },
      schema: {
        tags,
        summary: 'One candidate in your scope (a partner: only candidates selected for its own job orders)',
        params: candidateIdParams,
        response: { 200: candidateOut },
      },
    },
    async (request) => service.getForActor(request.actor, request.params.id),
  );

  app.patch(
    '/candidates/:id',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags,
        summary: 'Change fields of a candidate, giving the version you read (stale → 409)',
        params: candidateIdParams,
        body: candidatePatchBody,
        response: { 200: candidateOut },
      },
    },
    async (request) => service.update(request.actor, request.params.id, request.body),
  );

  app.post(
    '/candidates/:id/transitions',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags,
        summary: 'Mark a candidate ready, or withdraw them (with a reason)',
        params: candidateIdParams,
        body: transitionBody,
        response: { 200: candidateOut },
      },
    },
    async (request) => service.transition(request.actor, request.params.id, request.body),
  );

  app.get(
    '/candidates/:id/history',
    {
      config: { auth: ['admin', 'center', 'province'] },
      schema: {
        tags,
        summary: 'The status changes of a candidate, oldest first',
        params: candidateIdParams,
        response: { 200: historyOut },
      },
    },
    async (request) => service.history(request.actor, request.params.id),
  );

  // The import has its own encapsulated context so that text/csv is accepted here and nowhere else.
  const importRoute: FastifyPluginAsyncZod = async (csv) => {
    const limit = app.services.config.bodyLimitBytes;
    // The body is handed over as the raw stream and parsed while it arrives; the size limit is
    // enforced by the reader (and up front from Content-Length).
    csv.addContentTypeParser('text/csv', (request, payload, done) => {
      if (Number(request.headers['content-length'] ?? 0) > limit) {
        done(
          new AppError(413, 'http-413', 'Payload Too Large', 'The body is larger than this service accepts.'),
        );
        return;
      }
      done(null, payload);
    });

    csv.post(
      '/candidates/import',
      {
        config: { auth: ['admin', 'center'] },
        onRequest: async (request) => {
          const type = request.headers['content-type'] ?? '';
          const [media, ...params] = type.split(';').map((s) => s.trim().toLowerCase());
          const charset = params
            .find((p) => p.startsWith('charset='))
            ?.slice(8)
            .replace(/"/g, '');
          if (media !== 'text/csv' || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
            throw new AppError(
              415,
              'http-415',
              'Unsupported Media Type',
              'Send the file as Content-Type: text/csv (UTF-8).',
            );
          }
        },
        schema: {
          tags,
          summary:
            'Import trainees from a CSV (header row of POST /candidates field names; comma or semicolon): all rows or none',
          description: [
            'Body: `Content-Type: text/csv`, UTF-8 with or without BOM. The first line is a header of',
            'POST /candidates field names (fullName, dateOfBirth, gender, nationalId, phone, homeProvinceCode,',
            'provinceBoundaries, occupationField, jlptLevel, consentToShare, trainingCenterId), any order;',
            'comma, semicolon or tab separated (detected from the header). Empty cells are absent fields;',
            'consentToShare accepts true/false, 1/0, yes/no, có/không. Every row is validated first: any',
            'problem → 400 with `errors: [{ row, path, message }]` (row 1 = first line after the header;',
            'row 0 = the header) and nothing is inserted. Otherwise all rows go in one transaction.',
          ].join(' '),
          consumes: ['text/csv'],
          querystring: importQuery,
          response: { 201: importOut },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await service.importCsv(request.body as Readable, request.actor, {
            trainingCenterId: request.query.trainingCenterId,
            pg: app.services.database.sql,
          }),
        ),
    );
  };
  await app.register(importRoute);
};
