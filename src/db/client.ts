import { fsyncSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A function that writes takes `tx ?? db`, so callers can compose several in one transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** The postgres.js client, when on PostgreSQL (COPY, LISTEN, raw hot paths). */
  readonly sql: postgres.Sql | undefined;
  /** The embedded database, when on PGlite. */
  readonly pglite: PGlite | undefined;
  /** PGlite on disk: its directory (absolute), locked by this process until close(). */
  readonly dataDir?: string | undefined;
  /**
   * What an acknowledged commit survives: `fsync` — a power cut (the WAL is fsynced at each commit);
   * `os-cache` — a crash of this process but not of the machine; `memory` — nothing; `server` — PostgreSQL's own.
   */
  readonly durability?: 'server' | 'fsync' | 'os-cache' | 'memory';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` or undefined for in-memory. */
  dataDir?: string | undefined;
  /** A `dumpDataDir()` snapshot to start PGlite from (tests). */
  loadDataDir?: Blob | File | undefined;
  poolSize?: number;
  /** PGlite on disk: fsync the WAL at every commit (default true; EMBEDDED_FSYNC). */
  fsync?: boolean | undefined;
}

/** The embedded database behind a drizzle handle (the backup job finds its files from `ctx.db`). */
const embedded = new WeakMap<object, { pglite: PGlite; dataDir: string | undefined }>();
export function embeddedDatabaseOf(db: object): { pglite: PGlite; dataDir: string | undefined } | undefined {
  return embedded.get(db);
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const sql = postgres(options.databaseUrl, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
    });
    const db = drizzlePostgres({ client: sql, schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      sql,
      pglite: undefined,
      durability: 'server',
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir && options.dataDir !== 'memory://' ? resolve(options.dataDir) : undefined;
  let lock: DataDirLock | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    // Before any file of the database is opened: a second process must not even read them.
    lock = acquireDataDirLock(dataDir);
  }
  try {
    // Loaded only when used: the embedded engine costs ~40 MB of memory a PostgreSQL deployment never needs.
    const { PGlite } = await import('@electric-sql/pglite');
    // Trigram indexes (the candidate name search); PostgreSQL ships the same extension.
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
    const fsync = dataDir !== undefined && options.fsync !== false;
    const pglite = await PGlite.create({
      extensions: { pg_trgm },
      ...(dataDir
        ? fsync
          ? await durableOptions(dataDir, PGlite.defaultStartParams)
          : { dataDir, relaxedDurability: false }
        : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    const db = drizzlePglite({ client: pglite, schema }) as unknown as Db;
    embedded.set(db, { pglite, dataDir });
    return {
      db,
      kind: 'pglite',
      sql: undefined,
      pglite,
      dataDir,
      durability: dataDir ? (fsync ? 'fsync' : 'os-cache') : 'memory',
      close: async () => {
        try {
          if (!pglite.closed) await pglite.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/**
 * PGlite 0.5 on Node never fsyncs (we counted 0 fsync calls over hundreds of commits): it starts
 * PostgreSQL with `-F` (fsync=off), its NodeFS `syncToFs` does nothing (`relaxedDurability` only
 * matters to the browser filesystems), the WebAssembly `fdatasync` is a no-op and Emscripten's
 * NODEFS has no `fsync` operation. Every write does reach the operating system at once (NODEFS
 * writes through with `fs.writeSync`), so a crash of this process loses nothing acknowledged, but a
 * power cut can lose what is still in the OS cache.
 *
 * So: PostgreSQL runs with fsync on and `wal_sync_method=fsync` (a WebAssembly `fsync` reaches the
 * file system's `fsync` operation, unlike `fdatasync`), and NODEFS gets the missing operation,
 * calling `fs.fsyncSync` on the real file. A commit is acknowledged after its WAL record is on disk,
 * as on PostgreSQL. This patches PGlite internals: test/embedded-database.test.ts checks it still holds.
 */
async function durableOptions(dataDir: string, defaultStartParams: string[]) {
  const { NodeFS } = await import('@electric-sql/pglite/nodefs');
  type Init = InstanceType<typeof NodeFS>['init'];
  type EmscriptenModuleLike = { NODEFS?: { stream_ops?: Record<string, unknown> } };
  class DurableNodeFS extends NodeFS {
    override async init(...args: Parameters<Init>): ReturnType<Init> {
      const result = await super.init(...args);
      const preRun = (result.emscriptenOpts.preRun ?? []) as unknown[];
      const addFsync = (mod: EmscriptenModuleLike) => {
        const ops = mod.NODEFS?.stream_ops;
        if (!ops)
          throw new Error('PGlite no longer exposes NODEFS: update the fsync patch in src/db/client.ts');
        ops.fsync = (stream: { nfd?: number }) => {
          if (stream.nfd !== undefined) fsyncSync(stream.nfd);
          return 0;
        };
      };
      return {
        emscriptenOpts: {
          ...result.emscriptenOpts,
          preRun: [...preRun, addFsync] as typeof result.emscriptenOpts.preRun,
        },
      };
    }
  }
  return {
    fs: new DurableNodeFS(dataDir),
    relaxedDurability: false,
    startParams: [
      ...defaultStartParams.filter((p) => p !== '-F'),
      '-c',
      'fsync=on',
      '-c',
      'wal_sync_method=fsync',
    ],
  };
}
