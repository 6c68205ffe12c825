import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE, CENTERS, CENTERS_AND_PARTNERS } from '../../lib/actor.ts';
import { sendProblem } from '../../plugins/errors.ts';
import { grievancesExport, provinceSetOf, recruitmentCostExport } from '../exports/exports.protection.ts';
import { declareReport, declareRoutes } from '../routes.ts';
import * as schemas from './protection.schemas.ts';
import { TransferRefused } from './protection.service.ts';

/** Worker protection: the fee ledger against the legal caps, ESD transfers and grievances. */
export const protectionRoutes: FastifyPluginAsyncZod = async (app) => {
  const protection = app.services.protection;
  const api = declareRoutes(app, ['worker protection'], schemas.idParams);

  api.act('POST', '/placements/:id/fees', CENTERS, schemas.feeBody, schemas.feeOut, protection.recordFee, {
    created: true,
    summary: 'Record a payment for a placement (receipt or what the worker declares)',
    description:
      'A payment that takes what the worker paid over a legal cap raises the alert `fee_over_cap` (once per placement).',
  });
  api.get('/placements/:id/fees', ANY_ROLE, schemas.feeListOut, protection.listFees, {
    summary: "A placement's payments and where the worker stands against the legal caps",
    description:
      'Caps on what the worker pays: service fee ≤ 1 month of wage per 12 months of contract (Law 69/2020/QH14 art. 23); brokerage for Japan = 0 (Circular 21/2021/TT-BLĐTBXH as amended by Circular 02/2024); esd: everything paid to the sending side ≤ 2 months of wage. The stricter rule applies.',
  });
  api.act(
    'PUT',
    '/placements/:id/early-return',
    CENTERS,
    schemas.earlyReturnBody,
    schemas.feeListOut,
    protection.recordEarlyReturn,
    {
      summary: 'Record whether the worker was at fault for returning before the contract’s end',
      description:
        'Law 69/2020/QH14 art. 23: on an early return that is not the worker’s fault, the service fee is refunded in proportion to the months not worked. Until this is recorded an early return counts as not the worker’s fault. Answers the ledger with `summary.refund`; record the refund itself with `POST /placements/:id/fees` and `direction: "refunded"`.',
    },
  );

  declareReport(app, '/reports/recruitment-cost', {
    summary:
      'Recruitment cost paid by workers in months of earnings (SDG 10.7.1), by home province and programme',
    description:
      'Placements that departed in `year` with fees recorded and a monthly wage. Partners read no count below 5. `?format=csv` or `Accept: text/csv` answers CSV, `?format=xlsx` a workbook; `lang=vi|ja|en` and `sep=semicolon` as for the other reports.',
    querystring: schemas.recruitmentCostQuery,
    response: schemas.recruitmentCostOut,
    read: protection.recruitmentCost,
    file: (report) => recruitmentCostExport(report, provinceSetOf(app.services.reference)),
  });

  app.post(
    '/placements/:id/transfers',
    {
      config: { auth: CENTERS_AND_PARTNERS },
      schema: {
        tags: ['worker protection'],
        summary: 'Change of employer in Japan (転籍): own choice (ESD) or unavoidable',
        description:
          'Own choice: esd placements, after the field’s restriction period from departure (1 or 2 years) and with JLPT N5 (N4 in nursing care). Unavoidable: any departed Japan placement. Refused: 409 with `earliestOn` (null when waiting would not help). The placement’s employer and prefecture follow.',
        params: schemas.idParams,
        body: schemas.transferBody,
        response: { 201: schemas.transferOut },
      },
    },
    async (request, reply) => {
      try {
        return reply
          .code(201)
          .send(await protection.requestTransfer(request.actor, request.params.id, request.body));
      } catch (err) {
        if (!(err instanceof TransferRefused)) throw err;
        return sendProblem(reply, {
          type: err.type,
          title: err.title,
          status: err.status,
          detail: err.message,
          errors: err.errors ?? [],
          earliestOn: err.earliestOn,
        } as Parameters<typeof sendProblem>[1]);
      }
    },
  );

  api.get('/placements/:id/transfers', ANY_ROLE, schemas.transferListOut, protection.listTransfers, {
    summary: "A placement's changes of employer, and its current employer and prefecture",
  });
  api.create(
    '/grievances',
    CENTERS_AND_PARTNERS,
    schemas.grievanceBody,
    schemas.grievanceOut,
    protection.fileGrievance,
    { summary: "File a worker's grievance: acknowledgement due in 48 hours, resolution in 14 days" },
  );
  api.list(
    '/grievances',
    ANY_ROLE,
    schemas.grievanceQuery,
    schemas.grievanceListOut,
    protection.listGrievances,
    { summary: 'Grievances in your scope, latest received first' },
  );

  declareReport(app, '/reports/grievances', {
    summary: 'Grievances by home province and category: received, unresolved, overdue',
    description:
      'Grievances received in [from, to]. Partners read no count below 5. `?format=csv` or `Accept: text/csv` answers CSV, `?format=xlsx` a workbook; `lang=vi|ja|en` and `sep=semicolon` as for the other reports.',
    querystring: schemas.grievanceReportQuery,
    response: schemas.grievanceReportOut,
    read: protection.grievanceReport,
    file: (report, query) => grievancesExport(report, query, provinceSetOf(app.services.reference)),
  });

  api.act(
    'POST',
    '/grievances/:id/acknowledge',
    CENTERS_AND_PARTNERS,
    undefined,
    schemas.grievanceOut,
    protection.acknowledgeGrievance,
    { summary: 'Acknowledge a grievance (the partner of the worker’s placement may too)' },
  );
  api.act(
    'POST',
    '/grievances/:id/resolve',
    CENTERS,
    schemas.resolveBody,
    schemas.grievanceOut,
    (actor, id, body) => protection.resolveGrievance(actor, id, body.resolution),
    { summary: 'Resolve a grievance with what was done' },
  );
};
