import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE } from '../../lib/actor.ts';
import { exportParams } from '../../lib/spreadsheet.ts';
import { answerList, listExportNote } from '../exports/exports.lists.ts';
import {
  batchBody,
  certificateListOut,
  certificateOut,
  idParams,
  issueBody,
  issuedOut,
  listQuery,
  pdfOut,
  revokeBody,
} from './documents.schemas.ts';
import { readerRoutes } from './readers.routes.ts';

const pdfHeaders = (filename: string) => ({
  'content-type': 'application/pdf',
  'content-disposition': `inline; filename="${filename}"`,
  'cache-control': 'no-store',
});

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.documents;

  app.post(
    '/certificates',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags: ['documents'],
        summary: 'Issue the certificate of a passed enrollment (serial per center and year)',
        body: issueBody,
        response: { 201: issuedOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.issue(request.actor, request.body)),
  );

  app.get(
    '/certificates',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['documents'],
        summary: 'Certificates within your scope, newest first',
        description: listExportNote.trim(),
        querystring: listQuery.safeExtend(exportParams),
        response: { 200: certificateListOut },
      },
    },
    async (request, reply) =>
      answerList(request, reply, 'certificates', request.query, (q) => service.list(request.actor, q)),
  );

  app.get(
    '/certificates/:id',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['documents'],
        summary: 'One certificate',
        params: idParams,
        response: { 200: certificateOut },
      },
    },
    async (request) => service.get(request.actor, request.params.id),
  );

  app.get(
    '/certificates/:id/pdf',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['documents'],
        summary: 'The certificate as a PDF, with its serial and a QR code of the verification URL',
        params: idParams,
        produces: ['application/pdf'],
        response: { 200: pdfOut },
      },
    },
    async (request, reply) => {
      const pdf = await service.pdf(request.actor, request.params.id);
      return reply.headers(pdfHeaders(pdf.filename)).send(pdf.body);
    },
  );

  app.post(
    '/certificates/batch',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['documents'],
        summary: 'Print many certificates as one PDF, one page each; all or nothing',
        body: batchBody,
        produces: ['application/pdf'],
        response: { 200: pdfOut },
      },
    },
    async (request, reply) => {
      const stream = await service.batch(request.actor, request.body.ids);
      return reply.headers(pdfHeaders('certificates.pdf')).send(stream);
    },
  );

  app.post(
    '/certificates/:id/revoke',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags: ['documents'],
        summary: 'Revoke a certificate (recorded in the audit log)',
        params: idParams,
        body: revokeBody,
        response: { 200: certificateOut },
      },
    },
    async (request) =>
      service.revoke(request.actor, request.params.id, request.body.reason, request.body.category),
  );

  // The public verification page and the profile sheets (verify-page.ts, profile.ts).
  await app.register(readerRoutes);

  app.get(
    '/placements/:id/letter.pdf',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['documents'],
        summary: 'Bilingual (Vietnamese/Japanese) placement letter',
        params: idParams,
        produces: ['application/pdf'],
        response: { 200: pdfOut },
      },
    },
    async (request, reply) => {
      const pdf = await service.placementLetter(request.actor, request.params.id);
      return reply.headers(pdfHeaders(pdf.filename)).send(pdf.body);
    },
  );
};
