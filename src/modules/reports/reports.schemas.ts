import { countryCodeSchema } from '../../lib/countries.ts';
import { exportParams } from '../../lib/spreadsheet.ts';
import { fieldSchema, genderSchema, programSchema } from '../../lib/vocab.ts';
import { isoDate, uuid, z } from '../../lib/zod.ts';
import { CANDIDATE_STATUSES } from '../candidates/candidates.table.ts';

/** Years outside this window are typing mistakes, and the range arithmetic stays in 4-digit years. */
const reportDate = isoDate.refine((d) => d >= '1900-01-01' && d <= '2999-12-31', {
  message: 'must be between 1900-01-01 and 2999-12-31',
});

// format (json/csv/xlsx), lang and sep: the export parameters of src/lib/spreadsheet.ts.
const format = exportParams.format;
const { lang, sep } = exportParams;

const range = {
  from: reportDate.optional().describe('First day included (YYYY-MM-DD); absent: from the first record'),
  to: reportDate.optional().describe('Last day included (YYYY-MM-DD); absent: up to the last record'),
};

const filters = {
  program: programSchema.optional().describe('Only this programme'),
  gender: genderSchema.optional().describe('Only candidates of this gender'),
  field: fieldSchema.optional().describe('Only placements in this occupation field'),
};

const destinationCountry = countryCodeSchema
  .optional()
  .describe('Only placements to this country (ISO 3166-1 alpha-2)');

const boundaries = z
  .enum(['2025', '2008'])
  .default('2025')
  .describe(
    'Province boundary set the rows are reported in: 2025 (34 units, default) or 2008 (63 units; ' +
      '2025-coded records of merged provinces come back as attributable: false rows of their 2025 unit)',
  );

const fromBeforeTo = (q: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.from > q.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
  }
};

export const provinceShareQuery = z
  .object({ ...range, boundaries, ...filters, destinationCountry, format, lang, sep })
  .superRefine(fromBeforeTo);
export type ProvinceShareQuery = z.infer<typeof provinceShareQuery>;

export const prefecturesQuery = z
  .object({ ...range, ...filters, format, lang, sep })
  .superRefine(fromBeforeTo);
export type PrefecturesQuery = z.infer<typeof prefecturesQuery>;

export const reintegrationQuery = z
  .object({ ...range, boundaries, ...filters, destinationCountry, format, lang, sep })
  .superRefine(fromBeforeTo);
export type ReintegrationQuery = z.infer<typeof reintegrationQuery>;

export const pipelineQuery = z.object({
  homeProvinceCode: z
    .string()
    .regex(/^\d{2}$/, 'must be a 2-digit province code')
    .optional()
    .describe('A 2025 province code: candidates whose home province lies in it (old provinces included)'),
  trainingCenterId: uuid.optional().describe('Only trainees of this training center'),
  format,
  lang,
  sep,
});
export type PipelineQuery = z.infer<typeof pipelineQuery>;

const count = z.number().int().nullable().describe('null when suppressed (partners see no count below 5)');
const ratio = z
  .number()
  .nullable()
  .describe('4 decimals; null when there is nothing to divide or a count is suppressed');
const suppressed = z
  .boolean()
  .describe('true when a number on this row is withheld (partner view, count below 5)');

const provinceColumns = {
  provinceCode: z.string(),
  provinceBoundaries: z.enum(['2025', '2008']).describe('The boundary set provinceCode belongs to'),
  provinceName: z.string(),
  attributable: z
    .boolean()
    .describe('false: 2025-coded records of a merged province, which cannot be split into 2008 provinces'),
};

export const provinceShareOut = z.object({
  rows: z.array(
    z.object({
      ...provinceColumns,
      departedTotal: count,
      departedJapan: count,
      japanShare: ratio,
      suppressed,
    }),
  ),
  totals: z.object({ departedTotal: count, departedJapan: count, japanShare: ratio, suppressed }),
});
export type ProvinceShareReport = z.infer<typeof provinceShareOut>;

export const prefecturesOut = z.object({
  rows: z.array(
    z.object({
      prefectureCode: z.string(),
      prefectureName: z.string(),
      prefectureNameJa: z.string(),
      departed: count,
      suppressed,
    }),
  ),
  totals: z.object({ departed: count, suppressed }),
});
export type PrefecturesReport = z.infer<typeof prefecturesOut>;

export const pipelineOut = z.object({
  rows: z.array(z.object({ status: z.enum(CANDIDATE_STATUSES), candidates: count, suppressed })),
  totals: z.object({ candidates: count, suppressed }),
});
export type PipelineReport = z.infer<typeof pipelineOut>;

export const reintegrationOut = z.object({
  rows: z.array(
    z.object({ ...provinceColumns, returned: count, reintegrated: count, rate: ratio, suppressed }),
  ),
  totals: z.object({ returned: count, reintegrated: count, rate: ratio, suppressed }),
});
export type ReintegrationReport = z.infer<typeof reintegrationOut>;
