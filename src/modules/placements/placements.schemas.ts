import { countryCodeSchema } from '../../lib/countries.ts';
import { pageQuery } from '../../lib/pagination.ts';
import { fieldSchema, programSchema } from '../../lib/vocab.ts';
import { isoDate, z } from '../../lib/zod.ts';

export const idParams = z.object({ id: z.uuid() });

export const placementBody = z
  .strictObject({
    candidateId: z.uuid(),
    destinationCountry: countryCodeSchema.describe('ISO 3166-1 alpha-2, e.g. JP, TW, KR, DE'),
    prefectureCode: z
      .string()
      .regex(/^\d{2}$/, 'must be a 2-digit JIS prefecture code')
      .optional()
      .describe('Required when destinationCountry is JP'),
    municipality: z.string().trim().min(1).max(200).optional(),
    employerName: z.string().trim().min(1).max(300),
    program: programSchema,
    field: fieldSchema,
    contractStart: isoDate,
    contractEnd: isoDate,
  })
  .superRefine((p, ctx) => {
    if (p.destinationCountry === 'JP') {
      if (!p.prefectureCode)
        ctx.addIssue({ code: 'custom', path: ['prefectureCode'], message: 'is required for Japan' });
      if (p.program === 'other') {
        ctx.addIssue({
          code: 'custom',
          path: ['program'],
          message: 'must be a Japanese programme (titp_1 … engineer) for Japan',
        });
      }
    } else {
      if (p.prefectureCode)
        ctx.addIssue({ code: 'custom', path: ['prefectureCode'], message: 'is only for Japan' });
      if (p.program !== 'other') {
        ctx.addIssue({
          code: 'custom',
          path: ['program'],
          message: 'must be other for destinations outside Japan',
        });
      }
    }
    if (p.contractEnd < p.contractStart) {
      ctx.addIssue({ code: 'custom', path: ['contractEnd'], message: 'must not be before contractStart' });
    }
  });
export type PlacementInput = z.infer<typeof placementBody>;

/** 在留カード number: 2 letters, 8 digits, 2 letters, e.g. AB12345678CD. */
export const RESIDENCE_CARD_PATTERN = /^[A-Z]{2}\d{8}[A-Z]{2}$/;
export const residenceCardNoSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    RESIDENCE_CARD_PATTERN,
    'must be a residence card (在留カード) number: 2 letters, 8 digits, 2 letters, e.g. AB12345678CD',
  );
export const monthlyWageSchema = z
  .int()
  .min(1)
  .max(10_000_000)
  .describe('Monthly wage in yen, a positive integer');

/** The contract terms a selection may carry. */
export const contractTermsShape = {
  contractStart: isoDate.optional(),
  contractEnd: isoDate.optional().describe('After contractStart'),
  monthlyWageJpy: monthlyWageSchema.optional(),
};

/** The job as an order posts it and a placement on the order copies it: where, for whom, what. */
export const jobOutShape = {
  municipality: z.string().nullable(),
  employerName: z.string(),
  program: z.string(),
  field: z.string(),
};

const text300 = z.string().trim().min(1).max(300);

export const placementPatchBody = z
  .strictObject({
    ...contractTermsShape,
    employerName: text300.optional(),
    employerNameLatin: text300.optional().describe('The employer in Latin letters, for Vietnamese papers'),
    employerAddress: z.string().trim().min(1).max(500).optional(),
    supervisingOrg: text300.optional().describe('監理団体 / 登録支援機関'),
    residenceCardNo: residenceCardNoSchema.optional(),
    residenceCardExpiresOn: isoDate.optional(),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .describe('Required for a contract extension after departure'),
    version: z.int().min(1).describe('The version you read; a stale one is refused with 409'),
  })
  .superRefine((p, ctx) => {
    if (p.contractStart && p.contractEnd && p.contractEnd <= p.contractStart) {
      ctx.addIssue({ code: 'custom', path: ['contractEnd'], message: 'must be after contractStart' });
    }
  });
export type PlacementPatch = z.infer<typeof placementPatchBody>;

export const departBody = z.strictObject({ departedOn: isoDate });
export const returnBody = z.strictObject({
  returnedOn: isoDate,
  reason: z.enum(['completed', 'early_termination', 'other']),
});
export const cancelBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });

export const reintegrationBody = z.strictObject({
  homeEmployerId: z.uuid(),
  startedOn: isoDate,
  position: z.string().trim().min(1).max(200),
});

export const placementOut = z.object({
  id: z.uuid(),
  candidateId: z.uuid(),
  candidateCode: z.string(),
  jobOrderId: z.uuid().nullable(),
  destinationCountry: z.string(),
  prefectureCode: z.string().nullable(),
  prefectureName: z.string().nullable().describe('Japanese name of the host prefecture'),
  prefectureNameEn: z.string().nullable().describe('English name of the host prefecture'),
  ...jobOutShape,
  contractStart: z.string().nullable(),
  contractEnd: z.string().nullable(),
  monthlyWageJpy: z.number().int().nullable(),
  employerNameLatin: z.string().nullable(),
  employerAddress: z.string().nullable(),
  supervisingOrg: z.string().nullable(),
  residenceCardNo: z.string().nullable(),
  residenceCardExpiresOn: z.string().nullable(),
  homeProvinceCode: z.string().describe("The worker's home province (2025 boundaries)"),
  homeProvinceName: z.string().nullable().describe('Its Vietnamese name'),
  homeProvinceNameEn: z.string().nullable().describe('Its English name'),
  status: z.enum(['planned', 'departed', 'returned', 'cancelled']),
  departedOn: z.string().nullable(),
  returnedOn: z.string().nullable(),
  returnReason: z.string().nullable(),
  cancelReason: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.date(),
});

export const placementListQuery = z.object({
  status: z.enum(['planned', 'departed', 'returned', 'cancelled']).optional(),
  candidateId: z.uuid().optional(),
  jobOrderId: z.uuid().optional(),
  ...pageQuery.shape,
});
export const placementListOut = z.object({ items: z.array(placementOut), nextCursor: z.string().nullable() });

export const reintegrationOut = z.object({
  id: z.uuid(),
  candidateId: z.uuid(),
  placementId: z.uuid().nullable(),
  homeEmployerId: z.uuid(),
  homeEmployerName: z.string(),
  startedOn: z.string(),
  position: z.string(),
  candidateStatus: z.literal('reintegrated'),
});
export const reintegrationItemOut = reintegrationOut
  .omit({ candidateStatus: true })
  .extend({ createdAt: z.date() });
export const reintegrationListOut = z.object({ items: z.array(reintegrationItemOut) });
