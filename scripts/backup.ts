/**
 * `npm run backup`: one backup of the embedded database (DATA_DIR, no DATABASE_URL) into
 * DATA_DIR/backups/kakehashi-YYYYMMDD-HHMMSS.tar.gz, keeping the newest BACKUP_KEEP (7).
 * For a stopped service: a running one holds DATA_DIR and backs itself up (job "database-backup",
 * daily at CRON_DATABASE_BACKUP; POST /jobs/database-backup/run takes one now).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import { BACKUPS_DIR, backupEmbeddedDatabase } from '../src/db/backup.ts';
import { acquireDataDirLock, DataDirLockedError } from '../src/db/lock.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error(
      'DATABASE_URL is set: the service runs on PostgreSQL, which this command does not back up.\n' +
        'Use pg_dump, e.g.  pg_dump --format=custom --file=kakehashi.dump "$DATABASE_URL"',
    );
    return 1;
  }
  const dataDir = resolve(config.dataDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    console.error(`There is no embedded database in ${dataDir} (DATA_DIR): nothing to back up.`);
    return 1;
  }
  // Held while the files are read: no service can start on them meanwhile.
  const lock = acquireDataDirLock(dataDir);
  try {
    const result = await backupEmbeddedDatabase({
      dataDir,
      backupsDir: join(dataDir, BACKUPS_DIR),
      now: new Date(),
      keep: config.backupKeep,
    });
    console.log(
      `Backed up the embedded database in ${dataDir}:\n  ${result.file} (${result.files} files, ${result.bytes} bytes)`,
    );
    if (result.removed.length)
      console.log(`Removed older backups (BACKUP_KEEP=${config.backupKeep}): ${result.removed.join(', ')}`);
    console.log(`Restore it with: npm run restore -- ${result.file}`);
  } finally {
    lock.release();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof DataDirLockedError || err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
