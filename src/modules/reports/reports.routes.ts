import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { VIETNAM_SIDE } from '../../lib/actor.ts';
import { declareReport } from '../routes.ts';
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

// Any signed-in role may read reports: they are aggregates, and partners get small counts withheld.
export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const reports = app.services.reports;

  declareReport(app, '/reports/province-share', {
    summary: "Each home province's departures and the share that went to Japan",
    description:
      "Departures whose departure date lies in [from, to], by the candidate's home province in the requested boundary set." +
      exportNote,
    querystring: provinceShareQuery,
    response: provinceShareOut,
    read: reports.provinceShare,
    file: provinceShareExport,
  });

  declareReport(app, '/reports/prefectures', {
    summary: 'Departures to Japan by host prefecture',
    description: `Departures to Japan whose departure date lies in [from, to].${exportNote}`,
    querystring: prefecturesQuery,
    response: prefecturesOut,
    read: reports.prefectures,
    file: prefecturesExport,
  });

  declareReport(app, '/reports/pipeline', {
    summary: 'Candidates per status, optionally for one home province or training center',
    description: `Counts of candidates in each lifecycle status today.${exportNote}`,
    querystring: pipelineQuery,
    response: pipelineOut,
    read: reports.pipeline,
    file: pipelineExport,
  });

  declareReport(app, '/reports/reintegration', {
    summary: 'Returns per home province and how many returnees found a job at a home employer',
    description:
      'Returns whose return date lies in [from, to]; reintegrated counts those returns followed by a job at a home employer.' +
      exportNote,
    querystring: reintegrationQuery,
    response: reintegrationOut,
    read: reports.reintegration,
    file: reintegrationExport,
  });

  // Names people: not for partners, and every read is audited (reports.monthly.ts).
  declareReport(app, '/reports/monthly-workers', {
    auth: VIETNAM_SIDE,
    summary: 'The monthly list of workers who departed and who returned',
    description:
      'One line per movement in the month: name, date of birth, national ID, home province, destination, ' +
      'prefecture, employer, programme, contract term, departure and return dates. A center reads its own ' +
      'trainees, a province officer its home province, an admin all; each read is written to the audit log.' +
      exportNote,
    querystring: monthlyWorkersQuery,
    response: monthlyWorkersOut,
    read: (actor, query, format) => reports.monthlyWorkers(actor, { month: query.month, format }),
    file: monthlyWorkersExport,
  });
};
