import { todayInVietnam } from '../../lib/dates.ts';
import { pageQuery } from '../../lib/pagination.ts';
import { JLPT_LEVELS, FIELDS as OCCUPATION_FIELDS } from '../../lib/vocab.ts';
import { isoDate, z } from '../../lib/zod.ts';
import type { Boundaries } from '../reference/reference.service.ts';
import { CANDIDATE_STATUSES } from './candidates.table.ts';

const GENDERS = ['male', 'female'] as const;

/** The fields a client may send on create (and, except trainingCenterId rules, on PATCH). */
export const CANDIDATE_INPUT_FIELDS = [
  'fullName',
  'dateOfBirth',
  'gender',
  'nationalId',
  'phone',
  'homeProvinceCode',
  'provinceBoundaries',
  'occupationField',
  'jlptLevel',
  'consentToShare',
  'trainingCenterId',
] as const;

// ---------------------------------------------------------------------------------------------
// Normalisers shared by the schemas, the service and the CSV import
// ---------------------------------------------------------------------------------------------

/** What `q` searches: lower-case, diacritics removed, đ → d, single spaces. */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A person's name as stored: NFC (one code point per Vietnamese letter), single spaces. */
export function normaliseName(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * A Vietnamese phone number in E.164 (+84…), or undefined when it is not one. Accepts 0912345678,
 * +84912345678, 84912345678 and 0084…, with spaces, dots, dashes or brackets. Mobile numbers have
 * 9 digits after the 0 (prefixes 3, 5, 7, 8, 9 since the 2018 renumbering); landlines 10 (02x…).
 */
export function normalisePhone(text: string): string | undefined {
  const compact = text.replace(/[\s.\-()]/g, '');
  const m = /^(?:\+84|0084|84|0)(\d+)$/.exec(compact);
  if (!m) return undefined;
  const national = m[1]!;
  if (/^[35789]\d{8}$/.test(national) || /^2\d{9}$/.test(national)) return `+84${national}`;
  return undefined;
}

/** Law 69/2020/QH14: a Vietnamese worker going abroad under contract must be at least 18. */
export const MIN_AGE = 18;

/** True when someone born on `dob` (YYYY-MM-DD) has turned 18 by `today`. A 29 February birthday turns over on 1 March. */
export function isAdult(dob: string, today = todayInVietnam()): boolean {
  const eighteenth = `${String(Number(dob.slice(0, 4)) + MIN_AGE).padStart(4, '0')}${dob.slice(4)}`;
  return eighteenth <= today;
}

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

const fullName = z
  .string()
  .transform(normaliseName)
  .pipe(z.string().min(1, 'must not be empty').max(200))
  .describe('Full name with Vietnamese diacritics; stored in Unicode NFC');
const dateOfBirth = isoDate
  .pipe(
    z
      .string()
      .refine((d) => d >= '1900-01-01', 'must be on or after 1900-01-01')
      .refine(
        (d) => isAdult(d),
        'must make the candidate at least 18 years old today (Law 69/2020/QH14 sets 18 as the minimum age to work abroad)',
      ),
  )
  .describe('YYYY-MM-DD; the candidate must be at least 18 today');
const gender = z.enum(GENDERS);
const nationalId = z
  .string()
  .trim()
  .regex(/^\d{12}$/, 'must be exactly 12 digits (citizen identity card, CCCD)')
  .describe('CCCD: 12 digits, unique across the service');
const phone = z
  .string()
  .transform((s, ctx) => {
    const normalised = normalisePhone(s);
    if (normalised) return normalised;
    ctx.addIssue({
      code: 'custom',
      message: 'must be a Vietnamese phone number such as 0912345678 or +84912345678',
    });
    return z.NEVER;
  })
  .describe('Vietnamese number, e.g. 0912345678 or +84912345678; stored as +84…');
const provinceCode = z
  .string()
  .trim()
  .regex(/^\d{2}$/, 'must be a 2-digit province code');
const provinceBoundaries = z.enum(['2025', '2008']);
const occupationField = z.enum(OCCUPATION_FIELDS);
const jlptLevel = z.enum(JLPT_LEVELS).describe('N5 (lowest) … N1 (highest)');
const consentToShare = z
  .boolean()
  .describe('Whether the anonymised profile may be shown to Japanese partners');

/** The profile sheet's fields (PATCH; null clears them). */
const fullNameKana = z
  .string()
  .transform((s) => s.normalize('NFKC').replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(200)
      .regex(
        /^[\p{Script=Katakana}ー・\s]+$/u,
        'must be written in katakana (e.g. グエン・ヴァン・ドゥック)',
      ),
  )
  .describe(
    'The name in katakana, as printed on the profile sheet (NFKC: half-width katakana become full-width)',
  );
const motivation = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(1, 'must not be empty').max(1000))
  .describe('Why the candidate wants to work in Japan, in their words (profile sheet)');
const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');
const education = z
  .array(
    z
      .strictObject({
        from: yearMonth,
        to: yearMonth.nullish().describe('Empty while still studying'),
        school: z.string().trim().min(1).max(200),
        note: z.string().trim().max(200).nullish().describe('E.g. graduated, major'),
      })
      .refine((e) => !e.to || e.to >= e.from, { message: 'must not end before it starts', path: ['to'] })
      .transform((e) => ({ from: e.from, to: e.to ?? null, school: e.school, note: e.note ?? null })),
  )
  .max(20)
  .describe('Schooling, oldest first: [{ from: YYYY-MM, to: YYYY-MM | null, school, note }] (profile sheet)');

export interface ProvinceLookup {
  to2025(code: string, boundaries: Boundaries): string | undefined;
}

/**
 * The create schema, used by `POST /candidates` and by every row of `POST /candidates/import`.
 * Needs the reference data to check that the home province exists in the boundary set given.
 */
export function candidateCreateSchema(provinces: ProvinceLookup) {
  return z
    .strictObject({
      fullName,
      dateOfBirth,
      gender,
      nationalId,
      phone: phone.nullish(),
      homeProvinceCode: provinceCode.describe(
        'Province code in the `provinceBoundaries` set (2025 by default)',
      ),
      provinceBoundaries: provinceBoundaries
        .default('2025')
        .describe('Boundary set of homeProvinceCode: 2025 (34 units, default) or 2008 (63 units)'),
      occupationField,
      jlptLevel: jlptLevel.nullish(),
      consentToShare,
      trainingCenterId: z
        .uuid()
        .optional()
        .describe('Required for admin; a center registers for itself (taken from the token)'),
    })
    .superRefine(
      (c, ctx) => {
        // Runs even when other fields failed (see `when`), so every broken rule is listed at once;
        // the values may therefore be raw input.
        if (!c || typeof c !== 'object') return;
        if (typeof c.homeProvinceCode !== 'string' || !/^\d{2}$/.test(c.homeProvinceCode)) return;
        const set = c.provinceBoundaries ?? '2025';
        if (set !== '2025' && set !== '2008') return;
        if (!provinces.to2025(c.homeProvinceCode, set)) {
          ctx.addIssue({
            code: 'custom',
            path: ['homeProvinceCode'],
            message: `is not a province code of the ${set} boundary set`,
          });
        }
      },
      { when: () => true },
    );
}

export type CandidateCreateInput = z.output<ReturnType<typeof candidateCreateSchema>>;

/**
 * PATCH: the create fields, all optional (phone and jlptLevel may be null to clear them), plus the
 * version the client last read. Status changes only through transitions. Whether the home province
 * exists is checked by the service, which knows the stored boundary set.
 */
export const candidatePatchBody = z.strictObject({
  fullName: fullName.optional(),
  dateOfBirth: dateOfBirth.optional(),
  gender: gender.optional(),
  nationalId: nationalId.optional(),
  phone: phone.nullish(),
  homeProvinceCode: provinceCode.optional(),
  provinceBoundaries: provinceBoundaries.optional(),
  occupationField: occupationField.optional(),
  jlptLevel: jlptLevel.nullish(),
  consentToShare: consentToShare.optional(),
  fullNameKana: fullNameKana.nullish(),
  motivation: motivation.nullish(),
  education: education.nullish(),
  trainingCenterId: z.uuid().optional().describe('Admin only: move the trainee to another center'),
  version: z.number().int().min(1).describe('The version you last read; a stale one is refused with 409'),
});
export type CandidatePatchInput = z.output<typeof candidatePatchBody>;

export const candidateIdParams = z.object({ id: z.uuid() });

export const candidateListQuery = z.object({
  status: z.enum(CANDIDATE_STATUSES).optional(),
  homeProvinceCode: provinceCode
    .optional()
    .describe('A 2025 province code; includes the old provinces merged into it'),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      'Part of the name (accents and case ignored) or the code. Best matches first: the name as typed with its accents, then whole words, then the rest; newest first within each',
    ),
  occupationField: occupationField.optional(),
  jlptLevel: jlptLevel.optional().describe('At least this level (N3 finds N3, N2 and N1)'),
  trainingCenterId: z.uuid().optional(),
  gender: gender.optional(),
  ageMin: z.coerce.number().int().min(0).max(150).optional().describe('Age today in whole years, at least'),
  ageMax: z.coerce.number().int().min(0).max(150).optional().describe('Age today in whole years, at most'),
  ...pageQuery.shape,
});
export type CandidateListQuery = z.output<typeof candidateListQuery>;

export const transitionBody = z.strictObject({
  to: z.enum(['ready', 'withdrawn']),
  reason: z.string().trim().max(1000).optional().describe('Required when withdrawing'),
  version: z.number().int().min(1).optional().describe('If given, a stale version is refused with 409'),
});

export const importQuery = z.object({
  trainingCenterId: z
    .uuid()
    .optional()
    .describe('Admin: the center for rows without a trainingCenterId column/cell'),
});

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const timestamp = z.string().describe('ISO 8601 UTC timestamp');

/** The full record, for admin, the trainee's center and its home province. */
export const candidateOut = z.object({
  id: z.uuid(),
  code: z.string().describe('Pseudonymous public code, e.g. KH-2026-000123'),
  poolCode: z
    .string()
    .optional()
    .describe(
      'The opaque code partners see in the pool and select by, e.g. P-7KQ2M9XD4A (shown to centers and admins)',
    ),
  fullName: z.string(),
  dateOfBirth: z.string(),
  gender: z.enum(GENDERS),
  nationalId: z.string().nullable().describe('Null once anonymised under the retention rule'),
  phone: z.string().nullable(),
  homeProvinceCode: z.string(),
  provinceBoundaries: provinceBoundaries,
  homeProvince2025: z.string().describe('The 2025 unit the home province lies in'),
  occupationField: z.string(),
  jlptLevel: z.string().nullable(),
  fullNameKana: z.string().nullable(),
  motivation: z.string().nullable(),
  education: z
    .array(
      z.object({
        from: z.string(),
        to: z.string().nullable(),
        school: z.string(),
        note: z.string().nullable(),
      }),
    )
    .nullable(),
  consentToShare: z.boolean(),
  trainingCenterId: z.uuid(),
  status: z.enum(CANDIDATE_STATUSES),
  statusChangedAt: timestamp,
  version: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type CandidateOut = z.output<typeof candidateOut>;

/**
 * What a partner reads of a candidate selected for its own job order: the record without national ID,
 * phone and pool code. Identity documents stay with the sending side; these fields are not in the
 * schema, so no code path can serialise them to a partner.
 */
export const candidatePartnerOut = candidateOut.omit({ nationalId: true, phone: true, poolCode: true });
export type CandidatePartnerOut = z.output<typeof candidatePartnerOut>;

export const candidateListOut = z.object({ items: z.array(candidateOut), nextCursor: z.string().nullable() });

export const historyOut = z.object({
  items: z.array(
    z.object({
      from: z.enum(CANDIDATE_STATUSES).nullable(),
      to: z.enum(CANDIDATE_STATUSES),
      at: timestamp,
      actorId: z.uuid().nullable(),
      reason: z.string().nullable(),
    }),
  ),
});

export const importOut = z.object({
  inserted: z.number().int(),
  items: z
    .array(
      z.object({
        row: z.number().int().describe('The data row (1 = the first row after the header)'),
        code: z.string(),
        id: z.uuid(),
      }),
    )
    .describe('Each imported row with the code and id it was given, in file order'),
});
