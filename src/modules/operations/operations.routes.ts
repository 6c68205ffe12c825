import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE } from '../../lib/actor.ts';
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
    async (request) => operations.runJob(request.actor, request.params.name),
  );

  app.get(
    '/alerts',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['operations'],
        summary: 'Alerts raised by the scheduled jobs, in your scope (open by default)',
        querystring: alertQuery,
        response: { 200: alertListOut },
      },
    },
    async (request) => operations.listAlerts(request.actor, request.query),
  );

  app.post(
    '/alerts/:id/close',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags: ['operations'],
        summary: 'Close an alert in your scope',
        params: alertParams,
        body: closeAlertBody,
        response: { 200: alertOut },
      },
    },
    async (request) => operations.closeAlert(request.actor, request.params.id, request.body),
  );
};
