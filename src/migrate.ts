import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { Database } from './db/client.ts';
import { loadReferenceData } from './modules/reference/reference.seed.ts';

export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
const extraSqlFolder = fileURLToPath(new URL('./db/sql', import.meta.url));

/** Functions and triggers drizzle-kit does not model: idempotent files, applied in name order. */
async function applyExtraSql(database: Database) {
  const files = readdirSync(extraSqlFolder)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const file of files) {
    const text = readFileSync(join(extraSqlFolder, file), 'utf8');
    // Several statements per file: the simple query protocol on both drivers.
    if (database.kind === 'pglite') await database.pglite!.exec(text);
    else await database.sql!.unsafe(text).simple();
  }
}

/** Applies the committed migrations, then loads the reference data (idempotent). */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    // Two instances starting together must not both run the migrations.
    const lock = await database.sql!.reserve();
    await lock`select pg_advisory_lock(727274)`;
    try {
      await migratePostgres(database.db as unknown as PostgresJsDatabase, { migrationsFolder });
      await applyExtraSql(database);
      await loadReferenceData(database.db);
    } finally {
      await lock`select pg_advisory_unlock(727274)`;
      lock.release();
    }
  } else {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    await applyExtraSql(database);
    await loadReferenceData(database.db);
  }
}
