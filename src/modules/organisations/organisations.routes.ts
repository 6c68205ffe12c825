import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const organisationRoutes: FastifyPluginAsyncZod = async (_app) => {};
