import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { partners } from '../organisations/organisations.table.ts';

export const jobOrders = pgTable(
  'job_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id),
    prefectureCode: text('prefecture_code').notNull(),
    municipality: text('municipality'),
    employerName: text('employer_name').notNull(),
    program: text('program').notNull(),
    field: text('field').notNull(),
    headcount: integer('headcount').notNull(),
    minJlpt: text('min_jlpt'),
    gender: text('gender'),
    ageMin: integer('age_min'),
    ageMax: integer('age_max'),
    interviewOn: date('interview_on', { mode: 'string' }),
    departureBy: date('departure_by', { mode: 'string' }),
    status: text('status').$type<'open' | 'filled' | 'closed'>().notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('job_orders_headcount_check', sql`${t.headcount} >= 1`),
    check(
      'job_orders_age_check',
      sql`${t.ageMin} is null or ${t.ageMax} is null or ${t.ageMin} <= ${t.ageMax}`,
    ),
    check('job_orders_status_check', sql`${t.status} in ('open', 'filled', 'closed')`),
    check('job_orders_gender_check', sql`${t.gender} is null or ${t.gender} in ('male', 'female')`),
    index('job_orders_partner_idx').on(t.partnerId, t.createdAt),
  ],
);
