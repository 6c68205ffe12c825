import type { Column, ExportSpec, Lang } from '../../lib/spreadsheet.ts';
import { term } from '../../lib/spreadsheet.ts';
import type { Boundaries } from '../reference/reference.service.ts';
import type {
  PipelineQuery,
  PipelineReport,
  PrefecturesReport,
  ProvinceShareReport,
  ReintegrationReport,
} from './reports.schemas.ts';

// The report tables as exports (src/lib/spreadsheet.ts): columns, file name, filters, totals line.
export { csvCell, toCsv } from '../../lib/spreadsheet.ts';

/** What a file name and a title row tell of the query: the date range, the boundary set, filters. */
interface RangeQuery {
  from?: string | undefined;
  to?: string | undefined;
  program?: string | undefined;
  gender?: string | undefined;
  field?: string | undefined;
  destinationCountry?: string | undefined;
}
type ProvinceQuery = RangeQuery & { boundaries: Boundaries };

const rangeName = (q: RangeQuery) => `${q.from ?? 'start'}_${q.to ?? 'end'}`;
const rangeFilters = (q: RangeQuery): ExportSpec<unknown>['filters'] => [
  ['from', q.from],
  ['to', q.to],
  ['program', q.program],
  ['gender', q.gender],
  ['field', q.field],
  ['destinationCountry', q.destinationCountry],
];

/** A totals line: `TOTAL` under the first column of a raw CSV, the word "total" in a language. */
const TOTAL = 'TOTAL';
const totalWord = (lang: Lang | undefined) => (lang ? term('total', lang) : TOTAL);

type ProvinceRow = {
  provinceCode: string;
  provinceBoundaries: '2025' | '2008';
  provinceName: string;
  attributable: boolean | null;
};

/**
 * The province columns. In the 2008 set a merged province appears twice (its 2008 rows and the
 * 2025-coded records that cannot be split), so a labelled name says which: "Tây Ninh (2008)".
 */
function provinceColumns<R extends ProvinceRow>(q: ProvinceQuery): Column<R>[] {
  return [
    {
      key: 'provinceCode',
      kind: 'code',
      value: (r, lang) => (r.provinceCode === TOTAL ? totalWord(lang) : r.provinceCode),
    },
    { key: 'provinceBoundaries', kind: 'code' },
    {
      key: 'provinceName',
      kind: 'text',
      value: (r, lang) =>
        lang && q.boundaries === '2008' && r.provinceCode !== TOTAL
          ? `${r.provinceName} (${r.provinceBoundaries})`
          : r.provinceCode === TOTAL && lang
            ? ''
            : r.provinceName,
    },
    { key: 'attributable', kind: 'bool' },
  ];
}

const provinceTotals = (q: ProvinceQuery) => ({
  provinceCode: TOTAL,
  provinceBoundaries: q.boundaries,
  provinceName: 'Tổng cộng',
  attributable: null,
});

const suppressedColumn = { key: 'suppressed', kind: 'bool' } as const;

/**
 * A report by province (the share of Japan, reintegration): the province columns, its `counts`,
 * whether a row was withheld; a totals line.
 */
function provinceReportExport<R extends ProvinceRow, T extends object>(
  name: string,
  report: { rows: R[]; totals: T },
  q: ProvinceQuery,
  counts: Column<R | (ProvinceRow & T)>[],
): ExportSpec<R | (ProvinceRow & T)> {
  return {
    report: name,
    filename: `${name}_${q.boundaries}_${rangeName(q)}`,
    filters: [...rangeFilters(q), ['boundaries', q.boundaries]],
    columns: [...provinceColumns(q), ...counts, suppressedColumn],
    rows: report.rows,
    totals: { ...provinceTotals(q), ...report.totals },
  };
}

export const provinceShareExport = (report: ProvinceShareReport, q: ProvinceQuery) =>
  provinceReportExport('province-share', report, q, [
    { key: 'departedTotal', kind: 'int' },
    { key: 'departedJapan', kind: 'int' },
    { key: 'japanShare', kind: 'ratio' },
  ]);

export function prefecturesExport(report: PrefecturesReport, q: RangeQuery) {
  type Row = PrefecturesReport['rows'][number];
  const spec: ExportSpec<Row> = {
    report: 'prefectures',
    filename: `prefectures_${rangeName(q)}`,
    filters: rangeFilters(q),
    columns: [
      {
        key: 'prefectureCode',
        kind: 'code',
        value: (r, lang) => (r.prefectureCode === TOTAL ? totalWord(lang) : r.prefectureCode),
      },
      {
        key: 'prefectureName',
        kind: 'text',
        value: (r, lang) => (r.prefectureCode === TOTAL && lang ? '' : r.prefectureName),
      },
      {
        key: 'prefectureNameJa',
        kind: 'text',
        value: (r, lang) => (r.prefectureCode === TOTAL && lang ? '' : r.prefectureNameJa),
      },
      { key: 'departed', kind: 'int' },
      suppressedColumn,
    ],
    rows: report.rows,
    totals: { prefectureCode: TOTAL, prefectureName: 'Total', prefectureNameJa: '合計', ...report.totals },
  };
  return spec;
}

export function pipelineExport(report: PipelineReport, q: PipelineQuery) {
  type Row = { status: string; candidates: number | null; suppressed: boolean };
  const scope = [q.homeProvinceCode && `province-${q.homeProvinceCode}`, q.trainingCenterId && 'center']
    .filter(Boolean)
    .join('_');
  const spec: ExportSpec<Row> = {
    report: 'pipeline',
    filename: `pipeline${scope ? `_${scope}` : ''}`,
    filters: [
      ['homeProvinceCode', q.homeProvinceCode],
      ['trainingCenterId', q.trainingCenterId],
    ],
    columns: [
      {
        key: 'status',
        kind: 'label',
        vocab: 'candidateStatuses',
        value: (r, lang) => (r.status === TOTAL ? totalWord(lang) : r.status),
      },
      { key: 'candidates', kind: 'int' },
      suppressedColumn,
    ],
    rows: report.rows,
    totals: { status: TOTAL, ...report.totals },
  };
  return spec;
}

export const reintegrationExport = (report: ReintegrationReport, q: ProvinceQuery) =>
  provinceReportExport('reintegration', report, q, [
    { key: 'returned', kind: 'int' },
    { key: 'reintegrated', kind: 'int' },
    { key: 'rate', kind: 'ratio' },
  ]);
