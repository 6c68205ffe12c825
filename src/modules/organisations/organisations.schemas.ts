import { countryCodeSchema } from '../../lib/countries.ts';
import { pageQuery } from '../../lib/pagination.ts';
import { FIELDS, fieldSchema } from '../../lib/vocab.ts';
import { isoDate, z } from '../../lib/zod.ts';
import { boundariesSchema } from '../reference/reference.schemas.ts';

export const PARTNER_KINDS = [
  'prefecture',
  'municipality',
  'supervising_org',
  'employer',
  'support_org',
  'agency',
] as const;
export const AGREEMENT_KINDS = ['mou', 'joint_declaration', 'friendship'] as const;

/**
 * Home employers' sectors reuse the field vocabulary of API.md (the SSW fields, or `other`), so a
 * returnee's field abroad and the sector of the firm that hires them at home can be compared.
 */
export const SECTORS = FIELDS;

const name = z.string().trim().min(1).max(200);
/** A code of two digits: a province's, a prefecture's. */
const twoDigitCode = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{2}$/, `must be a 2-digit ${what}`);
const provinceCode = twoDigitCode('province code').describe(
  'Official 2-digit province code of the 2025 boundary set',
);
const prefectureCode = twoDigitCode('JIS X 0401 prefecture code').describe(
  'JIS X 0401 prefecture code, 01–47',
);
/** The fields a training center and a home employer both answer: a body in a province. */
const inProvinceOut = {
  id: z.uuid(),
  name: z.string(),
  provinceCode: z.string(),
  provinceName: z.string().nullable(),
};
const idParam = z.uuid();

export const idParams = z.object({ id: idParam });

// ── training centers ──────────────────────────────────────────────────────────────────────────────
export const createCenterBody = z.strictObject({
  name,
  provinceCode,
  licenseNo: z.string().trim().min(1).max(100).optional().describe('Licence for sending workers abroad'),
  directorName: z
    .string()
    .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, 'must not be empty').max(200))
    .optional()
    .describe('The director who signs certificates; printed under the signature space'),
  serialPrefix: z
    .string()
    .trim()
    .regex(/^[A-Z]{2,6}$/, 'must be 2–6 upper-case letters A–Z')
    .optional()
    .describe(
      'Prefix of certificate serials (LA in LA-2026-000123); defaults to the initials of the province name',
    ),
});
export type CreateCenterInput = z.infer<typeof createCenterBody>;

/** What a center may correct about itself (an admin about any): who signs, under which licence. */
export const updateCenterBody = z
  .strictObject({
    directorName: createCenterBody.shape.directorName.unwrap().nullable().optional(),
    licenseNo: createCenterBody.shape.licenseNo.unwrap().nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change directorName or licenseNo');
export type UpdateCenterInput = z.infer<typeof updateCenterBody>;

export const centersQuery = z.object({
  provinceCode: provinceCode.optional(),
  ...pageQuery.shape,
});

export const centerOut = z.object({
  ...inProvinceOut,
  licenseNo: z.string().nullable(),
  directorName: z.string().nullable(),
  serialPrefix: z.string(),
  createdAt: z.date(),
});

// ── partners ──────────────────────────────────────────────────────────────────────────────────────
export const createPartnerBody = z.strictObject({
  name: name.describe('Latin-script name, e.g. Okayama City'),
  nameJa: z.string().trim().min(1).max(200).optional().describe('Japanese name, e.g. 岡山市'),
  kind: z.enum(PARTNER_KINDS),
  prefectureCode: prefectureCode.optional(),
});
export type CreatePartnerInput = z.infer<typeof createPartnerBody>;

export const partnersQuery = z.object({
  kind: z.enum(PARTNER_KINDS).optional(),
  prefectureCode: prefectureCode.optional(),
  ...pageQuery.shape,
});

export const partnerOut = z.object({
  id: z.uuid(),
  name: z.string(),
  nameJa: z.string().nullable(),
  kind: z.enum(PARTNER_KINDS),
  prefectureCode: z.string().nullable(),
  prefectureName: z.string().nullable(),
  createdAt: z.date(),
});

// ── home employers ────────────────────────────────────────────────────────────────────────────────
export const createHomeEmployerBody = z.strictObject({
  name,
  provinceCode,
  industrialPark: z.string().trim().min(1).max(200).optional().describe('e.g. Long Hậu'),
  sector: fieldSchema.describe('The API field vocabulary (SSW fields) or other'),
  investorCountry: countryCodeSchema,
});
export type CreateHomeEmployerInput = z.infer<typeof createHomeEmployerBody>;

export const homeEmployersQuery = z.object({
  provinceCode: provinceCode.optional(),
  sector: fieldSchema.optional(),
  investorCountry: countryCodeSchema.optional(),
  ...pageQuery.shape,
});

export const homeEmployerOut = z.object({
  ...inProvinceOut,
  industrialPark: z.string().nullable(),
  sector: z.string(),
  investorCountry: z.string(),
  createdAt: z.date(),
});

// ── agreements ────────────────────────────────────────────────────────────────────────────────────
export const createAgreementBody = z
  .strictObject({
    provinceCode: twoDigitCode('province code').describe(
      'The signing province, in the boundary set given by provinceBoundaries',
    ),
    provinceBoundaries: boundariesSchema
      .default('2025')
      .describe('2008 for agreements signed by a province as it was before 1 July 2025'),
    partnerId: idParam,
    kind: z.enum(AGREEMENT_KINDS),
    signedOn: isoDate,
    fields: z.array(fieldSchema).max(FIELDS.length).describe('Fields of cooperation; may be empty'),
    title: z.string().trim().min(1).max(300).optional(),
  })
  .superRefine((a, ctx) => {
    if (new Set(a.fields).size !== a.fields.length) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: 'must not list a field twice' });
    }
    // The 2008 set ceased on 1 July 2025: an agreement signed after it names a 2025 province.
    if (a.provinceBoundaries === '2008' && a.signedOn >= '2025-07-01') {
      ctx.addIssue({
        code: 'custom',
        path: ['provinceBoundaries'],
        message: 'must be 2025 for an agreement signed on or after 2025-07-01',
      });
    }
  });
export type CreateAgreementInput = z.infer<typeof createAgreementBody>;

export const agreementsQuery = z.object({
  provinceCode: twoDigitCode('province code')
    .optional()
    .describe(
      'A 2025 code also returns agreements of the 2008 provinces merged into it; with provinceBoundaries=2008 only that old province',
    ),
  provinceBoundaries: boundariesSchema.default('2025'),
  partnerId: idParam.optional(),
  ...pageQuery.shape,
});

export const agreementOut = z.object({
  id: z.uuid(),
  provinceCode: z.string(),
  provinceBoundaries: boundariesSchema,
  provinceName: z.string().nullable(),
  provinceCode2025: z.string().describe('The 2025 unit the signing province lies in'),
  partnerId: z.uuid(),
  partnerName: z.string(),
  kind: z.enum(AGREEMENT_KINDS),
  signedOn: z.string(),
  fields: z.array(z.string()),
  title: z.string().nullable(),
  createdAt: z.date(),
});

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const centersOut = page(centerOut);
export const partnersOut = page(partnerOut);
export const homeEmployersOut = page(homeEmployerOut);
export const agreementsOut = page(agreementOut);
