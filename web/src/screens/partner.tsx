/**
 * Japanese partners (and admins): the anonymised pool with its filters; job orders — create, edit,
 * close; an order's matches with the score explained, and the selection with contract terms; the
 * candidates selected for it with their profile sheets. Partners never see a national ID or phone:
 * the API's partner shapes have none, and nothing here asks for them.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, get, type Page } from '../api.ts';
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
import { prefectureName, provinceName, usePrefectures, useProvinces } from '../data.ts';
import { announce } from '../live.ts';
import { navigate } from '../router.ts';
import { getSession } from '../session.ts';
import {
  column,
  formatDate,
  formatNumber,
  JLPT_LEVELS,
  t,
  type VocabGroup,
  vocab,
  vocabKeys,
} from '../strings.ts';

export interface PoolItem {
  code: string;
  age: number;
  gender: string;
  homeProvinceCode: string;
  homeProvinceName: string | null;
  homeProvinceNameEn: string | null;
  occupationField: string;
  jlptLevel: string | null;
  coursesPassed: number;
}
interface MatchItem extends PoolItem {
  score: number;
  scoreParts: { jlpt: number; courses: number; waiting: number };
}
export interface JobOrder {
  id: string;
  partnerId: string;
  prefectureCode: string;
  prefectureName?: string;
  prefectureNameEn?: string;
  municipality: string | null;
  employerName: string;
  program: string;
  field: string;
  headcount: number;
  selected: number;
  minJlpt: string | null;
  gender: string | null;
  ageMin: number | null;
  ageMax: number | null;
  interviewOn: string | null;
  departureBy: string | null;
  status: 'open' | 'filled' | 'closed';
  closeReason: string | null;
}
export interface PartnerPlacement {
  id: string;
  candidateId: string;
  candidateCode: string;
  jobOrderId: string | null;
  destinationCountry: string;
  prefectureCode: string | null;
  prefectureName: string | null;
  prefectureNameEn: string | null;
  municipality: string | null;
  employerName: string;
  program: string;
  field: string;
  contractStart: string | null;
  contractEnd: string | null;
  monthlyWageJpy: number | null;
  employerNameLatin: string | null;
  employerAddress: string | null;
  supervisingOrg: string | null;
  residenceCardNo: string | null;
  residenceCardExpiresOn: string | null;
  status: string;
  departedOn: string | null;
  returnedOn: string | null;
  version: number;
}

export const jlptOptions = () => JLPT_LEVELS.map((l) => ({ value: l, label: l }));
/** The profile sheet in the language of the page when it is Vietnamese, else Japanese (for employers). */
export const profileLang = () => (getSession().lang === 'vi' ? 'vi' : 'ja');

/** Form text → API value: empty left out, digits as a number, anything else sent as typed (the API names it). */
export function bodyOf(values: Record<string, string>, numbers: string[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const x = v.trim();
    if (x === '') continue;
    body[k] = numbers.includes(k) && /^\d+$/.test(x) ? Number(x) : x;
  }
  return body;
}

const homeProvince = (p: {
  homeProvinceCode: string;
  homeProvinceName: string | null;
  homeProvinceNameEn: string | null;
}) => (getSession().lang === 'en' ? p.homeProvinceNameEn : p.homeProvinceName) ?? p.homeProvinceCode;
export const orderPrefecture = (o: {
  prefectureName?: string | null;
  prefectureNameEn?: string | null;
  prefectureCode: string | null;
}) => (getSession().lang === 'ja' ? o.prefectureName : o.prefectureNameEn) ?? o.prefectureCode ?? '';
export const contractTerm = (p: { contractStart: string | null; contractEnd: string | null }) =>
  p.contractStart || p.contractEnd
    ? `${formatDate(p.contractStart)} – ${formatDate(p.contractEnd)}`
    : t('none');
/** Yen without the sign: the column says 月給（円）. */
export const yen = (n: number | null) => (n == null ? t('none') : formatNumber(n));

/** A cell that does not break (a code, a Japanese word): the table scrolls instead. */
export const nowrap = (text: string) => <span class="pt-nowrap">{text}</span>;

/** The columns an anonymised profile shows (pool and matches). */
function poolColumns<R extends PoolItem>(): Column<R>[] {
  return [
    { key: 'code', label: t('pt_poolCode'), render: (p) => <code class="pt-nowrap">{p.code}</code> },
    { key: 'age', label: t('pt_age'), numeric: true, render: (p) => formatNumber(p.age) },
    { key: 'gender', label: column('gender'), render: (p) => nowrap(vocab('genders', p.gender)) },
    { key: 'homeProvinceName', label: column('homeProvinceName'), render: (p) => nowrap(homeProvince(p)) },
    {
      key: 'occupationField',
      label: column('occupationField'),
      render: (p) => nowrap(vocab('fields', p.occupationField)),
    },
    { key: 'jlptLevel', label: column('jlptLevel'), render: (p) => p.jlptLevel ?? t('none') },
    {
      key: 'coursesPassed',
      label: t('pt_coursesPassed'),
      numeric: true,
      render: (p) => formatNumber(p.coursesPassed),
    },
  ];
}

/* ---------- the pool ---------- */

export function PoolScreen() {
  const form = useForm({ field: '', minJlpt: '', gender: '', ageMin: '', ageMax: '', homeProvinceCode: '' });
  const [rows, setRows] = useState<PoolItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [query, setQuery] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(true);
  const provinces = useProvinces();
  // The filters go to the API as typed: an age it refuses is shown under its own input.
  const search = form.submit(async (v) => {
    const q = bodyOf(v, ['ageMin', 'ageMax']) as Record<string, string>;
    setBusy(true);
    try {
      const page = await get<Page<PoolItem>>('/pool', q);
      setQuery(q);
      setRows(page.items);
      setNext(page.nextCursor);
      return t('rowsShown', { n: page.items.length });
    } finally {
      setBusy(false);
    }
  });
  useEffect(() => {
    void search();
  }, []);
  const more = async () => {
    setBusy(true);
    try {
      const page = await get<Page<PoolItem>>('/pool', { ...(query as Record<string, string>), cursor: next });
      setRows((r) => [...r, ...page.items]);
      setNext(page.nextCursor);
      announce(t('rowsShown', { n: rows.length + page.items.length }));
    } catch (err) {
      reportError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <ScreenTitle text={t('nav_pool')} />
      <p class="hint pt-intro">{t('pt_poolHelp')}</p>
      <form class="filters" aria-label={t('filter')} noValidate onSubmit={search}>
        <Select label={column('occupationField')} group="fields" empty={t('all')} {...form.field('field')} />
        <Select
          label={t('jlptAtLeast')}
          options={jlptOptions()}
          empty={t('all')}
          {...form.field('minJlpt')}
        />
        <Select label={column('gender')} group="genders" empty={t('all')} {...form.field('gender')} />
        <Field label={t('pt_ageMin')} inputMode="numeric" {...form.field('ageMin')} />
        <Field label={t('pt_ageMax')} inputMode="numeric" {...form.field('ageMax')} />
        <Select
          label={column('homeProvinceName')}
          options={provinces.map((p) => ({ value: p.code, label: provinceName(p) }))}
          empty={t('all')}
          {...form.field('homeProvinceCode')}
        />
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            {t('filter')}
          </button>
        </div>
      </form>
      <Table
        caption={t('nav_pool')}
        columns={poolColumns<PoolItem>()}
        rows={rows}
        rowKey={(p) => p.code}
        more={next ? () => void more() : null}
        busy={busy}
      />
    </section>
  );
}

/* ---------- job orders ---------- */

interface FilterSpec {
  name: string;
  label: string;
  group?: VocabGroup;
  options?: { value: string; label: string }[];
}

/** A keyset-paged list with a bar of choice filters (empty = all), applied with the filter button. */
export function useFilteredList<R>(path: string, specs: FilterSpec[]) {
  const empty: Record<string, string> = Object.fromEntries(specs.map((f) => [f.name, '']));
  const form = useForm(empty);
  const [query, setQuery] = useState(empty);
  const list = usePagedList<R>(path, query);
  const filters = (
    <form
      class="filters"
      aria-label={t('filter')}
      onSubmit={(e) => {
        e.preventDefault();
        setQuery({ ...form.values });
      }}
    >
      {specs.map((f) => (
        <Select
          key={f.name}
          name={f.name}
          label={f.label}
          group={f.group}
          options={f.options}
          empty={t('all')}
          value={form.values[f.name] ?? ''}
          onValue={(x) => form.set(f.name, x)}
        />
      ))}
      <div class="actions">
        <button type="submit">{t('filter')}</button>
      </div>
    </form>
  );
  return { list, filters };
}

export function JobOrdersScreen() {
  const { list, filters } = useFilteredList<JobOrder>('/job-orders', [
    { name: 'status', label: column('status'), group: 'jobOrderStatuses' },
    { name: 'program', label: column('program'), options: programOptions() },
    { name: 'field', label: column('field'), group: 'fields' },
  ]);
  const columns: Column<JobOrder>[] = [
    {
      key: 'employerName',
      label: column('employerName'),
      render: (o) => <Link to={`/job-orders/${o.id}`}>{o.employerName}</Link>,
    },
    { key: 'prefecture', label: column('prefectureName'), render: (o) => orderPrefecture(o) },
    { key: 'program', label: column('program'), render: (o) => vocab('programs', o.program) },
    { key: 'field', label: column('field'), render: (o) => vocab('fields', o.field) },
    {
      key: 'headcount',
      label: t('pt_selectedOfHeadcount'),
      numeric: true,
      render: (o) => `${formatNumber(o.selected)} / ${formatNumber(o.headcount)}`,
    },
    { key: 'interviewOn', label: t('pt_interviewOn'), render: (o) => formatDate(o.interviewOn) },
    {
      key: 'status',
      label: column('status'),
      render: (o) => <span class={`badge badge-${o.status}`}>{vocab('jobOrderStatuses', o.status)}</span>,
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_jobOrders')} />
      <div class="actions">
        <Link to="/job-orders/new" class="button-link">
          {t('pt_newOrder')}
        </Link>
      </div>
      {filters}
      <ListTable caption={t('nav_jobOrders')} columns={columns} rowKey={(o) => o.id} list={list} />
    </section>
  );
}

/** Japanese programmes only: a job order is for Japan. */
const programOptions = () =>
  vocabKeys('programs')
    .filter((p) => p !== 'other')
    .map((p) => ({ value: p, label: vocab('programs', p) }));

const ORDER_NUMBERS = ['headcount', 'ageMin', 'ageMax'];
const orderText = (o?: JobOrder) => ({
  partnerId: '',
  prefectureCode: o?.prefectureCode ?? '',
  municipality: o?.municipality ?? '',
  employerName: o?.employerName ?? '',
  program: o?.program ?? '',
  field: o?.field ?? '',
  headcount: o ? String(o.headcount) : '',
  minJlpt: o?.minJlpt ?? '',
  gender: o?.gender ?? '',
  ageMin: o?.ageMin == null ? '' : String(o.ageMin),
  ageMax: o?.ageMax == null ? '' : String(o.ageMax),
  interviewOn: o?.interviewOn ?? '',
  departureBy: o?.departureBy ?? '',
});

/**
 * The job order form: everything when creating; when editing (`order` given) what PATCH accepts —
 * prefecture, programme and field stay as they were.
 */
function JobOrderForm({
  order,
  onSaved,
}: {
  order?: JobOrder;
  onSaved: (o: JobOrder) => string | undefined;
}) {
  const form = useForm(orderText(order));
  const prefectures = usePrefectures();
  const [partners, setPartners] = useState<{ id: string; name: string; nameJa: string | null }[]>([]);
  const admin = getSession().me?.role === 'admin';
  useEffect(() => {
    if (admin && !order)
      get<Page<{ id: string; name: string; nameJa: string | null }>>('/partners', { limit: 500 }).then(
        (p) => setPartners(p.items),
        reportError,
      );
  }, [admin]);
  const v = form.values;
  const text = (
    name: keyof typeof v,
    label: string,
    extra: { required?: boolean; numeric?: boolean } = {},
  ) => (
    <Field
      label={label}
      required={extra.required}
      inputMode={extra.numeric ? 'numeric' : undefined}
      autoComplete="off"
      {...form.field(name)}
    />
  );
  const date = (name: 'interviewOn' | 'departureBy', label: string) => (
    <DateInput label={label} {...form.field(name)} />
  );
  return (
    <form
      noValidate
      onSubmit={form.submit(async (values) => {
        // Editing sends what PATCH takes: prefecture, programme and field stay as created.
        const {
          partnerId: _partner,
          prefectureCode: _pref,
          program: _program,
          field: _field,
          ...editable
        } = values;
        const body = bodyOf(order ? editable : values, ORDER_NUMBERS);
        const saved = order
          ? await api<JobOrder>('PATCH', `/job-orders/${order.id}`, { body })
          : await api<JobOrder>('POST', '/job-orders', { body });
        return onSaved(saved);
      })}
    >
      <div class="form-grid">
        {admin && !order && (
          <Select
            label={t('pt_partner')}
            required
            options={partners.map((p) => ({ value: p.id, label: p.nameJa ?? p.name }))}
            empty=""
            {...form.field('partnerId')}
          />
        )}
        {text('employerName', column('employerName'), { required: true })}
        {!order && (
          <Select
            label={column('prefectureName')}
            required
            options={prefectures.map((p) => ({ value: p.code, label: prefectureName(p) }))}
            empty=""
            {...form.field('prefectureCode')}
          />
        )}
        {text('municipality', t('pt_municipality'))}
        {!order && (
          <Select
            label={column('program')}
            required
            options={programOptions()}
            empty=""
            {...form.field('program')}
          />
        )}
        {!order && (
          <Select label={column('field')} required group="fields" empty="" {...form.field('field')} />
        )}
        {text('headcount', t('pt_headcount'), { required: true, numeric: true })}
        <Select
          label={t('jlptAtLeast')}
          options={jlptOptions()}
          empty={t('none')}
          {...form.field('minJlpt')}
        />
        <Select
          label={column('gender')}
          group="genders"
          empty={t('pt_anyGender')}
          {...form.field('gender')}
        />
        {text('ageMin', t('pt_ageMin'), { numeric: true })}
        {text('ageMax', t('pt_ageMax'), { numeric: true })}
        {date('interviewOn', t('pt_interviewOn'))}
        {date('departureBy', t('pt_departureBy'))}
      </div>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {order ? t('save') : t('pt_createOrder')}
        </button>
      </div>
    </form>
  );
}

export function NewJobOrderScreen() {
  return (
    <section>
      <ScreenTitle text={t('pt_newOrder')} />
      <JobOrderForm
        onSaved={(o) => {
          arrival = t('pt_orderCreated', { name: o.employerName });
          navigate(`/job-orders/${o.id}`);
          return undefined;
        }}
      />
    </section>
  );
}

/** The programme, field and place of work of an order or a placement, as `dl.facts` rows. */
export function WorkFacts({
  of: x,
}: {
  of: Pick<JobOrder, 'program' | 'field' | 'municipality'> & {
    prefectureCode: string | null;
    prefectureName?: string | null;
    prefectureNameEn?: string | null;
  };
}) {
  return (
    <>
      <dt>{column('program')}</dt>
      <dd>{vocab('programs', x.program)}</dd>
      <dt>{column('field')}</dt>
      <dd>{vocab('fields', x.field)}</dd>
      <dt>{column('prefectureName')}</dt>
      <dd>
        {orderPrefecture(x)}
        {x.municipality && ` ${x.municipality}`}
      </dd>
    </>
  );
}

/** What the order screen says once it has loaded (set by the create form before it navigates there). */
let arrival: string | null = null;

/** One job order: its facts, edit and close, the ranked matches with selection, the selected candidates. */
export function JobOrderScreen({ id }: { id: string }) {
  const [order, setOrder] = useState<JobOrder | null>(null);
  const [editing, setEditing] = useState(false);
  const [closing, setClosing] = useState(false);
  const [choosing, setChoosing] = useState<MatchItem | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    get<JobOrder>(`/job-orders/${id}`).then(setOrder, reportError);
  }, [id, tick]);
  const open = order?.status === 'open';
  const matches = usePagedList<MatchItem>(open ? `/job-orders/${id}/matches` : null, {});
  const selected = usePagedList<PartnerPlacement>('/placements', { jobOrderId: id });
  // After a change the order and its lists are read again; what was done is said once they are
  // there, so that the lists' own "n rows shown" does not cover it.
  const [pending, setPending] = useState<string | null>(() => {
    const message = arrival;
    arrival = null;
    return message;
  });
  const loading = matches.busy || selected.busy;
  const sawLoading = useRef(false);
  useEffect(() => {
    if (!pending) return;
    if (loading) sawLoading.current = true;
    else if (sawLoading.current) {
      sawLoading.current = false;
      setPending(null);
      announce(pending);
    }
  }, [pending, loading]);
  const refresh = (message: string) => {
    setPending(message);
    setTick((n) => n + 1);
    matches.reload();
    selected.reload();
  };
  if (!order) return <p>{t('loading')}</p>;

  const matchColumns: Column<MatchItem>[] = [
    ...poolColumns<MatchItem>(),
    {
      key: 'score',
      label: t('pt_score'),
      numeric: true,
      render: (m) => (
        <span class="pt-score">
          <strong>{formatNumber(m.score)}</strong>
          <span class="pt-parts">
            {t('pt_scoreParts', {
              jlpt: formatNumber(m.scoreParts.jlpt),
              courses: formatNumber(m.scoreParts.courses),
              waiting: formatNumber(m.scoreParts.waiting),
            })}
          </span>
        </span>
      ),
    },
    {
      key: 'select',
      label: t('pt_select'),
      render: (m) => (
        <button
          type="button"
          class="secondary"
          onClick={() => setChoosing(m)}
          aria-label={t('pt_selectWho', { code: m.code })}
        >
          {t('pt_select')}
        </button>
      ),
    },
  ];
  const selectedColumns: Column<PartnerPlacement>[] = [
    {
      key: 'candidateCode',
      label: column('candidateCode'),
      render: (p) => (
        <Link to={`/selected/${p.candidateId}`} class="pt-nowrap">
          {p.candidateCode}
        </Link>
      ),
    },
    { key: 'status', label: column('status'), render: (p) => vocab('placementStatuses', p.status) },
    { key: 'contract', label: t('pt_contractTerm'), render: (p) => nowrap(contractTerm(p)) },
    {
      key: 'monthlyWageJpy',
      label: column('monthlyWageJpy'),
      numeric: true,
      render: (p) => yen(p.monthlyWageJpy),
    },
    {
      key: 'docs',
      label: t('pt_documents'),
      render: (p) => (
        <span class="pt-row-actions">
          <Link to={`/placements/${p.id}`}>{t('pt_placement')}</Link>
          <DownloadButton
            path={`/candidates/${p.candidateId}/profile.pdf`}
            query={{ lang: profileLang() }}
            filename={`${p.candidateCode}.pdf`}
            label={t('pt_profileSheet')}
            class="link"
          />
        </span>
      ),
    },
  ];

  return (
    <section>
      <ScreenTitle text={order.employerName} />
      <div class="card">
        <dl class="facts">
          <dt>{column('status')}</dt>
          <dd>
            <span class={`badge badge-${order.status}`}>{vocab('jobOrderStatuses', order.status)}</span>
            {order.closeReason && ` ${order.closeReason}`}
          </dd>
          <WorkFacts of={order} />
          <dt>{t('pt_selectedOfHeadcount')}</dt>
          <dd>{`${formatNumber(order.selected)} / ${formatNumber(order.headcount)}`}</dd>
          <dt>{t('pt_requirements')}</dt>
          <dd>{requirements(order)}</dd>
          <dt>{t('pt_interviewOn')}</dt>
          <dd>{formatDate(order.interviewOn) || t('none')}</dd>
          <dt>{t('pt_departureBy')}</dt>
          <dd>{formatDate(order.departureBy) || t('none')}</dd>
        </dl>
      </div>
      <div class="actions">
        {order.status !== 'closed' && (
          <button type="button" class="secondary" onClick={() => setEditing(true)}>
            {t('pt_editOrder')}
          </button>
        )}
        {order.status !== 'closed' && (
          <button type="button" class="danger" onClick={() => setClosing(true)}>
            {t('pt_closeOrder')}
          </button>
        )}
        {order.selected > 0 && (
          <DownloadButton
            path={`/job-orders/${id}/profiles.pdf`}
            query={{ lang: profileLang() }}
            filename={`profiles-${id.slice(0, 8)}.pdf`}
            label={t('pt_profilesBatch')}
          />
        )}
      </div>
      <Dialog open={editing} title={t('pt_editOrder')} onClose={() => setEditing(false)}>
        <JobOrderForm
          order={order}
          onSaved={(o) => {
            setOrder(o);
            setEditing(false);
            refresh(t('saved'));
            return undefined;
          }}
        />
      </Dialog>
      <CloseDialog
        open={closing}
        onClose={() => setClosing(false)}
        onDone={(o) => {
          setOrder(o);
          setClosing(false);
        }}
        id={id}
      />
      <SelectDialog
        order={order}
        match={choosing}
        onClose={() => setChoosing(null)}
        onDone={(code) => {
          setChoosing(null);
          refresh(t('pt_selectedDone', { code }));
        }}
      />
      <h2>{t('pt_matches')}</h2>
      {open ? (
        <>
          <p class="hint">{t('pt_scoreHelp')}</p>
          <Table
            caption={t('pt_matches')}
            columns={matchColumns}
            rows={matches.rows}
            rowKey={(m) => m.code}
            more={matches.more}
            busy={matches.busy}
          />
        </>
      ) : (
        <p class="empty">{t('pt_notOpen', { status: vocab('jobOrderStatuses', order.status) })}</p>
      )}
      <h2>{t('pt_selectedCandidates')}</h2>
      <Table
        caption={t('pt_selectedCandidates')}
        columns={selectedColumns}
        rows={selected.rows}
        rowKey={(p) => p.id}
        more={selected.more}
        busy={selected.busy}
      />
    </section>
  );
}

function requirements(o: JobOrder): string {
  const parts: string[] = [];
  if (o.minJlpt) parts.push(t('pt_jlptMin', { level: o.minJlpt }));
  if (o.gender) parts.push(vocab('genders', o.gender));
  if (o.ageMin != null || o.ageMax != null)
    parts.push(t('pt_ageRange', { min: o.ageMin ?? '', max: o.ageMax ?? '' }));
  return parts.join('、') || t('none');
}

function CloseDialog({
  open,
  id,
  onClose,
  onDone,
}: {
  open: boolean;
  id: string;
  onClose: () => void;
  onDone: (o: JobOrder) => void;
}) {
  const form = useForm({ reason: '' });
  return (
    <Dialog open={open} title={t('pt_closeOrder')} onClose={onClose}>
      <form
        noValidate
        onSubmit={form.submit(async (v) => {
          onDone(await api<JobOrder>('POST', `/job-orders/${id}/close`, { body: { reason: v.reason } }));
          return t('pt_orderClosed');
        })}
      >
        <Field label={t('pt_closeReason')} required {...form.field('reason')} />
        <div class="actions">
          <button type="submit" class="danger" disabled={form.busy}>
            {t('pt_closeOrder')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Selecting a match for the order, with the contract terms known so far (all optional here). */
function SelectDialog({
  order,
  match,
  onClose,
  onDone,
}: {
  order: JobOrder;
  match: MatchItem | null;
  onClose: () => void;
  onDone: (code: string) => void;
}) {
  return (
    <Dialog open={match !== null} title={t('pt_selectTitle', { code: match?.code ?? '' })} onClose={onClose}>
      {match && <SelectForm key={match.code} order={order} code={match.code} onDone={onDone} />}
    </Dialog>
  );
}

function SelectForm({
  order,
  code,
  onDone,
}: {
  order: JobOrder;
  code: string;
  onDone: (code: string) => void;
}) {
  const form = useForm({ contractStart: '', contractEnd: '', monthlyWageJpy: '' });
  const e = form.errors;
  return (
    <form
      noValidate
      onSubmit={form.submit(async (values) => {
        const body = { candidateCode: code, ...bodyOf(values, ['monthlyWageJpy']) };
        await api('POST', `/job-orders/${order.id}/selections`, { body });
        onDone(code);
        return undefined;
      })}
    >
      <p>{t('pt_selectHelp', { employer: order.employerName })}</p>
      {e.candidateCode && <p class="error">{e.candidateCode}</p>}
      <div class="form-grid">
        <DateInput label={column('contractStart')} {...form.field('contractStart')} />
        <DateInput label={column('contractEnd')} {...form.field('contractEnd')} />
        <Field label={column('monthlyWageJpy')} inputMode="numeric" {...form.field('monthlyWageJpy')} />
      </div>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {t('pt_confirmSelect')}
        </button>
      </div>
    </form>
  );
}
