import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import type { Actor } from '../../src/lib/actor.ts';
import { freshDatabase } from './database.ts';
import { createSeed } from './seed.ts';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'kh-data-')),
    CRON_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface TestApp {
  app: FastifyInstance;
  database: Database & { url?: string };
  seed: ReturnType<typeof createSeed>;
  /** A signed token for an actor, without going through login. */
  tokenFor(actor: Actor): string;
  /** app.inject with a bearer token for `as` (an actor or a token). */
  request(opts: InjectOptions & { as?: Actor | string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The app on a fresh database of its own (PGlite, or PostgreSQL with TEST_DATABASE_URL). */
export async function createTestApp(configOverrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await freshDatabase();
  // checkResponses: every response is also parsed by its zod schema and compared with what was written.
  const app = await buildApp(testConfig(configOverrides), { database, logger: false, checkResponses: true });
  await app.ready();
  const tokenFor = (actor: Actor) => app.signToken(actor);
  return {
    app,
    database,
    seed: createSeed(database.db),
    tokenFor,
    request: ({ as, ...opts }) => {
      const headers = { ...(opts.headers ?? {}) };
      if (as) headers.authorization = `Bearer ${typeof as === 'string' ? as : tokenFor(as)}`;
      return app.inject({ ...opts, headers });
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
