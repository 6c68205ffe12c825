import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMINS, ANY_ROLE } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import {
  alertListOut,
  alertOut,
  alertParams,
  alertQuery,
  closeAlertBody,
  jobListOut,
  jobNameParams,
  jobRunOut,
} from './operations.schemas.ts';

export const operationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const operations = app.services.operations;
  const api = declareRoutes(app, ['operations'], alertParams);

  app.get(
    '/jobs',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['operations'],
        summary: 'Scheduled jobs, their schedules and their latest run',
        response: { 200: jobListOut },
      },
    },
    async () => operations.listJobs(),
  );

  app.post(
    '/jobs/:name/run',
    {
      config: { auth: ADMINS },
      schema: {
        tags: ['operations'],
        summary: 'Run a job now and answer its run record (skipped when it is already running)',
        params: jobNameParams,
        response: { 200: jobRunOut },
      },
    },
    async (request) => operations.runJob(request.actor, request.params.name),
  );

  api.list('/alerts', ANY_ROLE, alertQuery, alertListOut, operations.listAlerts, {
    summary: 'Alerts raised by the scheduled jobs, in your scope (open by default)',
  });
  api.act('POST', '/alerts/:id/close', ANY_ROLE, closeAlertBody, alertOut, operations.closeAlert, {
    summary: 'Close an alert in your scope',
  });
};
