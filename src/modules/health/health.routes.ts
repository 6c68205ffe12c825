import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from '../../lib/zod.ts';

const healthOut = z.object({ status: z.enum(['ok', 'degraded']), database: z.enum(['ok', 'unavailable']) });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['service'],
        summary: 'Liveness and database reachability',
        security: [],
        response: { 200: healthOut, 503: healthOut },
      },
    },
    async (_request, reply) => {
      try {
        await app.services.database.db.execute(sql`select 1`);
        return { status: 'ok' as const, database: 'ok' as const };
      } catch (err) {
        app.log.error({ err }, 'health check: database unavailable');
        return reply.code(503).send({ status: 'degraded' as const, database: 'unavailable' as const });
      }
    },
  );
};
