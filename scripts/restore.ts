/**
 * `npm run restore -- FILE`: replaces the embedded database in DATA_DIR by a backup made by
 * `npm run backup` or the service's "database-backup" job. The service must be stopped (the DATA_DIR
 * lock is taken, or the restore refuses). The replaced files are kept in DATA_DIR/replaced/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import { BACKUPS_DIR, listBackups, restoreEmbeddedDatabase } from '../src/db/backup.ts';
import { acquireDataDirLock, DataDirLockedError } from '../src/db/lock.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error(
      'DATABASE_URL is set: the service runs on PostgreSQL, which this command does not restore.\n' +
        'Use pg_restore, e.g.  pg_restore --clean --dbname="$DATABASE_URL" kakehashi.dump',
    );
    return 1;
  }
  const dataDir = resolve(config.dataDir);
  const arg = process.argv[2];
  if (!arg) {
    const backups = listBackups(join(dataDir, BACKUPS_DIR));
    console.error('Usage: npm run restore -- FILE   (stop the service first)');
    console.error(
      backups.length
        ? `Backups in ${join(dataDir, BACKUPS_DIR)}, newest last:\n${backups.map((b) => `  ${join(dataDir, BACKUPS_DIR, b)}`).join('\n')}`
        : `There are no backups in ${join(dataDir, BACKUPS_DIR)}.`,
    );
    return 2;
  }
  const file = resolve(arg);
  if (!existsSync(file)) {
    console.error(`${file}: no such file.`);
    return 1;
  }
  // Refuses while the service (or anything else) holds DATA_DIR. A new machine starts from nothing.
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  try {
    const result = await restoreEmbeddedDatabase({ dataDir, file, now: new Date() });
    console.log(`Restored the embedded database in ${dataDir} from ${file} (${result.files} files).`);
    if (result.replacedDir)
      console.log(
        `The database it replaced is kept in ${result.replacedDir} (delete it when you no longer need it).`,
      );
    console.log('Start the service again with: npm start');
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
