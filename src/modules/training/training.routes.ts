import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const trainingRoutes: FastifyPluginAsyncZod = async (_app) => {};
