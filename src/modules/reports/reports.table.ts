import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  type PgColumnBuilderBase,
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

/** The dimensions of the province rollups: home province as recorded, and the filters. */
const provinceDimensions = () => ({
  provinceCode: text('province_code').notNull(),
  boundaries: text('boundaries').notNull(),
  destinationCountry: text('destination_country').notNull(),
});
/** The dimensions only the fine rollups keep (a report filtered by them reads those). */
const filterDimensions = () => ({
  program: text('program').notNull(),
  field: text('field').notNull(),
  gender: text('gender').notNull(),
});
const prefecture = () => ({ prefectureCode: text('prefecture_code').notNull() });
const departed = () => ({ departed: integer('departed').notNull() });
const returns = () => ({
  returned: integer('returned').notNull(),
  reintegrated: integer('reintegrated').notNull(),
});

/**
 * A rollup: rows per month and per calendar year (`grain`, `period` the first day), keyed by the
 * period and its dimensions, holding its counts. `leading` names the dimensions that each get an
 * index of their own (see `fineRollup`).
 */
function rollupTable<
  N extends string,
  D extends Record<string, PgColumnBuilderBase>,
  C extends Record<string, PgColumnBuilderBase>,
>(name: N, dimensions: D, counts: C, leading: readonly (keyof D & string)[] = []) {
  return pgTable(
    name,
    {
      grain: text('grain').notNull(),
      period: date('period', { mode: 'string' }).notNull(),
      ...dimensions,
      ...counts,
    },
    (t) => {
      const columns = t as unknown as Record<string, AnyPgColumn>;
      const column = (k: string) => columns[k]!;
      const key = ['grain', 'period', ...Object.keys(dimensions)].map(column);
      const rest = [...Object.keys(dimensions), ...Object.keys(counts)];
      return [
        primaryKey({ name: `${name}_pk`, columns: key as [AnyPgColumn, ...AnyPgColumn[]] }),
        check(`${name}_grain_check`, sql`${columns.grain} in ('month', 'year')`),
        // (grain, dimension, period, then every other column): a filter on that dimension reads only
        // its own rows of the range, from the index alone.
        ...leading.map((d) =>
          index(`${name}_${column(d).name}_idx`).on(
            column('grain'),
            column(d),
            column('period'),
            ...rest.filter((k) => k !== d).map(column),
          ),
        ),
      ];
    },
  );
}

/**
 * A rollup that keeps the filter dimensions too, after its own. A report reads it only when
 * filtered by programme, field or gender, so each of those leads an index: the primary key leads with
 * the period, and a ten-year range would otherwise read every row of those years (~100,000 at
 * national volume) to keep a few thousand.
 */
const fineRollup = <
  N extends string,
  D extends Record<string, PgColumnBuilderBase>,
  C extends Record<string, PgColumnBuilderBase>,
>(
  name: N,
  dimensions: D,
  counts: C,
) => rollupTable(name, { ...dimensions, ...filterDimensions() }, counts, ['program', 'field', 'gender']);

/** Departures per month and per calendar year (`grain`), by home province as recorded and the filters. */
export const reportDepartureRollup = fineRollup('report_departure_rollup', provinceDimensions(), departed());

/** Departures to Japan per month and per year, by prefecture and the filters. */
export const reportPrefectureRollup = fineRollup('report_prefecture_rollup', prefecture(), departed());

/** Returns (by return date) per month and per year, and how many of them led to a job at home. */
export const reportReturnRollup = fineRollup('report_return_rollup', provinceDimensions(), returns());

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
export const reportDepartureTotals = rollupTable('report_departure_totals', provinceDimensions(), departed());

export const reportPrefectureTotals = rollupTable('report_prefecture_totals', prefecture(), departed());

export const reportReturnTotals = rollupTable('report_return_totals', provinceDimensions(), returns());
