import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';
import { partners, trainingCenters } from '../organisations/organisations.table.ts';

export const users = pgTable(
  'users',
  {
    id: columns.id(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull(),
    trainingCenterId: uuid('training_center_id').references(() => trainingCenters.id),
    /** A 2025-boundary province code. */
    provinceCode: text('province_code'),
    partnerId: uuid('partner_id').references(() => partners.id),
    createdAt: columns.createdAt(),
    /** A disabled user cannot log in, and every token it holds stops working. */
    disabled: boolean('disabled').notNull().default(false),
    /**
     * Carried in every token issued at login and compared on each request: bumped when the user is
     * disabled, re-roled, re-scoped, reset or changes password, so earlier tokens stop working.
     */
    tokenVersion: integer('token_version').notNull().default(0),
    /** Set by an admin reset and for a generated first admin: every call but a password change → 403. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    lastLoginAt: columns.at('last_login_at'),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(t.email),
    index('users_role_email_idx').on(t.role, t.email),
    check('users_role_check', sql`${t.role} in ('admin', 'center', 'province', 'partner')`),
    // The scope column matching the role is set, and no other.
    check(
      'users_scope_check',
      sql`(${t.role} = 'admin' and ${t.trainingCenterId} is null and ${t.provinceCode} is null and ${t.partnerId} is null)
       or (${t.role} = 'center' and ${t.trainingCenterId} is not null and ${t.provinceCode} is null and ${t.partnerId} is null)
       or (${t.role} = 'province' and ${t.provinceCode} is not null and ${t.trainingCenterId} is null and ${t.partnerId} is null)
       or (${t.role} = 'partner' and ${t.partnerId} is not null and ${t.trainingCenterId} is null and ${t.provinceCode} is null)`,
    ),
  ],
);
