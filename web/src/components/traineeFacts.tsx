/**
 * A trainee's facts as a `dl.facts` card: status, birth date, gender, home province, field, JLPT level.
 * The staff view adds the identity rows (national ID, phone) and its own rows after the others
 * (`children`); a partner's view has no identity fields, and none is shown.
 */
import type { ComponentChildren } from 'preact';
import { column, formatDate, t, vocab } from '../strings.ts';

export interface TraineeFactsOf {
  status: string;
  dateOfBirth: string;
  gender: string;
  homeProvinceCode: string;
  occupationField: string;
  jlptLevel: string | null;
}

export function TraineeFacts({
  of: c,
  identity,
  children,
}: {
  of: TraineeFactsOf;
  /** The national ID and phone (staff only). */
  identity?: { nationalId: string | null; phone: string | null };
  children?: ComponentChildren;
}) {
  return (
    <div class="card">
      <dl class="facts">
        <dt>{column('status')}</dt>
        <dd>
          <span class="badge">{vocab('candidateStatuses', c.status)}</span>
        </dd>
        <dt>{column('dateOfBirth')}</dt>
        <dd>{formatDate(c.dateOfBirth)}</dd>
        <dt>{column('gender')}</dt>
        <dd>{vocab('genders', c.gender)}</dd>
        {identity && (
          <>
            <dt>{column('nationalId')}</dt>
            <dd>{identity.nationalId ?? t('none')}</dd>
            <dt>{column('phone')}</dt>
            <dd>{identity.phone ?? t('none')}</dd>
          </>
        )}
        <dt>{column('homeProvinceCode')}</dt>
        <dd>{c.homeProvinceCode}</dd>
        <dt>{column('occupationField')}</dt>
        <dd>{vocab('fields', c.occupationField)}</dd>
        <dt>{column('jlptLevel')}</dt>
        <dd>{c.jlptLevel ?? t('none')}</dd>
        {children}
      </dl>
    </div>
  );
}
