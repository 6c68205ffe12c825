/** The workspace's entry: who is signed in decides what is shown; the route table decides the screen. */
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError, loadMe } from './api.ts';
import { ScreenTitle } from './components/ui.tsx';
import { match, useLocation } from './router.ts';
import { routes } from './routes.tsx';
import { ChangePasswordScreen, LoginScreen, ReloginDialog } from './screens/auth.tsx';
import { LangSwitch, Layout, LiveRegions } from './screens/shell.tsx';
import { getSession, langForRole, updateSession, useSession } from './session.ts';
import { t } from './strings.ts';
import './styles.css';

function App() {
  const session = useSession();
  const { path } = useLocation();
  // A token kept from before a reload: ask /me who it is.
  useEffect(() => {
    if (session.token && !session.me) {
      loadMe()
        .then((me) => updateSession({ me, lang: langForRole(me.role) }))
        .catch((err) => {
          if (err instanceof ApiError) updateSession({ token: null });
        });
    }
  }, [session.token, session.me]);

  // The live regions and the re-login dialog stay mounted whatever is shown, so that what they say
  // across a change of screen (signed in, password changed) is read out.
  return (
    <>
      <Screen path={path} />
      <LiveRegions />
      <ReloginDialog />
    </>
  );
}

function Screen({ path }: { path: string }) {
  const session = getSession();
  if (!session.token) return <LoginScreen />;
  if (!session.me) return <p class="loading">{t('loading')}</p>;
  if (session.me.mustChangePassword) {
    return (
      <div class="login-page">
        <header class="login-head">
          <p class="brand">Kakehashi</p>
          <LangSwitch />
        </header>
        <main id="main">
          <ChangePasswordScreen forced />
        </main>
      </div>
    );
  }
  let screen = null;
  for (const r of routes) {
    const params = match(r.path, path);
    if (params && r.roles.includes(session.me.role)) {
      const Screen = r.screen;
      screen = <Screen {...params} />;
      break;
    }
  }
  return <Layout path={path}>{screen ?? <ScreenTitle text={t('notFound')} />}</Layout>;
}

render(<App />, document.getElementById('app')!);
