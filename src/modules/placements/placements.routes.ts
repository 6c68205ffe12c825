import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE, CENTERS, CENTERS_AND_PARTNERS, VIETNAM_SIDE } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import * as schemas from './placements.schemas.ts';

export const placementRoutes: FastifyPluginAsyncZod = async (app) => {
  const placements = app.services.placements;
  const api = declareRoutes(app, ['placements'], schemas.idParams);

  api.create('/placements', CENTERS, schemas.placementBody, schemas.placementOut, placements.create, {
    summary: 'Plan a placement directly (any destination, or Japan without a job order)',
  });
  api.list('/placements', ANY_ROLE, schemas.placementListQuery, schemas.placementListOut, placements.list, {
    summary: 'Placements in your scope',
    exportAs: 'placements',
  });
  api.get('/placements/:id', ANY_ROLE, schemas.placementOut, placements.get, { summary: 'One placement' });
  api.act(
    'PATCH',
    '/placements/:id',
    CENTERS_AND_PARTNERS,
    schemas.placementPatchBody,
    schemas.placementOut,
    placements.update,
    {
      summary: 'Contract terms, employer and residence card of a placement',
      description:
        'Center of the trainee, partner of the order, admin. Before departure any field; after it only an extension of `contractEnd` (with `reason`) and the residence card (在留カード, e.g. AB12345678CD). `version` must be the one you read (stale → 409). Every change is audited.',
    },
  );
  api.act(
    'POST',
    '/placements/:id/depart',
    CENTERS,
    schemas.departBody,
    schemas.placementOut,
    (actor, id, body) => placements.depart(actor, id, body.departedOn),
    { summary: 'Record the departure (needs the contract dates and a passed orientation course)' },
  );
  api.act(
    'POST',
    '/placements/:id/return',
    CENTERS,
    schemas.returnBody,
    schemas.placementOut,
    placements.return,
    { summary: 'Record the return home' },
  );
  api.act(
    'POST',
    '/placements/:id/cancel',
    CENTERS_AND_PARTNERS,
    schemas.cancelBody,
    schemas.placementOut,
    (actor, id, body) => placements.cancel(actor, id, body.reason),
    {
      summary: 'Cancel a planned placement; the candidate goes back to ready',
      description:
        'A partner may cancel at most PARTNER_CANCEL_QUOTA (3) selections per PARTNER_CANCEL_WINDOW_DAYS (30); the next one is refused with 409 `selection-cancel-quota`. Cancellations by the center or an admin do not count.',
    },
  );
  api.act(
    'POST',
    '/candidates/:id/reintegration',
    CENTERS,
    schemas.reintegrationBody,
    schemas.reintegrationOut,
    placements.reintegrate,
    {
      created: true,
      summary: 'A returnee starts at a home employer (Japanese-invested firm)',
    },
  );
  api.get(
    '/candidates/:id/reintegration',
    VIETNAM_SIDE,
    schemas.reintegrationListOut,
    placements.reintegrations,
    { summary: "A returnee's jobs at home (reintegrations), earliest first" },
  );
};
