/** Import trainees from the center's workbook (xlsx or CSV): all rows or none; row errors as a table. */
import { useState } from 'preact/hooks';
import { ApiError, api, type FieldProblem } from '../api.ts';
import { type Column, DownloadButton, Link, reportError, ScreenTitle, Table } from '../components/ui.tsx';
import { announce } from '../live.ts';
import { column, t } from '../strings.ts';

interface Imported {
  inserted: number;
  items: { row: number; code: string; id: string }[];
}

export function ImportScreen() {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [result, setResult] = useState<Imported | null>(null);

  const errorColumns: Column<FieldProblem>[] = [
    { key: 'row', label: t('row'), numeric: true, render: (e) => String(e.row ?? '') },
    { key: 'path', label: t('column'), render: (e) => column(e.path) },
    { key: 'message', label: t('problem') },
  ];
  const doneColumns: Column<Imported['items'][number]>[] = [
    { key: 'row', label: t('row'), numeric: true, render: (r) => String(r.row) },
    { key: 'code', label: column('code'), render: (r) => <Link to={`/trainees/${r.id}`}>{r.code}</Link> },
  ];

  return (
    <section>
      <ScreenTitle text={t('nav_import')} />
      <p>{t('importHelp')}</p>
      <div class="actions">
        <DownloadButton
          path="/candidates/import/template.xlsx"
          filename="mau-nhap-hoc-vien.xlsx"
          label={t('templateXlsx')}
        />
        <DownloadButton
          path="/candidates/import/template.csv"
          filename="mau-nhap-hoc-vien.csv"
          label={t('templateCsv')}
        />
      </div>
      <form
        class="card"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file) return;
          setBusy(true);
          setErrors([]);
          setResult(null);
          try {
            const r = await api<Imported>('POST', '/candidates/import', { body: file });
            setResult(r);
            announce(t('importDone', { n: r.inserted }));
          } catch (err) {
            if (err instanceof ApiError && err.problem.errors?.length) {
              setErrors(err.problem.errors);
              announce(t('importRejected', { n: err.problem.errors.length }), 'error');
            } else reportError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field">
          <label for="import-file">{t('importFile')}</label>
          <input
            id="import-file"
            type="file"
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
              setErrors([]);
              setResult(null);
            }}
          />
        </div>
        <div class="actions">
          <button type="submit" disabled={!file || busy} aria-busy={busy}>
            {t('importNow')}
          </button>
        </div>
      </form>
      {errors.length > 0 && (
        <>
          <h2>{t('importErrors')}</h2>
          <p>{t('importNothing')}</p>
          <Table
            caption={t('importErrors')}
            columns={errorColumns}
            rows={errors}
            rowKey={(e) => `${e.row}-${e.path}`}
          />
        </>
      )}
      {result && (
        <>
          <h2>{t('importDone', { n: result.inserted })}</h2>
          <Table caption={t('importedRows')} columns={doneColumns} rows={result.items} rowKey={(r) => r.id} />
        </>
      )}
    </section>
  );
}
