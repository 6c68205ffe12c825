import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Response serialisation: every zod response schema is compiled once to JSON Schema and serialised
 * with fast-json-stringify (Fastify's own serializer). Like zod's parse, it writes only the declared
 * properties — an undeclared field never leaks (partner views rely on it) — but it does not build a
 * parsed copy of every item first, which made a page of 50 candidates cost ten times a single one.
 *
 * A schema JSON Schema cannot say (transforms, custom checks, bigint, maps…) keeps zod's
 * parse-then-stringify. With `check` (the test suite), every response is also parsed by zod: a
 * value that breaks its schema is still a 500, and a difference between the two outputs is an error.
 */

type Json = Record<string, unknown>;
type Stringify = (data: unknown) => string;

/** Zod types JSON Schema cannot express for output; a schema containing one is serialised by zod. */
const UNREPRESENTABLE = new Set([
  'bigint',
  'symbol',
  'undefined',
  'void',
  'map',
  'set',
  'transform',
  'nan',
  'custom',
  'function',
  'promise',
]);

class Unrepresentable extends Error {}

/** Marks a zod date while the schema is adapted (removed before compiling). */
const DATE = 'x-zod-date';

/** The JSON Schema of a zod output schema for fast-json-stringify, or null when it cannot say it. */
export function serializerSchema(schema: z.ZodType): Json | null {
  let json: Json;
  try {
    json = z.toJSONSchema(schema, {
      target: 'draft-7',
      io: 'output',
      unrepresentable: 'any',
      cycles: 'ref',
      reused: 'inline',
      override: (ctx) => {
        const type = ctx.zodSchema._zod.def.type;
        // A Date is written as its ISO string, as JSON.stringify does after zod's parse.
        if (type === 'date')
          Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time', [DATE]: true });
        else if (UNREPRESENTABLE.has(type)) throw new Unrepresentable(type);
      },
    }) as Json;
  } catch (err) {
    if (err instanceof Unrepresentable) return null;
    throw err;
  }
  delete json.$schema;
  try {
    return forSerializer(json) as Json;
  } catch (err) {
    if (err instanceof Unrepresentable) return null;
    throw err;
  }
}

const hasDate = (node: unknown): boolean =>
  !!node &&
  typeof node === 'object' &&
  ((node as Json)[DATE] === true || Object.values(node as Json).some(hasDate));

/**
 * Adapts zod's JSON Schema to what fast-json-stringify handles fastest, without changing what it writes:
 * - `anyOf: [X, {type: 'null'}]` (zod's nullable) becomes `type: [X, 'null']`; a real anyOf makes
 *   fast-json-stringify run a validator per value to pick the branch;
 * - `additionalProperties: false` is dropped: undeclared properties are not written either way, and
 *   inside a union it would refuse an object that zod's parse accepts after stripping the extras;
 * - `pattern` and the formats it does not write (uuid, email…) are dropped: they change nothing in the
 *   output, and inside a union they made the branch check cost more than the writing.
 * A union (other than nullable) holding a zod date is left to zod: the validator that picks the
 * branch would refuse the Date object.
 */
const WRITTEN_FORMATS = new Set(['date-time', 'date', 'time']);

function forSerializer(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forSerializer);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === DATE || (key === 'additionalProperties' && value === false)) continue;
    if (key === 'pattern' || (key === 'format' && !WRITTEN_FORMATS.has(value as string))) continue;
    out[key] = forSerializer(value);
  }
  const anyOf = out.anyOf as Json[] | undefined;
  if (anyOf?.length === 2) {
    const nullAt = anyOf.findIndex((s) => s.type === 'null' && Object.keys(s).length === 1);
    const other = anyOf[1 - nullAt];
    if (
      nullAt !== -1 &&
      other &&
      typeof other.type === 'string' &&
      !('anyOf' in other || 'oneOf' in other || 'allOf' in other || '$ref' in other)
    ) {
      delete out.anyOf;
      Object.assign(out, other, { type: [other.type, 'null'] });
      if (Array.isArray(other.enum)) out.enum = [...other.enum, null];
    }
  }
  // A real union is resolved by a validator run on the value, which sees a Date as no string.
  if ((out.anyOf || out.oneOf) && hasDate(node)) throw new Unrepresentable('a union holding a date');
  return out;
}

const isZod = (schema: unknown): schema is z.ZodType => schema instanceof z.core.$ZodType;

/** fastify-type-provider-zod passes `{ properties: zodSchema }` for some declarations. */
function zodOf(schema: unknown): z.ZodType | null {
  if (isZod(schema)) return schema;
  const properties = (schema as { properties?: unknown } | null)?.properties;
  return isZod(properties) ? properties : null;
}

/** Compiled once per schema object: the route schemas are module constants shared by every app. */
const compiled = new WeakMap<object, Stringify | null>();

function fastStringify(schema: z.ZodType): Stringify | null {
  if (compiled.has(schema)) return compiled.get(schema)!;
  const json = serializerSchema(schema);
  const stringify = json ? (fastJson(json) as Stringify) : null;
  compiled.set(schema, stringify);
  return stringify;
}

export interface SerializerOptions {
  /** Also parse every response with zod and compare the two outputs (tests). */
  check?: boolean;
}

export function responseSerializerCompiler(
  options: SerializerOptions = {},
): FastifySerializerCompiler<unknown> {
  return ({ schema, method, url }) => {
    const zodSchema = zodOf(schema);
    // A plain JSON Schema (none of ours today) goes to fast-json-stringify as it is.
    if (!zodSchema) return fastJson(schema as Json) as Stringify;
    const parseThenStringify: Stringify = (data) => {
      const result = z.safeParse(zodSchema, data);
      if (!result.success) throw new ResponseSerializationError(method, url, { cause: result.error });
      return JSON.stringify(result.data);
    };
    const fast = fastStringify(zodSchema);
    if (!fast) return parseThenStringify;
    if (!options.check) return fast;
    return (data) => {
      const expected = parseThenStringify(data);
      const actual = fast(data);
      if (actual !== expected && !isDeepStrictEqual(JSON.parse(actual), JSON.parse(expected))) {
        throw new Error(
          `${method} ${url}: fast-json-stringify wrote ${actual.slice(0, 500)} where zod wrote ${expected.slice(0, 500)}`,
        );
      }
      return actual;
    };
  };
}
