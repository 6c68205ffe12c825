import { ROLES, SCOPE_FIELD } from '../../lib/actor.ts';
import { pageQuery } from '../../lib/pagination.ts';
import { z } from '../../lib/zod.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './users.policy.ts';

export const roleSchema = z.enum(ROLES);

export const userOut = z.object({
  id: z.uuid(),
  email: z.string(),
  role: roleSchema,
  trainingCenterId: z.uuid().nullable(),
  provinceCode: z.string().nullable(),
  partnerId: z.uuid().nullable(),
});

/** The signed-in user: with `mustChangePassword`, every call but POST /me/password and GET /me is 403. */
export const meOut = userOut.extend({
  mustChangePassword: z.boolean().describe('Until the password is changed, only POST /me/password works'),
});

/** A user as an admin manages it. */
export const accountOut = meOut.extend({
  disabled: z.boolean(),
  lastLoginAt: z.date().nullable(),
});

export const accountListOut = z.object({ items: z.array(accountOut), nextCursor: z.string().nullable() });

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()).describe('The email the user was created with'),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const loginOut = z.object({ token: z.string(), expiresIn: z.string(), user: meOut });

const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH)
  .max(PASSWORD_MAX_LENGTH)
  .describe(`At least ${PASSWORD_MIN_LENGTH} characters, not the email, not a common password`);

const scopeFields = {
  trainingCenterId: z.uuid().optional(),
  provinceCode: z
    .string()
    .regex(/^\d{2}$/, 'must be a 2-digit province code')
    .optional(),
  partnerId: z.uuid().optional(),
};

// The scope field each role needs (SCOPE_FIELD, DESIGN.md): the one matching the role is required, no other allowed.

function scopeMatchesRole(
  u: { role?: string; trainingCenterId?: string; provinceCode?: string; partnerId?: string },
  ctx: z.RefinementCtx,
) {
  if (!u.role) return;
  for (const [role, field] of Object.entries(SCOPE_FIELD)) {
    if (u.role === role && !u[field]) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is required for the ${role} role` });
    }
    if (u.role !== role && u[field]) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is only for the ${role} role` });
    }
  }
}

export const createUserBody = z
  .strictObject({
    email: z.string().trim().toLowerCase().pipe(z.email()),
    password,
    role: roleSchema,
    ...scopeFields,
  })
  .superRefine(scopeMatchesRole);

export type CreateUserInput = z.infer<typeof createUserBody>;

export const userIdParams = z.object({ id: z.uuid() });

export const usersQuery = z.strictObject({
  role: roleSchema.optional(),
  disabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only disabled users; false: only enabled ones'),
  ...pageQuery.shape,
});

export type UsersQuery = z.infer<typeof usersQuery>;

/**
 * A change of role names the scope field of the new role (and no other); without `role`, a scope
 * field given must be the one of the user's current role.
 */
export const updateUserBody = z
  .strictObject({
    role: roleSchema.optional(),
    ...scopeFields,
    disabled: z.boolean().optional(),
  })
  .superRefine(scopeMatchesRole);

export type UpdateUserInput = z.infer<typeof updateUserBody>;

export const resetPasswordOut = z.object({
  temporaryPassword: z
    .string()
    .describe('Shown once: give it to the user, who must change it at the next login'),
});

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: password,
});
