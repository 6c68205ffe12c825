import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  integer,
  numeric,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';
import { sqlList } from '../../lib/vocab.ts';
import { candidates } from '../candidates/candidates.table.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import { placements } from '../placements/placements.table.ts';
import { enrollments } from '../training/training.table.ts';

/** Why a certificate was withdrawn, as the public may read it (labels in templates/vocabulary.json). */
export const REVOKE_CATEGORIES = ['data_error', 'reissued', 'result_annulled', 'fraud', 'other'] as const;
export type RevokeCategory = (typeof REVOKE_CATEGORIES)[number];

export const certificates = pgTable(
  'certificates',
  {
    id: columns.id(),
    serial: text('serial').notNull(),
    verifyCode: text('verify_code').notNull(),
    type: text('type').notNull(),
    enrollmentId: columns.ref('enrollment_id', () => enrollments.id),
    candidateId: columns.ref('candidate_id', () => candidates.id),
    trainingCenterId: columns.ref('training_center_id', () => trainingCenters.id),
    issuedOn: columns.day('issued_on').notNull(),
    // What the paper says, frozen at issue: a reprint or a verification years later shows the
    // certificate as issued, even if the candidate or course record is later corrected or anonymised
    // (a correction means revoking and reissuing).
    holderName: text('holder_name').notNull(),
    holderBirthDate: columns.day('holder_birth_date').notNull(),
    courseName: text('course_name').notNull(),
    courseKind: text('course_kind').notNull(),
    courseHours: integer('course_hours').notNull(),
    courseStartsOn: columns.day('course_starts_on').notNull(),
    courseEndsOn: columns.day('course_ends_on').notNull(),
    score: numeric('score', { precision: 6, scale: 2, mode: 'number' }),
    jlptLevel: text('jlpt_level'),
    issuedBy: uuid('issued_by'),
    revokedAt: columns.at('revoked_at'),
    revokeReason: text('revoke_reason'),
    /** What the public verification page says of a revocation; the reason itself stays internal. */
    revokeCategory: text('revoke_category'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    uniqueIndex('certificates_serial_unique').on(t.serial),
    // One valid certificate per enrollment; a revoked one may be reissued.
    uniqueIndex('certificates_enrollment_valid_unique').on(t.enrollmentId).where(sql`${t.revokedAt} is null`),
    check(
      'certificates_revoke_category_check',
      sql`${t.revokeCategory} is null or ${t.revokeCategory} in (${sql.raw(sqlList(REVOKE_CATEGORIES))})`,
    ),
    check('certificates_type_check', sql`${t.type} in ('training_completion', 'orientation')`),
    check(
      'certificates_course_kind_check',
      sql`${t.courseKind} in ('language', 'vocational', 'orientation')`,
    ),
    index('certificates_candidate_idx').on(t.candidateId, t.createdAt),
    index('certificates_center_idx').on(t.trainingCenterId, t.createdAt),
  ],
);

/**
 * Per center and year, the last number of a series; bumped with INSERT … ON CONFLICT DO UPDATE …
 * RETURNING (`nextSerial` in letter-serial.ts).
 */
const centerYearCounters = (name: string) =>
  pgTable(
    name,
    {
      trainingCenterId: columns.ref('training_center_id', () => trainingCenters.id),
      year: integer('year').notNull(),
      last: integer('last').notNull().default(0),
    },
    (t) => [primaryKey({ columns: [t.trainingCenterId, t.year] })],
  );
export type CenterYearCounters = ReturnType<typeof centerYearCounters>;

/** The certificate serials (`<PREFIX>-2026-000123`). */
export const serialCounters = centerYearCounters('serial_counters');
/** The placement-letter numbers (`<PREFIX>-PL-2026-000123`). */
export const letterSerialCounters = centerYearCounters('letter_serial_counters');

/** The number a placement letter got when it was first printed; every reprint shows the same one. */
export const placementLetters = pgTable(
  'placement_letters',
  {
    placementId: columns.refKey('placement_id', () => placements.id),
    serial: text('serial').notNull(),
    trainingCenterId: columns.ref('training_center_id', () => trainingCenters.id),
    firstPrintedOn: columns.day('first_printed_on').notNull(),
    firstPrintedBy: uuid('first_printed_by'),
  },
  (t) => [uniqueIndex('placement_letters_serial_unique').on(t.serial)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  // PGlite answers a Uint8Array, node-postgres a Buffer.
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)),
});

/** The candidate's passport-style photo printed on the profile sheet (JPEG or PNG, checked on upload). */
export const candidatePhotos = pgTable(
  'candidate_photos',
  {
    candidateId: columns.refKey('candidate_id', () => candidates.id),
    contentType: text('content_type').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: bytea('bytes').notNull(),
    updatedAt: columns.updatedAt(),
  },
  (t) => [check('candidate_photos_type_check', sql`${t.contentType} in ('image/jpeg', 'image/png')`)],
);
