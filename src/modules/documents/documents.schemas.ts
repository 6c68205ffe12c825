import { pageQuery } from '../../lib/pagination.ts';
import { isoDate, z } from '../../lib/zod.ts';
import { REVOKE_CATEGORIES } from './documents.table.ts';

export const certificateType = z.enum(['training_completion', 'orientation']);

export const idParams = z.object({ id: z.uuid() });

export const issueBody = z.strictObject({
  enrollmentId: z.uuid().describe('A passed enrollment; the course kind decides the certificate type'),
});

export const issuedOut = z.object({
  id: z.uuid(),
  serial: z.string().describe('Per center and year, e.g. LA-2026-000123'),
  verifyCode: z.string().describe('Random code printed on the certificate; needed to verify it'),
  type: certificateType,
});

export const certificateOut = z.object({
  id: z.uuid(),
  serial: z.string(),
  verifyCode: z.string(),
  type: certificateType,
  enrollmentId: z.uuid(),
  candidateId: z.uuid(),
  trainingCenterId: z.uuid(),
  holderName: z.string(),
  courseName: z.string(),
  issuedOn: isoDate,
  revoked: z.boolean(),
  revokedAt: z.string().nullable().describe('ISO 8601 timestamp'),
  revokeReason: z.string().nullable(),
});

export const listQuery = z.object({
  candidateId: z.uuid().optional(),
  courseId: z
    .uuid()
    .optional()
    .describe("Only the certificates of this course's enrollments (a course's batch)"),
  ...pageQuery.shape,
});

export const certificateListOut = z.object({
  items: z.array(certificateOut),
  nextCursor: z.string().nullable(),
});

export const revokeBody = z.strictObject({
  category: z
    .enum(REVOKE_CATEGORIES)
    .default('other')
    .describe('What the public verification page says of the revocation'),
  reason: z
    .string()
    .trim()
    .min(3)
    .max(500)
    .describe('Why the certificate is withdrawn (kept in the audit log)'),
});

export const MAX_BATCH = 2000;

export const batchBody = z.strictObject({
  ids: z
    .array(z.uuid())
    .min(1)
    .max(MAX_BATCH)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
    .describe(`Certificates to print, one page each, in this order (at most ${MAX_BATCH})`),
});

export const verifyParams = z.object({ serial: z.string().min(1).max(40) });
export const verifyQuery = z.object({
  code: z.string().trim().min(1).max(64).describe('The verification code printed on the certificate'),
});

export const verifyOut = z.object({
  valid: z.boolean().describe('Issued and not revoked'),
  revoked: z.boolean(),
  revokedOn: isoDate.nullable().describe('The day it was revoked (Vietnam time)'),
  revokeCategory: z
    .enum(REVOKE_CATEGORIES)
    .nullable()
    .describe('Why it was revoked, as the public may read it (the reason itself stays internal)'),
  serial: z.string(),
  type: certificateType,
  holderName: z.string().describe('Family name in full, other names as initials: Nguyễn V. Đ.'),
  courseName: z.string(),
  courseKind: z.enum(['language', 'vocational', 'orientation']),
  courseStartsOn: isoDate,
  courseEndsOn: isoDate,
  courseHours: z.number().int(),
  result: z.literal('passed'),
  score: z.number().nullable(),
  jlptLevel: z.string().nullable(),
  issuedOn: isoDate,
  issuer: z.string().describe('The issuing training center and its province'),
});

export const profileQuery = z.object({
  lang: z
    .enum(['ja', 'vi'])
    .default('ja')
    .describe('ja: labels in Japanese for employers (default); vi: in Vietnamese'),
});

/** PDF routes answer a binary body; this only documents it. */
export const pdfOut = z.any().describe('application/pdf');
