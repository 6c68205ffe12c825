/**
 * The signed-in session: the token (sessionStorage, gone with the tab), the user from /me, the
 * language (localStorage, kept across visits) and whether a re-login dialog is open. Components read
 * it with `useSession()` and re-render when it changes.
 */
import { useEffect, useState } from 'preact/hooks';
import { LANGS, type Lang, setLangValue } from './strings.ts';

export type Role = 'admin' | 'center' | 'province' | 'partner';
export interface Me {
  id: string;
  email: string;
  role: Role;
  trainingCenterId: string | null;
  provinceCode: string | null;
  partnerId: string | null;
  mustChangePassword: boolean;
}

export interface SessionState {
  token: string | null;
  me: Me | null;
  lang: Lang;
  /** A request met 401: the re-login dialog is open and requests wait for it. */
  expired: boolean;
}

const TOKEN_KEY = 'kh.workspace.token';
const LANG_KEY = 'kh.workspace.lang';

function storedLang(): Lang | null {
  const l = localStorage.getItem(LANG_KEY);
  return LANGS.includes(l as Lang) ? (l as Lang) : null;
}

let state: SessionState = {
  token: sessionStorage.getItem(TOKEN_KEY),
  me: null,
  lang: storedLang() ?? 'vi',
  expired: false,
};
setLangValue(state.lang);
document.documentElement.lang = state.lang;

const listeners = new Set<() => void>();
export const getSession = () => state;

export function updateSession(patch: Partial<SessionState>) {
  state = { ...state, ...patch };
  if ('token' in patch) {
    if (patch.token) sessionStorage.setItem(TOKEN_KEY, patch.token);
    else sessionStorage.removeItem(TOKEN_KEY);
  }
  if (patch.lang) {
    setLangValue(patch.lang);
    document.documentElement.lang = patch.lang;
  }
  for (const l of listeners) l();
}

/** The language a person chose (kept), or on first sign-in: Japanese for partners, else Vietnamese. */
export function chooseLang(lang: Lang) {
  localStorage.setItem(LANG_KEY, lang);
  updateSession({ lang });
}
export function langForRole(role: Role): Lang {
  return storedLang() ?? (role === 'partner' ? 'ja' : 'vi');
}

export function useSession(): SessionState {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return state;
}
