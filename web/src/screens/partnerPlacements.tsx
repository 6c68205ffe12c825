/**
 * Japanese partners after selection: a selected candidate (the partner view, with the profile sheet),
 * their placements — contract terms, residence card, changes of employer — and the grievances about
 * them. A partner's candidate record has no national ID or phone; none is asked for or shown here.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, get, type Page } from '../api.ts';
import { ListTable } from '../components/listTable.tsx';
import { TraineeFacts } from '../components/traineeFacts.tsx';
import {
  type Column,
  DateInput,
  DownloadButton,
  Field,
  Link,
  reportError,
  ScreenTitle,
  Select,
  Table,
  useForm,
} from '../components/ui.tsx';
import { prefectureName, usePrefectures } from '../data.ts';
import { announce } from '../live.ts';
import { column, formatDate, t, vocab } from '../strings.ts';
import { GrievanceForm } from './followup.tsx';
import {
  bodyOf,
  contractTerm,
  nowrap,
  orderPrefecture,
  type PartnerPlacement,
  profileLang,
  useFilteredList,
  WorkFacts,
  yen,
} from './partner.tsx';

interface SelectedCandidate {
  id: string;
  code: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  homeProvinceCode: string;
  occupationField: string;
  jlptLevel: string | null;
  status: string;
}
interface Transfer {
  id: string;
  kind: string;
  requestedOn: string;
  route: string;
  previousEmployerName: string;
  newEmployerName: string;
  newPrefectureCode: string;
}
interface Grievance {
  id: string;
  candidateId: string;
  candidateCode: string;
  placementId: string | null;
  category: string;
  description: string;
  receivedAt: string;
  ackDue: string;
  resolveDue: string;
  status: string;
  overdue: boolean;
  resolution: string | null;
}

/** `2026-03-01T08:00:00.000Z` → the date part as the language writes it. */
const day = (iso: string | null) => (iso ? formatDate(iso.slice(0, 10)) : '');

function ProfileButton({ candidateId, code }: { candidateId: string; code: string }) {
  return (
    <DownloadButton
      path={`/candidates/${candidateId}/profile.pdf`}
      query={{ lang: profileLang() }}
      filename={`${code}.pdf`}
      label={t('pt_profileSheet')}
    />
  );
}

const placementColumns = (): Column<PartnerPlacement>[] => [
  {
    key: 'candidateCode',
    label: column('candidateCode'),
    render: (p) => (
      <Link to={`/placements/${p.id}`} class="pt-nowrap">
        {p.candidateCode}
      </Link>
    ),
  },
  { key: 'employerName', label: column('employerName') },
  { key: 'prefecture', label: column('prefectureName'), render: (p) => orderPrefecture(p) },
  { key: 'program', label: column('program'), render: (p) => vocab('programs', p.program) },
  { key: 'contract', label: t('pt_contractTerm'), render: (p) => nowrap(contractTerm(p)) },
  {
    key: 'status',
    label: column('status'),
    render: (p) => <span class="badge">{vocab('placementStatuses', p.status)}</span>,
  },
  {
    key: 'residenceCardExpiresOn',
    label: t('pt_cardExpiresOn'),
    render: (p) => formatDate(p.residenceCardExpiresOn) || t('none'),
  },
];

/** A candidate selected for one of the partner's orders: the partner view and the profile sheet. */
export function SelectedCandidateScreen({ id }: { id: string }) {
  const [c, setC] = useState<SelectedCandidate | null>(null);
  const [placements, setPlacements] = useState<PartnerPlacement[]>([]);
  useEffect(() => {
    Promise.all([
      get<SelectedCandidate>(`/candidates/${id}`),
      get<Page<PartnerPlacement>>('/placements', { candidateId: id }),
    ]).then(([cand, ps]) => {
      setC(cand);
      setPlacements(ps.items);
    }, reportError);
  }, [id]);
  if (!c) return <p>{t('loading')}</p>;
  return (
    <section>
      <ScreenTitle text={`${c.fullName} — ${c.code}`} />
      <TraineeFacts of={c} />
      <p class="hint">{t('pt_identityStays')}</p>
      <div class="actions">
        <ProfileButton candidateId={c.id} code={c.code} />
      </div>
      <h2>{t('pt_navPlacements')}</h2>
      <Table
        caption={t('pt_navPlacements')}
        columns={placementColumns()}
        rows={placements}
        rowKey={(p) => p.id}
      />
    </section>
  );
}

export function PartnerPlacementsScreen() {
  const { list, filters } = useFilteredList<PartnerPlacement>('/placements', [
    { name: 'status', label: column('status'), group: 'placementStatuses' },
  ]);
  return (
    <section>
      <ScreenTitle text={t('pt_navPlacements')} />
      {filters}
      <ListTable
        caption={t('pt_navPlacements')}
        columns={placementColumns()}
        rowKey={(p) => p.id}
        list={list}
      />
    </section>
  );
}

const TERM_FIELDS = [
  'contractStart',
  'contractEnd',
  'monthlyWageJpy',
  'employerName',
  'employerNameLatin',
  'employerAddress',
  'supervisingOrg',
  'residenceCardNo',
  'residenceCardExpiresOn',
] as const;
type TermField = (typeof TERM_FIELDS)[number];
const termsText = (p: PartnerPlacement) => {
  const out = { reason: '' } as Record<TermField | 'reason', string>;
  for (const k of TERM_FIELDS) out[k] = p[k] == null ? '' : String(p[k]);
  return out;
};

/** One placement: the terms (editable as the API allows), changes of employer, the profile sheet. */
export function PartnerPlacementScreen({ id }: { id: string }) {
  const [p, setP] = useState<PartnerPlacement | null>(null);
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    Promise.all([
      get<PartnerPlacement>(`/placements/${id}`),
      get<{ items: Transfer[] }>(`/placements/${id}/transfers`),
    ]).then(([pl, tr]) => {
      setP(pl);
      setTransfers(tr.items);
    }, reportError);
  }, [id, tick]);
  if (!p) return <p>{t('loading')}</p>;
  const transferColumns: Column<Transfer>[] = [
    { key: 'requestedOn', label: t('pt_requestedOn'), render: (x) => formatDate(x.requestedOn) },
    { key: 'kind', label: column('type'), render: (x) => vocab('transferKinds', x.kind) },
    { key: 'route', label: t('pt_route'), render: (x) => vocab('transferRoutes', x.route) },
    { key: 'previousEmployerName', label: t('pt_previousEmployer') },
    { key: 'newEmployerName', label: t('pt_newEmployer') },
  ];
  return (
    <section>
      <ScreenTitle text={`${p.candidateCode} — ${p.employerName}`} />
      <div class="card">
        <dl class="facts">
          <dt>{column('status')}</dt>
          <dd>
            <span class="badge">{vocab('placementStatuses', p.status)}</span>
          </dd>
          <WorkFacts of={p} />
          <dt>{t('pt_contractTerm')}</dt>
          <dd>{contractTerm(p)}</dd>
          <dt>{column('monthlyWageJpy')}</dt>
          <dd>{yen(p.monthlyWageJpy)}</dd>
          <dt>{column('departedOn')}</dt>
          <dd>{formatDate(p.departedOn) || t('none')}</dd>
        </dl>
      </div>
      <div class="actions">
        <Link to={`/selected/${p.candidateId}`} class="button-link secondary">
          {t('pt_candidate')}
        </Link>
        <ProfileButton candidateId={p.candidateId} code={p.candidateCode} />
      </div>
      {p.status !== 'cancelled' && p.status !== 'returned' && (
        <TermsForm key={p.version} placement={p} onSaved={setP} />
      )}
      <h2>{t('pt_transfers')}</h2>
      <Table caption={t('pt_transfers')} columns={transferColumns} rows={transfers} rowKey={(x) => x.id} />
      {p.status === 'departed' && p.destinationCountry === 'JP' && (
        <TransferForm placementId={p.id} onDone={() => setTick((n) => n + 1)} />
      )}
      {p.status !== 'cancelled' && <GrievanceForm candidateId={p.candidateId} />}
    </section>
  );
}

function TermsForm({
  placement,
  onSaved,
}: {
  placement: PartnerPlacement;
  onSaved: (p: PartnerPlacement) => void;
}) {
  const form = useForm(termsText(placement));
  const departed = placement.status === 'departed';
  const before = termsText(placement);
  // After departure only the contract end (an extension, with a reason) and the residence card change.
  const shown = (k: TermField) =>
    !departed || k === 'contractEnd' || k === 'residenceCardNo' || k === 'residenceCardExpiresOn';
  const labels: Record<TermField, string> = {
    contractStart: column('contractStart'),
    contractEnd: column('contractEnd'),
    monthlyWageJpy: column('monthlyWageJpy'),
    employerName: column('employerName'),
    employerNameLatin: t('pt_employerNameLatin'),
    employerAddress: t('pt_employerAddress'),
    supervisingOrg: t('pt_supervisingOrg'),
    residenceCardNo: t('pt_cardNo'),
    residenceCardExpiresOn: t('pt_cardExpiresOn'),
  };
  const input = (k: TermField) =>
    k === 'contractStart' || k === 'contractEnd' || k === 'residenceCardExpiresOn' ? (
      <DateInput key={k} label={labels[k]} {...form.field(k)} />
    ) : (
      <Field
        key={k}
        label={labels[k]}
        inputMode={k === 'monthlyWageJpy' ? 'numeric' : undefined}
        autoComplete="off"
        {...form.field(k)}
      />
    );
  return (
    <form
      class="card"
      noValidate
      aria-labelledby="pt-terms-title"
      onSubmit={form.submit(async (values) => {
        // Only what changed is sent, with the version read (a stale one is refused with 409).
        const changed = Object.fromEntries(
          Object.entries(values).filter(([k, x]) => k === 'reason' || x !== before[k as TermField]),
        ) as Record<string, string>;
        const body = { ...bodyOf(changed, ['monthlyWageJpy']), version: placement.version };
        onSaved(await api<PartnerPlacement>('PATCH', `/placements/${placement.id}`, { body }));
        return t('saved');
      })}
    >
      <h2 id="pt-terms-title">{t('pt_terms')}</h2>
      {departed && <p class="hint">{t('pt_termsAfterDeparture')}</p>}
      <div class="form-grid">
        {TERM_FIELDS.filter(shown).map(input)}
        {departed && <Field label={t('pt_extensionReason')} {...form.field('reason')} />}
      </div>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {t('save')}
        </button>
      </div>
    </form>
  );
}

function TransferForm({ placementId, onDone }: { placementId: string; onDone: () => void }) {
  const form = useForm({
    kind: '',
    requestedOn: '',
    newEmployerName: '',
    newPrefectureCode: '',
    route: '',
    skillsTestPassedOn: '',
  });
  const prefectures = usePrefectures();
  const v = form.values;
  return (
    <form
      class="card"
      noValidate
      aria-labelledby="pt-transfer-title"
      onSubmit={form.submit(async (values) => {
        await api('POST', `/placements/${placementId}/transfers`, { body: bodyOf(values) });
        onDone();
        return t('saved');
      })}
    >
      <h2 id="pt-transfer-title">{t('pt_newTransfer')}</h2>
      <div class="form-grid">
        <Select label={column('type')} required group="transferKinds" empty="" {...form.field('kind')} />
        <DateInput label={t('pt_requestedOn')} required {...form.field('requestedOn')} />
        <Field label={t('pt_newEmployer')} required {...form.field('newEmployerName')} />
        <Select
          label={column('prefectureName')}
          required
          options={prefectures.map((x) => ({ value: x.code, label: prefectureName(x) }))}
          empty=""
          {...form.field('newPrefectureCode')}
        />
        <Select label={t('pt_route')} required group="transferRoutes" empty="" {...form.field('route')} />
        {v.kind === 'own_choice' && (
          <DateInput label={t('pt_skillsTestPassedOn')} {...form.field('skillsTestPassedOn')} />
        )}
      </div>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {t('pt_requestTransfer')}
        </button>
      </div>
    </form>
  );
}

/** Grievances of the workers placed with the partner: the deadlines, and the acknowledgement. */
export function PartnerGrievancesScreen() {
  const { list, filters } = useFilteredList<Grievance>('/grievances', [
    { name: 'status', label: column('status'), group: 'grievanceStatuses' },
    {
      name: 'overdue',
      label: column('overdue'),
      options: [
        { value: 'true', label: t('yes') },
        { value: 'false', label: t('no') },
      ],
    },
  ]);
  // An acknowledged grievance is shown as the API answers it, in its place in the list.
  const [answered, setAnswered] = useState<Record<string, Grievance>>({});
  const acknowledge = async (g: Grievance) => {
    try {
      const next = await api<Grievance>('POST', `/grievances/${g.id}/acknowledge`);
      setAnswered((a) => ({ ...a, [g.id]: next }));
      announce(t('pt_acknowledged'));
    } catch (err) {
      reportError(err);
    }
  };
  const columns: Column<Grievance>[] = [
    { key: 'receivedAt', label: t('pt_receivedAt'), render: (g) => day(g.receivedAt) },
    {
      key: 'candidateCode',
      label: column('candidateCode'),
      render: (g) =>
        g.placementId ? (
          <Link to={`/placements/${g.placementId}`} class="pt-nowrap">
            {g.candidateCode}
          </Link>
        ) : (
          nowrap(g.candidateCode)
        ),
    },
    { key: 'category', label: column('category'), render: (g) => vocab('grievanceCategories', g.category) },
    {
      key: 'description',
      label: t('pt_description'),
      render: (g) => <span class="pt-text">{g.description}</span>,
    },
    { key: 'ackDue', label: t('pt_ackDue'), render: (g) => day(g.ackDue) },
    { key: 'resolveDue', label: t('pt_resolveDue'), render: (g) => day(g.resolveDue) },
    {
      key: 'status',
      label: column('status'),
      render: (g) => (
        <>
          <span class="badge">{vocab('grievanceStatuses', g.status)}</span>
          {g.overdue && <span class="badge badge-overdue">{column('overdue')}</span>}
        </>
      ),
    },
    {
      key: 'act',
      label: t('pt_action'),
      render: (g) =>
        g.status === 'open' ? (
          <button type="button" class="secondary" onClick={() => void acknowledge(g)}>
            {t('pt_acknowledge')}
          </button>
        ) : (
          (g.resolution ?? '')
        ),
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_grievances')} />
      {filters}
      <Table
        caption={t('nav_grievances')}
        columns={columns}
        rows={list.rows.map((g) => answered[g.id] ?? g)}
        rowKey={(g) => g.id}
        more={list.more}
        busy={list.busy}
      />
    </section>
  );
}
