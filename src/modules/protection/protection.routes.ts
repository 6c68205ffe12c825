import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE } from '../../lib/actor.ts';
import { exportFormat, sendExport } from '../../lib/spreadsheet.ts';
import { sendProblem } from '../../plugins/errors.ts';
import { grievancesExport, provinceSetOf, recruitmentCostExport } from '../exports/exports.protection.ts';
import {
  feeBody,
  feeListOut,
  feeOut,
  grievanceBody,
  grievanceListOut,
  grievanceOut,
  grievanceQuery,
  grievanceReportOut,
  grievanceReportQuery,
  idParams,
  recruitmentCostOut,
  recruitmentCostQuery,
  resolveBody,
  transferBody,
  transferListOut,
  transferOut,
} from './protection.schemas.ts';
import { TransferRefused } from './protection.service.ts';

/** Worker protection: the fee ledger against the legal caps, ESD transfers and grievances. */
export const protectionRoutes: FastifyPluginAsyncZod = async (app) => {
  const protection = app.services.protection;
  const tags = ['worker protection'];

  app.post(
    '/placements/:id/fees',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags,
        summary: 'Record a payment for a placement (receipt or what the worker declares)',
        description:
          'A payment that takes what the worker paid over a legal cap raises the alert `fee_over_cap` (once per placement).',
        params: idParams,
        body: feeBody,
        response: { 201: feeOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await protection.recordFee(request.actor, request.params.id, request.body)),
  );

  app.get(
    '/placements/:id/fees',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags,
        summary: "A placement's payments and where the worker stands against the legal caps",
        description:
          'Caps on what the worker pays: service fee ≤ 1 month of wage per 12 months of contract (Law 69/2020/QH14 art. 23); brokerage for Japan = 0 (Circular 21/2021/TT-BLĐTBXH as amended by Circular 02/2024); esd: everything paid to the sending side ≤ 2 months of wage. The stricter rule applies.',
        params: idParams,
        response: { 200: feeListOut },
      },
    },
    async (request) => protection.listFees(request.actor, request.params.id),
  );

  app.get(
    '/reports/recruitment-cost',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['reports'],
        summary:
          'Recruitment cost paid by workers in months of earnings (SDG 10.7.1), by home province and programme',
        description:
          'Placements that departed in `year` with fees recorded and a monthly wage. Partners read no count below 5. `?format=csv` or `Accept: text/csv` answers CSV, `?format=xlsx` a workbook; `lang=vi|ja|en` and `sep=semicolon` as for the other reports.',
        querystring: recruitmentCostQuery,
        response: { 200: recruitmentCostOut },
      },
    },
    async (request, reply) => {
      const report = await protection.recruitmentCost(request.actor, request.query);
      const format = exportFormat(request.query, request);
      if (format === 'json') return report;
      const file = recruitmentCostExport(report, provinceSetOf(app.services.reference));
      return sendExport(request, reply, request.query, file, format);
    },
  );

  app.post(
    '/placements/:id/transfers',
    {
      config: { auth: ['admin', 'center', 'partner'] },
      schema: {
        tags,
        summary: 'Change of employer in Japan (転籍): own choice (ESD) or unavoidable',
        description:
          'Own choice: esd placements, after the field’s restriction period from departure (1 or 2 years) and with JLPT N5 (N4 in nursing care). Unavoidable: any departed Japan placement. Refused: 409 with `earliestOn` (null when waiting would not help). The placement’s employer and prefecture follow.',
        params: idParams,
        body: transferBody,
        response: { 201: transferOut },
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

  app.get(
    '/placements/:id/transfers',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags,
        summary: "A placement's changes of employer, and its current employer and prefecture",
        params: idParams,
        response: { 200: transferListOut },
      },
    },
    async (request) => protection.listTransfers(request.actor, request.params.id),
  );

  app.post(
    '/grievances',
    {
      config: { auth: ['admin', 'center', 'partner'] },
      schema: {
        tags,
        summary: "File a worker's grievance: acknowledgement due in 48 hours, resolution in 14 days",
        body: grievanceBody,
        response: { 201: grievanceOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await protection.fileGrievance(request.actor, request.body)),
  );

  app.get(
    '/grievances',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags,
        summary: 'Grievances in your scope, latest received first',
        querystring: grievanceQuery,
        response: { 200: grievanceListOut },
      },
    },
    async (request) => protection.listGrievances(request.actor, request.query),
  );

  app.get(
    '/reports/grievances',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['reports'],
        summary: 'Grievances by home province and category: received, unresolved, overdue',
        description:
          'Grievances received in [from, to]. Partners read no count below 5. `?format=csv` or `Accept: text/csv` answers CSV, `?format=xlsx` a workbook; `lang=vi|ja|en` and `sep=semicolon` as for the other reports.',
        querystring: grievanceReportQuery,
        response: { 200: grievanceReportOut },
      },
    },
    async (request, reply) => {
      const report = await protection.grievanceReport(request.actor, request.query);
      const format = exportFormat(request.query, request);
      if (format === 'json') return report;
      const file = grievancesExport(report, request.query, provinceSetOf(app.services.reference));
      return sendExport(request, reply, request.query, file, format);
    },
  );

  app.post(
    '/grievances/:id/acknowledge',
    {
      config: { auth: ['admin', 'center', 'partner'] },
      schema: {
        tags,
        summary: 'Acknowledge a grievance (the partner of the worker’s placement may too)',
        params: idParams,
        response: { 200: grievanceOut },
      },
    },
    async (request) => protection.acknowledgeGrievance(request.actor, request.params.id),
  );

  app.post(
    '/grievances/:id/resolve',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags,
        summary: 'Resolve a grievance with what was done',
        params: idParams,
        body: resolveBody,
        response: { 200: grievanceOut },
      },
    },
    async (request) => protection.resolveGrievance(request.actor, request.params.id, request.body.resolution),
  );
};
