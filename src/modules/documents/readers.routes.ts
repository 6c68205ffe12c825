import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CENTERS_AND_PARTNERS, PARTNERS } from '../../lib/actor.ts';
import { AppError } from '../../lib/errors.ts';
import { z } from '../../lib/zod.ts';
import { MAX_PHOTO_BYTES } from '../../pdf/photo.ts';
import type { Auth, Doc } from '../routes.ts';
import { idParams, pdfOut, profileQuery, verifyOut, verifyParams, verifyQuery } from './documents.schemas.ts';
import { candidateProfilePdf, jobOrderProfilesPdf, putCandidatePhoto } from './profile.ts';
import {
  prefersHtml,
  VERIFY_PAGE_HEADERS,
  verifyCertificate,
  verifyCertificatePage,
  verifyNotFoundHtml,
} from './verify-page.ts';

/** The headers of a PDF shown inline under `filename`, never cached. */
export const pdfHeaders = (filename: string) => ({
  'content-type': 'application/pdf',
  'content-disposition': `inline; filename="${filename}"`,
  'cache-control': 'no-store',
});

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'application/octet-stream'];

/**
 * Documents as their readers need them: the public verification page a phone opens from a
 * certificate's QR code, and the candidate profile sheet (履歴書) with its photo. Encapsulated, so
 * that image bodies are accepted on the photo route and nowhere else.
 */
export const readerRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = { db: app.services.database.db, reference: app.services.reference };

  app.get(
    '/verify/:serial',
    {
      config: {
        auth: 'public',
        rateLimit: { max: app.services.config.verifyRateLimit, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['documents'],
        summary: 'Public check of a printed certificate by serial and verification code',
        description:
          'A browser (Accept preferring text/html, as after scanning the QR code) gets a page in Vietnamese and Japanese (English third); any other client gets JSON.',
        security: [],
        params: verifyParams,
        querystring: verifyQuery,
        produces: ['application/json', 'text/html'],
        response: { 200: verifyOut },
      },
    },
    async (request, reply) => {
      if (!prefersHtml(request.headers.accept)) {
        return verifyCertificate(deps, request.params.serial, request.query.code);
      }
      // The page is a string, not the JSON the response schema describes: sent as it is.
      const page = (reply as unknown as FastifyReply).headers(VERIFY_PAGE_HEADERS);
      try {
        return page.send(await verifyCertificatePage(deps, request.params.serial, request.query.code));
      } catch (err) {
        if (err instanceof AppError && err.status === 404) return page.code(404).send(verifyNotFoundHtml());
        throw err;
      }
    },
  );

  /** `GET url` naming a candidate or a job order by `:id`: profile sheets as one PDF in `?lang`. */
  const profilesPdf = (
    url: string,
    auth: Auth,
    print: typeof candidateProfilePdf | typeof jobOrderProfilesPdf,
    doc: Doc,
  ) =>
    app.get(
      url,
      {
        config: { auth },
        schema: {
          tags: ['documents'],
          ...doc,
          params: idParams,
          querystring: profileQuery,
          produces: ['application/pdf'],
          response: { 200: pdfOut },
        },
      },
      async (request, reply) => {
        const pdf = await print(deps, request.actor, request.params.id, request.query.lang);
        return reply.headers(pdfHeaders(pdf.filename)).send(pdf.body);
      },
    );

  profilesPdf('/candidates/:id/profile.pdf', CENTERS_AND_PARTNERS, candidateProfilePdf, {
    summary: 'The candidate profile sheet (履歴書) for interviews, in Japanese or Vietnamese',
    description:
      'Photo, name in Latin letters and katakana, date of birth in both styles, home province, education, courses with results, JLPT, field and motivation; never the national ID or phone. A partner may print it only for candidates it selected (recorded as a disclosure).',
  });
  profilesPdf('/job-orders/:id/profiles.pdf', PARTNERS, jobOrderProfilesPdf, {
    summary: 'The profile sheets of every candidate selected for a job order, as one PDF',
  });

  app.addContentTypeParser(
    PHOTO_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.put(
    '/candidates/:id/photo',
    {
      config: { auth: ['admin', 'center'] },
      bodyLimit: MAX_PHOTO_BYTES,
      schema: {
        tags: ['documents'],
        summary: 'Store the photo printed on the profile sheet (JPEG or PNG, at most 2 MB)',
        description:
          'Body: the image itself (Content-Type image/jpeg, image/png or application/octet-stream). The type is told from the bytes, not from the header or a file name: anything else is 415, a damaged image 400.',
        params: idParams,
        consumes: PHOTO_TYPES,
        response: { 204: z.null().describe('Stored') },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError(
          415,
          'http-415',
          'Unsupported Media Type',
          'Send the photo itself as the body, with Content-Type image/jpeg or image/png.',
        );
      }
      await putCandidatePhoto(deps, request.actor, request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );
};
