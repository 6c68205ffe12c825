import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const candidateRoutes: FastifyPluginAsyncZod = async (_app) => {};
