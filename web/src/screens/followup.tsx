/** After training: alerts inbox, grievances, a placement with its letter and fee ledger. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, get } from '../api.ts';
import { ListTable } from '../components/listTable.tsx';
import {
  type Column,
  DateInput,
  Dialog,
  DownloadButton,
  Field,
  Link,
  reportError,
  ScreenTitle,
  Select,
  Table,
  useForm,
  usePagedList,
} from '../components/ui.tsx';
import { announce } from '../live.ts';
import { getSession } from '../session.ts';
import { alertMessage, column, formatDate, formatNumber, parseNumber, t, vocab } from '../strings.ts';
import { formatMoment, type Placement } from './trainee.tsx';

interface Alert {
  id: string;
  kind: string;
  dueOn: string;
  message: string;
  candidateId: string | null;
  candidateCode: string | null;
  placementId: string | null;
  raisedAt: string;
}

export function AlertsScreen() {
  const list = usePagedList<Alert>('/alerts', {});
  const [closing, setClosing] = useState<Alert | null>(null);
  const form = useForm({ note: '' });
  const columns: Column<Alert>[] = [
    { key: 'dueOn', label: t('dueOn'), render: (a) => formatDate(a.dueOn) },
    { key: 'kind', label: t('alertKind'), render: (a) => vocab('alertKinds', a.kind) },
    { key: 'message', label: t('message'), render: (a) => alertMessage(a.message) },
    {
      key: 'candidateCode',
      label: t('trainee'),
      render: (a) => (a.candidateId ? <Link to={`/trainees/${a.candidateId}`}>{a.candidateCode}</Link> : ''),
    },
    {
      key: 'close',
      label: t('actions'),
      render: (a) => (
        <button type="button" class="link" onClick={() => setClosing(a)}>
          {t('closeAlert')}
        </button>
      ),
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_alerts')} />
      <ListTable caption={t('nav_alerts')} columns={columns} rowKey={(a) => a.id} list={list} />
      <Dialog open={closing !== null} title={t('closeAlert')} onClose={() => setClosing(null)}>
        <form
          noValidate
          onSubmit={form.submit(async (v) => {
            await api('POST', `/alerts/${closing!.id}/close`, { body: v.note ? { note: v.note } : {} });
            setClosing(null);
            list.reload();
            return t('saved');
          })}
        >
          <p>{closing ? alertMessage(closing.message) : ''}</p>
          <Field {...form.field('note')} label={t('note')} />
          <div class="actions">
            <button type="submit" disabled={form.busy}>
              {t('closeAlert')}
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}

interface Grievance {
  id: string;
  candidateId: string;
  candidateCode: string;
  category: string;
  description: string;
  receivedVia: string;
  receivedAt: string;
  ackDue: string;
  resolveDue: string;
  status: string;
  overdue: boolean;
  resolution: string | null;
}

export function GrievancesScreen() {
  const [filter, setFilter] = useState({ status: '', overdue: '' });
  const list = usePagedList<Grievance>('/grievances', filter);
  const [resolving, setResolving] = useState<Grievance | null>(null);
  const resolveForm = useForm({ resolution: '' });
  const staff = getSession().me!.role !== 'province';
  const acknowledge = (g: Grievance) =>
    api('POST', `/grievances/${g.id}/acknowledge`, { body: {} }).then(() => {
      list.reload();
      announce(t('saved'));
    }, reportError);
  const columns: Column<Grievance>[] = [
    { key: 'receivedAt', label: t('receivedAt'), render: (g) => formatMoment(g.receivedAt) },
    {
      key: 'candidateCode',
      label: t('trainee'),
      render: (g) => <Link to={`/trainees/${g.candidateId}`}>{g.candidateCode}</Link>,
    },
    { key: 'category', label: t('category'), render: (g) => vocab('grievanceCategories', g.category) },
    { key: 'description', label: t('description') },
    {
      key: 'status',
      label: column('status'),
      render: (g) => (
        <>
          {vocab('grievanceStatuses', g.status)}
          {g.overdue && <span class="badge badge-danger"> {t('overdue')}</span>}
        </>
      ),
    },
    { key: 'resolveDue', label: t('resolveDue'), render: (g) => formatMoment(g.resolveDue) },
    {
      key: 'actions',
      label: t('actions'),
      render: (g) =>
        staff && g.status !== 'resolved' ? (
          <span class="actions">
            {g.status === 'open' && (
              <button type="button" class="link" onClick={() => acknowledge(g)}>
                {t('acknowledge')}
              </button>
            )}
            <button type="button" class="link" onClick={() => setResolving(g)}>
              {t('resolve')}
            </button>
          </span>
        ) : (
          (g.resolution ?? '')
        ),
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_grievances')} />
      <div class="filters">
        <Select
          name="g-status"
          label={column('status')}
          group="grievanceStatuses"
          empty={t('all')}
          value={filter.status}
          onValue={(x) => setFilter({ ...filter, status: x })}
        />
        <Select
          name="g-overdue"
          label={t('overdue')}
          options={[{ value: 'true', label: t('yes') }]}
          empty={t('all')}
          value={filter.overdue}
          onValue={(x) => setFilter({ ...filter, overdue: x })}
        />
      </div>
      <ListTable caption={t('nav_grievances')} columns={columns} rowKey={(g) => g.id} list={list} />
      <Dialog open={resolving !== null} title={t('resolve')} onClose={() => setResolving(null)}>
        <form
          noValidate
          onSubmit={resolveForm.submit(async (v) => {
            await api('POST', `/grievances/${resolving!.id}/resolve`, { body: v });
            setResolving(null);
            list.reload();
            return t('saved');
          })}
        >
          <p>{resolving?.description}</p>
          <Field {...resolveForm.field('resolution')} label={t('resolution')} required />
          <div class="actions">
            <button type="submit" disabled={resolveForm.busy}>
              {t('resolve')}
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}

interface Fee {
  id: string;
  category: string;
  payer: string;
  amount: number;
  currency: string;
  amountJpy: number;
  paidOn: string;
  receiptNo: string | null;
  source: string;
  direction: string;
}
interface FeeLedger {
  items: Fee[];
  summary: {
    workerPaidJpy: number;
    capJpy: number | null;
    overCapJpy: number;
    status: 'ok' | 'over_cap';
    rules: { rule: string; status: string }[];
  };
}

/** A placement: its terms, the placement letter, and the fee ledger with the caps on what the worker pays. */
export function PlacementScreen({ id }: { id: string }) {
  const [p, setP] = useState<(Placement & { candidateId: string }) | null>(null);
  const [ledger, setLedger] = useState<FeeLedger | null>(null);
  const [tick, setTick] = useState(0);
  const staff = ['center', 'admin'].includes(getSession().me!.role);
  const form = useForm({
    category: '',
    payer: 'worker',
    amount: '',
    currency: 'VND',
    rateToJpy: '',
    paidOn: '',
    receiptNo: '',
    source: 'receipt',
  });
  useEffect(() => {
    Promise.all([
      get<Placement & { candidateId: string }>(`/placements/${id}`),
      get<FeeLedger>(`/placements/${id}/fees`),
    ]).then(([pl, l]) => {
      setP(pl);
      setLedger(l);
    }, reportError);
  }, [id, tick]);
  if (!p) return <p>{t('loading')}</p>;
  const columns: Column<Fee>[] = [
    { key: 'paidOn', label: t('paidOn'), render: (f) => formatDate(f.paidOn) },
    { key: 'category', label: t('category'), render: (f) => vocab('feeCategories', f.category) },
    {
      key: 'amount',
      label: t('amount'),
      numeric: true,
      render: (f) => `${formatNumber(f.amount)} ${f.currency}`,
    },
    { key: 'amountJpy', label: t('amountJpy'), numeric: true, render: (f) => formatNumber(f.amountJpy) },
    { key: 'source', label: t('feeSource'), render: (f) => vocab('feeSources', f.source) },
    { key: 'receiptNo', label: t('receiptNo'), render: (f) => f.receiptNo ?? '' },
  ];
  return (
    <section>
      <ScreenTitle text={`${p.employerName} — ${p.candidateCode}`} />
      <div class="card">
        <dl class="facts">
          <dt>{t('trainee')}</dt>
          <dd>
            <Link to={`/trainees/${p.candidateId}`}>{p.candidateCode}</Link>
          </dd>
          <dt>{column('destinationCountry')}</dt>
          <dd>
            {vocab('countries', p.destinationCountry)}
            {p.prefectureName
              ? ` — ${getSession().lang === 'ja' ? p.prefectureName : p.prefectureNameEn}`
              : ''}
          </dd>
          <dt>{column('program')}</dt>
          <dd>{vocab('programs', p.program)}</dd>
          <dt>{column('field')}</dt>
          <dd>{vocab('fields', p.field)}</dd>
          <dt>{column('status')}</dt>
          <dd>{vocab('placementStatuses', p.status)}</dd>
          <dt>{t('period')}</dt>
          <dd>
            {formatDate(p.contractStart)} – {formatDate(p.contractEnd)}
          </dd>
        </dl>
      </div>
      <div class="actions">
        <DownloadButton
          path={`/placements/${id}/letter.pdf`}
          filename={`letter-${p.candidateCode}.pdf`}
          label={t('printLetter')}
        />
      </div>
      <h2>{t('feeLedger')}</h2>
      {ledger && (
        <p class={ledger.summary.status === 'over_cap' ? 'error' : undefined}>
          {t('workerPaid', {
            paid: formatNumber(ledger.summary.workerPaidJpy),
            cap: ledger.summary.capJpy === null ? t('none') : formatNumber(ledger.summary.capJpy),
          })}
          {ledger.summary.status === 'over_cap' &&
            ` ${t('overCap', { over: formatNumber(ledger.summary.overCapJpy) })}`}
        </p>
      )}
      <Table caption={t('feeLedger')} columns={columns} rows={ledger?.items ?? []} rowKey={(f) => f.id} />
      {staff && (
        <form
          noValidate
          class="card"
          onSubmit={form.submit(async (x) => {
            await api('POST', `/placements/${id}/fees`, {
              body: {
                category: x.category || undefined,
                payer: x.payer,
                amount: x.amount ? parseNumber(x.amount) : undefined,
                currency: x.currency,
                rateToJpy: x.rateToJpy ? parseNumber(x.rateToJpy) : undefined,
                paidOn: x.paidOn || undefined,
                receiptNo: x.receiptNo || undefined,
                source: x.source,
              },
            });
            setTick((n) => n + 1);
            return t('saved');
          })}
        >
          <h3>{t('addFee')}</h3>
          <div class="form-grid">
            <Select
              {...form.field('category')}
              label={t('category')}
              required
              group="feeCategories"
              empty=""
            />
            <Select
              {...form.field('payer')}
              label={t('payer')}
              required
              options={['worker', 'employer', 'other'].map((x) => ({
                value: x,
                label: t(`payer_${x}` as 'payer_worker'),
              }))}
            />
            <Field {...form.field('amount')} label={t('amount')} required inputMode="decimal" />
            <Select
              {...form.field('currency')}
              label={t('currency')}
              required
              options={['VND', 'JPY', 'USD'].map((x) => ({ value: x, label: x }))}
            />
            <Field {...form.field('rateToJpy')} label={t('rateToJpy')} inputMode="decimal" />
            <DateInput {...form.field('paidOn')} label={t('paidOn')} required />
            <Field {...form.field('receiptNo')} label={t('receiptNo')} />
            <Select {...form.field('source')} label={t('feeSource')} required group="feeSources" />
          </div>
          <div class="actions">
            <button type="submit" disabled={form.busy}>
              {t('addFee')}
            </button>
          </div>
        </form>
      )}
      {staff && <GrievanceForm candidateId={p.candidateId} />}
    </section>
  );
}

/** The grievance form's inputs, named apart from the API's paths: its page has a fee form with a `category`. */
const GRIEVANCE_FIELDS = {
  category: 'grievanceCategory',
  description: 'grievanceDescription',
  receivedVia: 'grievanceReceivedVia',
} as const;

/**
 * A grievance of the placed worker, received now (POST /grievances: center, admin and the partner
 * of the worker's placement). The API's field errors land under their inputs.
 */
export function GrievanceForm({ candidateId }: { candidateId: string }) {
  const form = useForm({ grievanceCategory: '', grievanceDescription: '', grievanceReceivedVia: '' });
  return (
    <form
      noValidate
      class="card"
      aria-labelledby="grievance-form-title"
      onSubmit={form.submit(async (x) => {
        try {
          await api('POST', '/grievances', {
            body: {
              candidateId,
              category: x.grievanceCategory || undefined,
              description: x.grievanceDescription,
              receivedVia: x.grievanceReceivedVia,
              receivedAt: new Date().toISOString(),
            },
          });
        } catch (err) {
          // The API's paths → this form's inputs.
          if (err instanceof ApiError)
            for (const [path, input] of Object.entries(GRIEVANCE_FIELDS))
              if (path in err.fields) {
                err.fields[input] = err.fields[path]!;
                delete err.fields[path];
              }
          throw err;
        }
        form.set('grievanceDescription', '');
        return t('grievanceFiled');
      })}
    >
      <h2 id="grievance-form-title">{t('newGrievance')}</h2>
      <div class="form-grid">
        <Select
          {...form.field('grievanceCategory')}
          label={t('category')}
          required
          group="grievanceCategories"
          empty=""
        />
        <Field {...form.field('grievanceDescription')} label={t('description')} required />
        <Field
          {...form.field('grievanceReceivedVia')}
          label={t('receivedVia')}
          required
          hint={t('receivedViaHint')}
        />
      </div>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {t('fileGrievance')}
        </button>
      </div>
    </form>
  );
}
