import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMINS, ANY_ROLE } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import * as schemas from './operations.schemas.ts';

export const operationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const operations = app.services.operations;
  const api = declareRoutes(app, ['operations'], schemas.alertParams);

  api.read('/jobs', ADMINS, schemas.jobListOut, operations.listJobs, {
    summary: 'Scheduled jobs, their schedules and their latest run',
  });

  app.post(
    '/jobs/:name/run',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['operations'],
        summary: 'Run a job now and answer its run record (skipped when it is already running)',
        params: schemas.jobNameParams,
        response: { 200: schemas.jobRunOut },
      },
    },
    async (request) => operations.runJob(request.actor, request.params.name),
  );

  app.get(
    '/jobs/:name/runs',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['operations'],
        summary: "A job's runs, newest first: start, end, status, what it did or its error",
        params: schemas.jobNameParams,
        querystring: schemas.jobRunsQuery,
        response: { 200: schemas.jobRunListOut },
      },
    },
    async (request) => operations.listJobRuns(request.params.name, request.query),
  );

  api.list('/alerts', ANY_ROLE, schemas.alertQuery, schemas.alertListOut, operations.listAlerts, {
    summary: 'Alerts raised by the scheduled jobs, in your scope (open by default)',
  });
  api.act(
    'POST',
    '/alerts/:id/close',
    ANY_ROLE,
    schemas.closeAlertBody,
    schemas.alertOut,
    operations.closeAlert,
    { summary: 'Close an alert in your scope' },
  );
};
