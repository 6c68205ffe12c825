import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE } from '../../lib/actor.ts';
import { prefecturesOut, provincesOut, provincesQuery } from './reference.schemas.ts';

export const referenceRoutes: FastifyPluginAsyncZod = async (app) => {
  const reference = app.services.reference;

  app.get(
    '/provinces',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['reference'],
        summary: 'Vietnamese provinces under the 2025 or 2008 boundaries',
        querystring: provincesQuery,
        response: { 200: provincesOut },
      },
    },
    async (request) => ({
      items: reference
        .listProvinces(request.query.boundaries)
        .map((p) => ({ ...p, region: p.region ?? undefined })),
    }),
  );

  app.get(
    '/prefectures',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['reference'],
        summary: 'The 47 Japanese prefectures',
        response: { 200: prefecturesOut },
      },
    },
    async () => ({ items: reference.listPrefectures() }),
  );
};
