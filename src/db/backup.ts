import {
  closeSync,
  cpSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import type { JobDefinition } from '../jobs/types.ts';
import { embeddedDatabaseOf, openDatabase } from './client.ts';

/**
 * Backups of the embedded database (PGlite): a gzipped tar of its data directory, which restores
 * exactly (same PostgreSQL, same files) — PGlite has no pg_dump of its own in this project.
 *
 * - Running service: the `database-backup` job takes a CHECKPOINT, then copies the files while
 *   PGlite runs no statement (its query mutex), so the copy is a consistent, crash-recoverable image;
 *   the tar is written from the copy afterwards, without holding up requests.
 * - Stopped service: `npm run backup` takes the DATA_DIR lock (so no service can start meanwhile)
 *   and archives the files directly.
 * Only PostgreSQL's own entries are archived (not `backups/`, `replaced/`, the lock, the JWT key).
 * Files are `DATA_DIR/backups/kakehashi-YYYYMMDD-HHMMSS.tar.gz` (UTC), written under a temporary
 * name, fsynced, then renamed: a half-written backup never carries the final name.
 */

export const BACKUPS_DIR = 'backups';
export const REPLACED_DIR = 'replaced';
const STAGING_DIR = 'restore-staging';
const BACKUP_NAME = /^kakehashi-\d{8}-\d{6}(-\d+)?\.tar\.gz$/;

/** PostgreSQL's own top-level entries of a data directory (what a backup holds and a restore replaces). */
export function isPostgresEntry(name: string): boolean {
  return /^(PG_VERSION|base|global|pg_[A-Za-z0-9_.]+|postgresql(\.auto)?\.conf|postmaster\.opts)$/.test(name);
}

export function backupFileName(at: Date): string {
  const iso = at.toISOString(); // 2026-11-27T17:52:25.123Z
  return `kakehashi-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}.tar.gz`;
}

export interface BackupResult {
  file: string;
  bytes: number;
  files: number;
  /** Older backups removed to keep the newest `keep`. */
  removed: string[];
}

export interface BackupOptions {
  /** Where the backups go (DATA_DIR/backups). */
  backupsDir: string;
  now: Date;
  keep: number;
  /** The data directory to archive: PGlite's when it runs on disk, or the directory when stopped. */
  dataDir?: string | undefined;
  /** The running embedded database (the service): the files are copied while it is paused. */
  pglite?: PGlite | undefined;
}

/** Takes one backup of the embedded database, then removes all but the newest `keep`. */
export async function backupEmbeddedDatabase(options: BackupOptions): Promise<BackupResult> {
  const backupsDir = resolve(options.backupsDir);
  mkdirSync(backupsDir, { recursive: true });
  let name = backupFileName(options.now);
  for (let i = 2; existsSync(join(backupsDir, name)); i++)
    name = backupFileName(options.now).replace('.tar.gz', `-${i}.tar.gz`);
  const file = join(backupsDir, name);
  const partial = join(backupsDir, `.partial-${name}`);
  let files = 0;
  try {
    const { pglite, dataDir } = options;
    if (pglite && !dataDir) {
      // In memory (tests): PGlite's own dump is the whole data directory.
      const dump = await pglite.dumpDataDir('none');
      const tar = Buffer.from(await dump.arrayBuffer());
      files = 0; // not counted: PGlite's dump is one archive
      await pipeline(Readable.from([tar]), createGzip(), fileSink(partial));
    } else if (pglite && dataDir) {
      const snapshot = join(backupsDir, `.snapshot-${process.pid}-${Date.now()}`);
      try {
        // Dirty pages written out first, so the copy needs little WAL replay when restored.
        await pglite.exec('CHECKPOINT');
        await pglite._runExclusiveQuery(async () => {
          mkdirSync(snapshot);
          for (const entry of readdirSync(dataDir))
            if (isPostgresEntry(entry))
              cpSync(join(dataDir, entry), join(snapshot, entry), { recursive: true });
        });
        files = await writeTarGz(snapshot, partial);
      } finally {
        rmSync(snapshot, { recursive: true, force: true });
      }
    } else if (dataDir) {
      files = await writeTarGz(dataDir, partial);
    } else {
      throw new Error('backupEmbeddedDatabase: neither a database nor a data directory');
    }
    fsyncPath(partial);
    renameSync(partial, file);
    fsyncPath(backupsDir);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  const removed = pruneBackups(backupsDir, options.keep);
  return { file, bytes: statSync(file).size, files, removed };
}

/** The backups in `backupsDir`, oldest first. */
export function listBackups(backupsDir: string): string[] {
  if (!existsSync(backupsDir)) return [];
  return readdirSync(backupsDir)
    .filter((f) => BACKUP_NAME.test(f))
    .sort(compareBackupNames);
}

function compareBackupNames(a: string, b: string): number {
  const key = (n: string) => {
    const m = /^kakehashi-(\d{8}-\d{6})(?:-(\d+))?/.exec(n)!;
    return `${m[1]}-${(m[2] ?? '1').padStart(6, '0')}`;
  };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function pruneBackups(backupsDir: string, keep: number): string[] {
  const all = listBackups(backupsDir);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const f of old) unlinkSync(join(backupsDir, f));
  return old;
}

export interface RestoreResult {
  /** Where the data directory's previous PostgreSQL files were moved (null if there were none). */
  replacedDir: string | null;
  files: number;
}

/**
 * Replaces the embedded database in `dataDir` by the backup `file`. The caller holds the DATA_DIR
 * lock. The backup is unpacked beside it and opened once (PostgreSQL replays its WAL: a damaged
 * backup fails here, before anything is replaced); then the current files are moved to
 * `DATA_DIR/replaced/<time>/` — kept, not deleted — and the restored ones take their place.
 */
export async function restoreEmbeddedDatabase(options: {
  dataDir: string;
  file: string;
  now: Date;
}): Promise<RestoreResult> {
  const dataDir = resolve(options.dataDir);
  const staging = join(dataDir, STAGING_DIR);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  let files: number;
  try {
    files = await extractTarGz(options.file, staging);
    if (!existsSync(join(staging, 'PG_VERSION')))
      throw new Error(`${options.file} is not a backup of the embedded database (it holds no PG_VERSION)`);
    const check = await openDatabase({ dataDir: staging });
    try {
      await check.pglite!.query('select count(*) from pg_class');
    } finally {
      await check.close();
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }

  // postmaster.pid is not backed up (it names a process of the past) but goes aside with the rest.
  const current = readdirSync(dataDir).filter((e) => isPostgresEntry(e) || e === 'postmaster.pid');
  let replacedDir: string | null = null;
  if (current.length > 0) {
    const base = join(
      dataDir,
      REPLACED_DIR,
      backupFileName(options.now).replace('kakehashi-', 'before-restore-').replace('.tar.gz', ''),
    );
    replacedDir = base;
    for (let i = 2; existsSync(replacedDir); i++) replacedDir = `${base}-${i}`;
    mkdirSync(replacedDir, { recursive: true });
    for (const entry of current) renameSync(join(dataDir, entry), join(replacedDir, entry));
  }
  for (const entry of readdirSync(staging))
    if (isPostgresEntry(entry)) renameSync(join(staging, entry), join(dataDir, entry));
  rmSync(staging, { recursive: true, force: true });
  fsyncPath(dataDir);
  return { replacedDir, files };
}

/** The scheduled job: registered in src/job-registry.ts, scheduled by CRON_DATABASE_BACKUP. */
export const databaseBackupJob: JobDefinition = {
  name: 'database-backup',
  description:
    'Backs up the embedded database (PGlite) to DATA_DIR/backups, keeping the newest BACKUP_KEEP (7); on PostgreSQL use pg_dump',
  async run(ctx) {
    const embedded = embeddedDatabaseOf(ctx.db);
    if (!embedded) {
      throw new Error(
        'Nothing done: the service runs on PostgreSQL (DATABASE_URL). Back it up with pg_dump (or your provider’s backups); this job backs up only the embedded database.',
      );
    }
    const result = await backupEmbeddedDatabase({
      pglite: embedded.pglite,
      dataDir: embedded.dataDir,
      backupsDir: join(embedded.dataDir ?? ctx.config.dataDir, BACKUPS_DIR),
      now: ctx.now,
      keep: ctx.config.backupKeep,
    });
    ctx.log?.info({ file: result.file, bytes: result.bytes }, 'database backup written');
    return {
      counts: { backups: 1, bytes: result.bytes, removed: result.removed.length },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// tar (POSIX ustar), streamed through gzip: no dependency, and memory does not grow with the database.

function fileSink(path: string): Writable {
  let fd: import('node:fs/promises').FileHandle | undefined;
  return new Writable({
    async construct(cb) {
      try {
        fd = await openFile(path, 'w', 0o600);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    async write(chunk: Buffer, _enc, cb) {
      try {
        await fd!.write(chunk);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    async final(cb) {
      try {
        await fd!.close();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

function fsyncPath(path: string) {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(name: string, type: 'file' | 'dir', size: number, mode: number, mtime: number): Buffer {
  const header = Buffer.alloc(512);
  let short = name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    short = name.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(short) > 100 || Buffer.byteLength(prefix) > 155)
      throw new Error(`path too long for a tar archive: ${name}`);
  }
  header.write(short, 0, 100, 'utf8');
  header.write(octal(mode & 0o7777, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii');
  header.write(octal(0, 8), 116, 8, 'ascii');
  header.write(octal(size, 12), 124, 12, 'ascii');
  header.write(octal(Math.floor(mtime / 1000), 12), 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write(type === 'dir' ? '5' : '0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/** Archives PostgreSQL's entries of `dir` into `target` (.tar.gz); answers the number of files. */
async function writeTarGz(dir: string, target: string): Promise<number> {
  const root = resolve(dir);
  let count = 0;
  async function* entries(): AsyncGenerator<Buffer> {
    const walk = async function* (path: string): AsyncGenerator<Buffer> {
      const st = statSync(path);
      const name = relative(root, path).split(sep).join('/');
      if (st.isDirectory()) {
        yield tarHeader(`${name}/`, 'dir', 0, st.mode, st.mtimeMs);
        for (const child of readdirSync(path).sort()) yield* walk(join(path, child));
        return;
      }
      if (!st.isFile()) return;
      count++;
      yield tarHeader(name, 'file', st.size, st.mode, st.mtimeMs);
      const handle = await openFile(path, 'r');
      try {
        let left = st.size;
        while (left > 0) {
          const chunk = Buffer.alloc(Math.min(left, 1 << 20));
          const { bytesRead } = await handle.read(chunk, 0, chunk.length, st.size - left);
          if (bytesRead === 0) throw new Error(`${path} shrank while being archived`);
          left -= bytesRead;
          yield chunk.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
      if (st.size % 512) yield Buffer.alloc(512 - (st.size % 512));
    };
    for (const entry of readdirSync(root).sort()) if (isPostgresEntry(entry)) yield* walk(join(root, entry));
    yield Buffer.alloc(1024);
  }
  await pipeline(Readable.from(entries()), createGzip(), fileSink(target));
  return count;
}

/** Unpacks a .tar.gz (ours, or PGlite's `dumpDataDir`) into `target`; answers the number of files. */
async function extractTarGz(file: string, target: string): Promise<number> {
  const root = resolve(target);
  let buffer: Buffer = Buffer.alloc(0);
  let current: { handle: import('node:fs/promises').FileHandle; left: number; pad: number } | null = null;
  let skip = 0;
  let done = false;
  let count = 0;

  const safePath = (name: string) => {
    const clean = name.replace(/^(\.?\/)+/, '');
    const path = resolve(root, clean);
    if (clean === '' || (path !== root && !path.startsWith(root + sep)))
      throw new Error(`unsafe path in the backup: ${name}`);
    return path;
  };
  const field = (h: Buffer, start: number, len: number) => {
    const raw = h.subarray(start, start + len);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? len : end).toString('utf8');
  };

  const sink = new Writable({
    async write(chunk: Buffer, _enc, cb) {
      try {
        buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
        while (!done) {
          if (skip > 0) {
            const n = Math.min(skip, buffer.length);
            buffer = buffer.subarray(n);
            skip -= n;
            if (skip > 0) break;
          }
          if (current) {
            const n = Math.min(current.left, buffer.length);
            if (n > 0) await current.handle.write(buffer.subarray(0, n));
            buffer = buffer.subarray(n);
            current.left -= n;
            if (current.left > 0) break;
            await current.handle.close();
            skip = current.pad;
            current = null;
            continue;
          }
          if (buffer.length < 512) break;
          const header = buffer.subarray(0, 512);
          buffer = buffer.subarray(512);
          if (header.every((b) => b === 0)) {
            done = true;
            break;
          }
          const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
          const type = String.fromCharCode(header[156]!);
          const prefix = field(header, 345, 155);
          const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
          const pad = size % 512 ? 512 - (size % 512) : 0;
          if (type === '5') {
            mkdirSync(safePath(name), { recursive: true });
            skip = size + pad;
          } else if (type === '0' || type === '\0') {
            const path = safePath(name);
            mkdirSync(resolve(path, '..'), { recursive: true });
            count++;
            current = { handle: await openFile(path, 'w', 0o600), left: size, pad };
          } else {
            skip = size + pad; // pax headers, links: not in a data directory
          }
        }
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    async final(cb) {
      if (current) {
        await current.handle.close();
        cb(new Error(`${basename(file)} ends in the middle of a file: the backup is truncated`));
      } else cb();
    },
  });
  await pipeline((await openFile(file, 'r')).createReadStream(), createGunzip(), sink);
  if (count === 0) throw new Error(`${basename(file)} holds no files`);
  return count;
}
