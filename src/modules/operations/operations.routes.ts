import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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

  app.get(
    '/jobs',
    {
      config: { auth: ['admin'] },
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
      config: { auth: ['admin'] },
      schema: {
        tags: ['operations'],
        summary: 'Run a job now and answer its run record (skipped when it is already running)',
        params: jobNameParams,
        response: { 200: jobRunOut },
      },
    },
    async (request) => operations.runJob(request.params.name, request.actor),
  );

  app.get(
    '/alerts',
    {
      schema: {
        tags: ['operations'],
        summary: 'Alerts raised by the scheduled jobs, in your scope (open by default)',
        querystring: alertQuery,
        response: { 200: alertListOut },
      },
    },
    async (request) => operations.listAlerts(request.query, request.actor),
  );

  app.post(
    '/alerts/:id/close',
    {
      schema: {
        tags: ['operations'],
        summary: 'Close an alert in your scope',
        params: alertParams,
        body: closeAlertBody,
        response: { 200: alertOut },
      },
    },
    async (request) => operations.closeAlert(request.params.id, request.body, request.actor),
  );
};
