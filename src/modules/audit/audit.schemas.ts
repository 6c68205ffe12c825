import { pageQuery } from '../../lib/pagination.ts';
import { z } from '../../lib/zod.ts';

export const auditQuery = z.object({
  entity: z
    .enum([
      'candidate',
      'placement',
      'certificate',
      'user',
      'job_order',
      'enrollment',
      'course',
      'disclosure',
    ])
    .describe("disclosure: a partner was shown a selected candidate's full record (entityId = candidate)")
    .optional(),
  entityId: z.string().max(100).optional(),
  ...pageQuery.shape,
});

export const auditEntryOut = z.object({
  at: z.date(),
  actorId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});

export const auditListOut = z.object({ items: z.array(auditEntryOut), nextCursor: z.string().nullable() });
