// `npm run build`: compiles src/ to dist/ and copies the files the service reads at run time next to
// the compiled code (SQL applied after the migrations, reference data). Templates, fonts and drizzle/
// are found from the project root, and the dashboard's static files from src/ or dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
// The dashboard's copy of the vocabularies, from their one source (src/lib/vocab.ts, templates/vocabulary.json).
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/dashboard-vocabulary.ts'], { stdio: 'inherit' });
// The workspace's bundle (web/dist), served at /app from the compiled service as from the sources.
execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
for (const dir of ['db/sql', 'modules/reference/data', 'modules/users/data', 'dashboard']) {
  cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}
console.log('built dist/: run it with npm run start:dist');
