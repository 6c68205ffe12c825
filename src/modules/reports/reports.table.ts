import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';

/*
 * Report tables, maintained ONLY by the PostgreSQL triggers in src/db/sql/reports_rollups.sql, in the
 * same transaction as the change to placements, candidates or reintegrations — whichever code path
 * writes those rows. Never write to them from TypeScript; `select reports_rebuild()` recomputes them
 * from the raw tables (after a bulk load with triggers off).
 */

/**
 * One row per placement that has departed: the placement joined with what reports need from its
 * candidate (home province as recorded, gender) and whether the return led to a job at home. Reports
 * read it for the partial months at the edges of a date range, without a join.
 */
export const reportPlacementFacts = pgTable(
  'report_placement_facts',
  {
    placementId: uuid('placement_id').primaryKey(),
    candidateId: uuid('candidate_id').notNull(),
    departedOn: date('departed_on', { mode: 'string' }).notNull(),
    returnedOn: date('returned_on', { mode: 'string' }),
    /** The candidate's home province as recorded, with the boundary set it was recorded in. */
    provinceCode: text('province_code').notNull(),
    boundaries: text('boundaries').notNull(),
    destinationCountry: text('destination_country').notNull(),
    /** '' outside Japan, so it can sit in a primary key. */
    prefectureCode: text('prefecture_code').notNull(),
    program: text('program').notNull(),
    field: text('field').notNull(),
    gender: text('gender').notNull(),
    reintegrated: boolean('reintegrated').notNull(),
  },
  (t) => [
    // Covering (index-only scans) for the days at the edges of a range.
    index('report_placement_facts_departed_idx').on(
      t.departedOn,
      t.provinceCode,
      t.boundaries,
      t.destinationCountry,
      t.prefectureCode,
      t.program,
      t.field,
      t.gender,
    ),
    index('report_placement_facts_returned_idx')
      .on(
        t.returnedOn,
        t.provinceCode,
        t.boundaries,
        t.destinationCountry,
        t.program,
        t.field,
        t.gender,
        t.reintegrated,
      )
      .where(sql`${t.returnedOn} is not null`),
    index('report_placement_facts_candidate_idx').on(t.candidateId),
  ],
);

const grainCheck = (name: string, column: unknown) => check(name, sql`${column} in ('month', 'year')`);

/** The dimensions of the province rollups: period (`grain` month or year), home province as recorded, filters. */
const provinceRollupColumns = () => ({
  grain: text('grain').notNull(),
  period: date('period', { mode: 'string' }).notNull(),
  provinceCode: text('province_code').notNull(),
  boundaries: text('boundaries').notNull(),
  destinationCountry: text('destination_country').notNull(),
  program: text('program').notNull(),
  field: text('field').notNull(),
  gender: text('gender').notNull(),
});

type ProvinceRollupColumns = ReturnType<typeof provinceRollupColumns>;
const provinceRollupKey = (t: { [K in keyof ProvinceRollupColumns]: AnyPgColumn }) =>
  [t.grain, t.period, t.provinceCode, t.boundaries, t.destinationCountry, t.program, t.field, t.gender] as [
    AnyPgColumn,
    ...AnyPgColumn[],
  ];

/** Departures per month and per calendar year (`grain`), by home province as recorded and the filters. */
export const reportDepartureRollup = pgTable(
  'report_departure_rollup',
  { ...provinceRollupColumns(), departed: integer('departed').notNull() },
  (t) => [
    primaryKey({ name: 'report_departure_rollup_pk', columns: provinceRollupKey(t) }),
    grainCheck('report_departure_rollup_grain_check', t.grain),
  ],
);

/** Departures to Japan per month and per year, by prefecture and the filters. */
export const reportPrefectureRollup = pgTable(
  'report_prefecture_rollup',
  {
    grain: text('grain').notNull(),
    period: date('period', { mode: 'string' }).notNull(),
    prefectureCode: text('prefecture_code').notNull(),
    program: text('program').notNull(),
    field: text('field').notNull(),
    gender: text('gender').notNull(),
    departed: integer('departed').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'report_prefecture_rollup_pk',
      columns: [t.grain, t.period, t.prefectureCode, t.program, t.field, t.gender],
    }),
    grainCheck('report_prefecture_rollup_grain_check', t.grain),
  ],
);

/** Returns (by return date) per month and per year, and how many of them led to a job at home. */
export const reportReturnRollup = pgTable(
  'report_return_rollup',
  {
    ...provinceRollupColumns(),
    returned: integer('returned').notNull(),
    reintegrated: integer('reintegrated').notNull(),
  },
  (t) => [
    primaryKey({ name: 'report_return_rollup_pk', columns: provinceRollupKey(t) }),
    grainCheck('report_return_rollup_grain_check', t.grain),
  ],
);

/** Candidates per (2025 home province, training center, status): the pipeline report. */
export const reportPipelineRollup = pgTable(
  'report_pipeline_rollup',
  {
    province2025: text('province_2025').notNull(),
    trainingCenterId: uuid('training_center_id').notNull(),
    status: text('status').notNull(),
    candidates: integer('candidates').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'report_pipeline_rollup_pk',
      columns: [t.province2025, t.trainingCenterId, t.status],
    }),
  ],
);

/*
 * The same rollups without the programme/field/gender dimensions: a report without those filters
 * (the common case, and the one with the 100 ms target) reads ~10× fewer rows.
 */
export const reportDepartureTotals = pgTable(
  'report_departure_totals',
  {
    grain: text('grain').notNull(),
    period: date('period', { mode: 'string' }).notNull(),
    provinceCode: text('province_code').notNull(),
    boundaries: text('boundaries').notNull(),
    destinationCountry: text('destination_country').notNull(),
    departed: integer('departed').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'report_departure_totals_pk',
      columns: [t.grain, t.period, t.provinceCode, t.boundaries, t.destinationCountry],
    }),
    grainCheck('report_departure_totals_grain_check', t.grain),
  ],
);

export const reportPrefectureTotals = pgTable(
  'report_prefecture_totals',
  {
    grain: text('grain').notNull(),
    period: date('period', { mode: 'string' }).notNull(),
    prefectureCode: text('prefecture_code').notNull(),
    departed: integer('departed').notNull(),
  },
  (t) => [
    primaryKey({ name: 'report_prefecture_totals_pk', columns: [t.grain, t.period, t.prefectureCode] }),
    grainCheck('report_prefecture_totals_grain_check', t.grain),
  ],
);

export const reportReturnTotals = pgTable(
  'report_return_totals',
  {
    grain: text('grain').notNull(),
    period: date('period', { mode: 'string' }).notNull(),
    provinceCode: text('province_code').notNull(),
    boundaries: text('boundaries').notNull(),
    destinationCountry: text('destination_country').notNull(),
    returned: integer('returned').notNull(),
    reintegrated: integer('reintegrated').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'report_return_totals_pk',
      columns: [t.grain, t.period, t.provinceCode, t.boundaries, t.destinationCountry],
    }),
    grainCheck('report_return_totals_grain_check', t.grain),
  ],
);
