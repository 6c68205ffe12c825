import { pageQuery } from '../../lib/pagination.ts';
import { fieldSchema, genderSchema, jlptSchema, programSchema } from '../../lib/vocab.ts';
import { isoDate, z } from '../../lib/zod.ts';
import { POOL_CODE_PATTERN } from '../candidates/candidates.table.ts';
import { contractTermsShape, jobOutShape } from '../placements/placements.schemas.ts';

const age = z.coerce.number().int().min(15).max(80);

/**
 * The ranges of a job order or a pool query, checked where both ends are given: ageMin ≤ ageMax and
 * interviewOn ≤ departureBy.
 */
function rangesInOrder(
  o: {
    ageMin?: number | undefined;
    ageMax?: number | undefined;
    interviewOn?: string | undefined;
    departureBy?: string | undefined;
  },
  ctx: z.RefinementCtx,
) {
  if (o.ageMin !== undefined && o.ageMax !== undefined && o.ageMin > o.ageMax) {
    ctx.addIssue({ code: 'custom', path: ['ageMax'], message: 'must be at least ageMin' });
  }
  if (o.interviewOn && o.departureBy && o.departureBy < o.interviewOn) {
    ctx.addIssue({ code: 'custom', path: ['departureBy'], message: 'must not be before interviewOn' });
  }
}

export const jobOrderBody = z
  .strictObject({
    prefectureCode: z.string().regex(/^\d{2}$/, 'must be a 2-digit JIS prefecture code'),
    municipality: z.string().trim().min(1).max(200).optional(),
    employerName: z.string().trim().min(1).max(300),
    program: programSchema.exclude(['other']),
    field: fieldSchema,
    headcount: z.number().int().min(1).max(1000),
    minJlpt: jlptSchema.optional(),
    gender: genderSchema.optional(),
    ageMin: z
      .number()
      .int()
      .min(18)
      .max(80)
      .optional()
      .describe('Law 69/2020: workers sent abroad are at least 18'),
    ageMax: z.number().int().min(18).max(80).optional(),
    interviewOn: isoDate.optional(),
    departureBy: isoDate.optional(),
    partnerId: z.uuid().optional().describe('Required for admin; a partner always posts for itself'),
  })
  .superRefine(rangesInOrder);
export type JobOrderInput = z.infer<typeof jobOrderBody>;

export const jobOrderPatchBody = z
  .strictObject({
    municipality: z.string().trim().min(1).max(200).optional(),
    employerName: z.string().trim().min(1).max(300).optional(),
    headcount: z.number().int().min(1).max(1000).optional().describe('Never below the selections made'),
    minJlpt: jlptSchema.optional(),
    gender: genderSchema.optional(),
    ageMin: z.number().int().min(18).max(80).optional(),
    ageMax: z.number().int().min(18).max(80).optional(),
    interviewOn: isoDate.optional(),
    departureBy: isoDate.optional(),
  })
  .superRefine(rangesInOrder);
export type JobOrderPatch = z.infer<typeof jobOrderPatchBody>;

export const closeBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });

export const jobOrderOut = z.object({
  id: z.uuid(),
  partnerId: z.uuid(),
  prefectureCode: z.string(),
  prefectureName: z.string().optional().describe('Japanese name of the prefecture'),
  prefectureNameEn: z.string().optional().describe('English name of the prefecture'),
  ...jobOutShape,
  headcount: z.number().int(),
  selected: z.number().int().describe('Non-cancelled placements made for this order'),
  minJlpt: z.string().nullable(),
  gender: z.string().nullable(),
  ageMin: z.number().int().nullable(),
  ageMax: z.number().int().nullable(),
  interviewOn: z.string().nullable(),
  departureBy: z.string().nullable(),
  status: z.enum(['open', 'filled', 'closed']),
  closeReason: z.string().nullable(),
  closedAt: z.date().nullable(),
  createdAt: z.date(),
});

export const jobOrderListQuery = z.object({
  status: z.enum(['open', 'filled', 'closed']).optional(),
  program: programSchema.optional(),
  field: fieldSchema.optional(),
  partnerId: z.uuid().optional(),
  ...pageQuery.shape,
});
export const jobOrderListOut = z.object({ items: z.array(jobOrderOut), nextCursor: z.string().nullable() });

export const idParams = z.object({ id: z.uuid() });

export const poolQuery = z
  .object({
    field: fieldSchema.optional(),
    minJlpt: jlptSchema.optional(),
    gender: genderSchema.optional(),
    ageMin: age.optional(),
    ageMax: age.optional(),
    homeProvinceCode: z
      .string()
      .regex(/^\d{2}$/, 'must be a 2-digit province code (2025 boundaries)')
      .optional(),
    ...pageQuery.shape,
  })
  .superRefine(rangesInOrder);
export type PoolQuery = z.infer<typeof poolQuery>;

/**
 * What a partner may see of a candidate before selecting them: no name, national ID, phone, birth
 * date or internal id. This schema is the response shape, so nothing else can be serialised.
 */
export const poolItemOut = z.object({
  code: z
    .string()
    .describe(
      'The opaque pool code (e.g. P-7KQ2M9XD4A): random, revealing neither the center nor the order of registration',
    ),
  age: z.number().int(),
  gender: z.string(),
  homeProvinceCode: z.string().describe('2025 boundaries'),
  homeProvinceName: z.string().nullable().describe('The home province in Vietnamese'),
  homeProvinceNameEn: z.string().nullable().describe('The home province in English'),
  occupationField: z.string(),
  jlptLevel: z.string().nullable(),
  coursesPassed: z.number().int(),
});
export const poolOut = z.object({ items: z.array(poolItemOut), nextCursor: z.string().nullable() });

export const matchItemOut = poolItemOut.extend({
  score: z.number(),
  scoreParts: z.object({
    jlpt: z
      .number()
      .describe('Up to 40: JLPT levels above the order minimum (10 each) plus 10 for meeting it'),
    courses: z.number().describe('Up to 30: 10 per passed course'),
    waiting: z.number().describe('Up to 30: one per 10 days ready without a placement'),
  }),
});
export const matchesQuery = pageQuery;
export const matchesOut = z.object({
  items: z.array(matchItemOut),
  nextCursor: z
    .string()
    .nullable()
    .describe('The next page of the ranking (scores as of each request: waiting time grows)'),
});

export const selectionBody = z
  .strictObject({
    candidateCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(POOL_CODE_PATTERN, 'must be a pool code such as P-7KQ2M9XD4A (the `code` of a pool item)')
      .describe('The pool code of the candidate (`code` in GET /pool and the matches)'),
    ...contractTermsShape,
  })
  .superRefine((b, ctx) => {
    if (b.contractStart && b.contractEnd && b.contractEnd <= b.contractStart) {
      ctx.addIssue({ code: 'custom', path: ['contractEnd'], message: 'must be after contractStart' });
    }
  });
export type SelectionInput = z.infer<typeof selectionBody>;
export const selectionOut = z.object({ placementId: z.uuid(), candidateId: z.uuid() });
