import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { responseSerializerCompiler, serializerSchema } from '../src/lib/serializer.ts';
import { z } from '../src/lib/zod.ts';
import {
  candidateListOut,
  candidateOut,
  candidatePartnerOut,
} from '../src/modules/candidates/candidates.schemas.ts';

// Shapes our response schemas use: nullable, optional, defaults, enums, dates, records, unions, arrays.
const person = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(['admin', 'center']),
  note: z.string().nullable(),
  nickname: z.string().optional(),
  level: z.number().int().default(1),
  bornAt: z.date(),
  closedAt: z.date().nullable(),
  counts: z.record(z.string(), z.number()).nullable(),
  details: z.record(z.string(), z.unknown()),
  address: z.object({ city: z.string(), zip: z.string().nullable() }).nullable(),
});
const partnerView = person.omit({ note: true, counts: true });
const pageOut = z.object({
  items: z.array(
    z.union([person.extend({ kind: z.literal('full') }), partnerView.extend({ kind: z.literal('partner') })]),
  ),
  nextCursor: z.string().nullable(),
});

const full = {
  id: '6f1c3a52-8a55-4f6b-9d57-2b0f3d1c2a10',
  kind: 'full',
  name: 'Nguyễn Thị Hoa',
  role: 'center',
  note: null,
  bornAt: new Date('1999-03-04T05:06:07.089Z'),
  closedAt: null,
  counts: { anonymised: 3 },
  details: { anything: [1, 'two', { three: null }] },
  address: { city: 'Tây Ninh', zip: null, secret: 'nested undeclared' },
  nationalId: '012345678901',
  passwordHash: 'undeclared',
};
const partner = {
  id: '6f1c3a52-8a55-4f6b-9d57-2b0f3d1c2a11',
  kind: 'partner',
  name: 'Trần Văn Nam',
  role: 'admin',
  nickname: 'Nam',
  level: 3,
  bornAt: new Date('2001-12-31T23:59:59.999Z'),
  closedAt: new Date('2026-01-01T00:00:00.000Z'),
  details: {},
  address: null,
  phone: '+84912345678',
};

const app = Fastify({ logger: false });
app.setSerializerCompiler(responseSerializerCompiler());
const peopleOut = z.object({ items: z.array(person), total: z.number().int() });
app.get('/people', { schema: { response: { 200: peopleOut } } }, async () => ({
  items: [full, { ...partner, note: 'kept', counts: null }],
  total: 2,
  debug: 'undeclared',
}));
app.get('/page', { schema: { response: { 200: pageOut } } }, async () => ({
  items: [full, partner],
  nextCursor: null,
  debug: 'undeclared',
}));
app.get(
  '/transformed',
  { schema: { response: { 200: z.object({ n: z.string().transform((s) => s.length) }) } } },
  async () => ({
    n: 'four',
    extra: 1,
  }),
);
const checked = Fastify({ logger: false });
checked.setSerializerCompiler(responseSerializerCompiler({ check: true }));
checked.get('/wrong', { schema: { response: { 200: person } } }, async () => ({ ...full, role: 'partner' }));
checked.get('/right', { schema: { response: { 200: pageOut } } }, async () => ({
  items: [full, partner],
  nextCursor: 'x',
}));

afterAll(async () => {
  await app.close();
  await checked.close();
});

describe('responses written from their output schemas', () => {
  it('writes exactly what zod would, and no undeclared field, at any depth', async () => {
    expect(serializerSchema(peopleOut)).not.toBeNull(); // through fast-json-stringify
    const res = await app.inject({ url: '/people' });
    expect(res.statusCode).toBe(200);
    const expected = peopleOut.parse({ items: [full, { ...partner, note: 'kept', counts: null }], total: 2 });
    expect(JSON.parse(res.body)).toEqual(JSON.parse(JSON.stringify(expected)));
    for (const undeclared of ['nationalId', 'passwordHash', 'phone', 'secret', 'debug'])
      expect(res.body).not.toContain(undeclared);
    const [a, b] = JSON.parse(res.body).items;
    // Dates as ISO strings, nulls kept, a missing default filled, records and nested objects written.
    expect(a).toMatchObject({ bornAt: '1999-03-04T05:06:07.089Z', note: null, level: 1, closedAt: null });
    expect(a.address).toEqual({ city: 'Tây Ninh', zip: null });
    expect(a.counts).toEqual({ anonymised: 3 });
    expect(a.details).toEqual({ anything: [1, 'two', { three: null }] });
    expect(b).toMatchObject({
      nickname: 'Nam',
      level: 3,
      closedAt: '2026-01-01T00:00:00.000Z',
      address: null,
    });
  });

  it('a union of objects keeps each branch to its own fields', async () => {
    const res = await app.inject({ url: '/page' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual(
      JSON.parse(JSON.stringify(pageOut.parse({ items: [full, partner], nextCursor: null }))),
    );
    for (const undeclared of ['nationalId', 'passwordHash', 'phone', 'secret', 'debug'])
      expect(res.body).not.toContain(undeclared);
    const [, b] = JSON.parse(res.body).items;
    expect(b).not.toHaveProperty('note');
  });

  it('leaves a schema JSON Schema cannot say to zod, which still strips and transforms', async () => {
    expect(serializerSchema(z.object({ n: z.string().transform((s) => s.length) }))).toBeNull();
    expect(serializerSchema(pageOut)).toBeNull(); // a union of objects holding dates
    expect(serializerSchema(person)).not.toBeNull();
    const res = await app.inject({ url: '/transformed' });
    expect(JSON.parse(res.body)).toEqual({ n: 4 });
  });

  it('when checking (the test suite), a value outside its schema is still a 500', async () => {
    expect((await checked.inject({ url: '/wrong' })).statusCode).toBe(500);
    expect((await checked.inject({ url: '/right' })).statusCode).toBe(200);
  });

  it("compiles the candidate schemas to fast-json-stringify, and a partner's read never carries an identity field", () => {
    for (const schema of [candidateOut, candidateListOut, z.union([candidateOut, candidatePartnerOut])])
      expect(serializerSchema(schema)).not.toBeNull();
    const compile = responseSerializerCompiler();
    const write = compile({
      schema: candidatePartnerOut,
      method: 'GET',
      url: '/candidates/:id',
      httpStatus: '200',
    });
    const record = {
      id: full.id,
      code: 'KH-2026-000001',
      poolCode: 'P-7KQ2M9XD4A',
      fullName: 'Nguyễn Thị Hoa',
      dateOfBirth: '1999-03-04',
      gender: 'female',
      nationalId: '012345678901',
      phone: '+84912345678',
      homeProvinceCode: '80',
      provinceBoundaries: '2025',
      homeProvince2025: '80',
      occupationField: 'nursing_care',
      jlptLevel: null,
      consentToShare: true,
      trainingCenterId: partner.id,
      status: 'selected',
      statusChangedAt: '2026-11-27T00:00:00.000Z',
      version: 2,
      createdAt: '2026-11-27T00:00:00.000Z',
      updatedAt: '2026-11-27T00:00:00.000Z',
    };
    // Fields added to the candidate record later are filled with an empty value of their type.
    for (const [key, field] of Object.entries(candidateOut.shape) as [string, z.ZodType][]) {
      if (key in record) continue;
      const empty = [null, [], '', false, 0].find((v) => field.safeParse(v).success);
      if (empty !== undefined) (record as Record<string, unknown>)[key] = empty;
    }
    const either = compile({
      schema: z.union([candidateOut, candidatePartnerOut]),
      method: 'GET',
      url: '/candidates/:id',
      httpStatus: '200',
    });
    expect(JSON.parse(either({ ...record, nameSearch: 'nguyen thi hoa' }))).toEqual(
      candidateOut.parse(record),
    );
    const out = JSON.parse(write(record));
    expect(out).toEqual(candidatePartnerOut.parse(record));
    expect(Object.keys(out)).not.toEqual(expect.arrayContaining(['nationalId']));
    for (const field of ['nationalId', 'phone', 'poolCode']) expect(out).not.toHaveProperty(field);
  });
});
