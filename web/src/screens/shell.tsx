/** The frame of every screen: header (user, language, sign-out), the role's navigation, live regions. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Link } from '../components/ui.tsx';
import { useAnnouncement } from '../live.ts';
import { useLocation } from '../router.ts';
import { navItems } from '../routes.tsx';
import { chooseLang, getSession } from '../session.ts';
import { LANGS, type StringKey, setLangValue, t } from '../strings.ts';
import { signOut } from './auth.tsx';

/** Three buttons, the current one pressed; the choice is kept for the next visit. */
export function LangSwitch() {
  const { lang } = getSession();
  return (
    <fieldset class="lang-switch">
      <legend class="sr-only">{t('language')}</legend>
      {LANGS.map((l) => {
        // Each button names its language in that language.
        setLangValue(l);
        const name = t('langName');
        setLangValue(lang);
        return (
          <button
            key={l}
            type="button"
            lang={l}
            class="link"
            aria-pressed={l === lang}
            onClick={() => chooseLang(l)}
          >
            {name}
          </button>
        );
      })}
    </fieldset>
  );
}

/**
 * The polite (results) and assertive (errors) live regions, and the last message shown on screen — on
 * the screen where it was raised only: after a navigation it leaves the view at once, while its text
 * stays in the region (a screen reader that is still reading it is not cut off).
 */
export function LiveRegions() {
  const a = useAnnouncement();
  const { path } = useLocation();
  // The screen each message was raised on (the path at the first render that shows it); once another
  // screen is shown the message is cleared from view for good, even on coming back.
  const raised = useRef({ n: -1, path, cleared: false });
  if (raised.current.n !== a.n) raised.current = { n: a.n, path, cleared: false };
  if (raised.current.path !== path) raised.current.cleared = true;
  const toast = (kind: 'status' | 'error') =>
    raised.current.cleared ? 'sr-only' : kind === 'error' ? 'toast toast-error' : 'toast';
  // The regions stay put (a screen reader follows their content); each message is a new paragraph that
  // the stylesheet hides from view after a few seconds.
  return (
    <>
      <div class="toast-region" role="status" aria-live="polite" id="live-status">
        {a.kind === 'status' && a.text && (
          <p key={a.n} class={toast('status')}>
            {a.text}
          </p>
        )}
      </div>
      <div class="toast-region" role="alert" aria-live="assertive" id="live-error">
        {a.kind === 'error' && a.text && (
          <p key={a.n} class={toast('error')}>
            {a.text}
          </p>
        )}
      </div>
    </>
  );
}

export function Layout({ path, children }: { path: string; children: ComponentChildren }) {
  const { me } = getSession();
  const [menuOpen, setMenuOpen] = useState(false);
  // On every navigation: focus the screen's heading (a screen reader starts there), close the menu.
  useEffect(() => {
    setMenuOpen(false);
    requestAnimationFrame(() => document.getElementById('screen-title')?.focus());
  }, [path]);
  const items = navItems(me!.role);
  return (
    <div class="layout">
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="top">
        <Link to="/" class="brand">
          Kakehashi
        </Link>
        <button
          type="button"
          class="menu-button secondary"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('menu')}
        </button>
        <div class="who">
          <span class="who-text">
            {me!.email} ({t(`role_${me!.role}` as StringKey)})
          </span>
          <LangSwitch />
          <button type="button" class="link" onClick={() => signOut()}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <nav id="main-nav" class={menuOpen ? 'open' : undefined} aria-label={t('mainNav')}>
        <ul>
          {items.map((item) => (
            <li key={item.path}>
              {item.external ? (
                <a href={item.path}>{t(item.label)}</a>
              ) : (
                <Link
                  to={item.path}
                  class={isCurrent(item.path, path) ? 'current' : undefined}
                  {...(isCurrent(item.path, path) ? { 'aria-current': 'page' } : {})}
                >
                  {t(item.label)}
                </Link>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">{children}</main>
    </div>
  );
}

const isCurrent = (item: string, path: string) =>
  item === '/' ? path === '/' : path === item || path.startsWith(`${item}/`);
