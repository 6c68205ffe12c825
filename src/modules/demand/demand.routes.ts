import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  closeBody,
  idParams,
  jobOrderBody,
  jobOrderListOut,
  jobOrderListQuery,
  jobOrderOut,
  jobOrderPatchBody,
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
    async (request, reply) => reply.code(201).send(await demand.create(request.actor, request.body)),
  );

  app.get(
    '/job-orders',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: "Job orders: a partner's own, or all for an admin; filter by status, program, field",
        querystring: jobOrderListQuery,
        response: { 200: jobOrderListOut },
      },
    },
    async (request) => demand.list(request.actor, request.query),
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
    async (request) => demand.get(request.actor, request.params.id),
  );

  app.patch(
    '/job-orders/:id',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'Edit a job order; the headcount never goes below the selections made',
        description:
          'The status follows the headcount: `filled` when the selections reach it, `open` again below it. A closed order cannot be edited (409).',
        params: idParams,
        body: jobOrderPatchBody,
        response: { 200: jobOrderOut },
      },
    },
    async (request) => demand.update(request.actor, request.params.id, request.body),
  );

  app.post(
    '/job-orders/:id/close',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'Close a job order with a reason: it takes no more selections',
        params: idParams,
        body: closeBody,
        response: { 200: jobOrderOut },
      },
    },
    async (request) => demand.close(request.actor, request.params.id, request.body.reason),
  );

  app.get(
    '/pool',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'Anonymised profiles of ready candidates who consented to share',
        description:
          'Never contains a name, national ID, phone, birth date or internal id. `code` is the opaque pool code; items come in pool-code order.',
        querystring: poolQuery,
        response: { 200: poolOut },
      },
    },
    async (request) => demand.pool(request.actor, request.query),
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
    async (request) => demand.matches(request.actor, request.params.id, request.query),
  );

  app.post(
    '/job-orders/:id/selections',
    {
      config: partnerOrAdmin,
      schema: {
        tags: ['demand'],
        summary: 'Select a pool candidate by pool code for this order: a planned placement',
        description:
          'Every code that cannot be selected (unknown, not consenting, not ready) answers the same 404; a pool candidate who misses a hard requirement of the order answers 409 naming it. A closed or filled order answers 409. The contract terms (`contractStart`, `contractEnd`, `monthlyWageJpy`) may be given here or later with PATCH /placements/:id; the departure needs the dates.',
        params: idParams,
        body: selectionBody,
        response: { 201: selectionOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await demand.select(request.actor, request.params.id, request.body)),
  );
};
