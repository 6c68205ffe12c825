import strings from './strings.js';

export const LANGUAGES = /** @type {const} */ (['vi', 'en', 'ja']);
const STORAGE_KEY = 'kh.dashboard.lang';

let current = 'vi';

/** The saved choice, else Vietnamese: officers are Vietnamese first. */
export function initialLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.includes(saved) ? saved : 'vi';
}

export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : 'vi';
  localStorage.setItem(STORAGE_KEY, current);
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  document.title = t('title');
}

export const language = () => current;

/** The string for `key` in the current language (Vietnamese when missing), {name} filled in. */
export function t(key, params = {}) {
  const text = strings[current]?.[key] ?? strings.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

const locale = () => ({ vi: 'vi-VN', en: 'en-GB', ja: 'ja-JP' })[current];

/** A count, or the "hidden" word when the server withheld it (null). */
export function formatCount(n) {
  return n === null || n === undefined ? t('suppressed') : new Intl.NumberFormat(locale()).format(n);
}

/** A 0–1 ratio as a percentage with one decimal; a dash when there is nothing to divide. */
export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined) return '—';
  return new Intl.NumberFormat(locale(), {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(ratio);
}

/** Months of earnings (the SDG 10.7.1 ratio) with two decimals: 2,50 in Vietnamese. */
export function formatMonths(n) {
  if (n === null || n === undefined) return t('suppressed');
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}
