import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Actor, ANY_ROLE } from '../../lib/actor.ts';
import { type ExportQuery, type ExportSpec, exportFormat, sendExport } from '../../lib/spreadsheet.ts';
import type { z } from '../../lib/zod.ts';
import {
  pipelineExport,
  prefecturesExport,
  provinceShareExport,
  reintegrationExport,
} from './reports.csv.ts';
import { monthlyWorkersExport, monthlyWorkersOut, monthlyWorkersQuery } from './reports.monthly.ts';
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

const exportNote =
  ' `?format=csv` (or `Accept: text/csv`) answers CSV (UTF-8 with BOM, a totals line; `sep=semicolon`); ' +
  '`?format=xlsx` an Excel workbook with a title row (report, filters, date). `lang=vi|ja|en` (or ' +
  'Accept-Language) labels headers, statuses and yes/no; a CSV without a language keeps the field names.';

/** One report: its JSON schemas, how the service reads it for an actor, and how it reads as CSV. */
interface ReportRoute<Q extends ExportQuery, R, S> {
  summary: string;
  description: string;
  querystring: z.ZodType<Q>;
  response: z.ZodType<R>;
  read: (actor: Actor, query: Q) => Promise<R>;
  csv: (report: R, query: Q) => ExportSpec<S>;
}

// Any signed-in role may read reports: they are aggregates, and partners get small counts withheld.
export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const reports = app.services.reports;

  /** GET `url`: the report as JSON, or as a CSV/XLSX file when asked (`exportFormat`). */
  function reportRoute<Q extends ExportQuery, R, S>(url: string, spec: ReportRoute<Q, R, S>) {
    app.get(
      url,
      {
        config: { auth: ANY_ROLE },
        schema: {
          tags: ['reports'],
          summary: spec.summary,
          description: `${spec.description}${exportNote}`,
          querystring: spec.querystring,
          response: { 200: spec.response },
        },
      },
      async (request, reply) => {
        // The provider types a generic schema's output loosely; the schema above validated it as Q.
        const query = request.query as Q;
        const report = await spec.read(request.actor, query);
        const format = exportFormat(query, request);
        if (format === 'json') return report;
        return sendExport(request, reply, query, spec.csv(report, query), format);
      },
    );
  }

  reportRoute('/reports/province-share', {
    summary: "Each home province's departures and the share that went to Japan",
    description:
      "Departures whose departure date lies in [from, to], by the candidate's home province in the requested boundary set.",
    querystring: provinceShareQuery,
    response: provinceShareOut,
    read: reports.provinceShare,
    csv: provinceShareExport,
  });

  reportRoute('/reports/prefectures', {
    summary: 'Departures to Japan by host prefecture',
    description: 'Departures to Japan whose departure date lies in [from, to].',
    querystring: prefecturesQuery,
    response: prefecturesOut,
    read: reports.prefectures,
    csv: prefecturesExport,
  });

  reportRoute('/reports/pipeline', {
    summary: 'Candidates per status, optionally for one home province or training center',
    description: 'Counts of candidates in each lifecycle status today.',
    querystring: pipelineQuery,
    response: pipelineOut,
    read: reports.pipeline,
    csv: pipelineExport,
  });

  reportRoute('/reports/reintegration', {
    summary: 'Returns per home province and how many returnees found a job at a home employer',
    description:
      'Returns whose return date lies in [from, to]; reintegrated counts those returns followed by a job at a home employer.',
    querystring: reintegrationQuery,
    response: reintegrationOut,
    read: reports.reintegration,
    csv: reintegrationExport,
  });

  // Names people: not for partners, and every read is audited (reports.monthly.ts).
  app.get(
    '/reports/monthly-workers',
    {
      config: { auth: ['admin', 'center', 'province'] },
      schema: {
        tags: ['reports'],
        summary: 'The monthly list of workers who departed and who returned',
        description:
          'One line per movement in the month: name, date of birth, national ID, home province, destination, ' +
          'prefecture, employer, programme, contract term, departure and return dates. A center reads its own ' +
          'trainees, a province officer its home province, an admin all; each read is written to the audit log.' +
          exportNote,
        querystring: monthlyWorkersQuery,
        response: { 200: monthlyWorkersOut },
      },
    },
    async (request, reply) => {
      const query = request.query;
      const format = exportFormat(query, request);
      const report = await reports.monthlyWorkers(request.actor, { month: query.month, format });
      if (format === 'json') return report;
      return sendExport(request, reply, query, monthlyWorkersExport(report), format);
    },
  );
};
