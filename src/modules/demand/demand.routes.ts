import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const demandRoutes: FastifyPluginAsyncZod = async (_app) => {};
