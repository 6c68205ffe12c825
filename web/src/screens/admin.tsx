/**
 * Admins: accounts (create, disable, re-role, reset password), organisations (centers, partners,
 * home employers, agreements), jobs and their runs, and the audit log.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, get, type Page } from '../api.ts';
import { ListTable } from '../components/listTable.tsx';
import {
  type Column,
  DateInput,
  Dialog,
  Field,
  type Form,
  reportError,
  ScreenTitle,
  Select,
  Table,
  useForm,
  usePagedList,
} from '../components/ui.tsx';
import { prefectureName, provinceName, usePrefectures, useProvinces } from '../data.ts';
import { announce } from '../live.ts';
import type { Role } from '../session.ts';
import { column, formatDate, formatNumber, type StringKey, t, vocab, vocabKeys } from '../strings.ts';
import { Filters } from './officer.tsx';

const ROLES: Role[] = ['admin', 'center', 'province', 'partner'];
const SCOPE: Record<Role, 'trainingCenterId' | 'provinceCode' | 'partnerId' | null> = {
  admin: null,
  center: 'trainingCenterId',
  province: 'provinceCode',
  partner: 'partnerId',
};
const roleName = (r: string) => t(`role_${r}` as StringKey);

/** A timestamp as the language writes it, with the local time. */
function formatTime(iso: string | null): string {
  if (!iso) return t('none');
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

interface Named {
  id: string;
  name: string;
}

/** Every item of a (small) organisation list, for choosers. */
function useAll<T>(path: string, version = 0): T[] {
  const [items, setItems] = useState<T[]>([]);
  useEffect(() => {
    get<Page<T>>(path, { limit: 500 })
      .then((p) => setItems(p.items))
      .catch((err) => reportError(err));
  }, [path, version]);
  return items;
}

const options = (items: Named[]) => items.map((i) => ({ value: i.id, label: i.name }));

/* ---------- accounts ---------- */

interface Account {
  id: string;
  email: string;
  role: Role;
  trainingCenterId: string | null;
  provinceCode: string | null;
  partnerId: string | null;
  disabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
}

interface Scopes {
  centers: Named[];
  partners: Named[];
  provinces: { value: string; label: string }[];
}

function useScopes(): Scopes {
  const provinces = useProvinces();
  return {
    centers: useAll<Named>('/training-centers'),
    partners: useAll<Named>('/partners'),
    provinces: provinces.map((p) => ({ value: p.code, label: provinceName(p) })),
  };
}

type RoleForm = Form<{ role: string; scope: string }>;

/** The role chooser and the scope field its role needs (center, province or partner). */
function RoleFields({ form, scopes }: { form: RoleForm; scopes: Scopes }) {
  const field = SCOPE[form.values.role as Role];
  const opts =
    field === 'trainingCenterId'
      ? options(scopes.centers)
      : field === 'partnerId'
        ? options(scopes.partners)
        : scopes.provinces;
  return (
    <>
      <Select
        label={t('ad_role')}
        required
        options={ROLES.map((r) => ({ value: r, label: roleName(r) }))}
        {...form.field('role')}
        onValue={(v) => {
          form.set('role', v);
          form.set('scope', '');
        }}
      />
      {field && (
        <Select
          name={field}
          label={t(`ad_scope_${field}`)}
          required
          empty=""
          options={opts}
          value={form.values.scope}
          onValue={(v) => form.set('scope', v)}
          error={form.errors[field]}
        />
      )}
    </>
  );
}

const roleBody = (v: { role: string; scope: string }) => {
  const field = SCOPE[v.role as Role];
  return { role: v.role, ...(field && v.scope ? { [field]: v.scope } : {}) };
};

function CreateAccount({ scopes, done }: { scopes: Scopes; done: () => void }) {
  const form = useForm({ email: '', password: '', role: 'center', scope: '' });
  return (
    <form
      class="form-grid"
      noValidate
      onSubmit={form.submit(async (v) => {
        await api('POST', '/users', { body: { email: v.email, password: v.password, ...roleBody(v) } });
        done();
        return t('ad_accountCreated', { email: v.email });
      })}
    >
      <Field label={t('email')} type="email" required autoComplete="off" {...form.field('email')} />
      <Field
        label={t('ad_initialPassword')}
        type="password"
        autoComplete="new-password"
        required
        hint={t('ad_passwordHint')}
        {...form.field('password')}
      />
      <RoleFields form={form as unknown as RoleForm} scopes={scopes} />
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {t('ad_createAccount')}
        </button>
      </div>
    </form>
  );
}

function ChangeRole({ user, scopes, done }: { user: Account; scopes: Scopes; done: (u: Account) => void }) {
  const field = SCOPE[user.role];
  const form = useForm({ role: user.role as string, scope: (field && user[field]) || '' });
  return (
    <form
      class="form-grid"
      noValidate
      onSubmit={form.submit(async (v) => {
        done(await api<Account>('PATCH', `/users/${user.id}`, { body: roleBody(v) }));
        return t('saved');
      })}
    >
      <RoleFields form={form} scopes={scopes} />
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {t('save')}
        </button>
      </div>
    </form>
  );
}

export function AccountsScreen() {
  const empty = { role: '', disabled: '' };
  const form = useForm(empty);
  const [query, setQuery] = useState(empty);
  const list = usePagedList<Account>('/users', query);
  const scopes = useScopes();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Account | null>(null);
  const [temporary, setTemporary] = useState<{ email: string; password: string } | null>(null);
  const scopeName = (u: Account) => {
    if (u.trainingCenterId) return scopes.centers.find((c) => c.id === u.trainingCenterId)?.name;
    if (u.partnerId) return scopes.partners.find((p) => p.id === u.partnerId)?.name;
    if (u.provinceCode) return scopes.provinces.find((p) => p.value === u.provinceCode)?.label;
    return t('none');
  };
  // A changed account replaces its row in place (no reload, so the announcement stays the last word).
  const [changed, setChanged] = useState<Record<string, Account>>({});
  const update = (u: Account) => setChanged((c) => ({ ...c, [u.id]: u }));
  const act = async (run: () => Promise<unknown>, message: string) => {
    try {
      await run();
      announce(message);
    } catch (err) {
      reportError(err);
    }
  };
  const columns: Column<Account>[] = [
    { key: 'email', label: t('email') },
    { key: 'role', label: t('ad_role'), render: (u) => roleName(u.role) },
    { key: 'scope', label: t('ad_scope'), render: (u) => scopeName(u) ?? t('none') },
    {
      key: 'disabled',
      label: column('status'),
      render: (u) => (
        <span class={u.disabled ? 'badge badge-closed' : 'badge'}>
          {t(u.disabled ? 'ad_disabled' : 'ad_active')}
        </span>
      ),
    },
    { key: 'lastLoginAt', label: t('ad_lastLogin'), nowrap: true, render: (u) => formatTime(u.lastLoginAt) },
    {
      key: 'actions',
      label: t('ad_actions'),
      render: (u) => (
        <div class="ad-row-actions">
          <button
            type="button"
            class={u.disabled ? 'secondary' : 'danger'}
            aria-label={`${t(u.disabled ? 'ad_enable' : 'ad_disable')} ${u.email}`}
            onClick={() =>
              act(
                async () =>
                  update(await api<Account>('PATCH', `/users/${u.id}`, { body: { disabled: !u.disabled } })),
                t(u.disabled ? 'ad_enabledDone' : 'ad_disabledDone', { email: u.email }),
              )
            }
          >
            {t(u.disabled ? 'ad_enable' : 'ad_disable')}
          </button>
          <button
            type="button"
            class="secondary"
            aria-label={`${t('ad_changeRole')} ${u.email}`}
            onClick={() => setEditing(u)}
          >
            {t('ad_changeRole')}
          </button>
          <button
            type="button"
            class="secondary"
            aria-label={`${t('ad_resetPassword')} ${u.email}`}
            onClick={() =>
              act(
                async () => {
                  const r = await api<{ temporaryPassword: string }>('POST', `/users/${u.id}/reset-password`);
                  setTemporary({ email: u.email, password: r.temporaryPassword });
                },
                t('ad_resetDone', { email: u.email }),
              )
            }
          >
            {t('ad_resetPassword')}
          </button>
        </div>
      ),
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_accounts')} />
      <div class="actions ad-top">
        <button type="button" onClick={() => setCreating(true)}>
          {t('ad_createAccount')}
        </button>
      </div>
      <Filters label={t('filter')} apply={() => setQuery({ ...form.values })} button={t('filter')}>
        <Select
          label={t('ad_role')}
          empty={t('all')}
          options={ROLES.map((r) => ({ value: r, label: roleName(r) }))}
          {...form.field('role')}
        />
        <Select
          label={column('status')}
          empty={t('all')}
          options={[
            { value: 'false', label: t('ad_active') },
            { value: 'true', label: t('ad_disabled') },
          ]}
          {...form.field('disabled')}
        />
      </Filters>
      <Table
        caption={t('nav_accounts')}
        columns={columns}
        rows={list.rows.map((u) => changed[u.id] ?? u)}
        rowKey={(u) => u.id}
        more={list.more}
        busy={list.busy}
      />
      <Dialog open={creating} title={t('ad_createAccount')} onClose={() => setCreating(false)}>
        <CreateAccount
          scopes={scopes}
          done={() => {
            setCreating(false);
            list.reload();
          }}
        />
      </Dialog>
      <Dialog
        open={editing !== null}
        title={`${t('ad_changeRole')} — ${editing?.email ?? ''}`}
        onClose={() => setEditing(null)}
      >
        {editing && (
          <ChangeRole
            user={editing}
            scopes={scopes}
            done={(u) => {
              setEditing(null);
              update(u);
            }}
          />
        )}
      </Dialog>
      <Dialog open={temporary !== null} title={t('ad_temporaryPassword')} onClose={() => setTemporary(null)}>
        <p>{t('ad_temporaryHint', { email: temporary?.email ?? '' })}</p>
        <p class="ad-secret">
          <code>{temporary?.password}</code>
        </p>
      </Dialog>
    </section>
  );
}

/* ---------- organisations ---------- */

const PARTNER_KINDS = ['prefecture', 'municipality', 'supervising_org', 'employer', 'support_org', 'agency'];
const AGREEMENT_KINDS = ['mou', 'joint_declaration', 'friendship'];
type OrgTab = 'centers' | 'partners' | 'employers' | 'agreements';
const TABS: OrgTab[] = ['centers', 'partners', 'employers', 'agreements'];
type Values = Record<string, string>;
type Options = { value: string; label: string }[];

/** One kind of organisation: its list, and the create form's fields (API names) and body. */
interface OrgSpec {
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own row shape
  columns: Column<any>[];
  initial: Values;
  fields: (f: Form<Values>) => preact.ComponentChildren;
  body?: (v: Values) => object;
}

/** A list with its create form (folded) above it. */
function OrgSection({ tab, spec, created }: { tab: OrgTab; spec: OrgSpec; created?: () => void }) {
  const list = usePagedList<{ id: string }>(spec.path, {});
  const form = useForm(spec.initial);
  return (
    <>
      <details class="card ad-create">
        <summary>{t(`ad_new_${tab}`)}</summary>
        <form
          class="form-grid"
          noValidate
          onSubmit={form.submit(async (v) => {
            // Empty optional fields are left out, so the API sees only what was typed.
            const typed = Object.entries(spec.body ? spec.body(v) : v).filter(([, x]) => x !== '');
            await api('POST', spec.path, { body: Object.fromEntries(typed) });
            list.reload();
            created?.();
            return t('saved');
          })}
        >
          {spec.fields(form)}
          <div class="actions">
            <button type="submit" disabled={form.busy}>
              {t('save')}
            </button>
          </div>
        </form>
      </details>
      <ListTable caption={t(`ad_tab_${tab}`)} columns={spec.columns} rowKey={(r) => r.id} list={list} />
    </>
  );
}

const kindLabel = (prefix: 'ad_partner_' | 'ad_agreement_', k: string) => t(`${prefix}${k}` as StringKey);
const kindOptions = (prefix: 'ad_partner_' | 'ad_agreement_', kinds: string[]) =>
  kinds.map((k) => ({ value: k, label: kindLabel(prefix, k) }));

function orgSpecs(provinces: Options, prefectures: Options, partners: Options): Record<OrgTab, OrgSpec> {
  const province = (f: Form<Values>) => (
    <Select
      label={column('provinceName')}
      required
      empty=""
      options={provinces}
      {...f.field('provinceCode')}
    />
  );
  return {
    centers: {
      path: '/training-centers',
      columns: [
        { key: 'name', label: t('ad_name') },
        { key: 'provinceName', label: column('provinceName') },
        { key: 'licenseNo', label: t('ad_licenseNo') },
        { key: 'serialPrefix', label: t('ad_serialPrefix'), nowrap: true },
      ],
      initial: { name: '', provinceCode: '', licenseNo: '' },
      fields: (f) => (
        <>
          <Field label={t('ad_name')} required {...f.field('name')} />
          {province(f)}
          <Field label={t('ad_licenseNo')} {...f.field('licenseNo')} />
        </>
      ),
    },
    partners: {
      path: '/partners',
      columns: [
        { key: 'name', label: t('ad_name') },
        { key: 'nameJa', label: t('ad_nameJa') },
        { key: 'kind', label: t('ad_kind'), render: (r) => kindLabel('ad_partner_', r.kind) },
        { key: 'prefectureName', label: column('prefectureName') },
      ],
      initial: { name: '', nameJa: '', kind: 'supervising_org', prefectureCode: '' },
      fields: (f) => (
        <>
          <Field label={t('ad_name')} required {...f.field('name')} />
          <Field label={t('ad_nameJa')} {...f.field('nameJa')} />
          <Select
            label={t('ad_kind')}
            required
            options={kindOptions('ad_partner_', PARTNER_KINDS)}
            {...f.field('kind')}
          />
          <Select
            label={column('prefectureName')}
            empty=""
            options={prefectures}
            {...f.field('prefectureCode')}
          />
        </>
      ),
    },
    employers: {
      path: '/home-employers',
      columns: [
        { key: 'name', label: column('employerName') },
        { key: 'provinceName', label: column('provinceName') },
        { key: 'industrialPark', label: t('ad_industrialPark') },
        { key: 'sector', label: t('ad_sector'), render: (r) => vocab('fields', r.sector) },
        {
          key: 'investorCountry',
          label: t('ad_investorCountry'),
          render: (r) => vocab('countries', r.investorCountry),
        },
      ],
      initial: {
        name: '',
        provinceCode: '',
        industrialPark: '',
        sector: 'industrial_manufacturing',
        investorCountry: 'JP',
      },
      fields: (f) => (
        <>
          <Field label={column('employerName')} required {...f.field('name')} />
          {province(f)}
          <Field label={t('ad_industrialPark')} {...f.field('industrialPark')} />
          <Select label={t('ad_sector')} required group="fields" {...f.field('sector')} />
          <Select
            label={t('ad_investorCountry')}
            required
            group="countries"
            {...f.field('investorCountry')}
          />
        </>
      ),
    },
    agreements: {
      path: '/agreements',
      columns: [
        { key: 'provinceName', label: column('provinceName') },
        { key: 'partnerName', label: t('ad_partner') },
        { key: 'kind', label: t('ad_kind'), render: (r) => kindLabel('ad_agreement_', r.kind) },
        { key: 'signedOn', label: t('ad_signedOn'), nowrap: true, render: (r) => formatDate(r.signedOn) },
        {
          key: 'fields',
          label: column('field'),
          render: (r) => (r.fields as string[]).map((x) => vocab('fields', x)).join(', '),
        },
        { key: 'title', label: t('ad_title') },
      ],
      initial: { provinceCode: '', partnerId: '', kind: 'mou', signedOn: '', field: '', title: '' },
      // One field of cooperation is chosen here; the API takes a list.
      body: ({ field, ...v }) => ({ ...v, fields: field ? [field] : [] }),
      fields: (f) => (
        <>
          {province(f)}
          <Select label={t('ad_partner')} required empty="" options={partners} {...f.field('partnerId')} />
          <Select
            label={t('ad_kind')}
            required
            options={kindOptions('ad_agreement_', AGREEMENT_KINDS)}
            {...f.field('kind')}
          />
          <DateInput label={t('ad_signedOn')} required {...f.field('signedOn')} />
          <Select
            name="fields"
            label={column('field')}
            empty={t('none')}
            group="fields"
            value={f.values.field ?? ''}
            onValue={(v) => f.set('field', v)}
            error={f.errors.fields}
          />
          <Field label={t('ad_title')} {...f.field('title')} />
        </>
      ),
    },
  };
}

export function OrganisationsScreen() {
  const [tab, setTab] = useState<OrgTab>('centers');
  const provinces = useProvinces().map((p) => ({ value: p.code, label: provinceName(p) }));
  const prefectures = usePrefectures().map((p) => ({ value: p.code, label: prefectureName(p) }));
  const [partnersVersion, setPartnersVersion] = useState(0);
  const partners = options(useAll<Named>('/partners', partnersVersion));
  const specs = orgSpecs(provinces, prefectures, partners);
  return (
    <section>
      <ScreenTitle text={t('nav_organisations')} />
      <fieldset class="ad-tabs">
        <legend class="sr-only">{t('nav_organisations')}</legend>
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            class={k === tab ? undefined : 'secondary'}
            aria-pressed={k === tab}
            onClick={() => setTab(k)}
          >
            {t(`ad_tab_${k}`)}
          </button>
        ))}
      </fieldset>
      <OrgSection
        key={tab}
        tab={tab}
        spec={specs[tab]}
        created={tab === 'partners' ? () => setPartnersVersion((n) => n + 1) : undefined}
      />
    </section>
  );
}

/* ---------- jobs ---------- */

interface JobRun {
  id: number;
  jobName: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number> | null;
  error: string | null;
}
interface Job {
  name: string;
  description: string;
  schedule: string;
  timezone: string;
  running: boolean;
  lastRun: JobRun | null;
}

const counts = (c: Record<string, number> | null) =>
  c
    ? Object.entries(c)
        .map(([k, n]) => `${vocab('jobCounts', k)}: ${formatNumber(n)}`)
        .join(', ')
    : '';
/** What a run did (its counts), or why it failed or was skipped, as `job_runs` holds it. */
const runMessage = (r: JobRun) => counts(r.counts) || (r.error ?? '');
const runStatus = (status: string) => t(`ad_run_${status}` as StringKey);

function RunStatus({ status }: { status: string }) {
  return <span class={status === 'failed' ? 'badge badge-overdue' : 'badge'}>{runStatus(status)}</span>;
}

/** From start to end: tenths of a second under 10 s, then whole seconds, then minutes and seconds. */
function duration(r: JobRun): string {
  if (!r.finishedAt) return t('none');
  const ms = Math.max(0, Date.parse(r.finishedAt) - Date.parse(r.startedAt));
  if (ms < 10_000) return t('ad_seconds', { s: formatNumber(Math.round(ms / 100) / 10) });
  const s = Math.round(ms / 1000);
  return s < 60 ? t('ad_seconds', { s }) : t('ad_minutes', { m: Math.floor(s / 60), s: s % 60 });
}

/**
 * One job's runs, newest first, a page at a time; the heading takes the focus when it opens. The runs
 * made on this screen since (`made`, newest first) go on top without reloading the list, whose "rows
 * shown" would talk over the announcement of the run.
 */
function JobRuns({ name, made, onClose }: { name: string; made: JobRun[]; onClose: () => void }) {
  const list = usePagedList<JobRun>(`/jobs/${encodeURIComponent(name)}/runs`, { limit: 20 });
  const loaded = new Set(list.rows.map((r) => r.id));
  const rows = [...made.filter((r) => r.jobName === name && !loaded.has(r.id)), ...list.rows];
  const heading = useRef<HTMLHeadingElement>(null);
  // Closing gives the focus back to the job's button that opened the list.
  const opener = useRef(document.activeElement as HTMLElement | null);
  useEffect(() => heading.current?.focus(), []);
  const close = () => {
    onClose();
    opener.current?.focus();
  };
  const columns: Column<JobRun>[] = [
    { key: 'startedAt', label: t('ad_started'), nowrap: true, render: (r) => formatTime(r.startedAt) },
    { key: 'duration', label: t('ad_duration'), nowrap: true, render: duration },
    { key: 'status', label: column('status'), render: (r) => <RunStatus status={r.status} /> },
    { key: 'message', label: t('ad_message'), render: runMessage },
  ];
  return (
    <section class="card" aria-labelledby="ad-runs-title">
      <div class="dialog-head">
        <h2 id="ad-runs-title" tabIndex={-1} ref={heading}>
          {t('ad_runs', { name })}
        </h2>
        <button type="button" class="link" onClick={close}>
          {t('close')}
        </button>
      </div>
      <ListTable
        caption={t('ad_runs', { name })}
        columns={columns}
        rowKey={(r) => String(r.id)}
        list={{ ...list, rows }}
      />
    </section>
  );
}

export function JobsScreen() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [busy, setBusy] = useState<string | null>('');
  // The job whose runs are shown, and the runs made on this screen (newest first).
  const [shown, setShown] = useState<string | null>(null);
  const [made, setMade] = useState<JobRun[]>([]);
  const load = () =>
    get<{ items: Job[] }>('/jobs')
      .then((r) => setJobs(r.items))
      .catch((err) => reportError(err))
      .finally(() => setBusy(null));
  useEffect(() => {
    void load();
  }, []);
  const run = async (name: string) => {
    setBusy(name);
    try {
      const r = await api<JobRun>('POST', `/jobs/${name}/run`);
      setMade((m) => [r, ...m]);
      announce(t('ad_jobRan', { name, status: runStatus(r.status), counts: runMessage(r) }));
    } catch (err) {
      reportError(err);
    }
    await load();
  };
  const columns: Column<Job>[] = [
    {
      key: 'name',
      label: t('ad_job'),
      nowrap: true,
      render: (j) => (
        <button
          type="button"
          class="link"
          aria-pressed={shown === j.name}
          aria-label={t('ad_showRuns', { name: j.name })}
          onClick={() => setShown(j.name)}
        >
          {j.name}
        </button>
      ),
    },
    {
      key: 'description',
      label: t('ad_description'),
      // The service's own words (English) for a job the vocabulary does not know yet.
      render: (j) => (vocabKeys('jobs').includes(j.name) ? vocab('jobs', j.name) : j.description),
    },
    { key: 'schedule', label: t('ad_schedule'), nowrap: true, render: (j) => <code>{j.schedule}</code> },
    {
      key: 'lastRun',
      label: t('ad_lastRun'),
      render: (j) =>
        j.lastRun ? (
          <>
            <RunStatus status={j.lastRun.status} /> {formatTime(j.lastRun.startedAt)}
            <br />
            <small>{runMessage(j.lastRun)}</small>
          </>
        ) : (
          t('none')
        ),
    },
    {
      key: 'run',
      label: t('ad_actions'),
      render: (j) => (
        <button
          type="button"
          class="secondary"
          disabled={busy === j.name || j.running}
          aria-busy={busy === j.name}
          aria-label={`${t('ad_runNow')} ${j.name}`}
          onClick={() => run(j.name)}
        >
          {t('ad_runNow')}
        </button>
      ),
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_jobs')} />
      <Table
        caption={t('nav_jobs')}
        columns={columns}
        rows={jobs}
        rowKey={(j) => j.name}
        busy={busy === ''}
      />
      {shown && <JobRuns key={shown} name={shown} made={made} onClose={() => setShown(null)} />}
    </section>
  );
}

/* ---------- audit ---------- */

interface AuditEntry {
  at: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}
const ENTITIES = [
  'candidate',
  'placement',
  'certificate',
  'user',
  'job_order',
  'enrollment',
  'course',
  'disclosure',
];
const entityName = (e: string) => (ENTITIES.includes(e) ? t(`ad_entity_${e}` as StringKey) : e);

export function AuditScreen() {
  const empty = { entity: '', entityId: '' };
  const form = useForm(empty);
  const [query, setQuery] = useState(empty);
  const list = usePagedList<AuditEntry>('/audit', query);
  const columns: Column<AuditEntry>[] = [
    { key: 'at', label: t('ad_at'), nowrap: true, render: (e) => formatTime(e.at) },
    { key: 'actorId', label: t('ad_actor'), nowrap: true, render: (e) => e.actorId ?? t('none') },
    { key: 'action', label: t('ad_action') },
    { key: 'entity', label: t('ad_entity'), render: (e) => entityName(e.entity) },
    { key: 'entityId', label: t('ad_entityId'), nowrap: true },
    {
      key: 'change',
      label: t('ad_change'),
      render: (e) =>
        e.before == null && e.after == null ? (
          t('none')
        ) : (
          <details>
            <summary>{t('ad_show')}</summary>
            <pre class="ad-json">{JSON.stringify({ before: e.before, after: e.after }, null, 1)}</pre>
          </details>
        ),
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_audit')} />
      <Filters label={t('filter')} apply={() => setQuery({ ...form.values })} button={t('filter')}>
        <Select
          label={t('ad_entity')}
          empty={t('all')}
          options={ENTITIES.map((k) => ({ value: k, label: entityName(k) }))}
          {...form.field('entity')}
        />
        <Field label={t('ad_entityId')} {...form.field('entityId')} />
      </Filters>
      <ListTable
        caption={t('nav_audit')}
        columns={columns}
        rowKey={(e) => `${e.at}-${e.entity}-${e.entityId}-${e.action}`}
        list={list}
      />
    </section>
  );
}
