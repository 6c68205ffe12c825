import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { candidates } from '../candidates/candidates.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import { enrollments } from '../training/training.table.ts';

export const certificates = pgTable(
  'certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serial: text('serial').notNull(),
    verifyCode: text('verify_code').notNull(),
    type: text('type').notNull(),
    enrollmentId: uuid('enrollment_id')
      .notNull()
      .references(() => enrollments.id),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => candidates.id),
    trainingCenterId: uuid('training_center_id')
      .notNull()
      .references(() => trainingCenters.id),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    // What the paper says, frozen at issue: a reprint or a verification years later shows the
    // certificate as issued, even if the candidate or course record is later corrected or anonymised
    // (a correction means revoking and reissuing).
    holderName: text('holder_name').notNull(),
    holderBirthDate: date('holder_birth_date', { mode: 'string' }).notNull(),
    courseName: text('course_name').notNull(),
    courseKind: text('course_kind').notNull(),
    courseHours: integer('course_hours').notNull(),
    courseStartsOn: date('course_starts_on', { mode: 'string' }).notNull(),
    courseEndsOn: date('course_ends_on', { mode: 'string' }).notNull(),
    score: numeric('score', { precision: 6, scale: 2, mode: 'number' }),
    jlptLevel: text('jlpt_level'),
    issuedBy: uuid('issued_by'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokeReason: text('revoke_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('certificates_serial_unique').on(t.serial),
    // One valid certificate per enrollment; a revoked one may be reissued.
    uniqueIndex('certificates_enrollment_valid_unique').on(t.enrollmentId).where(sql`${t.revokedAt} is null`),
    check('certificates_type_check', sql`${t.type} in ('training_completion', 'orientation')`),
    check(
      'certificates_course_kind_check',
      sql`${t.courseKind} in ('language', 'vocational', 'orientation')`,
    ),
    index('certificates_candidate_idx').on(t.candidateId, t.createdAt),
    index('certificates_center_idx').on(t.trainingCenterId, t.createdAt),
  ],
);

/** Per center and year, the last serial number issued; bumped with INSERT … ON CONFLICT DO UPDATE … RETURNING. */
export const serialCounters = pgTable(
  'serial_counters',
  {
    trainingCenterId: uuid('training_center_id')
      .notNull()
      .references(() => trainingCenters.id),
    year: integer('year').notNull(),
    last: integer('last').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.trainingCenterId, t.year] })],
);
