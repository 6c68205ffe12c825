/**
 * Client routes under /app, with the History API (the server answers index.html for /app/*).
 * `navigate('/trainees')` changes the page; `useLocation()` re-renders on every change; `match()`
 * reads `:params` out of a pattern.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/app';
const listeners = new Set<() => void>();

/** The app path (without /app) and its query. */
export function currentPath(): { path: string; query: URLSearchParams } {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return { path: p === '' ? '/' : p, query: new URLSearchParams(location.search) };
}

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const url = BASE + (to === '/' ? '' : to);
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
}
window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export function useLocation() {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return currentPath();
}

/** `match('/trainees/:id', '/trainees/42')` → `{ id: '42' }`; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const ps = pattern.split('/');
  const xs = path.split('/');
  if (ps.length !== xs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(xs[i]!);
    else if (p !== xs[i]) return null;
  }
  return params;
}

/** An <a> that navigates inside the app (ctrl/middle click still opens a new tab). */
export function onLinkClick(event: MouseEvent, to: string) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  event.preventDefault();
  navigate(to);
}
