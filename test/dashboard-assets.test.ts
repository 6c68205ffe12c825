import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

const SOURCE = join(import.meta.dirname, '../src/dashboard');

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the dashboard assets', () => {
  it('opens at /dashboard without a token, under a strict Content-Security-Policy', async () => {
    for (const url of ['/dashboard', '/dashboard/']) {
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('serves its scripts, styles and Chart.js from this service, not from a CDN', async () => {
    const html = (await t.request({ method: 'GET', url: '/dashboard' })).body;
    const assets = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]!);
    expect(assets).toContain('/dashboard/vendor/chart.umd.min.js');
    expect(assets).toContain('/dashboard/app.js');
    for (const url of assets) {
      expect(url.startsWith('/dashboard/')).toBe(true);
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-security-policy'], url).toBeDefined();
    }
    const chart = await t.request({ method: 'GET', url: '/dashboard/vendor/chart.umd.min.js' });
    expect(chart.headers['content-type']).toMatch(/javascript/);
    expect(chart.body).toContain('Chart.js v4');
    const font = await t.request({ method: 'GET', url: '/dashboard/fonts/noto-sans-jp.ttf' });
    expect(font.statusCode).toBe(200);
    expect(font.rawPayload.length).toBeGreaterThan(1_000_000);
  });

  it('has no inline script, inline style or inline event handler that the policy would block', () => {
    const html = readFileSync(join(SOURCE, 'index.html'), 'utf8');
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="/);
    expect(html).not.toMatch(/<script\b[^>]*>\s*[^<\s]/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\son[a-z]+="/);
    for (const file of readdirSync(SOURCE).filter((f) => f.endsWith('.js'))) {
      const js = readFileSync(join(SOURCE, file), 'utf8');
      expect(js, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
      // The token travels in the Authorization header only.
      expect(js, file).not.toMatch(/[?&](token|access_token)=/);
    }
  });

  it('serves only the dashboard files, and the reports still need a token', async () => {
    for (const url of [
      '/dashboard/README.md',
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/package.json',
    ]) {
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
    }
    const head = await t.request({ method: 'HEAD', url: '/dashboard/app.js' });
    expect(head.statusCode).toBe(200);
    const report = await t.request({ method: 'GET', url: '/reports/province-share' });
    expect(report.statusCode).toBe(401);
    // The asset routes stay out of the API document.
    const doc = (await t.request({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/dashboard'))).toEqual([]);
  });

  it('has every dashboard string in Vietnamese, English and Japanese', async () => {
    const { default: strings } = (await import(pathToFileURL(join(SOURCE, 'strings.js')).href)) as {
      default: Record<string, Record<string, string>>;
    };
    expect(Object.keys(strings)).toEqual(['vi', 'en', 'ja']);
    const keys = Object.keys(strings.vi!).sort();
    expect(keys.length).toBeGreaterThan(50);
    for (const lang of ['en', 'ja']) {
      expect(Object.keys(strings[lang]!).sort(), lang).toEqual(keys);
      for (const key of keys) {
        const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
        expect(placeholders(strings[lang]![key]!), `${lang}.${key}`).toEqual(placeholders(strings.vi![key]!));
      }
    }
    expect(strings.vi!.downloadCsv).toBe('Tải CSV');
  });
});
