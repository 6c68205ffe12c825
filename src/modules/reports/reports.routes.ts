import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pipelineOut,
  pipelineQuery,
  prefecturesOut,
  prefecturesQuery,
  provinceShareOut,
  provinceShareQuery,
  reintegrationOut,
  reintegrationQuery,
} from './reports.schemas.ts';
import type { CsvReport } from './reports.service.ts';

/** `?format=csv` or an Accept header naming text/csv (and `?format=json` wins over the header). */
function wantsCsv(request: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(request.headers.accept ?? '');
}

function sendCsv(reply: FastifyReply, csv: CsvReport) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csv.filename}"`)
    .send(csv.body);
}

const csvNote = ' Answers text/csv (UTF-8 with BOM, a totals line) with `?format=csv` or `Accept: text/csv`.';

// Any signed-in role may read reports: they are aggregates, and partners get small counts withheld.
export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const reports = app.services.reports;

  app.get(
    '/reports/province-share',
    {
      schema: {
        tags: ['reports'],
        summary: "Each home province's departures and the share that went to Japan",
        description: `Departures whose departure date lies in [from, to], by the candidate's home province in the requested boundary set.${csvNote}`,
        querystring: provinceShareQuery,
        response: { 200: provinceShareOut },
      },
    },
    async (request, reply) => {
      const report = await reports.provinceShare(request.actor, request.query);
      if (wantsCsv(request, request.query.format))
        return sendCsv(reply, reports.provinceShareCsv(report, request.query));
      return report;
    },
  );

  app.get(
    '/reports/prefectures',
    {
      schema: {
        tags: ['reports'],
        summary: 'Departures to Japan by host prefecture',
        description: `Departures to Japan whose departure date lies in [from, to].${csvNote}`,
        querystring: prefecturesQuery,
        response: { 200: prefecturesOut },
      },
    },
    async (request, reply) => {
      const report = await reports.prefectures(request.actor, request.query);
      if (wantsCsv(request, request.query.format))
        return sendCsv(reply, reports.prefecturesCsv(report, request.query));
      return report;
    },
  );

  app.get(
    '/reports/pipeline',
    {
      schema: {
        tags: ['reports'],
        summary: 'Candidates per status, optionally for one home province or training center',
        description: `Counts of candidates in each lifecycle status today.${csvNote}`,
        querystring: pipelineQuery,
        response: { 200: pipelineOut },
      },
    },
    async (request, reply) => {
      const report = await reports.pipeline(request.actor, request.query);
      if (wantsCsv(request, request.query.format))
        return sendCsv(reply, reports.pipelineCsv(report, request.query));
      return report;
    },
  );

  app.get(
    '/reports/reintegration',
    {
      schema: {
        tags: ['reports'],
        summary: 'Returns per home province and how many returnees found a job at a home employer',
        description: `Returns whose return date lies in [from, to]; reintegrated counts those returns followed by a job at a home employer.${csvNote}`,
        querystring: reintegrationQuery,
        response: { 200: reintegrationOut },
      },
    },
    async (request, reply) => {
      const report = await reports.reintegration(request.actor, request.query);
      if (wantsCsv(request, request.query.format))
        return sendCsv(reply, reports.reintegrationCsv(report, request.query));
      return report;
    },
  );
};
