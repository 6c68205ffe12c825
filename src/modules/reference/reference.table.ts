import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Vietnamese provincial units under both boundary sets. Codes collide across the sets
 * (80 is Long An in 2008 and Tây Ninh in 2025), so (code, boundaries) is the key.
 * `code2025` is the 2025 unit the row lies in (itself for 2025 rows).
 */
export const vnProvinces = pgTable(
  'vn_provinces',
  {
    code: text('code').notNull(),
    boundaries: text('boundaries').notNull(),
    nameVi: text('name_vi').notNull(),
    nameEn: text('name_en').notNull(),
    region: text('region'),
    unitType: text('unit_type').notNull(),
    code2025: text('code_2025').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.code, t.boundaries] }),
    check('vn_provinces_boundaries_check', sql`${t.boundaries} in ('2008', '2025')`),
    index('vn_provinces_code_2025_idx').on(t.code2025),
  ],
);

export const jpPrefectures = pgTable('jp_prefectures', {
  code: text('code').primaryKey(),
  nameJa: text('name_ja').notNull(),
  nameEn: text('name_en').notNull(),
  region: text('region').notNull(),
  regionJa: text('region_ja').notNull(),
});
