import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { partners, trainingCenters } from '../organisations/organisations.table.ts';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull(),
    trainingCenterId: uuid('training_center_id').references(() => trainingCenters.id),
    /** A 2025-boundary province code. */
    provinceCode: text('province_code'),
    partnerId: uuid('partner_id').references(() => partners.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(t.email),
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
