import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/actor.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { actors } from '../helpers/seed.ts';

/**
 * Property-based hostile input against every route the app registers: whatever arrives in the body,
 * the query string or the path, the answer is never a 5xx, and every error is problem+json. The
 * database holds real rows, the path names them, and each request is made by a role the route
 * allows, so that the requests get past the guards into the handlers and the writes.
 */
let t: TestApp;
let as: Actor[];
let centerId: string;
/** Ids of real rows of every kind: a path parameter is one of them most of the time. */
let realIds: string[];

beforeAll(async () => {
  t = await createTestApp();
  const center = await t.seed.center();
  centerId = center.id;
  const partner = await t.seed.partner();
  as = [actors.admin(), actors.center(center.id), actors.province('80'), actors.partner(partner.id)];
  const candidate = await t.seed.candidate({ trainingCenterId: center.id });
  const ready = await t.seed.candidate({
    trainingCenterId: center.id,
    status: 'ready',
    consentToShare: true,
  });
  const course = await t.seed.course({ trainingCenterId: center.id });
  const enrollment = await t.seed.enrollment({ courseId: course.id, candidateId: candidate.id });
  const jobOrder = await t.seed.jobOrder({ partnerId: partner.id });
  const placement = await t.seed.placement({ candidateId: ready.id });
  const employer = await t.seed.homeEmployer();
  realIds = [
    center.id,
    partner.id,
    candidate.id,
    ready.id,
    course.id,
    enrollment.id,
    jobOrder.id,
    placement.id,
    employer.id,
  ];
});
afterAll(() => t.close());

/** The actors a route admits (its declared roles); every actor for public or any-role routes. */
function allowedActors(auth: 'public' | readonly string[] | undefined): Actor[] {
  if (!Array.isArray(auth)) return as;
  const allowed = as.filter((a) => auth.includes(a.role));
  return allowed.length ? allowed : as;
}

const nasty = fc.oneof(
  fc.constantFrom(
    "'; drop table candidates; --",
    "1' or '1'='1",
    'Robert"); DELETE FROM users; --',
    '\u0000',
    'abc\u0000def',
    'Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u01a1\u0323c', // NFD Vietnamese
    'Nguyễn Văn Được',
    '\ud800',
    '../../etc/passwd',
    '%00',
    '$' + '{jndi:ldap://x}',
    '<script>alert(1)</script>',
    '9'.repeat(400),
    '-1',
    '1e309',
    'NaN',
    '2025-02-30',
    '0000-00-00',
    'KH-2026-000001',
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), nasty, { maxKeys: 3 }),
);

const FIELD_NAMES = [
  'fullName',
  'dateOfBirth',
  'gender',
  'nationalId',
  'phone',
  'homeProvinceCode',
  'provinceBoundaries',
  'occupationField',
  'jlptLevel',
  'consentToShare',
  'trainingCenterId',
  'version',
  'to',
  'reason',
  'name',
  'kind',
  'startsOn',
  'endsOn',
  'hours',
  'capacity',
  'candidateId',
  'outcome',
  'score',
  'prefectureCode',
  'employerName',
  'program',
  'field',
  'headcount',
  'minJlpt',
  'ageMin',
  'ageMax',
  'candidateCode',
  'destinationCountry',
  'contractStart',
  'contractEnd',
  'departedOn',
  'returnedOn',
  'homeEmployerId',
  'startedOn',
  'position',
  'enrollmentId',
  'ids',
  'email',
  'password',
  'role',
  'provinceCode',
  'partnerId',
  'signedOn',
  'fields',
  'sector',
  'investorCountry',
  '__proto__',
  'constructor',
];

const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 12 }),
  value,
  fc.anything(),
);

const query = fc.dictionary(
  fc.constantFrom(
    'limit',
    'cursor',
    'status',
    'q',
    'from',
    'to',
    'boundaries',
    'format',
    'field',
    'minJlpt',
    'ageMin',
    'kind',
    'entity',
    'code',
  ),
  fc.oneof(nasty, fc.integer().map(String)),
  { maxKeys: 4 },
);

const pathParam = fc.oneof(
  // Mostly a real row, so the request reaches the handler; sometimes a stranger or garbage.
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }).map((i) => realIds[i % realIds.length]!) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: nasty.filter((s) => s.length < 300) },
);

function fillPath(url: string, param: string) {
  // A lone surrogate cannot be percent-encoded at all: a client could not send it.
  return url.replace(/:[a-zA-Z]+/g, () => encodeURIComponent(param.toWellFormed()));
}

function expectClientError(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  where: string,
) {
  if (res.statusCode >= 500) throw new Error(`${where} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type']), where).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(res.body);
    expect(problem.status, where).toBe(res.statusCode);
  }
}

describe('hostile input never causes a 5xx', () => {
  it('covers a meaningful set of routes', () => {
    expect(t.app.routeList.filter((r) => r.method === 'POST').length).toBeGreaterThan(10);
  });

  it('JSON bodies on every write route', async () => {
    const writes = t.app.routeList.filter(
      (r) => ['POST', 'PATCH', 'PUT'].includes(r.method) && !r.url.startsWith('/docs'),
    );
    for (const route of writes) {
      const allowed = allowedActors(route.auth);
      await fc.assert(
        fc.asyncProperty(body, pathParam, fc.nat(), async (payload, param, who) => {
          const url = fillPath(route.url, param);
          const res = await t.request({
            method: route.method as 'POST',
            url,
            as: allowed[who % allowed.length]!,
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(payload) ?? 'null',
          });
          expectClientError(res, `${route.method} ${url} ${JSON.stringify(payload)?.slice(0, 200)}`);
        }),
        { numRuns: 40 },
      );
    }
  });

  it('hostile but valid text reaches the writes: stored exactly (as NFC), never a 5xx', async () => {
    let n = 0;
    const statuses: number[] = [];
    // Text a form may legitimately hold, which a careless service would mangle or choke on.
    const text = fc.oneof(
      fc.constantFrom(
        "'; drop table candidates; --",
        "O'Brien \\ 1' or '1'='1",
        'Robert"); DELETE FROM users; --',
        'Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u01a1\u0323c',
        '<script>alert(1)</script>',
        '$' + '{jndi:ldap://x}',
        '../../etc/passwd',
        '%00 %ff \\x00',
        'tab\there, comma; "quote"',
        '日本語 テスト 🇻🇳',
      ),
      fc.string({ minLength: 1, maxLength: 200 }).filter((s) => /\S/.test(s) && !s.includes('\u0000')),
    );
    const requests = fc.oneof(
      text.map((name) => ({
        method: 'POST' as const,
        url: '/candidates',
        name,
        payload: {
          fullName: name,
          dateOfBirth: '2000-01-01',
          gender: 'female',
          nationalId: String(700_000_000_000 + n++),
          homeProvinceCode: '80',
          occupationField: 'construction',
          consentToShare: true,
        },
      })),
      text.map((name) => ({
        method: 'POST' as const,
        url: '/courses',
        name,
        payload: { name, kind: 'language', startsOn: '2026-01-05', endsOn: '2026-03-05', hours: 120 },
      })),
    );
    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        const res = await t.request({
          method: r.method,
          url: r.url,
          as: actors.center(centerId),
          payload: r.payload,
        });
        expectClientError(res, `${r.method} ${r.url} ${JSON.stringify(r.payload).slice(0, 200)}`);
        statuses.push(res.statusCode);
        if (res.statusCode === 201) {
          const stored = res.json();
          const expected = r.name.normalize('NFC').replace(/\s+/g, ' ').trim();
          expect(r.url === '/candidates' ? stored.fullName : stored.name).toBe(
            r.url === '/candidates' ? expected : r.name.trim(),
          );
        }
      }),
      { numRuns: 80 },
    );
    // Most of them went in: the property exercised the writes, not only the validation.
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(statuses.length * 0.7);
  });

  it('query strings and path parameters on every read route', async () => {
    const reads = t.app.routeList.filter((r) => r.method === 'GET' && !r.url.startsWith('/docs'));
    for (const route of reads) {
      const allowed = allowedActors(route.auth);
      await fc.assert(
        fc.asyncProperty(query, pathParam, fc.nat(), async (q, param, who) => {
          const url = `${fillPath(route.url, param)}?${new URLSearchParams(q as Record<string, string>).toString()}`;
          const res = await t.request({ method: 'GET', url, as: allowed[who % allowed.length]! });
          expectClientError(res, `GET ${url}`);
        }),
        { numRuns: 15 },
      );
    }
  });

  it('malformed bodies: broken JSON, wrong content types, NUL bytes, huge numbers', async () => {
    const samples: [string, string][] = [
      ['application/json', '{"fullName": "x"'],
      ['application/json', '\u0000'],
      ['application/json', '{"hours": 1e400}'],
      [
        'application/json',
        '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
      ],
      ['text/plain', 'hello'],
      ['application/xml', '<a/>'],
      ['text/csv', 'fullName\n"unterminated'],
      ['text/csv', '\u0000\u0000\u0000'],
    ];
    for (const route of t.app.routeList.filter((r) => r.method === 'POST' && !r.url.startsWith('/docs'))) {
      for (const [type, payload] of samples) {
        const res = await t.request({
          method: 'POST',
          url: fillPath(route.url, '00000000-0000-4000-8000-000000000000'),
          as: as[0]!,
          headers: { 'content-type': type },
          payload,
        });
        expectClientError(res, `POST ${route.url} (${type})`);
      }
    }
  });

  it('hostile CSV files on the trainee import', async () => {
    const header =
      'fullName,dateOfBirth,gender,nationalId,phone,homeProvinceCode,provinceBoundaries,occupationField,jlptLevel,consentToShare';
    const cell = fc.oneof(
      nasty.filter((s) => s.length < 200),
      fc.constant(''),
      fc.constant('"a,b"'),
      fc.constant('"x""y"'),
    );
    const csv = fc
      .array(fc.array(cell, { minLength: 1, maxLength: 12 }), { maxLength: 6 })
      .map(
        (rows) =>
          `${header}\n${rows.map((r) => r.join(fc.sample(fc.constantFrom(',', ';'), 1)[0])).join('\n')}`,
      );
    await fc.assert(
      fc.asyncProperty(csv, async (text) => {
        const res = await t.request({
          method: 'POST',
          url: '/candidates/import',
          as: as[1]!,
          headers: { 'content-type': 'text/csv' },
          payload: text,
        });
        expectClientError(res, `POST /candidates/import ${text.slice(0, 200)}`);
      }),
      { numRuns: 40 },
    );
  });

  it('hostile but valid CSV rows reach the write: imported, names stored as sent (NFC)', async () => {
    const header = 'fullName,dateOfBirth,gender,nationalId,homeProvinceCode,occupationField,consentToShare';
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    let n = 0;
    const name = fc.oneof(
      fc.constantFrom(
        "'; drop table candidates; --",
        'Robert"); DELETE FROM users; --',
        'a,b;c\td',
        'line\nbreak inside quotes',
        "=cmd|' /C calc'!A0",
        '\\N',
        '\\.',
        '<script>alert(1)</script>',
        'Nguye\u0302\u0303n Va\u0306n',
      ),
      fc
        .string({ minLength: 1, maxLength: 100 })
        .filter((s) => /\S/.test(s) && !s.includes('\u0000') && !s.includes('\r')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(name, { minLength: 1, maxLength: 5 }), async (names) => {
        const ids = names.map(() => String(600_000_000_000 + n++));
        const lines = names.map((full, i) => `${quote(full)},2000-01-01,male,${ids[i]},80,construction,true`);
        const res = await t.request({
          method: 'POST',
          url: '/candidates/import',
          as: as[1]!,
          headers: { 'content-type': 'text/csv' },
          payload: `${header}\n${lines.join('\n')}\n`,
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
        expect(res.json()).toMatchObject({ inserted: names.length });
        expect(res.json().items).toHaveLength(names.length);
        const found = await t.request({ method: 'GET', url: '/candidates?limit=100', as: as[1]! });
        const byId = new Map(
          found.json().items.map((c: { nationalId: string; fullName: string }) => [c.nationalId, c.fullName]),
        );
        names.forEach((full, i) => {
          expect(byId.get(ids[i]!)).toBe(full.normalize('NFC').replace(/\s+/g, ' ').trim());
        });
      }),
      { numRuns: 30 },
    );
  });

  it('a Vietnamese name is the same name in NFD and NFC, through JSON and CSV, stored and found', async () => {
    const syllables = [
      'Nguyễn',
      'Trần',
      'Thị',
      'Đặng',
      'Ước',
      'Hưởng',
      'Quỳnh',
      'Ỷ',
      'Lưu',
      'Phạm',
      'Ngọc',
      'Dũng',
    ];
    const name = fc
      .array(fc.constantFrom(...syllables), { minLength: 2, maxLength: 5 })
      .map((parts) => parts.join(' '));
    let n = 0;
    const nextId = () => String(800_000_000_000 + n++);
    await fc.assert(
      fc.asyncProperty(name, fc.boolean(), async (composed, viaCsv) => {
        const decomposed = composed.normalize('NFD');
        expect(decomposed).not.toBe(composed);
        const ids = [nextId(), nextId()];
        if (viaCsv) {
          const header =
            'fullName,dateOfBirth,gender,nationalId,phone,homeProvinceCode,provinceBoundaries,occupationField,jlptLevel,consentToShare';
          const rows = [decomposed, composed].map(
            (full, i) => `${full},2000-01-0${i + 1},female,${ids[i]},,80,2025,construction,,true`,
          );
          const res = await t.request({
            method: 'POST',
            url: '/candidates/import',
            as: as[1]!,
            headers: { 'content-type': 'text/csv' },
            payload: `${header}\n${rows.join('\n')}`,
          });
          expect(res.statusCode, res.body).toBe(201);
        } else {
          for (const [i, full] of [decomposed, composed].entries()) {
            const res = await t.request({
              method: 'POST',
              url: '/candidates',
              as: as[1]!,
              payload: {
                fullName: full,
                dateOfBirth: '2000-01-01',
                gender: 'female',
                nationalId: ids[i],
                homeProvinceCode: '80',
                occupationField: 'construction',
                consentToShare: true,
              },
            });
            expect(res.statusCode, res.body).toBe(201);
          }
        }
        for (const q of [decomposed, composed]) {
          const found = await t.request({
            method: 'GET',
            url: `/candidates?q=${encodeURIComponent(q)}&limit=500`,
            as: as[1]!,
          });
          const mine = found.json().items.filter((c: { nationalId: string }) => ids.includes(c.nationalId));
          expect(mine).toHaveLength(2);
          for (const c of mine) expect(c.fullName).toBe(composed.normalize('NFC'));
        }
      }),
      { numRuns: 12 },
    );
  });
});
