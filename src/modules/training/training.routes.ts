import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CENTERS, VIETNAM_SIDE } from '../../lib/actor.ts';
import { declareRoutes } from '../routes.ts';
import * as schemas from './training.schemas.ts';

/**
 * Courses, enrollments and results. A center works on its own courses, an admin on any; province
 * officers read the courses of centers in their province; partners have no access.
 */
export const trainingRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.training;
  const api = declareRoutes(app, ['training'], schemas.idParams);

  api.create('/courses', CENTERS, schemas.createCourseBody, schemas.courseOut, service.createCourse, {
    summary: 'Create a course (a center for itself; an admin gives trainingCenterId)',
  });
  api.list('/courses', VIETNAM_SIDE, schemas.coursesQuery, schemas.coursesOut, service.listCourses, {
    summary: 'Courses in your scope, latest start first',
  });
  api.get('/courses/:id', VIETNAM_SIDE, schemas.courseOut, service.getCourse, {
    summary: 'One course with its enrolled count',
  });
  api.act(
    'PATCH',
    '/courses/:id',
    CENTERS,
    schemas.coursePatchBody,
    schemas.courseOut,
    service.updateCourse,
    { summary: 'Edit a course (name, dates, hours, capacity — never below the seats taken)' },
  );
  api.act(
    'POST',
    '/courses/:id/enrollments',
    CENTERS,
    schemas.enrollBody,
    schemas.enrollmentOut,
    service.enroll,
    {
      created: true,
      summary: 'Enroll a trainee of the course’s center; a registered candidate becomes training',
      description:
        "After the course's `endsOn` an enrollment is refused (409 naming `endsOn`) unless the body gives `lateEntryReason`: the late entry of a past enrollment, recorded as such in the audit.",
    },
  );
  api.get('/courses/:id/enrollments', CENTERS, schemas.enrollmentsOut, service.listCourseEnrollments, {
    summary: 'The enrollments of a course, by candidate code',
    query: schemas.pageQuery,
  });
  api.act(
    'POST',
    '/enrollments/:id/result',
    CENTERS,
    schemas.resultBody,
    schemas.enrollmentOut,
    service.recordResult,
    { summary: 'Record the result of an enrollment (once); a passed language course may raise JLPT' },
  );
  api.act(
    'PATCH',
    '/enrollments/:id/result',
    CENTERS,
    schemas.resultCorrectionBody,
    schemas.enrollmentOut,
    service.correctResult,
    {
      summary: 'Correct a recorded result, with a reason (audited)',
      description: 'Refused (409) while a valid certificate of the enrollment exists: revoke it first.',
    },
  );
  api.get(
    '/candidates/:id/enrollments',
    VIETNAM_SIDE,
    schemas.enrollmentsOut,
    service.listCandidateEnrollments,
    {
      summary: 'A candidate’s courses and results, latest course first',
      query: schemas.pageQuery,
    },
  );
};
