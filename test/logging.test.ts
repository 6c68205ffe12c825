import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/database.ts';
import { actors, createSeed } from './helpers/seed.ts';

const lines: Record<string, unknown>[] = [];
let app: FastifyInstance;
let database: Awaited<ReturnType<typeof freshDatabase>>;
let centerId: string;

beforeAll(async () => {
  database = await freshDatabase();
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  app = await buildApp(testConfig({ LOG_LEVEL: 'info' }), { database, logger: { level: 'info', stream } });
  await app.ready();
  centerId = (await createSeed(database.db).center()).id;
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('request logs', () => {
  it('one line per request with its id, and no national ID, name or token in any line', async () => {
    const token = app.signToken(actors.center(centerId));
    const headers = { authorization: `Bearer ${token}` };
    const body = {
      fullName: 'Trịnh Thị Bí Mật',
      dateOfBirth: '2000-01-01',
      gender: 'female',
      nationalId: '079300112233',
      homeProvinceCode: '80',
      occupationField: 'nursing_care',
      consentToShare: true,
    };
    lines.length = 0;
    const first = await app.inject({ method: 'POST', url: '/candidates', headers, payload: body });
    const again = await app.inject({ method: 'POST', url: '/candidates', headers, payload: body });
    const search = await app.inject({ method: 'GET', url: '/candidates?q=079300112233', headers });
    expect([first.statusCode, again.statusCode, search.statusCode]).toEqual([201, 409, 200]);

    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(3);
    expect(requestLines.map((l) => l.status)).toEqual([201, 409, 200]);
    for (const l of requestLines) expect(typeof l.reqId).toBe('string');
    expect(requestLines[2]!.path).toBe('/candidates');
    const all = JSON.stringify(lines);
    for (const secret of ['079300112233', 'Bí Mật', token]) expect(all).not.toContain(secret);
  });
});
