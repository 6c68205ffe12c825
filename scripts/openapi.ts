/**
 * Prints the OpenAPI document the service serves at /docs/json, from an app on a throw-away embedded
 * database: `npx tsx scripts/openapi.ts > openapi.json` (then e.g. `npx @redocly/cli lint openapi.json`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'kh-openapi-'));
const { DATABASE_URL: _, ...env } = process.env;
try {
  const app = await buildApp(
    loadConfig({ ...env, DATA_DIR: dataDir, CRON_ENABLED: 'false', LOG_LEVEL: 'silent' }),
  );
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  await app.close();
  if (res.statusCode !== 200) throw new Error(`/docs/json answered ${res.statusCode}`);
  process.stdout.write(`${JSON.stringify(res.json(), null, 2)}\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
