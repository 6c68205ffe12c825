/** `npm run db:migrate`: applies the migrations and reference data to DATABASE_URL or DATA_DIR. */
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { DataDirLockedError } from '../src/db/lock.ts';
import { migrateDatabase } from '../src/migrate.ts';

async function main() {
  const config = loadConfig();
  // On the embedded database this takes the DATA_DIR lock: it refuses while the service runs.
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    fsync: config.embeddedFsync,
  });
  try {
    await migrateDatabase(database);
  } finally {
    await database.close();
  }
  console.log(
    `Migrated ${config.databaseUrl ? 'the PostgreSQL database in DATABASE_URL' : `the embedded database in ${config.dataDir}`}.`,
  );
}

main().catch((err) => {
  console.error(err instanceof DataDirLockedError || err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
