import { countryCodeSchema } from '../../lib/countries.ts';
import { cursorSchema, limitSchema } from '../../lib/pagination.ts';
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
  municipality: z.string().nullable(),
  employerName: z.string(),
  program: z.string(),
  field: z.string(),
  contractStart: z.string().nullable(),
  contractEnd: z.string().nullable(),
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
  limit: limitSchema,
  cursor: cursorSchema,
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
