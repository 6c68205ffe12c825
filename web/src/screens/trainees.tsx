/** Center staff (and admins): the trainees list with its filters, and the register form. */
import { useState } from 'preact/hooks';
import { api, prefetch } from '../api.ts';
import { ListTable } from '../components/listTable.tsx';
import {
  type Column,
  DateInput,
  Field,
  FieldFrame,
  fieldId,
  Link,
  ScreenTitle,
  Select,
  useForm,
  usePagedList,
} from '../components/ui.tsx';
import { provinceName, useProvinces } from '../data.ts';
import { BASE, navigate } from '../router.ts';
import { column, formatDate, JLPT_LEVELS, t, vocab } from '../strings.ts';

export interface Candidate {
  id: string;
  code: string;
  poolCode?: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  nationalId: string | null;
  phone: string | null;
  homeProvinceCode: string;
  provinceBoundaries: '2025' | '2008';
  homeProvince2025: string;
  occupationField: string;
  jlptLevel: string | null;
  consentToShare: boolean;
  trainingCenterId: string;
  status: string;
  statusChangedAt: string;
  version: number;
  createdAt: string;
}

const jlptOptions = () => JLPT_LEVELS.map((l) => ({ value: l, label: l }));

// The page loaded at /trainees: its first page and the province names are asked for beside /me, not
// after it and the first render (issue 19: rows shown ≤ 1 s); the list and useProvinces take them.
if (location.pathname === `${BASE}/trainees`) {
  prefetch('/candidates');
  prefetch('/provinces?boundaries=2025');
}

export function TraineesScreen() {
  const empty = { q: '', status: '', occupationField: '', jlptLevel: '', gender: '', homeProvinceCode: '' };
  const form = useForm(empty);
  const [query, setQuery] = useState(empty);
  const provinces = useProvinces();
  const list = usePagedList<Candidate>('/candidates', query);
  const columns: Column<Candidate>[] = [
    {
      key: 'code',
      label: column('code'),
      nowrap: true,
      render: (c) => <Link to={`/trainees/${c.id}`}>{c.code}</Link>,
    },
    { key: 'fullName', label: column('fullName') },
    {
      key: 'dateOfBirth',
      label: column('dateOfBirth'),
      nowrap: true,
      render: (c) => formatDate(c.dateOfBirth),
    },
    { key: 'gender', label: column('gender'), render: (c) => vocab('genders', c.gender) },
    {
      key: 'occupationField',
      label: column('occupationField'),
      render: (c) => vocab('fields', c.occupationField),
    },
    { key: 'jlptLevel', label: column('jlptLevel'), render: (c) => c.jlptLevel ?? t('none') },
    {
      key: 'status',
      label: column('status'),
      render: (c) => <span class="badge">{vocab('candidateStatuses', c.status)}</span>,
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_trainees')} />
      <div class="actions">
        <Link to="/trainees/new" class="button-link">
          {t('nav_register')}
        </Link>
        <Link to="/trainees/import" class="button-link secondary">
          {t('nav_import')}
        </Link>
      </div>
      {/* Open on a wide screen; folded on a phone, where the list matters first. */}
      <details class="filter-box" open={matchMedia('(min-width: 700px)').matches}>
        <summary>{t('filter')}</summary>
        <form
          class="filters"
          aria-label={t('filter')}
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ ...form.values });
          }}
        >
          <Field label={t('searchByName')} type="search" {...form.field('q')} />
          <Select
            label={column('status')}
            group="candidateStatuses"
            empty={t('all')}
            {...form.field('status')}
          />
          <Select
            label={column('occupationField')}
            group="fields"
            empty={t('all')}
            {...form.field('occupationField')}
          />
          <Select
            label={t('jlptAtLeast')}
            options={jlptOptions()}
            empty={t('all')}
            {...form.field('jlptLevel')}
          />
          <Select label={column('gender')} group="genders" empty={t('all')} {...form.field('gender')} />
          <Select
            label={column('homeProvinceCode')}
            options={provinces.map((p) => ({ value: p.code, label: provinceName(p) }))}
            empty={t('all')}
            {...form.field('homeProvinceCode')}
          />
          <div class="actions">
            <button type="submit">{t('filter')}</button>
          </div>
        </form>
      </details>
      <ListTable caption={t('nav_trainees')} columns={columns} rowKey={(c) => c.id} list={list} />
    </section>
  );
}

export function RegisterScreen() {
  const form = useForm({
    fullName: '',
    dateOfBirth: '',
    gender: '',
    nationalId: '',
    phone: '',
    homeProvinceCode: '',
    occupationField: '',
    jlptLevel: '',
    consentToShare: false,
  });
  const provinces = useProvinces();
  const v = form.values;
  const e = form.errors;
  return (
    <section>
      <ScreenTitle text={t('nav_register')} />
      <form
        noValidate
        onSubmit={form.submit(async (values) => {
          // Empty optional fields are left out; the API's own rules decide the rest, shown field by field.
          const body = Object.fromEntries(Object.entries(values).filter(([, x]) => x !== ''));
          const created = await api<Candidate>('POST', '/candidates', { body });
          navigate(`/trainees/${created.id}`);
          return t('registered', { code: created.code, name: created.fullName });
        })}
      >
        <div class="form-grid">
          <Field {...form.field('fullName')} label={column('fullName')} required autoComplete="off" />
          <DateInput {...form.field('dateOfBirth')} label={column('dateOfBirth')} required />
          <Select {...form.field('gender')} label={column('gender')} required group="genders" empty="" />
          <Field
            {...form.field('nationalId')}
            label={column('nationalId')}
            required
            inputMode="numeric"
            autoComplete="off"
          />
          <Field {...form.field('phone')} label={column('phone')} type="tel" />
          <Select
            {...form.field('homeProvinceCode')}
            label={column('homeProvinceCode')}
            required
            options={provinces.map((p) => ({ value: p.code, label: `${provinceName(p)} (${p.code})` }))}
            empty=""
          />
          <Select
            {...form.field('occupationField')}
            label={column('occupationField')}
            required
            group="fields"
            empty=""
          />
          <Select
            {...form.field('jlptLevel')}
            label={column('jlptLevel')}
            options={jlptOptions()}
            empty={t('none')}
          />
        </div>
        <FieldFrame name="consentToShare" label={column('consentToShare')} error={e.consentToShare}>
          <span class="check">
            <input
              type="checkbox"
              id={fieldId('consentToShare')}
              checked={v.consentToShare}
              onChange={(x) => form.set('consentToShare', (x.currentTarget as HTMLInputElement).checked)}
            />
            <span>{t('consentHelp')}</span>
          </span>
        </FieldFrame>
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            {t('register')}
          </button>
        </div>
      </form>
    </section>
  );
}
