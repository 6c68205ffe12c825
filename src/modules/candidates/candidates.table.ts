import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { trainingCenters } from '../organisations/organisations.table.ts';

export const candidateCodeSeq = pgSequence('candidate_code_seq', { startWith: 1 });

export const CANDIDATE_STATUSES = [
  'registered',
  'training',
  'ready',
  'selected',
  'departed',
  'returned',
  'reintegrated',
  'withdrawn',
] as const;

export const candidates = pgTable(
  'candidates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Pseudonymous public code, the only identifier a partner sees before selection. */
    code: text('code').notNull().default(
      // At least six digits, more once the sequence passes 999,999 (lpad alone would truncate
      // 1000000 to 100000 and collide).
      sql`('KH-' || to_char(now(), 'YYYY') || '-' || regexp_replace(lpad(nextval('candidate_code_seq')::text, 12, '0'), '^0{0,6}', ''))`,
    ),
    fullName: text('full_name').notNull(),
    /** Lower-case, diacritics removed (đ → d): what `q` searches. */
    nameSearch: text('name_search').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    gender: text('gender').notNull(),
    /** CCCD, 12 digits; null once the record is anonymised under the retention rule. */
    nationalId: text('national_id'),
    phone: text('phone'),
    homeProvinceCode: text('home_province_code').notNull(),
    provinceBoundaries: text('province_boundaries').notNull().default('2025'),
    /** The 2025 unit the home province lies in: scoping and reports key on it. */
    homeProvince2025: text('home_province_2025').notNull(),
    occupationField: text('occupation_field').notNull(),
    jlptLevel: text('jlpt_level'),
    consentToShare: boolean('consent_to_share').notNull().default(false),
    trainingCenterId: uuid('training_center_id')
      .notNull()
      .references(() => trainingCenters.id),
    status: text('status').notNull().default('registered'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    anonymisedAt: timestamp('anonymised_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('candidates_code_unique').on(t.code),
    uniqueIndex('candidates_national_id_unique').on(t.nationalId),
    check(
      'candidates_status_check',
      sql`${t.status} in ('registered', 'training', 'ready', 'selected', 'departed', 'returned', 'reintegrated', 'withdrawn')`,
    ),
    check('candidates_gender_check', sql`${t.gender} in ('male', 'female')`),
    check('candidates_boundaries_check', sql`${t.provinceBoundaries} in ('2008', '2025')`),
    check(
      'candidates_jlpt_check',
      sql`${t.jlptLevel} is null or ${t.jlptLevel} in ('N5', 'N4', 'N3', 'N2', 'N1')`,
    ),
    check('candidates_version_check', sql`${t.version} >= 1`),
    // Keyset pagination (createdAt, id) per scope: a center's trainees, a province's, everyone's.
    index('candidates_center_idx').on(t.trainingCenterId, t.createdAt, t.id),
    index('candidates_province_created_idx').on(t.homeProvince2025, t.createdAt, t.id),
    index('candidates_created_idx').on(t.createdAt, t.id),
    index('candidates_province_idx').on(t.homeProvince2025, t.status),
    index('candidates_status_idx').on(t.status, t.occupationField),
  ],
);

export const candidateStatusHistory = pgTable(
  'candidate_status_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    candidateId: uuid('candidate_id')
      .notNull()
      .references(() => candidates.id),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    reason: text('reason'),
  },
  (t) => [index('candidate_status_history_candidate_idx').on(t.candidateId, t.id)],
);
