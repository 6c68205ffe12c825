/** Courses of the center: list and create; one course: enroll, record and correct results, certificates. */
import { useEffect, useState } from 'preact/hooks';
import { api, download, get, type Page } from '../api.ts';
import { ListTable } from '../components/listTable.tsx';
import {
  type Column,
  DateInput,
  Dialog,
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
import { navigate } from '../router.ts';
import { column, formatDate, formatNumber, JLPT_LEVELS, parseNumber, t, vocab } from '../strings.ts';
import { type Certificate, type Enrollment, printCertificate } from './trainee.tsx';
import type { Candidate } from './trainees.tsx';

interface Course {
  id: string;
  name: string;
  kind: string;
  startsOn: string;
  endsOn: string;
  hours: number;
  capacity: number | null;
  enrolled: number;
}

const numberOrUndefined = (s: string) => (s.trim() === '' ? undefined : parseNumber(s));

export function CoursesScreen() {
  const list = usePagedList<Course>('/courses', {});
  const form = useForm({ name: '', kind: '', startsOn: '', endsOn: '', hours: '', capacity: '' });
  const columns: Column<Course>[] = [
    { key: 'name', label: t('course'), render: (c) => <Link to={`/courses/${c.id}`}>{c.name}</Link> },
    { key: 'kind', label: t('courseKind'), render: (c) => vocab('courseKinds', c.kind) },
    {
      key: 'period',
      label: t('period'),
      render: (c) => `${formatDate(c.startsOn)} – ${formatDate(c.endsOn)}`,
    },
    { key: 'hours', label: t('hours'), numeric: true, render: (c) => formatNumber(c.hours) },
    {
      key: 'enrolled',
      label: t('enrolled'),
      numeric: true,
      render: (c) => (c.capacity ? `${c.enrolled}/${c.capacity}` : String(c.enrolled)),
    },
  ];
  return (
    <section>
      <ScreenTitle text={t('nav_courses')} />
      <ListTable caption={t('nav_courses')} columns={columns} rowKey={(c) => c.id} list={list} />
      <h2>{t('newCourse')}</h2>
      <form
        noValidate
        onSubmit={form.submit(async (x) => {
          const created = await api<Course>('POST', '/courses', {
            body: {
              name: x.name,
              kind: x.kind || undefined,
              startsOn: x.startsOn || undefined,
              endsOn: x.endsOn || undefined,
              hours: numberOrUndefined(x.hours),
              capacity: numberOrUndefined(x.capacity),
            },
          });
          navigate(`/courses/${created.id}`);
          return t('saved');
        })}
      >
        <div class="form-grid">
          <Field {...form.field('name')} label={t('course')} required />
          <Select {...form.field('kind')} label={t('courseKind')} required group="courseKinds" empty="" />
          <DateInput {...form.field('startsOn')} label={t('startsOn')} required />
          <DateInput {...form.field('endsOn')} label={t('endsOn')} required />
          <Field {...form.field('hours')} label={t('hours')} required inputMode="numeric" />
          <Field {...form.field('capacity')} label={t('capacity')} inputMode="numeric" />
        </div>
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            {t('createCourse')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function CourseScreen({ id }: { id: string }) {
  const [course, setCourse] = useState<Course | null>(null);
  const [enrollments, setEnrollments] = useState<Enrollment[]>([]);
  const [certificates, setCertificates] = useState<Certificate[]>([]);
  const [recording, setRecording] = useState<{ e: Enrollment; correct: boolean } | null>(null);
  const [tick, setTick] = useState(0);
  const reload = () => setTick((n) => n + 1);
  useEffect(() => {
    Promise.all([
      get<Course>(`/courses/${id}`),
      get<Page<Enrollment>>(`/courses/${id}/enrollments`, { limit: 500 }),
    ]).then(async ([c, e]) => {
      setCourse(c);
      setEnrollments(e.items);
      // The valid certificates of this course's enrollments: one list filtered by course, page by page.
      const found: Certificate[] = [];
      let cursor: string | undefined;
      do {
        const p = await get<Page<Certificate>>('/certificates', { courseId: id, limit: 500, cursor });
        found.push(...p.items);
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      setCertificates(found.filter((x) => !x.revoked));
    }, reportError);
  }, [id, tick]);
  if (!course) return <p>{t('loading')}</p>;

  const columns: Column<Enrollment>[] = [
    {
      key: 'candidateCode',
      label: t('trainee'),
      render: (e) => <Link to={`/trainees/${e.candidateId}`}>{e.candidateCode}</Link>,
    },
    { key: 'candidateName', label: t('name') },
    {
      key: 'outcome',
      label: t('outcome'),
      render: (e) => vocab('enrollmentOutcomes', e.outcome ?? 'pending'),
    },
    {
      key: 'score',
      label: t('score'),
      numeric: true,
      render: (e) => (e.score === null ? '' : formatNumber(e.score)),
    },
    { key: 'jlptLevel', label: column('jlptLevel'), render: (e) => e.jlptLevel ?? '' },
    {
      key: 'actions',
      label: t('actions'),
      render: (e) => (
        <span class="actions">
          <button
            type="button"
            class="link"
            aria-label={`${e.outcome ? t('correctResult') : t('recordResult')}: ${e.candidateName}`}
            onClick={() => setRecording({ e, correct: e.outcome !== null })}
          >
            {e.outcome ? t('correctResult') : t('recordResult')}
          </button>
          {e.outcome === 'passed' && (
            <button
              type="button"
              class="link"
              aria-label={`${t('printCertificate')}: ${e.candidateName}`}
              onClick={() => printCertificate(e).then(reload, (err) => reportError(err))}
            >
              {t('printCertificate')}
            </button>
          )}
        </span>
      ),
    },
  ];
  return (
    <section>
      <ScreenTitle text={course.name} />
      <div class="card">
        <dl class="facts">
          <dt>{t('courseKind')}</dt>
          <dd>{vocab('courseKinds', course.kind)}</dd>
          <dt>{t('period')}</dt>
          <dd>
            {formatDate(course.startsOn)} – {formatDate(course.endsOn)}
          </dd>
          <dt>{t('hours')}</dt>
          <dd>{formatNumber(course.hours)}</dd>
          <dt>{t('enrolled')}</dt>
          <dd>{course.capacity ? `${course.enrolled}/${course.capacity}` : course.enrolled}</dd>
        </dl>
      </div>
      <EnrollForm courseId={id} endsOn={course.endsOn} onDone={reload} />
      <h2>{t('enrollments')}</h2>
      <Table caption={t('enrollments')} columns={columns} rows={enrollments} rowKey={(e) => e.id} />
      {certificates.length > 0 && (
        <div class="actions">
          <BatchButton ids={certificates.map((c) => c.id)} name={course.name} />
        </div>
      )}
      <ResultDialog
        target={recording}
        kind={course.kind}
        onClose={() => setRecording(null)}
        onDone={() => {
          setRecording(null);
          reload();
        }}
      />
    </section>
  );
}

/** One PDF of the course's valid certificates, one page each (POST /certificates/batch). */
function BatchButton({ ids, name }: { ids: string[]; name: string }) {
  return (
    <button
      type="button"
      class="secondary"
      onClick={() => download('/certificates/batch', `${name}.pdf`, undefined, { ids }).catch(reportError)}
    >
      {t('printBatch', { n: ids.length })}
    </button>
  );
}

/** Find a trainee by name or code, pick one, enroll (a late entry after the course's end needs a reason). */
function EnrollForm({ courseId, endsOn, onDone }: { courseId: string; endsOn: string; onDone: () => void }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Candidate[] | null>(null);
  const form = useForm({ candidateId: '', lateEntryReason: '' });
  const late = endsOn < new Date().toISOString().slice(0, 10);
  return (
    <div class="card">
      <h2>{t('enroll')}</h2>
      <form
        class="filters"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const page = await get<Page<Candidate>>('/candidates', { q, limit: 20 });
            const open = page.items.filter((c) => ['registered', 'training', 'ready'].includes(c.status));
            setFound(open);
            form.set('candidateId', open[0]?.id ?? '');
            announce(t('rowsShown', { n: open.length }));
          } catch (err) {
            reportError(err);
          }
        }}
      >
        <Field
          name="enroll-q"
          type="search"
          label={t('findTrainee')}
          hint={t('searchHint')}
          value={q}
          onValue={setQ}
        />
        <div class="actions">
          <button type="submit" class="secondary">
            {t('search')}
          </button>
        </div>
      </form>
      {found && (
        <form
          noValidate
          onSubmit={form.submit(async (v) => {
            await api('POST', `/courses/${courseId}/enrollments`, {
              body: {
                candidateId: v.candidateId,
                lateEntryReason: late ? v.lateEntryReason || undefined : undefined,
              },
            });
            const who = found.find((c) => c.id === v.candidateId);
            onDone();
            return t('enrolledOne', { name: who?.fullName ?? '' });
          })}
        >
          <Select
            {...form.field('candidateId')}
            label={t('trainee')}
            required
            options={found.map((c) => ({
              value: c.id,
              label: `${c.fullName} — ${c.code} (${vocab('candidateStatuses', c.status)})`,
            }))}
          />
          {late && <Field {...form.field('lateEntryReason')} label={t('lateEntryReason')} required />}
          <div class="actions">
            <button type="submit" disabled={form.busy || !form.values.candidateId}>
              {t('enroll')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/** Record a result (POST) or correct one with a reason (PATCH; refused while a certificate is valid). */
function ResultDialog({
  target,
  kind,
  onClose,
  onDone,
}: {
  target: { e: Enrollment; correct: boolean } | null;
  kind: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const form = useForm({ outcome: 'passed', score: '', jlptLevel: '', reason: '' });
  const title = target
    ? `${target.correct ? t('correctResult') : t('recordResult')} — ${target.e.candidateName}`
    : '';
  return (
    <Dialog open={target !== null} title={title} onClose={onClose}>
      <form
        noValidate
        onSubmit={form.submit(async (x) => {
          if (!target) return undefined;
          const body = {
            outcome: x.outcome,
            score: numberOrUndefined(x.score),
            jlptLevel: x.jlptLevel || undefined,
            ...(target.correct ? { reason: x.reason } : {}),
          };
          await api(target.correct ? 'PATCH' : 'POST', `/enrollments/${target.e.id}/result`, { body });
          onDone();
          return t('resultSaved', {
            name: target.e.candidateName,
            outcome: vocab('enrollmentOutcomes', x.outcome),
          });
        })}
      >
        <Select
          {...form.field('outcome')}
          label={t('outcome')}
          required
          options={['passed', 'failed', 'withdrawn'].map((o) => ({
            value: o,
            label: vocab('enrollmentOutcomes', o),
          }))}
        />
        <Field {...form.field('score')} label={t('score')} inputMode="decimal" hint="0–100" />
        {kind === 'language' && (
          <Select
            {...form.field('jlptLevel')}
            label={column('jlptLevel')}
            options={JLPT_LEVELS.map((l) => ({ value: l, label: l }))}
            empty={t('none')}
          />
        )}
        {target?.correct && <Field {...form.field('reason')} label={t('reason')} required />}
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            {t('save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
