import { type SQLWrapper, sql } from 'drizzle-orm';
import { z } from './zod.ts';

/** The Specified Skilled Worker fields (API.md), or `other`. */
export const FIELDS = [
  'nursing_care',
  'building_cleaning',
  'industrial_manufacturing',
  'construction',
  'shipbuilding',
  'automobile_repair',
  'aviation',
  'accommodation',
  'automobile_transport',
  'railway',
  'agriculture',
  'fishery',
  'food_manufacturing',
  'food_service',
  'forestry',
  'wood_industry',
  'other',
] as const;

/** Programmes; `other` is for destinations other than Japan. */
export const PROGRAMS = ['titp_1', 'titp_2', 'titp_3', 'ssw_1', 'ssw_2', 'esd', 'engineer', 'other'] as const;
export const JAPAN_PROGRAMS = PROGRAMS.filter((p) => p !== 'other');

/** A candidate's statuses, in the order of the lifecycle (DESIGN.md); `withdrawn` may end any early one. */
export const CANDIDATE_STATUSES = [
  'registered',
  'training',
  'ready',
  'selected',
  'departed',
  'returned',
  'reintegrated',
  'withdrawn',
] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];

/** JLPT levels, N1 highest. */
export const JLPT_LEVELS = ['N5', 'N4', 'N3', 'N2', 'N1'] as const;
export type JlptLevel = (typeof JLPT_LEVELS)[number];
/** N5 → 1 … N1 → 5; none → 0. */
export const jlptRank = (level: string | null | undefined) =>
  level ? JLPT_LEVELS.indexOf(level as JlptLevel) + 1 : 0;

/** The same rank in SQL (N5 → 1 … N1 → 5, none → 0), to compare levels in the database. */
export const jlptRankSql = (level: SQLWrapper) =>
  sql`(case ${level} ${sql.raw(JLPT_LEVELS.map((l, i) => `when '${l}' then ${i + 1}`).join(' '))} else 0 end)`;

export const fieldSchema = z.enum(FIELDS);
export const programSchema = z.enum(PROGRAMS);
export const jlptSchema = z.enum(JLPT_LEVELS);
export const genderSchema = z.enum(['male', 'female']);

/** `'a', 'b', …`: a vocabulary as the SQL list of a CHECK constraint (its values are code constants). */
export const sqlList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
