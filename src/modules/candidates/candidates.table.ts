import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';
import { CANDIDATE_STATUSES, JLPT_LEVELS, sqlList } from '../../lib/vocab.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';

export const candidateCodeSeq = pgSequence('candidate_code_seq', { startWith: 1 });

/**
 * Crockford's base32 (no I, L, O, U): easy to read aloud and to type, no letter mistaken for a digit.
 */
export const POOL_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters after `P-`: 50 random bits, so that a million pooled candidates hardly ever collide. */
export const POOL_CODE_LENGTH = 10;
export const POOL_CODE_PATTERN = new RegExp(`^P-[${POOL_CODE_ALPHABET}]{${POOL_CODE_LENGTH}}$`);

/**
 * The pool code's default: 12 random bytes (the first 6 of two gen_random_uuid() — a cryptographic
 * source; those bytes of a v4 UUID are wholly random) in base64, each base64 digit (0–63) mapped
 * to the Crockford digit of its value mod 32 (so still uniform), the first 10 kept. A default
 * rather than application code, so every insert path gets one — the COPY of a CSV import
 * included — and `ADD COLUMN` with this volatile default gave every existing row its own code. A
 * default may hold no subquery or variable, hence two UUIDs rather than one buffer of bytes.
 */
const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const poolCodeDefault = sql.raw(
  `('P-' || left(translate(encode(substring(uuid_send(gen_random_uuid()) from 1 for 6) || substring(uuid_send(gen_random_uuid()) from 1 for 6), 'base64'), '${BASE64_DIGITS}', '${POOL_CODE_ALPHABET}${POOL_CODE_ALPHABET}'), ${POOL_CODE_LENGTH}))`,
);

export { CANDIDATE_STATUSES };

/** One line of the education history: `from`/`to` as YYYY-MM. */
export interface EducationEntry {
  from: string;
  to: string | null;
  school: string;
  note: string | null;
}

export const candidates = pgTable(
  'candidates',
  {
    id: columns.id(),
    /** Pseudonymous public code, the only identifier a partner sees before selection. */
    code: text('code').notNull().default(
      // At least six digits, more once the sequence passes 999,999 (lpad alone would truncate
      // 1000000 to 100000 and collide).
      sql`('KH-' || to_char(now(), 'YYYY') || '-' || regexp_replace(lpad(nextval('candidate_code_seq')::text, 12, '0'), '^0{0,6}', ''))`,
    ),
    /**
     * What a partner sees in the pool and selects by: random, so it reveals neither the center nor
     * the order of registration (the public code does both). Shown to centers and admins as `poolCode`.
     */
    poolCode: text('pool_code').notNull().default(poolCodeDefault),
    fullName: text('full_name').notNull(),
    /** Lower-case, diacritics removed (đ → d): what `q` searches. */
    nameSearch: text('name_search').notNull(),
    dateOfBirth: columns.day('date_of_birth').notNull(),
    gender: text('gender').notNull(),
    /** CCCD, 12 digits; null once the record is anonymised under the retention rule. */
    nationalId: text('national_id'),
    phone: text('phone'),
    homeProvinceCode: text('home_province_code').notNull(),
    provinceBoundaries: text('province_boundaries').notNull().default('2025'),
    /** The 2025 unit the home province lies in: scoping and reports key on it. */
    homeProvince2025: text('home_province_2025').notNull(),
    occupationField: text('occupation_field').notNull(),
    /** The name in katakana as a Japanese employer reads it (profile sheet). */
    fullNameKana: text('full_name_kana'),
    /** Free text: why the candidate wants to work in Japan (profile sheet). */
    motivation: text('motivation'),
    /** Schooling, oldest first (profile sheet). */
    education: jsonb('education').$type<EducationEntry[]>(),
    jlptLevel: text('jlpt_level'),
    consentToShare: boolean('consent_to_share').notNull().default(false),
    trainingCenterId: columns.ref('training_center_id', () => trainingCenters.id),
    status: text('status').notNull().default('registered'),
    statusChangedAt: columns.at('status_changed_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    createdAt: columns.createdAt(),
    updatedAt: columns.updatedAt(),
    anonymisedAt: columns.at('anonymised_at'),
    /** The import the record came from (its audit entry is the import's), or null. */
    importId: uuid('import_id'),
  },
  (t) => [
    uniqueIndex('candidates_code_unique').on(t.code),
    // Also the pool's order and keyset.
    uniqueIndex('candidates_pool_code_unique').on(t.poolCode),
    uniqueIndex('candidates_national_id_unique').on(t.nationalId),
    check('candidates_status_check', sql`${t.status} in (${sql.raw(sqlList(CANDIDATE_STATUSES))})`),
    check('candidates_gender_check', sql`${t.gender} in ('male', 'female')`),
    check('candidates_boundaries_check', sql`${t.provinceBoundaries} in ('2008', '2025')`),
    check(
      'candidates_jlpt_check',
      sql`${t.jlptLevel} is null or ${t.jlptLevel} in (${sql.raw(sqlList(JLPT_LEVELS))})`,
    ),
    check('candidates_version_check', sql`${t.version} >= 1`),
    // Keyset pagination (createdAt, id) per scope: a center's trainees, a province's, everyone's.
    // A center's and everyone's also hold the name and its key after the keys (they change no order:
    // createdAt and id are unique together), so that a search of `q` walks the newest candidates of
    // the scope through the index alone and reads from the table only the rows of the page
    // (`listCandidates` in candidates.service.ts).
    index('candidates_center_idx').on(t.trainingCenterId, t.createdAt, t.id, t.nameSearch, t.fullName),
    index('candidates_province_created_idx').on(t.homeProvince2025, t.createdAt, t.id),
    index('candidates_created_idx').on(t.createdAt, t.id, t.nameSearch, t.fullName),
    index('candidates_province_idx').on(t.homeProvince2025, t.status),
    index('candidates_status_idx').on(t.status, t.occupationField),
    // `q` as a part of a word: trigrams of the name key padded with spaces (`like '%part%'`), without
    // reading every candidate. The expression must stay the one of `paddedNameKey` in
    // candidates.service.ts.
    index('candidates_name_words_trgm_idx').using('gin', sql`(' ' || ${t.nameSearch} || ' ') gin_trgm_ops`),
    // `q` as whole words: the words of the name key (Hương and Hường alike), and (a query with
    // accents) of the name as written (Hường, not Hương). Arrays, so the planner has statistics per
    // word. The expressions must stay the ones of `holdsWords` in candidates.service.ts.
    index('candidates_key_words_idx').using('gin', sql`string_to_array(${t.nameSearch}, ' ')`),
    index('candidates_name_words_idx').using('gin', sql`string_to_array(${t.fullName}, ' ')`),
    // `q` with a digit: a part of the public code (`code ilike '%…%'`) by its trigrams.
    index('candidates_code_trgm_idx').using('gin', sql`${t.code} gin_trgm_ops`),
  ],
);

export const candidateStatusHistory = pgTable(
  'candidate_status_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    candidateId: columns.ref('candidate_id', () => candidates.id),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    at: columns.at('at').notNull().defaultNow(),
    actorId: uuid('actor_id'),
    reason: text('reason'),
  },
  (t) => [index('candidate_status_history_candidate_idx').on(t.candidateId, t.id)],
);
