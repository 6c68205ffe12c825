import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Actor, ANY_ROLE, CENTERS } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import * as schemas from './documents.schemas.ts';
import { pdfHeaders, readerRoutes } from './readers.routes.ts';

/** A printed document: its bytes and the file name it is shown under. */
interface Printed {
  filename: string;
  body: Buffer;
}

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.documents;
  const tags = ['documents'];
  const api = declareRoutes(app, tags, schemas.idParams);

  api.create('/certificates', CENTERS, schemas.issueBody, schemas.issuedOut, service.issue, {
    summary: 'Issue the certificate of a passed enrollment (serial per center and year)',
  });
  api.list('/certificates', ANY_ROLE, schemas.listQuery, schemas.certificateListOut, service.list, {
    summary: 'Certificates within your scope, newest first',
    exportAs: 'certificates',
  });
  api.get('/certificates/:id', ANY_ROLE, schemas.certificateOut, service.get, { summary: 'One certificate' });

  /** A PDF of one record named by `:id`, shown inline under the file name the service gives. */
  const pdfById = (url: string, summary: string, print: (actor: Actor, id: string) => Promise<Printed>) =>
    app.get(
      url,
      {
        config: { auth: ANY_ROLE },
        schema: {
          tags,
          summary,
          params: schemas.idParams,
          produces: ['application/pdf'],
          response: { 200: schemas.pdfOut },
        },
      },
      async (request, reply) => {
        const pdf = await print(request.actor, request.params.id);
        return reply.headers(pdfHeaders(pdf.filename)).send(pdf.body);
      },
    );

  pdfById(
    '/certificates/:id/pdf',
    'The certificate as a PDF, with its serial and a QR code of the verification URL',
    service.pdf,
  );

  app.post(
    '/certificates/batch',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags,
        summary: 'Print many certificates as one PDF, one page each; all or nothing',
        body: schemas.batchBody,
        produces: ['application/pdf'],
        response: { 200: schemas.pdfOut },
      },
    },
    async (request, reply) => {
      const stream = await service.batch(request.actor, request.body.ids);
      return reply.headers(pdfHeaders('certificates.pdf')).send(stream);
    },
  );

  api.act(
    'POST',
    '/certificates/:id/revoke',
    CENTERS,
    schemas.revokeBody,
    schemas.certificateOut,
    (actor, id, body) => service.revoke(actor, id, body.reason, body.category),
    { summary: 'Revoke a certificate (recorded in the audit log)' },
  );

  // The public verification page and the profile sheets (verify-page.ts, profile.ts).
  await app.register(readerRoutes);

  pdfById(
    '/placements/:id/letter.pdf',
    'Bilingual (Vietnamese/Japanese) placement letter',
    service.placementLetter,
  );
};
