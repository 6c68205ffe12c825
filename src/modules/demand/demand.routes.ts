import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PARTNERS } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import * as schemas from './demand.schemas.ts';

export const demandRoutes: FastifyPluginAsyncZod = async (app) => {
  const demand = app.services.demand;
  const api = declareRoutes(app, ['demand'], schemas.idParams);

  api.create('/job-orders', PARTNERS, schemas.jobOrderBody, schemas.jobOrderOut, demand.create, {
    summary: 'Post a job order (a partner for itself; an admin for any partner)',
  });
  api.list('/job-orders', PARTNERS, schemas.jobOrderListQuery, schemas.jobOrderListOut, demand.list, {
    summary: "Job orders: a partner's own, or all for an admin; filter by status, program, field",
  });
  api.get('/job-orders/:id', PARTNERS, schemas.jobOrderOut, demand.get, { summary: 'One job order' });
  api.act(
    'PATCH',
    '/job-orders/:id',
    PARTNERS,
    schemas.jobOrderPatchBody,
    schemas.jobOrderOut,
    demand.update,
    {
      summary: 'Edit a job order; the headcount never goes below the selections made',
      description:
        'The status follows the headcount: `filled` when the selections reach it, `open` again below it. A closed order cannot be edited (409).',
    },
  );
  api.act(
    'POST',
    '/job-orders/:id/close',
    PARTNERS,
    schemas.closeBody,
    schemas.jobOrderOut,
    (actor, id, body) => demand.close(actor, id, body.reason),
    { summary: 'Close a job order with a reason: it takes no more selections' },
  );
  api.list('/pool', PARTNERS, schemas.poolQuery, schemas.poolOut, demand.pool, {
    summary: 'Anonymised profiles of ready candidates who consented to share',
    description:
      'Never contains a name, national ID, phone, birth date or internal id. `code` is the opaque pool code; items come in pool-code order.',
  });
  api.get('/job-orders/:id/matches', PARTNERS, schemas.matchesOut, demand.matches, {
    summary: 'The pool ranked for a job order, each item with its score parts',
    query: schemas.matchesQuery,
  });
  api.act(
    'POST',
    '/job-orders/:id/selections',
    PARTNERS,
    schemas.selectionBody,
    schemas.selectionOut,
    demand.select,
    {
      created: true,
      summary: 'Select a pool candidate by pool code for this order: a planned placement',
      description:
        'Every code that cannot be selected (unknown, not consenting, not ready) answers the same 404; a pool candidate who misses a hard requirement of the order answers 409 naming it. A closed or filled order answers 409. The contract terms (`contractStart`, `contractEnd`, `monthlyWageJpy`) may be given here or later with PATCH /placements/:id; the departure needs the dates.',
    },
  );
};
