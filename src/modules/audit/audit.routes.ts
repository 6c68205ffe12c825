import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMINS } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import { auditListOut, auditQuery } from './audit.schemas.ts';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const api = declareRoutes(app, ['operations']);
  api.list('/audit', ADMINS, auditQuery, auditListOut, (_admin, query) => app.services.audit.list(query), {
    summary: 'Audit log: who changed what, when, with before/after',
  });
};
