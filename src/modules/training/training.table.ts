import { sql } from 'drizzle-orm';
import { check, index, integer, numeric, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';
import { JLPT_LEVELS, sqlList } from '../../lib/vocab.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';

export const courses = pgTable(
  'courses',
  {
    id: columns.id(),
    trainingCenterId: columns.ref('training_center_id', () => trainingCenters.id),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    startsOn: columns.day('starts_on').notNull(),
    endsOn: columns.day('ends_on').notNull(),
    hours: integer('hours').notNull(),
    capacity: integer('capacity'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check('courses_kind_check', sql`${t.kind} in ('language', 'vocational', 'orientation')`),
    check('courses_dates_check', sql`${t.endsOn} >= ${t.startsOn}`),
    check('courses_hours_check', sql`${t.hours} > 0`),
    check('courses_capacity_check', sql`${t.capacity} is null or ${t.capacity} > 0`),
    index('courses_center_idx').on(t.trainingCenterId, t.startsOn),
  ],
);

export const enrollments = pgTable(
  'enrollments',
  {
    id: columns.id(),
    courseId: columns.ref('course_id', () => courses.id),
    candidateId: columns.ref('candidate_id', () => candidates.id),
    outcome: text('outcome'),
    score: numeric('score', { precision: 6, scale: 2, mode: 'number' }),
    jlptLevel: text('jlpt_level'),
    enrolledAt: columns.at('enrolled_at').notNull().defaultNow(),
    resultAt: columns.at('result_at'),
  },
  (t) => [
    uniqueIndex('enrollments_course_candidate_unique').on(t.courseId, t.candidateId),
    index('enrollments_candidate_idx').on(t.candidateId),
    check(
      'enrollments_outcome_check',
      sql`${t.outcome} is null or ${t.outcome} in ('passed', 'failed', 'withdrawn')`,
    ),
    check('enrollments_score_check', sql`${t.score} is null or (${t.score} >= 0 and ${t.score} <= 100)`),
    check(
      'enrollments_jlpt_check',
      sql`${t.jlptLevel} is null or ${t.jlptLevel} in (${sql.raw(sqlList(JLPT_LEVELS))})`,
    ),
  ],
);
