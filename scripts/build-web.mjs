// Builds the workspace (web/src, Preact + TSX) into web/dist: one minified script and one stylesheet
// with content-hashed names under web/dist/assets, and web/dist/index.html naming them. Run by
// npm prestart/predev/pretest and scripts/build.mjs. Safe to run while a server reads web/dist:
// assets are only added (old ones pruned after an hour) and index.html is replaced atomically.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const assets = join(web, 'dist', 'assets');
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: [join(web, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  outdir: assets,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: join(web, 'tsconfig.json'),
  // The Japanese font is the one the dashboard serves (same origin), not copied into the bundle.
  external: ['/dashboard/*'],
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
if (!script || !style) throw new Error(`build-web: expected one .js and one .css, got ${outputs.join(', ')}`);

const html = readFileSync(join(web, 'index.html'), 'utf8')
  .replace('%SCRIPT%', `/app/assets/${script}`)
  .replace('%STYLE%', `/app/assets/${style}`);
const tmp = join(web, 'dist', `.index.${process.pid}.html`);
writeFileSync(tmp, html);
renameSync(tmp, join(web, 'dist', 'index.html'));

// Old hashed files: kept an hour for pages still open on them, then removed.
const hourAgo = Date.now() - 3600_000;
for (const f of readdirSync(assets)) {
  if (!outputs.includes(f) && statSync(join(assets, f)).mtimeMs < hourAgo) rmSync(join(assets, f));
}
console.log(`built web/dist: ${script}, ${style}`);
