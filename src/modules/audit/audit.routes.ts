import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditListOut, auditQuery } from './audit.schemas.ts';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['operations'],
        summary: 'Audit log: who changed what, when, with before/after',
        querystring: auditQuery,
        response: { 200: auditListOut },
      },
    },
    async (request) => app.services.audit.list(request.query),
  );
};
