/** One trainee: facts, actions (mark ready, withdraw, profile sheet), history, courses, certificates, placements. */
import { useEffect, useState } from 'preact/hooks';
import { api, download, get, type Page } from '../api.ts';
import { TraineeFacts } from '../components/traineeFacts.tsx';
import {
  type Column,
  Dialog,
  DownloadButton,
  Field,
  Link,
  reportError,
  ScreenTitle,
  Table,
  useForm,
} from '../components/ui.tsx';
import { announce } from '../live.ts';
import { getSession } from '../session.ts';
import { column, formatDate, statusReason, t, vocab } from '../strings.ts';
import type { Candidate } from './trainees.tsx';

interface HistoryItem {
  from: string | null;
  to: string;
  at: string;
  actorId: string | null;
  reason: string | null;
}
export interface Enrollment {
  id: string;
  courseId: string;
  courseName: string;
  courseKind: string;
  courseStartsOn: string;
  courseEndsOn: string;
  candidateId: string;
  candidateCode: string;
  candidateName: string;
  outcome: string | null;
  score: number | null;
  jlptLevel: string | null;
}
export interface Certificate {
  id: string;
  serial: string;
  type: string;
  enrollmentId: string;
  holderName: string;
  courseName: string;
  issuedOn: string;
  revoked: boolean;
}
export interface Placement {
  id: string;
  candidateCode: string;
  destinationCountry: string;
  prefectureName: string | null;
  prefectureNameEn: string | null;
  employerName: string;
  program: string;
  field: string;
  contractStart: string | null;
  contractEnd: string | null;
  status: string;
  departedOn: string | null;
  returnedOn: string | null;
}

/** `2026-03-01T08:00:00.000Z` → the date part in the language's form. */
export const formatMoment = (iso: string | null) => (iso ? formatDate(iso.slice(0, 10)) : '');

/** Issues the certificate of a passed enrollment (or finds the one issued) and downloads its PDF. */
export async function printCertificate(enrollment: Enrollment): Promise<void> {
  const existing = await get<Page<Certificate>>('/certificates', { candidateId: enrollment.candidateId });
  let cert = existing.items.find((c) => c.enrollmentId === enrollment.id && !c.revoked);
  if (!cert) {
    const issued = await api<{ id: string; serial: string }>('POST', '/certificates', {
      body: { enrollmentId: enrollment.id },
    });
    cert = { id: issued.id, serial: issued.serial } as Certificate;
  }
  await download(`/certificates/${cert.id}/pdf`, `${cert.serial}.pdf`);
}

export function TraineeScreen({ id }: { id: string }) {
  const [c, setC] = useState<Candidate | null>(null);
  const [history, setHistory] = useState<HistoryItem[]>([]);
  const [enrollments, setEnrollments] = useState<Enrollment[]>([]);
  const [certificates, setCertificates] = useState<Certificate[]>([]);
  const [placements, setPlacements] = useState<Placement[]>([]);
  const [withdrawing, setWithdrawing] = useState(false);
  const [tick, setTick] = useState(0);
  const staff = getSession().me!.role !== 'province';

  useEffect(() => {
    Promise.all([
      get<Candidate>(`/candidates/${id}`),
      get<{ items: HistoryItem[] }>(`/candidates/${id}/history`),
      get<Page<Enrollment>>(`/candidates/${id}/enrollments`),
      get<Page<Certificate>>('/certificates', { candidateId: id }),
      get<Page<Placement>>('/placements', { candidateId: id }),
    ]).then(([cand, h, e, cs, ps]) => {
      setC(cand);
      setHistory(h.items);
      setEnrollments(e.items);
      setCertificates(cs.items);
      setPlacements(ps.items);
    }, reportError);
  }, [id, tick]);

  if (!c) return <p>{t('loading')}</p>;
  const reload = () => setTick((n) => n + 1);

  const transition = async (to: 'ready' | 'withdrawn', reason?: string) => {
    const next = await api<Candidate>('POST', `/candidates/${id}/transitions`, {
      body: { to, reason, version: c.version },
    });
    setC(next);
    reload();
    return t('statusNow', { status: vocab('candidateStatuses', next.status) });
  };

  const historyColumns: Column<HistoryItem>[] = [
    { key: 'at', label: t('when'), render: (h) => formatMoment(h.at) },
    { key: 'from', label: t('fromStatus'), render: (h) => vocab('candidateStatuses', h.from) },
    { key: 'to', label: t('toStatus'), render: (h) => vocab('candidateStatuses', h.to) },
    { key: 'reason', label: t('reason'), render: (h) => statusReason(h.reason) },
  ];
  const enrollmentColumns: Column<Enrollment>[] = [
    {
      key: 'courseName',
      label: t('course'),
      render: (e) => <Link to={`/courses/${e.courseId}`}>{e.courseName}</Link>,
    },
    { key: 'courseKind', label: t('courseKind'), render: (e) => vocab('courseKinds', e.courseKind) },
    {
      key: 'period',
      label: t('period'),
      render: (e) => `${formatDate(e.courseStartsOn)} – ${formatDate(e.courseEndsOn)}`,
    },
    {
      key: 'outcome',
      label: t('outcome'),
      render: (e) => vocab('enrollmentOutcomes', e.outcome ?? 'pending'),
    },
    { key: 'score', label: t('score'), numeric: true, render: (e) => (e.score ?? '').toString() },
  ];
  const certificateColumns: Column<Certificate>[] = [
    { key: 'serial', label: column('serial') },
    { key: 'courseName', label: column('courseName') },
    { key: 'issuedOn', label: column('issuedOn'), render: (x) => formatDate(x.issuedOn) },
    { key: 'revoked', label: column('revoked'), render: (x) => (x.revoked ? t('yes') : t('no')) },
    {
      key: 'pdf',
      label: t('document'),
      render: (x) => (
        <DownloadButton
          path={`/certificates/${x.id}/pdf`}
          filename={`${x.serial}.pdf`}
          label={t('printCertificate')}
          class="link"
        />
      ),
    },
  ];
  const placementColumns: Column<Placement>[] = [
    {
      key: 'employerName',
      label: column('employerName'),
      render: (p) => <Link to={`/placements/${p.id}`}>{p.employerName}</Link>,
    },
    {
      key: 'destinationCountry',
      label: column('destinationCountry'),
      render: (p) => vocab('countries', p.destinationCountry),
    },
    { key: 'program', label: column('program'), render: (p) => vocab('programs', p.program) },
    { key: 'status', label: column('status'), render: (p) => vocab('placementStatuses', p.status) },
    { key: 'departedOn', label: column('departedOn'), render: (p) => formatDate(p.departedOn) },
  ];

  return (
    <section>
      <ScreenTitle text={`${c.fullName} — ${c.code}`} />
      <TraineeFacts of={c} identity={c}>
        <dt>{column('consentToShare')}</dt>
        <dd>{c.consentToShare ? t('yes') : t('no')}</dd>
        {c.poolCode && (
          <>
            <dt>{t('poolCode')}</dt>
            <dd>{c.poolCode}</dd>
          </>
        )}
      </TraineeFacts>
      {staff && (
        <div class="actions">
          {c.status === 'training' && (
            <button
              type="button"
              onClick={() =>
                transition('ready').then(
                  (m) => announce(m),
                  (e) => reportError(e),
                )
              }
            >
              {t('markReady')}
            </button>
          )}
          {['registered', 'training', 'ready'].includes(c.status) && (
            <button type="button" class="secondary" onClick={() => setWithdrawing(true)}>
              {t('withdraw')}
            </button>
          )}
          <DownloadButton
            path={`/candidates/${id}/profile.pdf`}
            query={{ lang: getSession().lang === 'ja' ? 'ja' : 'vi' }}
            filename={`${c.code}.pdf`}
            label={t('printProfile')}
          />
        </div>
      )}
      <WithdrawDialog
        open={withdrawing}
        onClose={() => setWithdrawing(false)}
        onWithdraw={async (reason) => {
          const m = await transition('withdrawn', reason);
          setWithdrawing(false);
          return m;
        }}
      />
      <h2>{t('courses')}</h2>
      <Table caption={t('courses')} columns={enrollmentColumns} rows={enrollments} rowKey={(e) => e.id} />
      <h2>{t('certificates')}</h2>
      <Table
        caption={t('certificates')}
        columns={certificateColumns}
        rows={certificates}
        rowKey={(x) => x.id}
      />
      <h2>{t('placements')}</h2>
      <Table caption={t('placements')} columns={placementColumns} rows={placements} rowKey={(p) => p.id} />
      <h2>{t('history')}</h2>
      <Table
        caption={t('history')}
        columns={historyColumns}
        rows={history}
        rowKey={(h) => `${h.at}-${h.to}`}
      />
    </section>
  );
}

function WithdrawDialog({
  open,
  onClose,
  onWithdraw,
}: {
  open: boolean;
  onClose: () => void;
  onWithdraw: (reason: string) => Promise<string>;
}) {
  const form = useForm({ reason: '' });
  return (
    <Dialog open={open} title={t('withdraw')} onClose={onClose}>
      <form noValidate onSubmit={form.submit((v) => onWithdraw(v.reason))}>
        <Field {...form.field('reason')} label={t('reason')} required />
        <div class="actions">
          <button type="submit" class="danger" disabled={form.busy}>
            {t('withdraw')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
