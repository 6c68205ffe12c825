import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
  verifyOut,
  verifyParams,
  verifyQuery,
} from './documents.schemas.ts';

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
      schema: {
        tags: ['documents'],
        summary: 'Certificates within your scope, newest first',
        querystring: listQuery,
        response: { 200: certificateListOut },
      },
    },
    async (request) => service.list(request.actor, request.query),
  );

  app.get(
    '/certificates/:id',
    {
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
      schema: {
        tags: ['documents'],
        summary: 'The certificate as a PDF, with its serial and a QR code of the verification URL',
        params: idParams,
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
      schema: {
        tags: ['documents'],
        summary: 'Print many certificates as one PDF, one page each; all or nothing',
        body: batchBody,
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
    async (request) => service.revoke(request.actor, request.params.id, request.body.reason),
  );

  app.get(
    '/verify/:serial',
    {
      config: { auth: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['documents'],
        summary: 'Public check of a printed certificate by serial and verification code',
        security: [],
        params: verifyParams,
        querystring: verifyQuery,
        response: { 200: verifyOut },
      },
    },
    async (request) => service.verify(request.params.serial, request.query.code),
  );

  app.get(
    '/placements/:id/letter.pdf',
    {
      schema: {
        tags: ['documents'],
        summary: 'Bilingual (Vietnamese/Japanese) placement letter',
        params: idParams,
        response: { 200: pdfOut },
      },
    },
    async (request, reply) => {
      const pdf = await service.placementLetter(request.actor, request.params.id);
      return reply.headers(pdfHeaders(pdf.filename)).send(pdf.body);
    },
  );
};
