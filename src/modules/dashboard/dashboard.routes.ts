import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { addPageSecurityHeaders } from '../../plugins/page-headers.ts';

/**
 * The dashboard is plain ES modules served as they are: no bundler, no build step. From a compiled
 * `dist/` the sources are not copied, so fall back to the `src/dashboard` next to it.
 */
function dashboardRoot(): string {
  const near = fileURLToPath(new URL('../../dashboard/', import.meta.url));
  if (existsSync(`${near}index.html`)) return near;
  return fileURLToPath(new URL('../../../src/dashboard/', import.meta.url));
}

const require = createRequire(import.meta.url);
/** Chart.js's UMD build, from node_modules (the machine has no internet, so no CDN). */
const chartJsDir = dirname(require.resolve('chart.js'));
/**
 * Noto Sans JP (SIL OFL 1.1; the PDF renderer's font) for machines without a Japanese font. The
 * stylesheet limits it to kana and kanji (unicode-range), so a browser downloads it only when
 * Japanese text is on the page.
 */
const notoSansJp = require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');

/**
 * Only this origin may run scripts, style the page or be fetched; nothing inline, no frames, no
 * plugins. Chart.js sizes its canvas through the CSSOM (`element.style.x = …`), which CSP allows
 * without 'unsafe-inline'.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The statistics dashboard at /dashboard. The pages and scripts are public; the numbers come from
 * the token-protected /reports endpoints, called by the page with a bearer header.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  // The files @fastify/static serves (each route carries its `file`) and the index need no token.
  // Anything else registered here must declare its roles like every other route (default deny).
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { file?: string; auth?: unknown };
    if (config.file !== undefined || route.url === '/dashboard/' || route.url === '/dashboard') {
      route.config = { ...config, auth: 'public' } as typeof route.config;
    }
  });
  addPageSecurityHeaders(app, DASHBOARD_CSP);

  await app.register(fastifyStatic, {
    root: dashboardRoot(),
    prefix: '/dashboard/',
    // Routes for the files present at start-up only (no wildcard), so nothing else is reachable.
    wildcard: false,
    globIgnore: ['**/README.md'],
    index: ['index.html'],
    schemaHide: true,
    cacheControl: true,
    maxAge: 0,
  });

  app.get(
    '/dashboard/vendor/chart.umd.min.js',
    { config: { auth: 'public' }, schema: { hide: true } },
    async (_request, reply) => reply.sendFile('chart.umd.min.js', chartJsDir),
  );

  app.get(
    '/dashboard/fonts/noto-sans-jp.ttf',
    { config: { auth: 'public' }, schema: { hide: true } },
    async (_request, reply) => reply.sendFile(basename(notoSansJp), dirname(notoSansJp), { maxAge: '7d' }),
  );
};
