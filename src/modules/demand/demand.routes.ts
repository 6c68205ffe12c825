import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  idParams,
  jobOrderBody,
  jobOrderListOut,
  jobOrderListQuery,
  jobOrderOut,
  matchesOut,
  matchesQuery,
  poolOut,
  poolQuery,
  selectionBody,
  selectionOut,
} from './demand.schemas.ts';

export const demandRoutes: FastifyPluginAsyncZod = async (app) => {
  const demand = app.services.demand;
  const partnerOrAdmin = { auth: ['admin', 'partner'] as const };

  app.post(
    '/job-orders',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'Post a job order (a partner for itself; an admin for any partner)',
        body: jobOrderBody,
        response: { 201: jobOrderOut },
      },
    },
    async (request, reply) => reply.code(201).send(await demand.create(request.body, request.actor)),
  );

  app.get(
    '/job-orders',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: "Job orders: a partner's own, or all for an admin",
        querystring: jobOrderListQuery,
        response: { 200: jobOrderListOut },
      },
    },
    async (request) => demand.list(request.query, request.actor),
  );

  app.get(
    '/job-orders/:id',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'One job order',
        params: idParams,
        response: { 200: jobOrderOut },
      },
    },
    async (request) => demand.get(request.params.id, request.actor),
  );

  app.get(
    '/pool',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'Anonymised profiles of ready candidates who consented to share',
        description: 'Never contains a name, national ID, phone, birth date or internal id.',
        querystring: poolQuery,
        response: { 200: poolOut },
      },
    },
    async (request) => demand.pool(request.query),
  );

  app.get(
    '/job-orders/:id/matches',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'The pool ranked for a job order, each item with its score parts',
        params: idParams,
        querystring: matchesQuery,
        response: { 200: matchesOut },
      },
    },
    async (request) => demand.matches(request.params.id, request.query, request.actor),
  );

  app.post(
    '/job-orders/:id/selections',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'Select a pool candidate by code for this order: a planned placement',
        params: idParams,
        body: selectionBody,
        response: { 201: selectionOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await demand.select(request.params.id, request.body.candidateCode, request.actor)),
  );
};
