import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BACKUPS_DIR, backupEmbeddedDatabase, listBackups } from '../src/db/backup.ts';
import { type Database, openDatabase } from '../src/db/client.ts';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../src/db/lock.ts';
import { queryRows } from '../src/db/query.ts';
import { JOBS } from '../src/job-registry.ts';
import { createJobRunner } from '../src/jobs/runner.ts';
import { createTestApp, type TestApp, testConfig } from './helpers/app.ts';
import { onPostgres } from './helpers/database.ts';
import { createSeed } from './helpers/seed.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/** These tests start PGlite and child processes: generous on a loaded machine. */
const SLOW = { timeout: 240_000 };
const work = mkdtempSync(join(tmpdir(), 'kh-embedded-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh DATA_DIR holding the migrated test database (the run's snapshot), closed again. */
async function migratedDataDir(name: string): Promise<string> {
  const dataDir = join(work, name);
  const testDb = inject('testDb');
  const snapshot =
    testDb.kind === 'pglite' ? new Blob([readFileSync(testDb.snapshot)]) : await migratedSnapshot();
  const database = await openDatabase({ dataDir, loadDataDir: snapshot });
  await database.close();
  return dataDir;
}

let snapshotCache: Blob | undefined;
async function migratedSnapshot(): Promise<Blob> {
  // On a PostgreSQL test run there is no PGlite snapshot: migrate one in memory, once.
  if (!snapshotCache) {
    const { migrateDatabase } = await import('../src/migrate.ts');
    const database = await openDatabase({});
    await migrateDatabase(database);
    snapshotCache = (await database.pglite!.dumpDataDir('none')) as Blob;
    await database.close();
  }
  return snapshotCache;
}

/** A child process that opens DATA_DIR, writes 100 rows in 100 commits, says "ready", holds it until told. */
function startHolder(dataDir: string): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const script = join(work, `holder-${Date.now()}-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(join(root, 'src/db/client.ts'))};
const database = await openDatabase({ dataDir: process.env.DATA_DIR });
await database.pglite.exec('create table if not exists holder_rows (n int primary key, note text)');
for (let n = 1; n <= 100; n++) await database.pglite.query('insert into holder_rows values ($1, $2)', [n, 'row ' + n]);
console.log('ready');
process.stdin.on('data', async () => { await database.close(); console.log('closed'); process.exit(0); });
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, npm_lifecycle_event: 'holder-test' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const ready = new Promise<void>((res, rej) => {
    child.stdout!.on('data', () => {
      if (out.includes('ready')) res();
    });
    child.on('exit', (code) => rej(new Error(`holder exited (${code}) before ready:\n${out}`)));
  });
  return { child, ready, output: () => out };
}

/** Runs `node --import tsx <script> …args` as `npm run` would, with DATA_DIR; answers code and output. */
function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', CRON_ENABLED: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => res({ code, out }));
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) res();
    else child.on('exit', () => res());
  });
}

/** Every file of the data directory with its size and mtime: proof that nothing touched them. */
function fingerprintFiles(dataDir: string): string {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else lines.push(`${path} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dataDir);
  return lines.join('\n');
}

/** The content of every table of the public schema, as text. */
async function tableContents(database: Database): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(
    database.db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
  );
  const contents: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ n: number; digest: string | null }>(
      database.db,
      sql.raw(
        `select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as digest from "${name}" t`,
      ),
    );
    contents[name] = `${row!.n}:${row!.digest}`;
  }
  return contents;
}

describe('one process holds the embedded database', () => {
  it(
    'a second process is refused with the holder named, opens no file, and the holder’s data stay intact',
    SLOW,
    async () => {
      const dataDir = await migratedDataDir('held');
      const holder = startHolder(dataDir);
      try {
        await holder.ready;
        const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'));
        expect(lock.pid).toBe(holder.child.pid);
        const before = fingerprintFiles(dataDir);

        // In this process: refused before PGlite is even loaded.
        const refused = await openDatabase({ dataDir }).then(
          () => null,
          (err: unknown) => err,
        );
        expect(refused).toBeInstanceOf(DataDirLockedError);
        const message = (refused as Error).message;
        expect(message).toContain(`process ${holder.child.pid} on ${hostname()}`);
        expect(message).toContain('npm run holder-test');
        expect(message).toContain(`since ${lock.since}`);
        expect(message).toMatch(/stop that process first/);
        expect(message).toMatch(/DATABASE_URL/);

        // The commands a person would run meanwhile: each exits at once with the same message.
        const env = { DATA_DIR: dataDir };
        const [migrate, seed, backup, restore] = await Promise.all([
          runScript('scripts/migrate.ts', [], env),
          runScript('scripts/seed-demo.ts', [], env),
          runScript('scripts/backup.ts', [], env),
          runScript('scripts/restore.ts', [join(work, 'no-such-backup.tar.gz')], env),
        ]);
        for (const run of [migrate, seed, backup]) {
          expect(run.code, run.out).toBe(1);
          expect(run.out).toContain(`is in use by process ${holder.child.pid}`);
          expect(run.out).not.toMatch(/\n\s+at /); // a message, not a stack trace
        }
        expect(restore.code, restore.out).toBe(1);
        expect(fingerprintFiles(dataDir)).toBe(before);
      } finally {
        holder.child.stdin!.write('stop\n');
        await waitExit(holder.child);
      }
      expect(holder.output()).toContain('closed');
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

      const database = await openDatabase({ dataDir });
      try {
        const rows = await database.pglite!.query<{ n: number; s: number }>(
          'select count(*)::int as n, sum(n)::int as s from holder_rows',
        );
        expect(rows.rows[0]).toEqual({ n: 100, s: 5050 });
      } finally {
        await database.close();
      }
    },
  );

  it(
    'a lock left by a killed process is taken over, and every commit it acknowledged is there',
    SLOW,
    async () => {
      const dataDir = await migratedDataDir('killed');
      const holder = startHolder(dataDir);
      await holder.ready;
      holder.child.kill('SIGKILL');
      await waitExit(holder.child);
      const stale = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'));
      expect(stale.pid).toBe(holder.child.pid);

      const database = await openDatabase({ dataDir });
      try {
        const lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'));
        expect(lock.pid).toBe(process.pid);
        const rows = await database.pglite!.query<{ n: number }>(
          'select count(*)::int as n from holder_rows',
        );
        expect(rows.rows[0]!.n).toBe(100);
      } finally {
        await database.close();
      }
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    },
  );

  it(
    'a lock whose pid now belongs to another program is stale; one on another host is respected',
    SLOW,
    () => {
      const dataDir = join(work, 'fake-locks');
      mkdirSync(dataDir, { recursive: true });
      const lockPath = join(dataDir, LOCK_FILE);
      const base = {
        hostname: hostname(),
        command: 'npm run start (src/server.ts)',
        since: '2026-11-01T00:00:00.000Z',
        token: 'x',
      };
      // The parent of this process is alive, but it started at another moment than the lock says.
      writeFileSync(lockPath, JSON.stringify({ ...base, pid: process.ppid, startTicks: '1' }));
      const lock = acquireDataDirLock(dataDir);
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
      // Held by this process now: a second acquisition (even here) is refused.
      expect(() => acquireDataDirLock(dataDir)).toThrow(DataDirLockedError);
      lock.release();
      expect(existsSync(lockPath)).toBe(false);

      writeFileSync(lockPath, JSON.stringify({ ...base, hostname: 'another-host', pid: 1 }));
      expect(() => acquireDataDirLock(dataDir)).toThrow(/on another-host .*\n[\s\S]*another host/);
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).hostname).toBe('another-host');
      rmSync(lockPath);
    },
  );

  it('of several processes finding the same stale lock, exactly one takes it', SLOW, async () => {
    const dataDir = join(work, 'race');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: 2 ** 22 + 17, hostname: hostname(), command: 'gone', since: 'then', token: 't' }),
    );
    const script = join(work, 'race.mts');
    writeFileSync(
      script,
      `import { acquireDataDirLock } from ${JSON.stringify(join(root, 'src/db/lock.ts'))};
const start = Number(process.argv[2]);
while (Date.now() < start) {}
try { acquireDataDirLock(process.env.DATA_DIR); console.log('got'); await new Promise((r) => setTimeout(r, start + 15000 - Date.now())); }
catch (err) { console.log(err.name); }
`,
    );
    // They all start trying at the same moment; the winner holds it until every other has tried.
    const start = String(Date.now() + 6000);
    const runs = await Promise.all([1, 2, 3, 4].map(() => runScript(script, [start], { DATA_DIR: dataDir })));
    const outcomes = runs.map((r) => r.out.trim());
    expect(
      outcomes.filter((o) => o === 'got'),
      outcomes.join(' / '),
    ).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'DataDirLockedError')).toHaveLength(3);
  });
});

describe('fsync of the embedded database', () => {
  it('on disk every commit reaches fsync; in memory (the tests) nothing changes', SLOW, async () => {
    const dataDir = await migratedDataDir('fsync');
    const database = await openDatabase({ dataDir });
    try {
      expect(database.durability).toBe('fsync');
      const pg = database.pglite!;
      expect((await pg.query<{ fsync: string }>('show fsync')).rows[0]!.fsync).toBe('on');
      // Count what reaches the file system's fsync while 20 transactions commit.
      const ops = (pg as unknown as { mod: { NODEFS: { stream_ops: { fsync: (s: unknown) => number } } } })
        .mod.NODEFS.stream_ops;
      const original = ops.fsync;
      let calls = 0;
      ops.fsync = (stream) => {
        calls++;
        return original(stream);
      };
      await pg.exec('create table durable (n int)');
      calls = 0;
      for (let n = 0; n < 20; n++) await pg.query('insert into durable values ($1)', [n]);
      ops.fsync = original;
      expect(calls).toBeGreaterThanOrEqual(20);
    } finally {
      await database.close();
    }

    const memory = await openDatabase({});
    try {
      expect(memory.durability).toBe('memory');
      expect((await memory.pglite!.query<{ fsync: string }>('show fsync')).rows[0]!.fsync).toBe('off');
    } finally {
      await memory.close();
    }
  });
});

describe('backups of the embedded database', () => {
  it(
    'back up (the scheduled job), break, restore (the command): every row is back, the broken data kept aside',
    SLOW,
    async () => {
      const dataDir = await migratedDataDir('restore');
      const config = testConfig({ DATA_DIR: dataDir });
      let database = await openDatabase({ dataDir });
      let before: Record<string, string>;
      let backupFile: string;
      try {
        const seed = createSeed(database.db);
        const center = await seed.center();
        for (let i = 0; i < 25; i++) await seed.candidate({ trainingCenterId: center.id });
        await seed.partner();
        before = await tableContents(database);
        expect(before.candidates).toMatch(/^25:/);

        const runner = createJobRunner({ database, config, jobs: JOBS });
        const run = await runner.run('database-backup', { trigger: 'manual' });
        expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', counts: { backups: 1 } });
        const backups = listBackups(join(dataDir, BACKUPS_DIR));
        expect(backups).toHaveLength(1);
        expect(backups[0]).toMatch(/^kakehashi-\d{8}-\d{6}\.tar\.gz$/);
        backupFile = join(dataDir, BACKUPS_DIR, backups[0]!);
        // The running-service backup holds only PostgreSQL's files (no key, no lock, no older backups).
        expect(run!.counts!.bytes).toBe(statSync(backupFile).size);

        // Break it: rows deleted, a table dropped.
        await database.db.execute(sql`delete from candidates`);
        await database.db.execute(sql`drop table job_runs`);
        await database.db.execute(sql`drop table partners cascade`);
      } finally {
        await database.close();
      }

      const restored = await runScript('scripts/restore.ts', [backupFile], { DATA_DIR: dataDir });
      expect(restored.code, restored.out).toBe(0);
      expect(restored.out).toContain('Restored the embedded database');
      const replaced = readdirSync(join(dataDir, 'replaced'));
      expect(replaced).toHaveLength(1);
      expect(existsSync(join(dataDir, 'replaced', replaced[0]!, 'PG_VERSION'))).toBe(true);
      expect(listBackups(join(dataDir, BACKUPS_DIR))).toEqual([basenameOf(backupFile)]);

      database = await openDatabase({ dataDir });
      try {
        const after = await tableContents(database);
        // job_runs was written after the copy was taken: its run record is the one difference.
        const { job_runs: _runsAfter, ...restRestored } = after;
        const { job_runs: _runsBefore, ...restBefore } = before;
        expect(restRestored).toEqual(restBefore);
        expect(after.candidates).toMatch(/^25:/);
      } finally {
        await database.close();
      }
    },
  );

  it(
    'npm run backup on a stopped service archives the files and keeps the newest BACKUP_KEEP',
    SLOW,
    async () => {
      const dataDir = await migratedDataDir('stopped');
      const backupsDir = join(dataDir, BACKUPS_DIR);
      mkdirSync(backupsDir, { recursive: true });
      for (let day = 10; day < 18; day++)
        writeFileSync(join(backupsDir, `kakehashi-202611${day}-020000.tar.gz`), 'x');
      writeFileSync(join(backupsDir, 'notes.txt'), 'not a backup');

      const run = await runScript('scripts/backup.ts', [], { DATA_DIR: dataDir, BACKUP_KEEP: '7' });
      expect(run.code, run.out).toBe(0);
      const kept = listBackups(backupsDir);
      expect(kept).toHaveLength(7);
      expect(kept[0]).toBe('kakehashi-20261112-020000.tar.gz');
      expect(kept.at(-1)).toMatch(/^kakehashi-\d{8}-\d{6}\.tar\.gz$/);
      expect(run.out).toContain(join(backupsDir, kept.at(-1)!));
      expect(existsSync(join(backupsDir, 'notes.txt'))).toBe(true);
      expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

      // It restores into an empty DATA_DIR (a new machine) too.
      const elsewhere = join(work, 'new-machine');
      const restored = await runScript('scripts/restore.ts', [join(backupsDir, kept.at(-1)!)], {
        DATA_DIR: elsewhere,
      });
      expect(restored.code, restored.out).toBe(0);
      const database = await openDatabase({ dataDir: elsewhere });
      try {
        const [row] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from jp_prefectures`,
        );
        expect(row!.n).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
    },
  );

  it('a truncated or foreign file is refused and the database is left as it was', SLOW, async () => {
    const dataDir = await migratedDataDir('bad-restore');
    const { file } = await backupEmbeddedDatabase({
      dataDir,
      backupsDir: join(work, 'bad-restore-backups'),
      now: new Date(),
      keep: 7,
    });
    const truncated = join(work, 'truncated.tar.gz');
    const whole = readFileSync(file);
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const foreign = join(work, 'foreign.tar.gz');
    writeFileSync(foreign, 'this is not a backup');
    const before = fingerprintFiles(dataDir);
    const runs = await Promise.all(
      [truncated, foreign].map((f) => runScript('scripts/restore.ts', [f], { DATA_DIR: dataDir })),
    );
    for (const run of runs) expect(run.code, run.out).toBe(1);
    expect(runs[0]!.out).toMatch(/unexpected end of file|truncated/);
    expect(fingerprintFiles(dataDir)).toBe(before);
    expect(existsSync(join(dataDir, 'replaced'))).toBe(false);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});

describe('the database-backup job in the service', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    'on PostgreSQL does nothing and says to use pg_dump; on PGlite writes a backup that restores',
    SLOW,
    async () => {
      const center = await h.seed.center();
      await h.seed.candidate({ trainingCenterId: center.id });
      const run = await h.app.services.operations.runner.run('database-backup', { trigger: 'manual' });
      const backupsDir = join(h.app.services.config.dataDir, BACKUPS_DIR);
      if (onPostgres()) {
        expect(run).toMatchObject({ status: 'failed' });
        expect(run!.error).toMatch(/PostgreSQL \(DATABASE_URL\).*pg_dump/);
        expect(listBackups(backupsDir)).toEqual([]);
        return;
      }
      expect(run).toMatchObject({ status: 'succeeded', counts: { backups: 1 } });
      const [file] = listBackups(backupsDir);
      const target = join(work, 'from-memory');
      const restored = await runScript('scripts/restore.ts', [join(backupsDir, file!)], { DATA_DIR: target });
      expect(restored.code, restored.out).toBe(0);
      const database = await openDatabase({ dataDir: target });
      try {
        const [row] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from candidates`,
        );
        expect(row!.n).toBe(1);
      } finally {
        await database.close();
      }
    },
  );
});

function basenameOf(path: string): string {
  return resolve(path).split('/').at(-1)!;
}
