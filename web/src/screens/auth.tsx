/** Signing in, the re-login dialog of an expired session, and changing the password (forced or not). */
import { useState } from 'preact/hooks';
import { ApiError, api, loadMe, login, reloggedIn } from '../api.ts';
import { Dialog, Field, reportError, ScreenTitle, useForm } from '../components/ui.tsx';
import { announce } from '../live.ts';
import { getSession, langForRole, updateSession } from '../session.ts';
import { t } from '../strings.ts';
import { LangSwitch } from './shell.tsx';

/** Signs in and loads /me; the language becomes the person's (Japanese for partners) unless chosen. */
export async function signIn(email: string, password: string) {
  const token = await login(email, password);
  updateSession({ token });
  const me = await loadMe();
  chooseLangIfUnset(me.role);
  updateSession({ me });
}
function chooseLangIfUnset(role: Parameters<typeof langForRole>[0]) {
  const lang = langForRole(role);
  if (lang !== getSession().lang) updateSession({ lang });
}

/** A wrong password is a 401 without naming a field: shown under the password and read out. */
function loginError(err: unknown, setErrors: (e: Record<string, string>) => void) {
  if (err instanceof ApiError && err.status === 401) {
    setErrors({ password: t('wrongLogin') });
    announce(t('wrongLogin'), 'error');
  } else reportError(err, setErrors);
}

export function LoginScreen() {
  const form = useForm({ email: '', password: '' });
  const [busy, setBusy] = useState(false);
  return (
    <div class="login-page">
      <header class="login-head">
        <p class="brand">Kakehashi</p>
        <LangSwitch />
      </header>
      <main id="main" class="login-box">
        <ScreenTitle text={t('signInTitle')} />
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            try {
              await signIn(form.values.email, form.values.password);
            } catch (err) {
              loginError(err, form.setErrors);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Field {...form.field('email')} label={t('email')} type="email" autoComplete="username" required />
          <Field
            {...form.field('password')}
            label={t('password')}
            type="password"
            autoComplete="current-password"
            required
          />
          <button type="submit" disabled={busy}>
            {t('signIn')}
          </button>
        </form>
      </main>
    </div>
  );
}

/**
 * Shown over the page when a request met 401: the page (and any half-filled form under it) stays;
 * after signing in again the waiting requests are sent once more.
 */
export function ReloginDialog() {
  const session = getSession();
  const form = useForm({ password: '' });
  return (
    <Dialog open={session.expired} title={t('sessionExpired')} required>
      <p>{t('sessionExpiredHelp')}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const token = await login(session.me?.email ?? '', form.values.password);
            form.set('password', '');
            reloggedIn(token);
          } catch (err) {
            loginError(err, form.setErrors);
          }
        }}
      >
        <p>
          {t('email')}: <strong>{session.me?.email}</strong>
        </p>
        <Field
          name="relogin-password"
          label={t('password')}
          type="password"
          autoComplete="current-password"
          required
          value={form.values.password}
          onValue={(v) => form.set('password', v)}
          error={form.errors.password}
        />
        <div class="actions">
          <button type="submit">{t('signIn')}</button>
          <button type="button" class="secondary" onClick={() => signOut()}>
            {t('signOut')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function signOut() {
  updateSession({ token: null, me: null, expired: false });
}

/**
 * Change the password. Every earlier token stops working after it, so the app signs in again with
 * the new password at once. `forced`: after an administrator's reset, nothing else is reachable.
 */
export function ChangePasswordScreen({ forced }: { forced?: boolean }) {
  const form = useForm({ currentPassword: '', newPassword: '' });
  const me = getSession().me!;
  return (
    <section class={forced ? 'login-box' : undefined}>
      <ScreenTitle text={t('changePassword')} />
      {forced && (
        <p class="notice" role="note">
          {t('mustChangePassword')}
        </p>
      )}
      <form
        onSubmit={form.submit(async (v) => {
          await api('POST', '/me/password', { body: v });
          const token = await login(me.email, v.newPassword);
          updateSession({ token });
          updateSession({ me: await loadMe() });
          form.set('currentPassword', '');
          form.set('newPassword', '');
          return t('passwordChanged');
        })}
      >
        <Field
          {...form.field('currentPassword')}
          label={t('currentPassword')}
          type="password"
          autoComplete="current-password"
          required
        />
        <Field
          {...form.field('newPassword')}
          label={t('newPassword')}
          type="password"
          autoComplete="new-password"
          required
          hint={t('newPasswordHelp')}
        />
        <div class="actions">
          <button type="submit" disabled={form.busy}>
            {t('changePassword')}
          </button>
          {forced && (
            <button type="button" class="secondary" onClick={() => signOut()}>
              {t('signOut')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
