/**
 * The API client. Adds the bearer token; a 401 on a signed-in session opens the re-login dialog and
 * retries the same request once a new token is there (the screen and its half-filled form stay as
 * they are); a 403 `password-change-required` sends the person to the change form; any other
 * problem+json becomes an ApiError whose `fields` map each named field (`errors[].path`) to its message.
 * Every request sends `Accept-Language` in the screen's language, so those messages come translated.
 */
import { announce } from './live.ts';
import { getSession, type Me, updateSession } from './session.ts';
import { getLang, t } from './strings.ts';

export interface FieldProblem {
  path: string;
  message: string;
  row?: number;
}
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  readonly fields: Record<string, string>;
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.fields = {};
    for (const e of problem.errors ?? []) {
      if (e.row === undefined && !(e.path in this.fields)) this.fields[e.path] = e.message;
    }
  }
  get status() {
    return this.problem.status;
  }
  /** The problem type without its base URL: `validation`, `password-change-required`, … */
  get kind() {
    return this.problem.type.replace(/^.*\/problems\//, '');
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;
export interface RequestOptions {
  query?: Query;
  /** JSON (an object) or a raw body (a File/Blob, sent with its own type). */
  body?: unknown;
  /** Send without a token and without the re-login dance (login itself). */
  anonymous?: boolean;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Resolved when the person signs in again in the re-login dialog. */
let relogin: Promise<void> | null = null;
let reloginDone: (() => void) | null = null;
function waitForRelogin(): Promise<void> {
  if (!relogin) {
    relogin = new Promise((resolve) => {
      reloginDone = resolve;
    });
    updateSession({ expired: true });
  }
  return relogin;
}
/** Called by the re-login dialog with the new token: every waiting request is sent again. */
export function reloggedIn(token: string) {
  updateSession({ token, expired: false });
  reloginDone?.();
  relogin = null;
  reloginDone = null;
}

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return (await res.json()) as Problem;
    } catch {}
  }
  return { type: `http-${res.status}`, title: res.statusText, status: res.status, detail: res.statusText };
}

/** Answers asked for before the screen that reads them exists (see `prefetch`), by URL; each is taken once. */
const early = new Map<string, { token: string; res: Promise<Response | null> }>();

/**
 * Starts a GET now, while the page is still loading (the session's /me, the first page of a list), so
 * that it does not wait for /me and the first render: the next `send('GET', …)` of the same URL with
 * the same token takes its answer instead of asking again. An answer that is not 2xx (or a network
 * error) is dropped and that call asks itself, with the usual re-login and error handling.
 */
export function prefetch(path: string, query?: Query) {
  const { token } = getSession();
  if (!token) return;
  const url = withQuery(path, query);
  const res = fetch(url, {
    headers: { authorization: `Bearer ${token}`, 'accept-language': getLang() },
  }).then(
    (r) => (r.ok ? r : null),
    () => null,
  );
  early.set(url, { token, res });
}

/** One request; resolves to the Response when it is 2xx, throws ApiError otherwise. */
export async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  for (;;) {
    // Problems (the messages under fields) answer in the screen's language.
    const headers: Record<string, string> = { 'accept-language': getLang() };
    const { token } = getSession();
    const pre = method === 'GET' ? early.get(withQuery(path, opts.query)) : undefined;
    if (pre) {
      early.delete(withQuery(path, opts.query));
      const res = pre.token === token ? await pre.res : null;
      if (res) return res;
    }
    if (token && !opts.anonymous) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (opts.body instanceof Blob) {
      body = opts.body;
      headers['content-type'] = opts.body.type || 'application/octet-stream';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(withQuery(path, opts.query), { method, headers, body });
    } catch {
      const problem = { type: 'network', title: 'Network', status: 0, detail: t('networkError') };
      announce(problem.detail, 'error');
      throw new ApiError(problem);
    }
    if (res.ok) return res;
    const problem = await problemOf(res);
    if (res.status === 401 && token && !opts.anonymous) {
      await waitForRelogin();
      continue;
    }
    const error = new ApiError(problem);
    if (error.kind === 'password-change-required') {
      const me = getSession().me;
      if (me) updateSession({ me: { ...me, mustChangePassword: true } });
    }
    throw error;
  }
}

/** JSON in, JSON out (null for 204). */
export async function api<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return null as T;
  return (await res.json()) as T;
}

export const get = <T = unknown>(path: string, query?: Query) => api<T>('GET', path, { query });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Signs in: the token is kept, then /me says who and what may be seen. */
export async function login(email: string, password: string): Promise<string> {
  const { token } = await api<{ token: string }>('POST', '/auth/login', {
    body: { email, password },
    anonymous: true,
  });
  return token;
}

export async function loadMe(): Promise<Me> {
  return api<Me>('GET', '/me');
}
// A token kept from before a reload: who it is, asked at once (main.tsx reads it after the first render).
prefetch('/me');

/** The filename of a Content-Disposition header, or a fallback. */
function filenameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain?.[1] ?? fallback;
}

/** Fetches a file with the token and saves it (a blob link clicked), then says so in the live region. */
export async function download(
  path: string,
  fallbackName: string,
  query?: Query,
  body?: unknown,
): Promise<string> {
  const res = await send(body === undefined ? 'GET' : 'POST', path, { query, body });
  const name = filenameOf(res, fallbackName);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  announce(t('downloaded', { name }));
  return name;
}
