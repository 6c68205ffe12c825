import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { withDatabase } from './global-setup.ts';

/** A fresh, migrated database of its own for one test file; `drop()` removes it. */
export async function freshDatabase(): Promise<Database & { drop(): Promise<void>; url?: string }> {
  const testDb = inject('testDb');
  if (testDb.kind === 'pglite') {
    const snapshot = new Blob([readFileSync(testDb.snapshot)]);
    const database = await openDatabase({ loadDataDir: snapshot });
    return Object.assign(database, { drop: () => database.close() });
  }
  const name = `${testDb.template.replace('tmpl', 'f')}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(testDb.url, { max: 1, onnotice: () => {} });
  // CREATE DATABASE … TEMPLATE fails while another file copies the same template: retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database ${name} template ${testDb.template}`);
      break;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = withDatabase(testDb.url, name);
  const database = await openDatabase({ databaseUrl: url, poolSize: 10 });
  return Object.assign(database, {
    url,
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  });
}

export const onPostgres = () => inject('testDb').kind === 'postgres';
