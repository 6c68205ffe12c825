import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

// biome-ignore lint/suspicious/noExplicitAny: the parsed document is read by path, as a client would
type Json = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Json;
}

let t: TestApp;
let doc: Json;
let operations: Operation[];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.request({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Json })),
  );
});
afterAll(() => t.close());

const find = (method: string, path: string) => {
  const found = operations.find((o) => o.method === method && o.path === path);
  if (!found) throw new Error(`${method} ${path} is not in the document`);
  return found.op;
};
const responseTypes = (op: Json, status: string) => Object.keys(op.responses[status]?.content ?? {});
/** A response, with a `$ref` to components.responses resolved. */
const response = (op: Json, status: string): Json => {
  const r = op.responses[status];
  if (!r?.$ref) return r;
  return doc.components.responses[(r.$ref as string).split('/').pop()!];
};
const statuses = (op: Json) => Object.keys(op.responses).sort();

describe('OpenAPI document (/docs/json)', () => {
  it('documents every route of the API', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(find('GET', '/candidates')).toBeDefined();
  });

  it('gives every operation a readable operationId, unique across the document', () => {
    const ids = operations.map((o) => o.op.operationId);
    for (const o of operations)
      expect(o.op.operationId, `${o.method} ${o.path}`).toMatch(/^[a-z]+[A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(find('GET', '/candidates').operationId).toBe('getCandidates');
    expect(find('GET', '/candidates/{id}').operationId).toBe('getCandidate');
    expect(find('POST', '/candidates/{id}/transitions').operationId).toBe('postCandidateTransitions');
    expect(find('GET', '/placements/{id}/letter.pdf').operationId).toBe('getPlacementLetterPdf');
  });

  it('declares the PDFs as application/pdf, not JSON', () => {
    for (const [method, path] of [
      ['GET', '/certificates/{id}/pdf'],
      ['POST', '/certificates/batch'],
      ['GET', '/placements/{id}/letter.pdf'],
    ] as const) {
      const op = find(method, path);
      expect(responseTypes(op, '200'), path).toEqual(['application/pdf']);
      expect(op.responses['200'].content['application/pdf'].schema).toEqual({
        type: 'string',
        format: 'binary',
      });
    }
  });

  it('declares the report CSV beside the JSON, and the import body as CSV (and xlsx)', () => {
    for (const path of [
      '/reports/province-share',
      '/reports/prefectures',
      '/reports/pipeline',
      '/reports/reintegration',
    ])
      expect(responseTypes(find('GET', path), '200'), path).toEqual(
        expect.arrayContaining(['application/json', 'text/csv']),
      );
    const body = find('POST', '/candidates/import').requestBody;
    expect(body.required).toBe(true);
    expect(Object.keys(body.content)).toEqual(['text/csv', XLSX]);
  });

  it('documents the problem+json answers of every operation with one shared Problem schema', () => {
    const problem = doc.components.schemas.Problem;
    expect(problem.required).toEqual(['type', 'title', 'status', 'detail']);
    for (const { method, path, op } of operations) {
      const fourXX = statuses(op).filter((s) => s.startsWith('4'));
      if (path !== '/health') expect(fourXX.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const s of fourXX) {
        expect(response(op, s).content['application/problem+json'].schema, `${method} ${path} ${s}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      }
    }
  });

  it('documents which problems each kind of operation can answer', () => {
    // A restricted write with a body.
    expect(statuses(find('POST', '/training-centers'))).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
    ]);
    // A write whose body names another record: that record may not be found.
    expect(statuses(find('POST', '/placements'))).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
    ]);
    // A read of one resource by id.
    expect(statuses(find('GET', '/candidates/{id}'))).toEqual(['200', '400', '401', '403', '404']);
    // Public: no 401/403; login is throttled, /verify rate-limited.
    expect(statuses(find('POST', '/auth/login'))).toEqual(['200', '400', '413', '415', '429']);
    expect(statuses(find('GET', '/verify/{serial}'))).toEqual(['200', '400', '404', '429']);
    expect(response(find('POST', '/auth/login'), '429').headers['Retry-After']).toBeDefined();
    // Any role, and allowed before the first password is changed: 401 but no 403.
    expect(statuses(find('GET', '/me'))).toEqual(['200', '400', '401']);
    // Printing a batch is not a write: no 409.
    expect(statuses(find('POST', '/certificates/batch'))).not.toContain('409');
  });

  it('answers the documented 401 to every non-public operation called without a token', async () => {
    const uuid = '00000000-0000-4000-8000-000000000000';
    const guarded = operations.filter((o) => o.op.responses['401']);
    expect(guarded.length).toBeGreaterThan(50);
    for (const { method, path } of guarded) {
      const res = await t.request({ method: method as 'GET', url: path.replace(/\{\w+\}/g, uuid) });
      expect(res.statusCode, `${method} ${path}`).toBe(401);
      expect(res.headers['content-type'], `${method} ${path}`).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 400 naming an unknown query parameter, also where the operation takes no query', async () => {
    const res = await t.request({ method: 'GET', url: '/health?verbose=1' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.json().errors)).toContain('verbose');
    expect((await t.request({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('carries the rules the service checks: dates, ISO country codes, known province and prefecture codes', () => {
    const placement = find('POST', '/placements').requestBody.content['application/json'].schema;
    expect(placement.properties.destinationCountry.enum).toEqual(
      expect.arrayContaining(['JP', 'KR', 'TW', 'DE']),
    );
    expect(placement.properties.destinationCountry.enum).not.toContain('XK');
    expect(placement.properties.destinationCountry.enum).toHaveLength(249);
    expect(placement.properties.prefectureCode.enum).toHaveLength(47);
    expect(placement.properties.contractStart.format).toBe('date');

    const candidate = find('POST', '/candidates').requestBody.content['application/json'].schema;
    const provinces = candidate.properties.homeProvinceCode.enum as string[];
    expect(provinces).toEqual(expect.arrayContaining(['01', '79', '80']));
    expect(provinces).not.toContain('99');
    expect(candidate.properties.dateOfBirth.format).toBe('date');
    expect(candidate.properties.dateOfBirth.description).toMatch(/at least 18/);

    const filter = find('GET', '/candidates').parameters.find((p: Json) => p.name === 'homeProvinceCode');
    expect(filter.schema.enum).toEqual(provinces);
  });
});
