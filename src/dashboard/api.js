// Talks to the service's JSON API. The token lives in sessionStorage (gone when the tab closes)
// and travels only in the Authorization header — never in a URL, where logs and history keep it.

const TOKEN_KEY = 'kh.dashboard.token';

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export const getToken = () => sessionStorage.getItem(TOKEN_KEY);
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY);

/** `path?a=1&b=2` with the empty values left out. */
export function withQuery(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function call(path, { method = 'GET', body, accept = 'application/json' } = {}) {
  const headers = { accept };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail ?? detail;
      if (Array.isArray(problem.errors) && problem.errors.length) {
        detail += ` (${problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`;
      }
    } catch {
      // not a problem+json body: keep the status text
    }
    throw new ApiError(response.status, detail);
  }
  return response;
}

export async function login(email, password) {
  const response = await call('/auth/login', { method: 'POST', body: { email, password } });
  const { token, user } = await response.json();
  sessionStorage.setItem(TOKEN_KEY, token);
  return user;
}

export const me = async () => (await call('/me')).json();

export const getJson = async (path, params) => (await call(withQuery(path, params))).json();

/** The file name the server gave in Content-Disposition, else `fallback`. */
function fileName(response, fallback) {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match ? match[1] : fallback;
}

const ACCEPT = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/**
 * Fetches a report as a file (CSV or XLSX) with the bearer header, headers and labels in `lang`
 * (Vietnamese Excel: semicolons and decimal commas), and hands it to the browser.
 */
export async function downloadFile(path, params, fallbackName, { format = 'csv', lang } = {}) {
  const query = {
    ...params,
    format,
    ...(lang ? { lang } : {}),
    ...(format === 'csv' && lang === 'vi' ? { sep: 'semicolon' } : {}),
  };
  const response = await call(withQuery(path, query), { accept: ACCEPT[format] });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(response, fallbackName);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the download a moment to start before the object URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
