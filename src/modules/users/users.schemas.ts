import { z } from '../../lib/zod.ts';
import { ROLES } from '../../plugins/auth.ts';

export const roleSchema = z.enum(ROLES);

export const userOut = z.object({
  id: z.uuid(),
  email: z.string(),
  role: roleSchema,
  trainingCenterId: z.uuid().nullable(),
  provinceCode: z.string().nullable(),
  partnerId: z.uuid().nullable(),
});

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()).describe('The email the user was created with'),
  password: z.string().min(1).max(200),
});

export const loginOut = z.object({ token: z.string(), expiresIn: z.string(), user: userOut });

export const createUserBody = z
  .strictObject({
    email: z.string().trim().toLowerCase().pipe(z.email()),
    password: z.string().min(10).max(200).describe('At least 10 characters'),
    role: roleSchema,
    trainingCenterId: z.uuid().optional(),
    provinceCode: z
      .string()
      .regex(/^\d{2}$/, 'must be a 2-digit province code')
      .optional(),
    partnerId: z.uuid().optional(),
  })
  .superRefine((u, ctx) => {
    const required = { center: 'trainingCenterId', province: 'provinceCode', partner: 'partnerId' } as const;
    for (const [role, field] of Object.entries(required)) {
      if (u.role === role && !u[field]) {
        ctx.addIssue({ code: 'custom', path: [field], message: `is required for the ${role} role` });
      }
      if (u.role !== role && u[field]) {
        ctx.addIssue({ code: 'custom', path: [field], message: `is only for the ${role} role` });
      }
    }
  });

export type CreateUserInput = z.infer<typeof createUserBody>;
