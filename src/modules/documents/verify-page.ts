import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { todayInVietnam } from '../../lib/dates.ts';
import { notFound } from '../../lib/errors.ts';
import { dateJa, dateVi, numberJa, numberVi } from '../../pdf/format.ts';
import { documentStrings, type Label, labelOf } from '../../pdf/vocabulary.ts';
import { trainingCenters } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { maskName } from './documents.service.ts';
import { certificates, type RevokeCategory } from './documents.table.ts';

/**
 * The public check of a printed certificate (`GET /verify/:serial?code=`): what its QR code opens on
 * a phone. A browser gets one small page in Vietnamese and Japanese (English third) that works without
 * script and prints; an API client gets the same facts as JSON. Everything the paper states is shown
 * so that a paper with an altered score or level but a genuine serial is caught by comparing.
 */
export interface VerifyDeps {
  db: Db;
  reference: ReferenceService;
}

export interface VerifiedCertificate {
  valid: boolean;
  revoked: boolean;
  revokedOn: string | null;
  revokeCategory: RevokeCategory | null;
  serial: string;
  type: 'training_completion' | 'orientation';
  holderName: string;
  courseName: string;
  courseKind: 'language' | 'vocational' | 'orientation';
  courseStartsOn: string;
  courseEndsOn: string;
  courseHours: number;
  result: 'passed';
  score: number | null;
  jlptLevel: string | null;
  issuedOn: string;
  issuer: string;
}

function sameCode(given: string, stored: string): boolean {
  const x = Buffer.from(given.trim().toUpperCase());
  const y = Buffer.from(stored);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * How long an instance answers a certificate from memory: the page is scanned in bursts (an airport
 * desk, an office checking a group), and one query per certificate per few seconds is enough. A
 * revocation (or an anonymised holder name) shows at once on the instance that made it
 * (`forgetVerifiedCertificates`) and within this time on every other instance.
 */
export const VERIFY_CACHE_MS = 5_000;
/** At most this many certificates per database are kept (the oldest goes first). */
const VERIFY_CACHE_SIZE = 1_000;

interface Known {
  /** When it was read (this clock), and the generation it was read in. */
  readAt: number;
  generation: number;
  verifyCode: string;
  answer: VerifiedCertificate;
  /** The page, rendered on first use. */
  page?: string;
}

/** Per database (tests run many apps in one process), by serial. */
const known = new WeakMap<object, Map<string, Known>>();
let generation = 0;

/** A certificate changed (revoked): no answer read before now is used again. */
export function forgetVerifiedCertificates(): void {
  generation++;
}

/** The certificate with its code, from memory when read lately, else with one query on the serial's unique index. */
async function lookUp({ db, reference }: VerifyDeps, serial: string): Promise<Known | undefined> {
  const key = serial.trim().toUpperCase();
  let cache = known.get(db);
  if (!cache) {
    cache = new Map();
    known.set(db, cache);
  }
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.generation === generation && now - hit.readAt < VERIFY_CACHE_MS) return hit;
  const readIn = generation;
  const [row] = await db
    .select({
      c: certificates,
      centerName: trainingCenters.name,
      centerProvinceCode: trainingCenters.provinceCode,
    })
    .from(certificates)
    .innerJoin(trainingCenters, eq(trainingCenters.id, certificates.trainingCenterId))
    .where(eq(certificates.serial, key));
  // An unknown serial is not remembered: it is rate-limited, and may be issued a moment later.
  if (!row) return undefined;
  const c = row.c;
  const province =
    reference.province(row.centerProvinceCode, '2025')?.nameVi ??
    reference.province(row.centerProvinceCode, '2008')?.nameVi ??
    row.centerProvinceCode;
  const found: Known = {
    readAt: now,
    generation: readIn,
    verifyCode: c.verifyCode,
    answer: {
      valid: c.revokedAt === null,
      revoked: c.revokedAt !== null,
      revokedOn: c.revokedAt ? todayInVietnam(c.revokedAt) : null,
      revokeCategory: c.revokedAt ? ((c.revokeCategory ?? 'other') as RevokeCategory) : null,
      serial: c.serial,
      type: c.type as VerifiedCertificate['type'],
      holderName: maskName(c.holderName),
      courseName: c.courseName,
      courseKind: c.courseKind as VerifiedCertificate['courseKind'],
      courseStartsOn: c.courseStartsOn,
      courseEndsOn: c.courseEndsOn,
      courseHours: c.courseHours,
      result: 'passed',
      score: c.score === null ? null : Number(c.score),
      jlptLevel: c.jlptLevel,
      issuedOn: c.issuedOn,
      issuer: `${row.centerName}, ${province}`,
    },
  };
  cache.delete(key);
  if (cache.size >= VERIFY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, found);
  return found;
}

/** The certificate if the code is its own; a wrong code is answered like an unknown serial (404). */
async function verified(deps: VerifyDeps, serial: string, code: string): Promise<Known> {
  const found = await lookUp(deps, serial);
  if (!found || !sameCode(code, found.verifyCode)) throw notFound('The certificate');
  return found;
}

/** The facts of a certificate found with its code (the JSON answer). */
export async function verifyCertificate(
  deps: VerifyDeps,
  serial: string,
  code: string,
): Promise<VerifiedCertificate> {
  return (await verified(deps, serial, code)).answer;
}

/** The page of a certificate found with its code (rendered once per read of the certificate). */
export async function verifyCertificatePage(deps: VerifyDeps, serial: string, code: string): Promise<string> {
  const found = await verified(deps, serial, code);
  found.page ??= verifyPageHtml(found.answer);
  return found.page;
}

// ── Content negotiation ──────────────────────────────────────────────────────────────────────────

/**
 * True when the Accept header prefers an HTML page to JSON: a browser's `text/html,…,*\/*;q=0.8`
 * does; `*\/*`, no header, or `application/json` do not (API clients keep JSON).
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  let htmlAt = Number.POSITIVE_INFINITY;
  let jsonAt = Number.POSITIVE_INFINITY;
  accept.split(',').forEach((part, i) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) return;
    if (type === 'text/html' || type === 'application/xhtml+xml') {
      if (q > html) [html, htmlAt] = [q, i];
    } else if (
      type === 'application/json' ||
      type === 'application/*' ||
      type === 'application/problem+json'
    ) {
      if (q > json) [json, jsonAt] = [q, i];
    }
  });
  return html > 0 && (html > json || (html === json && htmlAt < jsonAt));
}

// ── The page ─────────────────────────────────────────────────────────────────────────────────────

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1b1f24;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans JP","Hiragino Sans",sans-serif}
main{max-width:44rem;margin:0 auto;padding:1rem}
header{padding:.25rem 0 .75rem}
h1{font-size:1.15rem;margin:0}
.sub{color:#555;font-size:.9rem}
.status{border-radius:.5rem;padding:1rem;margin:0 0 1rem;border:2px solid}
.status.ok{background:#e9f7ef;border-color:#1e8449;color:#145a32}
.status.bad{background:#fdecea;border-color:#b03a2e;color:#78281f}
.status strong{display:block;font-size:1.5rem;letter-spacing:.02em}
.status p{margin:.35rem 0 0}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:.5rem;overflow:hidden}
th,td{text-align:left;vertical-align:top;padding:.6rem .75rem;border-bottom:1px solid #e3e6ea}
th{width:38%;font-weight:600;font-size:.9rem}
th span,.en{display:block;font-weight:400;color:#666;font-size:.8rem}
td{font-size:1rem;overflow-wrap:anywhere}
td .serial{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
.note{background:#fffbe6;border:1px solid #e6d28a;border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0;font-size:.92rem}
.note p{margin:.25rem 0}
footer{color:#666;font-size:.8rem;margin:1rem 0 2rem}
@media (max-width:480px){th,td{display:block;width:auto}th{border-bottom:0;padding-bottom:0}td{padding-top:.15rem}}
@media print{body{background:#fff}main{max-width:none}.status,.note{break-inside:avoid}table{border:1px solid #ccc}}
`.trim();

/** The page's CSP allows exactly this one inline style block and nothing else (no script, no request). */
export const VERIFY_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  // The URL carries the verification code: it must not travel on to another site.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  vary: 'Accept',
};

const L = () => documentStrings('verify');

/** A label in the three languages: Vietnamese, Japanese below it, English small. */
function th(key: string): string {
  const s = L();
  return `<th lang="vi">${escapeHtml(s.vi[key]!)}<span lang="ja">${escapeHtml(s.ja[key]!)}</span><span lang="en">${escapeHtml(s.en[key]!)}</span></th>`;
}

const three = (l: Label | null) =>
  l
    ? `<span lang="vi">${escapeHtml(l.vi)}</span> · <span lang="ja">${escapeHtml(l.ja)}</span><span lang="en" class="en">${escapeHtml(l.en)}</span>`
    : '—';

let certificateTitles: Record<string, Label> | undefined;
/** The certificate types' titles, as the paper prints them (templates/certificate.json). */
function certificateTitle(type: string): Label | null {
  if (!certificateTitles) {
    const def = JSON.parse(
      readFileSync(new URL('../../../templates/certificate.json', import.meta.url), 'utf8'),
    ) as { variants: Record<string, Record<'vi' | 'ja' | 'en', { title: string }>> };
    certificateTitles = Object.fromEntries(
      Object.entries(def.variants).map(([k, v]) => [k, { vi: v.vi.title, ja: v.ja.title, en: v.en.title }]),
    );
  }
  return certificateTitles[type] ?? null;
}

const bothDates = (iso: string) =>
  `${escapeHtml(dateVi(iso) ?? '')} <span lang="ja">(${escapeHtml(dateJa(iso) ?? '')})</span>`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

function heading(): string {
  const s = L();
  return `<header><h1>${escapeHtml(s.vi.title!)} · <span lang="ja">${escapeHtml(s.ja.title!)}</span></h1><div class="sub" lang="en">${escapeHtml(s.en.title!)}</div></header>`;
}

/** The page for a certificate found with its code, valid or revoked. */
export function verifyPageHtml(v: VerifiedCertificate): string {
  const s = L();
  const state = v.valid ? 'valid' : 'revoked';
  const status = `<section class="status ${v.valid ? 'ok' : 'bad'}" role="status">
<strong>${escapeHtml(s.vi[state]!)} · <span lang="ja">${escapeHtml(s.ja[state]!)}</span> · <span lang="en">${escapeHtml(s.en[state]!)}</span></strong>
<p lang="vi">${escapeHtml(s.vi[`${state}Note`]!)}</p><p lang="ja">${escapeHtml(s.ja[`${state}Note`]!)}</p><p lang="en" class="en">${escapeHtml(s.en[`${state}Note`]!)}</p>
</section>`;
  const rows: string[] = [];
  if (v.revoked && v.revokedOn) {
    rows.push(`<tr>${th('revokedOn')}<td>${bothDates(v.revokedOn)}</td></tr>`);
    rows.push(
      `<tr>${th('revokeReason')}<td>${three(labelOf('revokeCategories', v.revokeCategory))}</td></tr>`,
    );
  }
  rows.push(`<tr>${th('serial')}<td><span class="serial">${escapeHtml(v.serial)}</span></td></tr>`);
  rows.push(
    `<tr>${th('holder')}<td><strong>${escapeHtml(v.holderName)}</strong><span class="en">${escapeHtml(s.vi.nameMasked!)} ${escapeHtml(s.ja.nameMasked!)}</span></td></tr>`,
  );
  rows.push(`<tr>${th('kind')}<td>${three(certificateTitle(v.type))}</td></tr>`);
  rows.push(`<tr>${th('course')}<td>${escapeHtml(v.courseName)}</td></tr>`);
  rows.push(`<tr>${th('courseKind')}<td>${three(labelOf('courseKinds', v.courseKind))}</td></tr>`);
  rows.push(
    `<tr>${th('period')}<td>${escapeHtml(dateVi(v.courseStartsOn)!)} – ${escapeHtml(dateVi(v.courseEndsOn)!)} <span lang="ja">(${escapeHtml(dateJa(v.courseStartsOn)!)} – ${escapeHtml(dateJa(v.courseEndsOn)!)})</span><br>${v.courseHours} ${escapeHtml(s.vi.hours!)} / <span lang="ja">${v.courseHours}${escapeHtml(s.ja.hours!)}</span></td></tr>`,
  );
  rows.push(
    `<tr>${th('result')}<td><strong>${three({ vi: s.vi.passed!, ja: s.ja.passed!, en: s.en.passed! })}</strong></td></tr>`,
  );
  if (v.score !== null) {
    rows.push(
      `<tr>${th('score')}<td><strong lang="vi">${escapeHtml(numberVi(v.score)!)}</strong> <span lang="ja">(${escapeHtml(numberJa(v.score)!)})</span></td></tr>`,
    );
  }
  if (v.jlptLevel)
    rows.push(`<tr>${th('jlpt')}<td><strong>JLPT ${escapeHtml(v.jlptLevel)}</strong></td></tr>`);
  rows.push(`<tr>${th('issuer')}<td>${escapeHtml(v.issuer)}</td></tr>`);
  rows.push(`<tr>${th('issuedOn')}<td>${bothDates(v.issuedOn)}</td></tr>`);
  const note = `<section class="note"><p lang="vi">${escapeHtml(s.vi.compare!)}</p><p lang="ja">${escapeHtml(s.ja.compare!)}</p><p lang="en" class="en">${escapeHtml(s.en.compare!)}</p></section>`;
  const title = `${v.serial} — ${s.vi[state]} / ${s.ja[state]}`;
  return page(
    title,
    `${heading()}${status}<table>${rows.join('\n')}</table>${note}<footer>Kakehashi</footer>`,
  );
}

/** The page for an unknown serial or a wrong code (answered 404). */
export function verifyNotFoundHtml(): string {
  const s = L();
  const body = `${heading()}<section class="status bad" role="status">
<strong>${escapeHtml(s.vi.notFound!)} · <span lang="ja">${escapeHtml(s.ja.notFound!)}</span></strong>
<p lang="vi">${escapeHtml(s.vi.notFoundNote!)}</p><p lang="ja">${escapeHtml(s.ja.notFoundNote!)}</p><p lang="en" class="en">${escapeHtml(s.en.notFound!)}. ${escapeHtml(s.en.notFoundNote!)}</p>
</section><footer>Kakehashi</footer>`;
  return page(`${s.vi.notFound} / ${s.ja.notFound}`, body);
}
