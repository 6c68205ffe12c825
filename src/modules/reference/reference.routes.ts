import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import { prefecturesOut, provincesOut, provincesQuery } from './reference.schemas.ts';

export const referenceRoutes: FastifyPluginAsyncZod = async (app) => {
  const reference = app.services.reference;
  const api = declareRoutes(app, ['reference']);

  api.list(
    '/provinces',
    ANY_ROLE,
    provincesQuery,
    provincesOut,
    (_actor, query) => ({
      items: reference.listProvinces(query.boundaries).map((p) => ({ ...p, region: p.region ?? undefined })),
    }),
    { summary: 'Vietnamese provinces under the 2025 or 2008 boundaries' },
  );

  api.read('/prefectures', ANY_ROLE, prefecturesOut, () => ({ items: reference.listPrefectures() }), {
    summary: 'The 47 Japanese prefectures',
  });
};
