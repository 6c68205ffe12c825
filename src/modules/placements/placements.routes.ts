import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE } from '../../lib/actor.ts';
import { exportParams } from '../../lib/spreadsheet.ts';
import { answerList, listExportNote } from '../exports/exports.lists.ts';
import {
  cancelBody,
  departBody,
  idParams,
  placementBody,
  placementListOut,
  placementListQuery,
  placementOut,
  placementPatchBody,
  reintegrationBody,
  reintegrationListOut,
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
    async (request, reply) => reply.code(201).send(await placements.create(request.actor, request.body)),
  );

  app.get(
    '/placements',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['placements'],
        summary: 'Placements in your scope',
        description: listExportNote.trim(),
        querystring: placementListQuery.safeExtend(exportParams),
        response: { 200: placementListOut },
      },
    },
    async (request, reply) =>
      answerList(request, reply, 'placements', request.query, (q) => placements.list(request.actor, q)),
  );

  app.get(
    '/placements/:id',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['placements'],
        summary: 'One placement',
        params: idParams,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.get(request.actor, request.params.id),
  );

  app.patch(
    '/placements/:id',
    {
      config: { auth: ['admin', 'center', 'partner'] },
      schema: {
        tags: ['placements'],
        summary: 'Contract terms, employer and residence card of a placement',
        description:
          'Center of the trainee, partner of the order, admin. Before departure any field; after it only an extension of `contractEnd` (with `reason`) and the residence card (在留カード, e.g. AB12345678CD). `version` must be the one you read (stale → 409). Every change is audited.',
        params: idParams,
        body: placementPatchBody,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.update(request.actor, request.params.id, request.body),
  );

  app.post(
    '/placements/:id/depart',
    {
      config: sending,
      schema: {
        tags: ['placements'],
        summary: 'Record the departure (needs the contract dates and a passed orientation course)',
        params: idParams,
        body: departBody,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.depart(request.actor, request.params.id, request.body.departedOn),
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
    async (request) => placements.return(request.actor, request.params.id, request.body),
  );

  app.post(
    '/placements/:id/cancel',
    {
      config: { auth: ['admin', 'center', 'partner'] },
      schema: {
        tags: ['placements'],
        summary: 'Cancel a planned placement; the candidate goes back to ready',
        description:
          'A partner may cancel at most PARTNER_CANCEL_QUOTA (3) selections per PARTNER_CANCEL_WINDOW_DAYS (30); the next one is refused with 409 `selection-cancel-quota`. Cancellations by the center or an admin do not count.',
        params: idParams,
        body: cancelBody,
        response: { 200: placementOut },
      },
    },
    async (request) => placements.cancel(request.actor, request.params.id, request.body.reason),
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
      reply.code(201).send(await placements.reintegrate(request.actor, request.params.id, request.body)),
  );

  app.get(
    '/candidates/:id/reintegration',
    {
      config: { auth: ['admin', 'center', 'province'] },
      schema: {
        tags: ['placements'],
        summary: "A returnee's jobs at home (reintegrations), earliest first",
        params: idParams,
        response: { 200: reintegrationListOut },
      },
    },
    async (request) => placements.reintegrations(request.actor, request.params.id),
  );
};
