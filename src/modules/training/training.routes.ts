import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  courseOut,
  coursesOut,
  coursesQuery,
  createCourseBody,
  enrollBody,
  enrollmentOut,
  enrollmentsOut,
  idParams,
  pageQuery,
  resultBody,
} from './training.schemas.ts';

/**
 * Courses, enrollments and results. A center works on its own courses, an admin on any; province
 * officers read the courses of centers in their province; partners have no access.
 */
export const trainingRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.training;
  const tags = ['training'];
  const writers = { auth: ['admin', 'center'] as const };
  const readers = { auth: ['admin', 'center', 'province'] as const };

  app.post(
    '/courses',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Create a course (a center for itself; an admin gives trainingCenterId)',
        body: createCourseBody,
        response: { 201: courseOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createCourse(request.body, request.actor)),
  );

  app.get(
    '/courses',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Courses in your scope, latest start first',
        querystring: coursesQuery,
        response: { 200: coursesOut },
      },
    },
    async (request) => service.listCourses(request.query, request.actor),
  );

  app.get(
    '/courses/:id',
    {
      config: readers,
      schema: {
        tags,
        summary: 'One course with its enrolled count',
        params: idParams,
        response: { 200: courseOut },
      },
    },
    async (request) => service.getCourse(request.params.id, request.actor),
  );

  app.post(
    '/courses/:id/enrollments',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Enroll a trainee of the course’s center; a registered candidate becomes training',
        params: idParams,
        body: enrollBody,
        response: { 201: enrollmentOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.enroll(request.params.id, request.body.candidateId, request.actor)),
  );

  app.get(
    '/courses/:id/enrollments',
    {
      config: writers,
      schema: {
        tags,
        summary: 'The enrollments of a course, by candidate code',
        params: idParams,
        querystring: pageQuery,
        response: { 200: enrollmentsOut },
      },
    },
    async (request) => service.listCourseEnrollments(request.params.id, request.query, request.actor),
  );

  app.post(
    '/enrollments/:id/result',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Record the result of an enrollment (once); a passed language course may raise JLPT',
        params: idParams,
        body: resultBody,
        response: { 200: enrollmentOut },
      },
    },
    async (request) => service.recordResult(request.params.id, request.body, request.actor),
  );

  app.get(
    '/candidates/:id/enrollments',
    {
      config: readers,
      schema: {
        tags,
        summary: 'A candidate’s courses and results, latest course first',
        params: idParams,
        querystring: pageQuery,
        response: { 200: enrollmentsOut },
      },
    },
    async (request) => service.listCandidateEnrollments(request.params.id, request.query, request.actor),
  );
};
