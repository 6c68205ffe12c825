import type { Column, ExportSpec } from '../../lib/spreadsheet.ts';
import type {
  GrievanceReport,
  GrievanceReportQuery,
  RecruitmentCostReport,
} from '../protection/protection.schemas.ts';
import type { ReferenceService } from '../reference/reference.service.ts';

/** The worker-protection reports as exports (src/lib/spreadsheet.ts): their columns and filters. */

/**
 * Which boundary set a row of a 2008 report is in: a 2008 province, or a merged 2025 unit whose
 * 2025-coded records cannot be split (named "Tây Ninh (2025)" beside "Tây Ninh (2008)").
 */
export type ProvinceSet = (code: string, name: string) => '2008' | '2025';

/**
 * The first two columns of a report by province: the code, and the name — in a 2008 report with a
 * language, marked with its boundary set (`marked`).
 */
function provinceColumns<R extends { provinceCode: string; provinceName: string }>(
  set: ProvinceSet,
  boundaries: string,
): Column<R>[] {
  return [
    { key: 'provinceCode', kind: 'code' },
    {
      key: 'provinceName',
      kind: 'text',
      value: (r, lang) =>
        lang && boundaries === '2008'
          ? `${r.provinceName} (${set(r.provinceCode, r.provinceName)})`
          : r.provinceName,
    },
  ];
}

export function recruitmentCostExport(
  report: RecruitmentCostReport,
  set: ProvinceSet,
): ExportSpec<RecruitmentCostReport['rows'][number]> {
  return {
    report: 'recruitment-cost',
    filename: `recruitment-cost_${report.year}_${report.boundaries}`,
    filters: [
      ['year', String(report.year)],
      ['boundaries', report.boundaries],
    ],
    columns: [
      ...provinceColumns(set, report.boundaries),
      { key: 'program', kind: 'label', vocab: 'programs' },
      { key: 'workers', kind: 'int' },
      { key: 'medianCostMonths', kind: 'decimal' },
      { key: 'meanCostMonths', kind: 'decimal' },
      { key: 'overCap', kind: 'int' },
      { key: 'suppressed', kind: 'bool' },
    ],
    rows: report.rows,
  };
}

export function grievancesExport(
  report: GrievanceReport,
  q: Pick<GrievanceReportQuery, 'from' | 'to' | 'boundaries'>,
  set: ProvinceSet,
): ExportSpec<GrievanceReport['rows'][number]> {
  return {
    report: 'grievances',
    filename: `grievances_${q.boundaries}_${q.from ?? 'start'}_${q.to ?? 'end'}`,
    filters: [
      ['from', q.from],
      ['to', q.to],
      ['boundaries', q.boundaries],
    ],
    columns: [
      ...provinceColumns(set, q.boundaries),
      { key: 'category', kind: 'label', vocab: 'grievanceCategories' },
      { key: 'grievances', kind: 'int' },
      { key: 'unresolved', kind: 'int' },
      { key: 'overdue', kind: 'int' },
      { key: 'suppressed', kind: 'bool' },
    ],
    rows: report.rows,
  };
}

/** The boundary set of a 2008 report's row, from the reference data. */
export const provinceSetOf =
  (reference: ReferenceService): ProvinceSet =>
  (code, name) =>
    reference.province(code, '2008')?.nameVi === name ? '2008' : '2025';
