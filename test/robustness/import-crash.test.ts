import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidates } from '../../src/db/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/database.ts';
import { actors } from '../helpers/seed.ts';

/**
 * Crash safety of the all-or-nothing CSV import: a connection cut half-way through the upload, or
 * the service process killed while the rows are being written, leaves no rows behind.
 */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function csv(rows: number, offset: number): string {
  const lines = ['fullName,dateOfBirth,gender,nationalId,homeProvinceCode,occupationField,consentToShare'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `Nguyễn Văn Thử ${i},1999-03-0${1 + (i % 9)},male,${String(500000000000 + offset + i)},80,construction,true`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function countOf(center: string) {
  const [row] = await t.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(candidates)
    .where(eq(candidates.trainingCenterId, center));
  return row!.n;
}

describe('a CSV import interrupted half-way', () => {
  // Cut mid-row, and cut exactly at a line end: there the part received is itself a valid file, so
  // only noticing the aborted upload keeps it out.
  it.each([
    ['in the middle of a row', 0, (body: Buffer) => Math.floor(body.length / 2)],
    [
      'exactly at the end of a line',
      10_000,
      (body: Buffer) => body.indexOf('\n', Math.floor(body.length / 2)) + 1,
    ],
  ])(
    'leaves no rows when the client connection is cut during the upload, %s',
    async (_where, offset, cutAt) => {
      const center = (await t.seed.center()).id;
      const address = t.app.server.listening
        ? `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`
        : await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const body = Buffer.from(csv(5000, offset));
      const cut = cutAt(body);
      expect(body[cut - 1] === 0x0a || cut === Math.floor(body.length / 2)).toBe(true);
      const token = t.tokenFor(actors.center(center));
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST /candidates/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/csv\r\nContent-Length: ${body.length}\r\n\r\n`,
          );
          socket.write(body.subarray(0, cut), () => {
            // Let the part sent be read and parsed before the connection goes.
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 300);
          });
        });
        socket.on('error', reject);
      });
      await new Promise((r) => setTimeout(r, 700));
      expect(await countOf(center)).toBe(0);
      // The service is unharmed: the same file, sent whole, goes in.
      const res = await t.request({
        method: 'POST',
        url: '/candidates/import',
        as: actors.center(center),
        headers: { 'content-type': 'text/csv' },
        payload: body,
      });
      expect(res.statusCode).toBe(201);
      expect(await countOf(center)).toBe(5000);
    },
  );

  it.skipIf(!onPostgres())(
    'leaves no rows when the service process is killed while it writes them (PostgreSQL)',
    async () => {
      const url = t.database.url!;
      const center = (await t.seed.center()).id;
      const port = 39600 + Math.floor(Math.random() * 300);
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: url,
          PORT: String(port),
          JWT_SECRET: t.app.services.config.jwtSecret,
          CRON_ENABLED: 'false',
          LOG_LEVEL: 'silent',
          NODE_ENV: 'test',
        },
        stdio: 'ignore',
      });
      const watcher = postgres(url, { max: 1, onnotice: () => {} });
      try {
        for (let i = 0; ; i++) {
          if (i > 120) throw new Error('the service did not start');
          try {
            if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
          } catch {
            // not yet listening
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        const upload = fetch(`http://127.0.0.1:${port}/candidates/import`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${t.tokenFor(actors.center(center))}`,
            'content-type': 'text/csv',
          },
          body: csv(60_000, 100_000),
        }).catch(() => null);
        // Wait until the rows are being written (the COPY of the import's transaction), then kill.
        let seen = false;
        for (let i = 0; i < 1500 && !seen; i++) {
          const rows = await watcher`select 1 from pg_stat_activity
          where datname = current_database() and query ilike 'copy candidates%' and state = 'active'`;
          seen = rows.length > 0;
          if (!seen) await new Promise((r) => setTimeout(r, 10));
        }
        expect(seen, 'the import reached its COPY').toBe(true);
        child.kill('SIGKILL');
        expect(await upload).toBeNull();
        // PostgreSQL ends the orphaned session and rolls its transaction back.
        for (let i = 0; i < 200; i++) {
          const rows = await watcher`select 1 from pg_stat_activity
          where datname = current_database() and query ilike 'copy candidates%'`;
          if (rows.length === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await countOf(center)).toBe(0);
      } finally {
        child.kill('SIGKILL');
        await watcher.end();
      }
    },
  );
});
