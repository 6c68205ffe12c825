import { pageQuery } from '../../lib/pagination.ts';
import { jlptSchema } from '../../lib/vocab.ts';
import { isoDate, z } from '../../lib/zod.ts';

export const COURSE_KINDS = ['language', 'vocational', 'orientation'] as const;
export const OUTCOMES = ['passed', 'failed', 'withdrawn'] as const;

export const courseKindSchema = z.enum(COURSE_KINDS);
export const outcomeSchema = z.enum(OUTCOMES);

export const idParams = z.object({ id: z.uuid() });

export const createCourseBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    kind: courseKindSchema.describe('orientation = the pre-departure course Law 69/2020/QH14 requires'),
    startsOn: isoDate,
    endsOn: isoDate.describe('On or after startsOn'),
    hours: z.int().min(1).max(10_000).describe('Teaching hours, more than 0'),
    capacity: z.int().min(1).max(10_000).optional().describe('Seats; no limit when absent'),
    trainingCenterId: z.uuid().optional().describe('Required for admin; a center user gets its own'),
  })
  .superRefine((c, ctx) => {
    if (c.endsOn < c.startsOn) {
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'must be on or after startsOn' });
    }
  });
export type CreateCourseInput = z.infer<typeof createCourseBody>;

export const coursesQuery = z.object({
  kind: courseKindSchema.optional(),
  trainingCenterId: z.uuid().optional(),
  ...pageQuery.shape,
});
export type CoursesQuery = z.infer<typeof coursesQuery>;

export const courseOut = z.object({
  id: z.uuid(),
  trainingCenterId: z.uuid(),
  name: z.string(),
  kind: courseKindSchema,
  startsOn: z.string(),
  endsOn: z.string(),
  hours: z.number(),
  capacity: z.number().nullable(),
  enrolled: z.number().describe('Enrollments holding a seat (every one not withdrawn)'),
  createdAt: z.date(),
});

export const coursePatchBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  startsOn: isoDate.optional(),
  endsOn: isoDate.optional().describe('On or after startsOn'),
  hours: z.int().min(1).max(10_000).optional(),
  capacity: z.int().min(1).max(10_000).optional().describe('Never below the seats taken'),
});
export type CoursePatch = z.infer<typeof coursePatchBody>;

export const enrollBody = z.strictObject({
  candidateId: z.uuid(),
  lateEntryReason: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .optional()
    .describe("Required after the course's endsOn: the late entry of a past enrollment (audited as such)"),
});
export type EnrollInput = z.infer<typeof enrollBody>;

export const resultBody = z.strictObject({
  outcome: outcomeSchema,
  score: z.number().min(0).max(100).optional().describe('0–100 (stored to two decimals)'),
  jlptLevel: jlptSchema
    .optional()
    .describe('Level reached (language courses); a pass raises the candidate’s JLPT level if higher'),
});
export type ResultInput = z.infer<typeof resultBody>;

export const resultCorrectionBody = z.strictObject({
  outcome: outcomeSchema.optional(),
  score: z.number().min(0).max(100).optional(),
  jlptLevel: jlptSchema.optional(),
  reason: z.string().trim().min(1).max(1000).describe('Why the recorded result is corrected (audited)'),
});
export type ResultCorrection = z.infer<typeof resultCorrectionBody>;

export const enrollmentOut = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  courseName: z.string(),
  courseKind: courseKindSchema,
  courseStartsOn: z.string(),
  courseEndsOn: z.string(),
  candidateId: z.uuid(),
  candidateCode: z.string(),
  candidateName: z.string(),
  outcome: outcomeSchema.nullable(),
  score: z.number().nullable(),
  jlptLevel: jlptSchema.nullable(),
  enrolledAt: z.date(),
  resultAt: z.date().nullable(),
});

export { pageQuery };

export const coursesOut = z.object({ items: z.array(courseOut), nextCursor: z.string().nullable() });
export const enrollmentsOut = z.object({ items: z.array(enrollmentOut), nextCursor: z.string().nullable() });
