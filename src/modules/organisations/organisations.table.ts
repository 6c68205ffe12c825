import { sql } from 'drizzle-orm';
import { check, index, pgTable, text } from 'drizzle-orm/pg-core';
import { columns } from '../../db/columns.ts';

/** The first columns of a body in a province: a training center, a home employer. */
const inProvince = () => ({
  id: columns.id(),
  name: text('name').notNull(),
  /** A 2025-boundary province code. */
  provinceCode: text('province_code').notNull(),
});

export const trainingCenters = pgTable(
  'training_centers',
  {
    ...inProvince(),
    licenseNo: text('license_no'),
    /** Prefix of certificate serials, e.g. LA in LA-2026-000123. */
    serialPrefix: text('serial_prefix').notNull(),
    /** Printed under the signature line of certificates (giám đốc / センター長). */
    directorName: text('director_name'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check('training_centers_serial_prefix_check', sql`${t.serialPrefix} ~ '^[A-Z]{2,6}$'`),
    index('training_centers_province_idx').on(t.provinceCode),
  ],
);

export const partners = pgTable(
  'partners',
  {
    id: columns.id(),
    name: text('name').notNull(),
    nameJa: text('name_ja'),
    kind: text('kind').notNull(),
    prefectureCode: text('prefecture_code'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check(
      'partners_kind_check',
      sql`${t.kind} in ('prefecture', 'municipality', 'supervising_org', 'employer', 'support_org', 'agency')`,
    ),
  ],
);

/** Japanese-invested firms in Viet Nam that hire returnees. */
export const homeEmployers = pgTable(
  'home_employers',
  {
    ...inProvince(),
    industrialPark: text('industrial_park'),
    sector: text('sector').notNull(),
    investorCountry: text('investor_country').notNull(),
    createdAt: columns.createdAt(),
  },
  (t) => [
    index('home_employers_province_idx').on(t.provinceCode, t.sector),
    check('home_employers_investor_country_check', sql`${t.investorCountry} ~ '^[A-Z]{2}$'`),
  ],
);

export const agreements = pgTable(
  'agreements',
  {
    id: columns.id(),
    /** The code as signed: a 2008 code for agreements signed before the 2025 merger. */
    provinceCode: text('province_code').notNull(),
    provinceBoundaries: text('province_boundaries').notNull().default('2025'),
    /** The 2025 unit the signing province lies in: the provinceCode filter keys on it. */
    province2025: text('province_2025').notNull(),
    partnerId: columns.ref('partner_id', () => partners.id),
    kind: text('kind').notNull(),
    signedOn: columns.day('signed_on').notNull(),
    fields: text('fields').array().notNull().default(sql`'{}'::text[]`),
    title: text('title'),
    createdAt: columns.createdAt(),
  },
  (t) => [
    check('agreements_kind_check', sql`${t.kind} in ('mou', 'joint_declaration', 'friendship')`),
    check('agreements_boundaries_check', sql`${t.provinceBoundaries} in ('2008', '2025')`),
    index('agreements_province_idx').on(t.province2025, t.signedOn),
    index('agreements_partner_idx').on(t.partnerId),
  ],
);
