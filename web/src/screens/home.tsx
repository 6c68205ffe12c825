import { ScreenTitle } from '../components/ui.tsx';
import { getSession } from '../session.ts';
import { type StringKey, t } from '../strings.ts';

export function HomeScreen() {
  const me = getSession().me!;
  return (
    <section>
      <ScreenTitle text={t('welcome', { role: t(`role_${me.role}` as StringKey) })} />
      <p>{me.email}</p>
      {(me.role === 'province' || me.role === 'admin') && (
        <p>
          <a href="/dashboard">{t('statisticsLink')}</a>
        </p>
      )}
    </section>
  );
}
