/**
 * Provincial officers (and admins): the monthly list of workers who departed or returned, and the
 * recruitment-cost report (SDG 10.7.1), each shown as a table and downloadable as xlsx/csv in the
 * app's language. The statistics dashboard (/dashboard) is linked.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.ts';
import {
  type Column,
  DownloadButton,
  reportError,
  ScreenTitle,
  Select,
  Table,
  useForm,
} from '../components/ui.tsx';
import { column, formatDate, formatNumber, getLang, t, vocab } from '../strings.ts';

interface Worker {
  movement: 'departed' | 'returned';
  placementId: string;
  candidateCode: string;
  fullName: string;
  dateOfBirth: string;
  nationalId: string | null;
  homeProvinceName: string | null;
  homeProvinceCode: string;
  destinationCountry: string;
  prefectureName: string | null;
  employerName: string;
  program: string;
  contractStart: string | null;
  contractEnd: string | null;
  departedOn: string | null;
  returnedOn: string | null;
}

interface CostRow {
  provinceCode: string;
  provinceName: string;
  program: string;
  workers: number | null;
  medianCostMonths: number | null;
  meanCostMonths: number | null;
  overCap: number | null;
}

/** `YYYY-MM` as the language writes a month: 11/2026, 2026年11月, 2026-11. */
export function formatMonth(ym: string): string {
  const [y, m] = ym.split('-');
  const lang = getLang();
  return lang === 'vi' ? `${m}/${y}` : lang === 'ja' ? `${y}年${Number(m)}月` : ym;
}

/** The last `n` months, newest first, as `YYYY-MM`. */
function lastMonths(n: number): string[] {
  const now = new Date();
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

const num = (n: number | null, digits = 0) =>
  n == null ? t('of_suppressed') : formatNumber(Number(n.toFixed(digits)));

/** A report loaded for a query (JSON), with the error shown in the live region. */
function useReport<T>(path: string, query: Record<string, string>): { data: T | null; busy: boolean } {
  const [data, setData] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const key = JSON.stringify(query);
  useEffect(() => {
    let live = true;
    setBusy(true);
    get<T>(path, query)
      .then((d) => live && setData(d))
      .catch((err) => reportError(err))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [path, key]);
  return { data, busy };
}

/** A filter form: its fields, then the button that applies them. */
export function Filters({
  label,
  apply,
  button,
  children,
}: {
  label: string;
  apply: () => void;
  button: string;
  children: ComponentChildren;
}) {
  return (
    <form
      class="filters"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      {children}
      <div class="actions">
        <button type="submit">{button}</button>
      </div>
    </form>
  );
}

/** The xlsx and csv buttons of a report, in the app's language. */
function Downloads({ path, name, query }: { path: string; name: string; query: Record<string, string> }) {
  const lang = getLang();
  return (
    <div class="actions">
      <DownloadButton
        path={path}
        filename={`${name}.xlsx`}
        label={t('of_downloadXlsx')}
        query={{ ...query, format: 'xlsx', lang }}
      />
      <DownloadButton
        path={path}
        filename={`${name}.csv`}
        label={t('of_downloadCsv')}
        query={{ ...query, format: 'csv', lang }}
      />
    </div>
  );
}

export function MonthlyWorkers() {
  const months = lastMonths(48);
  const form = useForm({ month: months[1]! });
  const [month, setMonth] = useState(form.values.month);
  const report = useReport<{ items: Worker[] }>('/reports/monthly-workers', { month });
  const dateCol = (key: keyof Worker): Column<Worker> => ({
    key,
    label: column(key),
    nowrap: true,
    render: (w) => formatDate(w[key] as string | null),
  });
  const columns: Column<Worker>[] = [
    { key: 'movement', label: column('movement'), render: (w) => t(`of_${w.movement}`) },
    { key: 'candidateCode', label: column('candidateCode'), nowrap: true },
    { key: 'fullName', label: column('fullName') },
    dateCol('dateOfBirth'),
    { key: 'nationalId', label: column('nationalId'), nowrap: true },
    { key: 'homeProvinceName', label: column('homeProvinceName') },
    {
      key: 'destinationCountry',
      label: column('destinationCountry'),
      render: (w) => vocab('countries', w.destinationCountry),
    },
    { key: 'prefectureName', label: column('prefectureName') },
    { key: 'employerName', label: column('employerName') },
    { key: 'program', label: column('program'), render: (w) => vocab('programs', w.program) },
    dateCol('contractStart'),
    dateCol('contractEnd'),
    dateCol('departedOn'),
    dateCol('returnedOn'),
  ];
  return (
    <section class="card" aria-labelledby="of-monthly">
      <h2 id="of-monthly">{t('of_monthly')}</h2>
      <p class="hint of-hint">{t('of_monthlyHint')}</p>
      <Filters label={t('of_monthly')} apply={() => setMonth(form.values.month)} button={t('of_show')}>
        <Select
          label={column('month')}
          options={months.map((m) => ({ value: m, label: formatMonth(m) }))}
          {...form.field('month')}
        />
      </Filters>
      <Downloads path="/reports/monthly-workers" name={`monthly-workers_${month}`} query={{ month }} />
      <Table
        caption={t('of_monthlyCaption', { month: formatMonth(month) })}
        columns={columns}
        rows={report.data?.items ?? []}
        rowKey={(w) => `${w.placementId}-${w.movement}`}
        busy={report.busy}
      />
    </section>
  );
}

export function RecruitmentCost() {
  const thisYear = new Date().getUTCFullYear();
  const years = Array.from({ length: 10 }, (_, i) => String(thisYear - i));
  const form = useForm({ year: String(thisYear - 1), boundaries: '2025' });
  const [query, setQuery] = useState(form.values);
  const report = useReport<{ rows: CostRow[] }>('/reports/recruitment-cost', query);
  const columns: Column<CostRow>[] = [
    { key: 'provinceName', label: column('provinceName') },
    { key: 'program', label: column('program'), render: (r) => vocab('programs', r.program) },
    { key: 'workers', label: column('workers'), numeric: true, render: (r) => num(r.workers) },
    {
      key: 'medianCostMonths',
      label: column('medianCostMonths'),
      numeric: true,
      render: (r) => num(r.medianCostMonths, 2),
    },
    {
      key: 'meanCostMonths',
      label: column('meanCostMonths'),
      numeric: true,
      render: (r) => num(r.meanCostMonths, 2),
    },
    { key: 'overCap', label: column('overCap'), numeric: true, render: (r) => num(r.overCap) },
  ];
  return (
    <section class="card" aria-labelledby="of-cost">
      <h2 id="of-cost">{t('of_cost')}</h2>
      <p class="hint of-hint">{t('of_costHint')}</p>
      <Filters label={t('of_cost')} apply={() => setQuery({ ...form.values })} button={t('of_show')}>
        <Select
          label={column('year')}
          options={years.map((y) => ({ value: y, label: y }))}
          {...form.field('year')}
        />
        <Select
          label={column('boundaries')}
          options={[
            { value: '2025', label: t('of_boundaries2025') },
            { value: '2008', label: t('of_boundaries2008') },
          ]}
          {...form.field('boundaries')}
        />
      </Filters>
      <Downloads path="/reports/recruitment-cost" name={`recruitment-cost_${query.year}`} query={query} />
      <Table
        caption={t('of_costCaption', { year: query.year })}
        columns={columns}
        rows={report.data?.rows ?? []}
        rowKey={(r) => `${r.provinceCode}-${r.program}`}
        busy={report.busy}
      />
    </section>
  );
}

export function OfficerReportsScreen() {
  return (
    <section>
      <ScreenTitle text={t('nav_reports')} />
      <p>
        <a href="/dashboard">{t('statisticsLink')}</a>
      </p>
      <MonthlyWorkers />
      <RecruitmentCost />
    </section>
  );
}
