import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE, CENTERS, CENTERS_AND_PARTNERS, VIETNAM_SIDE } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
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
  const api = declareRoutes(app, ['placements'], idParams);

  api.create('/placements', CENTERS, placementBody, placementOut, placements.create, {
    summary: 'Plan a placement directly (any destination, or Japan without a job order)',
  });
  api.list('/placements', ANY_ROLE, placementListQuery, placementListOut, placements.list, {
    summary: 'Placements in your scope',
    exportAs: 'placements',
  });
  api.get('/placements/:id', ANY_ROLE, placementOut, placements.get, { summary: 'One placement' });
  api.act(
    'PATCH',
    '/placements/:id',
    CENTERS_AND_PARTNERS,
    placementPatchBody,
    placementOut,
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
    departBody,
    placementOut,
    (actor, id, body) => placements.depart(actor, id, body.departedOn),
    { summary: 'Record the departure (needs the contract dates and a passed orientation course)' },
  );
  api.act('POST', '/placements/:id/return', CENTERS, returnBody, placementOut, placements.return, {
    summary: 'Record the return home',
  });
  api.act(
    'POST',
    '/placements/:id/cancel',
    CENTERS_AND_PARTNERS,
    cancelBody,
    placementOut,
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
    reintegrationBody,
    reintegrationOut,
    placements.reintegrate,
    {
      created: true,
      summary: 'A returnee starts at a home employer (Japanese-invested firm)',
    },
  );
  api.get('/candidates/:id/reintegration', VIETNAM_SIDE, reintegrationListOut, placements.reintegrations, {
    summary: "A returnee's jobs at home (reintegrations), earliest first",
  });
};
