// Dates as people write them, whatever the browser's own locale: DD/MM/YYYY in Vietnamese and
// English, YYYY年M月D日 in Japanese. A native date input would show the browser's format
// (mm/dd/yyyy on an English-language Chromium), so the fields are text, read and written here.
// Every parser also takes ISO (YYYY-MM-DD, YYYY-MM), the API's form.

const pad = (n) => String(n).padStart(2, '0');

function validDay(y, m, d) {
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return null;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= last ? `${y}-${pad(m)}-${pad(d)}` : null;
}

/** `YYYY-MM-DD` from what was typed (DD/MM/YYYY, D.M.YYYY, YYYY-MM-DD, YYYY/M/D, YYYY年M月D日), else null. */
export function parseDate(text) {
  const s = String(text ?? '').trim();
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (m) return validDay(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/.exec(s);
  if (m) return validDay(+m[3], +m[2], +m[1]);
  return null;
}

/** `YYYY-MM` from MM/YYYY, YYYY-MM, YYYY/M or YYYY年M月, else null. */
export function parseMonth(text) {
  const s = String(text ?? '').trim();
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(s);
  if (!m) {
    const r = /^(\d{1,2})\s*[/.-]\s*(\d{4})$/.exec(s);
    if (r) m = [r[0], r[2], r[1]];
  }
  if (!m) return null;
  const [y, mo] = [+m[1], +m[2]];
  return y >= 1900 && y <= 2999 && mo >= 1 && mo <= 12 ? `${y}-${pad(mo)}` : null;
}

/** An ISO day in the language's form. */
export function formatDate(iso, lang) {
  const [y, m, d] = iso.split('-');
  return lang === 'ja' ? `${y}年${+m}月${+d}日` : `${d}/${m}/${y}`;
}

/** An ISO month in the language's form. */
export function formatMonth(iso, lang) {
  const [y, m] = iso.split('-');
  return lang === 'ja' ? `${y}年${+m}月` : `${m}/${y}`;
}
