import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  cancelBody,
  departBody,
  idParams,
  placementBody,
  placementListOut,
  placementListQuery,
  placementOut,
  reintegrationBody,
  reintegrationOut,
  returnBody,
} from './placements.schemas.ts';

export const placementRoutes: FastifyPluginAsyncZod = async (app) => {
  const placements = app.services.placements;
  const sending = { auth: ['admin', 'center'] as const };

  app.post(
    '/placements',
    {
      config: sending,
      schema: {
        tags: ['placements'],
        summary: 'Plan a placement directly (any destination, or Japan without a job order)',
        body: placementBody,
        response: { 201: placementOut },
      },
    },
    async (request, reply) => reply.code(201).send(await placements.create(request.body, request.actor)),
  );

  app.get(
    '/placements',
    {
      schema: {
        tags: ['placements'],
        summary: 'Placements in your scope',
        querystring: placementListQuery,
        response: { 200: placementListOut },
      },
    },
    async (request) => placements.list(request.query, request.actor),
  );

  app.get(
    '/placements/:id',
    {
      schema: {
        tags: ['placements'],
        summary: 'One placement',
        params: idParams,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.get(request.params.id, request.actor),
  );

  app.post(
    '/placements/:id/depart',
    {
      config: sending,
      schema: {
        tags: ['placements'],
        summary: 'Record the departure (needs a passed orientation course)',
        params: idParams,
        body: departBody,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.depart(request.params.id, request.body.departedOn, request.actor),
  );

  app.post(
    '/placements/:id/return',
    {
      config: sending,
      schema: {
        tags: ['placements'],
        summary: 'Record the return home',
        params: idParams,
        body: returnBody,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.return(request.params.id, request.body, request.actor),
  );

  app.post(
    '/placements/:id/cancel',
    {
      config: { auth: ['admin', 'center', 'partner'] },
      schema: {
        tags: ['placements'],
        summary: 'Cancel a planned placement; the candidate goes back to ready',
        params: idParams,
        body: cancelBody,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.cancel(request.params.id, request.body.reason, request.actor),
  );

  app.post(
    '/candidates/:id/reintegration',
    {
      config: sending,
      schema: {
        tags: ['placements'],
        summary: 'A returnee starts at a home employer (Japanese-invested firm)',
        params: idParams,
        body: reintegrationBody,
        response: { 201: reintegrationOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await placements.reintegrate(request.params.id, request.body, request.actor)),
  );
};
