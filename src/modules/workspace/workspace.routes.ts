import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { addPageSecurityHeaders } from '../../plugins/page-headers.ts';

/**
 * The workspace: the web app of centers, partners, officers and admins, built by scripts/build-web.mjs
 * from web/src into web/dist (from src/ and from a compiled dist/ alike, web/ is three levels up).
 */
export const WORKSPACE_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Only this origin; nothing inline, no frames, no plugins, no form posts (the app submits by fetch). */
export const WORKSPACE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
};
/** Hashed asset names as scripts/build-web.mjs writes them (`main-ABCD1234.js`). */
const ASSET = /^assets\/[A-Za-z0-9_-]+-[A-Z0-9]{8}\.(js|css|svg|woff2|ttf|png)$/;

async function sendIndex(reply: FastifyReply) {
  const file = join(WORKSPACE_DIST, 'index.html');
  if (!existsSync(file)) {
    return reply
      .code(503)
      .type('text/plain; charset=utf-8')
      .send('The workspace is not built: run `node scripts/build-web.mjs` (npm start does it).');
  }
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .send(await readFile(file));
}

/** /app and every client route under it answer the page; /app/assets/* the hashed, immutable files. */
export const workspaceRoutes: FastifyPluginAsync = async (app) => {
  addPageSecurityHeaders(app, WORKSPACE_CSP);

  app.get('/app', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    sendIndex(reply),
  );

  app.get('/app/*', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    if (rest.startsWith('assets/')) {
      const file = join(WORKSPACE_DIST, rest);
      if (!ASSET.test(rest) || !existsSync(file)) {
        return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      }
      return reply
        .type(TYPES[extname(rest)] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(await readFile(file));
    }
    return sendIndex(reply);
  });
};
