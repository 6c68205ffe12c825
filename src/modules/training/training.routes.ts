import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  courseOut,
  coursePatchBody,
  coursesOut,
  coursesQuery,
  createCourseBody,
  enrollBody,
  enrollmentOut,
  enrollmentsOut,
  idParams,
  pageQuery,
  resultBody,
  resultCorrectionBody,
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
    async (request, reply) => reply.code(201).send(await service.createCourse(request.actor, request.body)),
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
    async (request) => service.listCourses(request.actor, request.query),
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
    async (request) => service.getCourse(request.actor, request.params.id),
  );

  app.patch(
    '/courses/:id',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Edit a course (name, dates, hours, capacity — never below the seats taken)',
        params: idParams,
        body: coursePatchBody,
        response: { 200: courseOut },
      },
    },
    async (request) => service.updateCourse(request.actor, request.params.id, request.body),
  );

  app.post(
    '/courses/:id/enrollments',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Enroll a trainee of the course’s center; a registered candidate becomes training',
        description:
          "After the course's `endsOn` an enrollment is refused (409 naming `endsOn`) unless the body gives `lateEntryReason`: the late entry of a past enrollment, recorded as such in the audit.",
        params: idParams,
        body: enrollBody,
        response: { 201: enrollmentOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.enroll(request.actor, request.params.id, request.body)),
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
    async (request) => service.listCourseEnrollments(request.actor, request.params.id, request.query),
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
    async (request) => service.recordResult(request.actor, request.params.id, request.body),
  );

  app.patch(
    '/enrollments/:id/result',
    {
      config: writers,
      schema: {
        tags,
        summary: 'Correct a recorded result, with a reason (audited)',
        description: 'Refused (409) while a valid certificate of the enrollment exists: revoke it first.',
        params: idParams,
        body: resultCorrectionBody,
        response: { 200: enrollmentOut },
      },
    },
    async (request) => service.correctResult(request.actor, request.params.id, request.body),
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
    async (request) => service.listCandidateEnrollments(request.actor, request.params.id, request.query),
  );
};
