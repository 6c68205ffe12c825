import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The embedded database (PGlite) is one process's: two processes opening the same DATA_DIR each run
 * their own PostgreSQL over the same files and corrupt them silently. So whoever opens it first takes
 * an exclusive lock, a file created with O_CREAT|O_EXCL (`openSync(…, 'wx')`): the kernel creates it
 * for exactly one of several racing processes, on every local filesystem, without a native module
 * (Node has no flock). The file names its holder — pid, host, command, since when — so the refusal can
 * say who holds it and what to do.
 *
 * A process killed with SIGKILL (or a power cut) leaves the file behind. It is taken over when its
 * holder is provably gone: same host, and the pid is not running — or is running but is another
 * program (on Linux the boot id and the process start time are recorded and compared, so neither a
 * reboot nor a reused pid keeps a dead lock alive). A takeover happens under a second O_EXCL file
 * (`…lock.takeover`), so of two processes finding the same stale lock only one removes it; the other
 * then finds the new, live holder. A lock from another host (a shared network disk) is never taken
 * over automatically: its pid cannot be checked from here.
 */

export const LOCK_FILE = 'kakehashi.lock';
const TAKEOVER_SUFFIX = '.takeover';
/** A lock file still empty after this long was left by a process killed while creating it. */
const EMPTY_LOCK_GRACE_MS = 10_000;

export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  /** ISO timestamp. */
  since: string;
  /** Linux: /proc/sys/kernel/random/boot_id at the time of locking. */
  bootId?: string | undefined;
  /** Linux: the holder's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  startTicks?: string | undefined;
  token: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
    detail?: string,
  ) {
    super(lockedMessage(dataDir, holder, detail));
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still this process's. Idempotent. */
  release(): void;
}

/** What the current process is, in words a person recognises: `npm run seed:demo (tsx scripts/seed-demo.ts)`. */
export function describeCommand(): string {
  const argv = process.argv.slice(1).join(' ');
  const script = process.env.npm_lifecycle_event;
  const text = script ? `npm run ${script} (${argv})` : `node ${argv}`;
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command, which may hold spaces). */
function readStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the holder may still be alive (so the lock must be respected). */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  const bootId = readBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return false;
  if (!pidRunning(holder.pid)) return false;
  if (holder.startTicks) {
    const ticks = readStartTicks(holder.pid);
    if (ticks && ticks !== holder.startTicks) return false;
  }
  return true;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string') return undefined;
    return {
      pid: value.pid,
      hostname: value.hostname,
      command: String(value.command ?? 'unknown'),
      since: String(value.since ?? 'unknown'),
      bootId: value.bootId,
      startTicks: value.startTicks,
      token: String(value.token ?? ''),
    };
  } catch {
    return undefined;
  }
}

function readLock(path: string): { text: string; holder: LockHolder | undefined; mtimeMs: number } | null {
  try {
    const text = readFileSync(path, 'utf8');
    const { mtimeMs } = statSync(path);
    return { text, holder: parseHolder(text), mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Creates `path` exclusively with `content`, fsynced; false if it exists. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkQuietly(path: string) {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Takes the exclusive lock on `dataDir` (which must exist) or throws DataDirLockedError naming the
 * holder. Call before anything opens a file of the database.
 */
export function acquireDataDirLock(dataDir: string, options: { command?: string } = {}): DataDirLock {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: options.command ?? describeCommand(),
    since: new Date().toISOString(),
    bootId: readBootId(),
    startTicks: readStartTicks(process.pid),
    token: randomBytes(12).toString('hex'),
  };
  const content = `${JSON.stringify(holder, null, 2)}\n`;

  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(path, content)) return makeLock(path, holder);
    const existing = readLock(path);
    if (!existing) continue; // released meanwhile: try again
    if (existing.holder) {
      if (holderAlive(existing.holder)) throw new DataDirLockedError(dir, existing.holder);
    } else if (existing.text.trim() === '' && Date.now() - existing.mtimeMs < EMPTY_LOCK_GRACE_MS) {
      // Being written by a process that has just created it.
      throw new DataDirLockedError(dir, undefined, 'another process is opening it right now');
    }
    takeOverStale(dir, path, existing.text);
  }
  throw new DataDirLockedError(dir, readLock(path)?.holder, 'the lock kept changing hands; try again');
}

/** Removes the stale lock whose content is `staleText`, unless someone else is doing so or did. */
function takeOverStale(dir: string, path: string, staleText: string) {
  const breaker = path + TAKEOVER_SUFFIX;
  const me = JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString() });
  if (!createExclusive(breaker, me)) {
    const other = readLock(breaker);
    if (!other) return; // finished meanwhile
    const otherHolder = other.holder
      ? { ...other.holder, command: 'a takeover of a stale lock', token: '' }
      : undefined;
    const stuck =
      (otherHolder && !holderAlive(otherHolder)) ||
      (!otherHolder && Date.now() - other.mtimeMs > EMPTY_LOCK_GRACE_MS);
    if (stuck) {
      unlinkQuietly(breaker);
      return;
    }
    throw new DataDirLockedError(dir, otherHolder, 'another process is taking over a stale lock right now');
  }
  try {
    // Under the breaker: nobody else removes the lock, so what we read is what we remove.
    const current = readLock(path);
    if (current && current.text === staleText) unlinkQuietly(path);
  } finally {
    unlinkQuietly(breaker);
  }
}

function makeLock(path: string, holder: LockHolder): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readLock(path);
    if (current?.holder?.token === holder.token) unlinkQuietly(path);
  };
  // A normal exit (including process.exit) removes it; only a kill leaves it, to be taken over.
  process.on('exit', release);
  return { path, holder, release };
}

/** The lock's holder, if the lock is held by a live process (for tools that only look). */
export function dataDirLockHolder(dataDir: string): LockHolder | undefined {
  const existing = readLock(join(resolve(dataDir), LOCK_FILE));
  if (!existing?.holder) return undefined;
  return holderAlive(existing.holder) ? existing.holder : undefined;
}

function lockedMessage(dataDir: string, holder: LockHolder | undefined, detail?: string): string {
  const lockPath = join(dataDir, LOCK_FILE);
  const who = holder
    ? `process ${holder.pid} on ${holder.hostname} (${holder.command}), since ${holder.since}`
    : 'another process';
  return [
    `The embedded database in ${dataDir} is in use by ${who}${detail ? `: ${detail}` : ''}.`,
    'The embedded database (PGlite) belongs to one process: a second one opening its files would corrupt it,',
    'so this command did not open them.',
    'What to do:',
    '  - stop that process first (Ctrl-C in the terminal of `npm start`, or stop its service), then run this again;',
    '  - while the service runs, it backs itself up (job "database-backup": POST /jobs/database-backup/run runs it now);',
    '  - to run several processes on one database, use PostgreSQL (set DATABASE_URL).',
    holder && holder.hostname !== hostname()
      ? `The holder runs on another host: if you are sure nothing uses ${dataDir}, delete ${lockPath}.`
      : `Only if you are sure that no process uses ${dataDir}, delete ${lockPath}.`,
  ].join('\n');
}
