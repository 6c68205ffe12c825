import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ROLES } from '../lib/actor.ts';
import { COUNTRY_CODES } from '../lib/countries.ts';

/**
 * OpenAPI at /docs/json and Swagger UI at /docs, generated from the zod route schemas. What the route
 * schemas do not say is derived here, once, from the route declarations, so that every operation
 * tells the whole truth:
 * - an `operationId` from method and path (`getCandidates`, `getCandidate`, `postCandidateTransitions`);
 * - the problem+json answers (RFC 9457, one `Problem` schema): 400 where there is input, 401 unless
 *   public, 403 where roles are restricted or a first password must be changed, 404 where the path
 *   or the body names a record by id, 409 on writes, 413 and 415 on bodies, 429 where throttled;
 * - the content types of documents: a route's `produces` (PDFs), text/csv (and xlsx) where a `format`
 *   query parameter offers them, a body of the types in the route's `consumes`;
 * - the codes the service checks against its lists: ISO 3166-1 countries, known province codes
 *   (2008 and 2025 boundary sets) and JIS prefecture codes, as `enum`s on request fields.
 */

type Json = Record<string, unknown>;
type Auth = 'public' | readonly string[] | undefined;

/** Routes throttled in their service rather than by @fastify/rate-limit (users.throttle.ts). */
const THROTTLED_IN_SERVICE = new Set(['POST /auth/login']);

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const PROBLEM_SCHEMA = {
  type: 'object',
  description:
    'RFC 9457 problem details; `errors` names each field (and CSV row) and the rule it broke. `title`, `detail` and each `errors[].message` are in the language of `Accept-Language` (vi or ja; anything else or none: English), named by `Content-Language`; field names, codes and the values echoed stay as sent.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'https://kakehashi.example/problems/<kind>' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'string', description: 'The field, dotted (`candidates.0.id`)' },
          message: { type: 'string', description: 'The rule it broke, e.g. "must be 12 digits"' },
          row: { type: 'integer', minimum: 0, description: 'CSV import: 1 = first line after the header' },
        },
      },
    },
  },
} as const;

const PROBLEMS: Record<string, string> = {
  400: 'Bad input: `errors` names each field, the rule and (for an import) the row',
  401: 'No valid bearer token',
  403: 'Your role or scope may not do this, or your first password must be changed first',
  404: 'Not found (the record the path or the body names), or not within your scope',
  409: 'Conflicts with the current state (a duplicate, a status that does not allow it, a stale version)',
  413: 'The body is larger than this service accepts here',
  415: 'The body is not of a content type this operation accepts',
  429: 'Too many requests: wait for the time in Retry-After',
};

/** `/candidates/:id/history` → `/candidates/{id}/history`, as @fastify/swagger writes paths. */
const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

const singular = (word: string) => {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
};

/**
 * `GET /candidates` → getCandidates, `GET /candidates/:id` → getCandidate,
 * `POST /candidates/:id/transitions` → postCandidateTransitions: a collection followed by an id is
 * named in the singular, parameters are left out.
 */
export function operationIdOf(method: string, url: string): string {
  const segments = url.split('/').filter(Boolean);
  const words: string[] = [];
  segments.forEach((segment, i) => {
    if (segment.startsWith(':') || segment.startsWith('{')) return;
    const parts = segment.split(/[-._]/).filter(Boolean);
    const next = segments[i + 1];
    if (next && (next.startsWith(':') || next.startsWith('{'))) parts.push(singular(parts.pop() ?? ''));
    words.push(...parts);
  });
  return method.toLowerCase() + words.map(pascal).join('');
}

interface RouteFacts {
  auth: Auth;
  allowedBeforePasswordChange: boolean;
  rateLimited: boolean;
  /** Validated input: path parameters, a query (every route's is strict: app.ts), a body. */
  takesInput: boolean;
  consumes: string[] | undefined;
}

/** The codes the service checks request fields against. */
export interface KnownCodes {
  provinces: string[];
  prefectures: string[];
}

const CODE_FIELDS = {
  country: ['destinationCountry', 'investorCountry', 'country'],
  province: ['provinceCode', 'homeProvinceCode'],
  prefecture: ['prefectureCode'],
} as const;

function codeLists(known: KnownCodes): Map<string, { codes: readonly string[] }> {
  const out = new Map<string, { codes: readonly string[] }>();
  const add = (fields: readonly string[], codes: readonly string[]) => {
    for (const f of fields) out.set(f, { codes });
  };
  add(CODE_FIELDS.country, COUNTRY_CODES);
  add(CODE_FIELDS.province, known.provinces);
  add(CODE_FIELDS.prefecture, known.prefectures);
  return out;
}

/** Adds `enum` to the string schema (or the string branch of a nullable one) of a coded field. */
function constrain(schema: unknown, codes: readonly string[]): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Json;
  if (s.type === 'string' && !s.enum) {
    s.enum = [...codes];
    delete s.pattern;
    return;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(s[key])) for (const branch of s[key]) constrain(branch, codes);
  }
}

/** Walks a request schema and constrains every coded field it declares. */
function constrainFields(schema: unknown, lists: ReturnType<typeof codeLists>): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Json;
  if (s.properties && typeof s.properties === 'object') {
    for (const [name, prop] of Object.entries(s.properties as Json)) {
      const list = lists.get(name);
      if (list) constrain(prop, list.codes);
      constrainFields(prop, lists);
    }
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf'] as const) {
    const v = s[key];
    if (Array.isArray(v)) for (const x of v) constrainFields(x, lists);
    else if (v) constrainFields(v, lists);
  }
}

const binary = { type: 'string', format: 'binary' };

/** Whether the JSON body names other records by id (`candidateId`, `ids`): each may not be found. */
function namesResources(op: Json): boolean {
  const body = op.requestBody as { content?: Record<string, { schema?: Json }> } | undefined;
  const properties = body?.content?.['application/json']?.schema?.properties;
  return Boolean(properties && Object.keys(properties).some((name) => /(^ids?$|Ids?$)/.test(name)));
}

/** Completes the generated document; `facts` holds what `transform` learned of each route. */
function complete(doc: Json, facts: Map<string, RouteFacts>, known: KnownCodes | undefined): Json {
  doc.components ??= {};
  const components = doc.components as Json;
  components.schemas = { ...(components.schemas as Json | undefined), Problem: PROBLEM_SCHEMA };
  const problemRef = { $ref: '#/components/schemas/Problem' };
  const lists = known ? codeLists(known) : undefined;
  const used = new Set<string>();

  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item) as [string, Json][]) {
      const METHOD = method.toUpperCase();
      const route = facts.get(`${METHOD} ${path}`);
      if (!route) continue;
      op.responses ??= {};
      const responses = op.responses as Record<string, Json>;
      const parameters = (op.parameters ?? []) as Json[];

      // Documents: non-JSON success bodies are bytes (PDF) or text (CSV).
      for (const response of Object.values(responses)) {
        const content = response.content as Record<string, Json> | undefined;
        for (const [type, media] of Object.entries(content ?? {})) {
          if (!type.includes('json')) media.schema = type.startsWith('text/') ? { type: 'string' } : binary;
        }
      }
      const format = parameters.find((p) => p.in === 'query' && p.name === 'format');
      const formats = ((format?.schema as Json | undefined)?.enum ?? []) as string[];
      const ok = responses['200'];
      if (ok?.content) {
        const content = ok.content as Json;
        if (formats.includes('csv')) content['text/csv'] = { schema: { type: 'string' } };
        if (formats.includes('xlsx')) content[XLSX] = { schema: binary };
      }

      // A body of the types the route consumes when its schema declares none (a streamed upload).
      if (!op.requestBody && route.consumes?.length) {
        op.requestBody = {
          required: true,
          content: Object.fromEntries(
            route.consumes.map((type) => [
              type,
              { schema: type.startsWith('text/') ? { type: 'string' } : binary },
            ]),
          ),
        };
      }

      if (lists) {
        for (const p of parameters) {
          const list = lists.get(String(p.name));
          if (list && p.in === 'query') constrain(p.schema, list.codes);
        }
        const body = op.requestBody as { content?: Record<string, Json> } | undefined;
        for (const media of Object.values(body?.content ?? {})) constrainFields(media.schema, lists);
      }

      const hasBody = Boolean(op.requestBody);
      const isPublic = route.auth === 'public';
      const restricted = Array.isArray(route.auth) && ROLES.some((r) => !route.auth?.includes(r));
      const documentOut = Object.keys((ok?.content as Json | undefined) ?? {}).some(
        (t) => t === 'application/pdf',
      );
      const statuses: string[] = [];
      if (route.takesInput || parameters.length > 0 || hasBody) statuses.push('400');
      if (!isPublic) statuses.push('401');
      if (!isPublic && (restricted || !route.allowedBeforePasswordChange)) statuses.push('403');
      if (/\{\w+\}/.test(path) || namesResources(op)) statuses.push('404');
      if (WRITE_METHODS.has(METHOD) && !isPublic && !documentOut) statuses.push('409');
      if (hasBody) statuses.push('413', '415');
      if (route.rateLimited || THROTTLED_IN_SERVICE.has(`${METHOD} ${path}`)) statuses.push('429');
      for (const status of statuses) {
        if (responses[status]) continue;
        responses[status] = { $ref: `#/components/responses/Problem${status}` };
        used.add(status);
      }
    }
  }

  components.responses = {
    ...(components.responses as Json | undefined),
    ...Object.fromEntries(
      [...used].sort().map((status) => [
        `Problem${status}`,
        {
          description: PROBLEMS[status] ?? 'Problem',
          ...(status === '429'
            ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
            : {}),
          content: { 'application/problem+json': { schema: problemRef } },
        },
      ]),
    ),
  };
  return doc;
}

export const openapiPlugin = fp(
  async (app: FastifyInstance, opts: { publicUrl: string }) => {
    const facts = new Map<string, RouteFacts>();
    /** operationId → the route it names. */
    const operationIds = new Map<string, string>();
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Kakehashi API',
          description:
            'Labour-migration programmes between Vietnamese provinces and Japan: training, placement, return and reintegration. Errors are application/problem+json (RFC 9457).',
          version: '0.1.0',
        },
        servers: [{ url: opts.publicUrl }],
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
        security: [{ bearer: [] }],
      },
      transform: (input) => {
        const { schema, url } = jsonSchemaTransform(input);
        const route = input.route as RouteOptions & {
          config?: { auth?: Auth; allowedBeforePasswordChange?: boolean; rateLimit?: unknown };
        };
        if (!schema || (schema as { hide?: boolean }).hide) return { schema, url };
        const method = [route.method].flat()[0]!.toUpperCase();
        const path = openapiPath(url);
        const source = input.schema as
          | {
              consumes?: string[];
              operationId?: string;
              params?: unknown;
              querystring?: unknown;
              body?: unknown;
            }
          | undefined;
        facts.set(`${method} ${path}`, {
          auth: route.config?.auth,
          allowedBeforePasswordChange: route.config?.allowedBeforePasswordChange === true,
          rateLimited: Boolean(route.config?.rateLimit),
          takesInput: Boolean(source?.params || source?.querystring || source?.body || source?.consumes),
          consumes: source?.consumes,
        });
        let operationId = source?.operationId ?? operationIdOf(method, url);
        // Unique even if two paths differ only in their parameters.
        const owner = operationIds.get(operationId);
        if (owner && owner !== `${method} ${path}`)
          operationId += `By${[...url.matchAll(/:(\w+)/g)].map((m) => pascal(m[1]!)).join('And')}`;
        operationIds.set(operationId, `${method} ${path}`);
        return { schema: { ...schema, operationId }, url };
      },
      transformObject: (input) => {
        if (!('openapiObject' in input)) return input.swaggerObject;
        const services = (app as FastifyInstance & { services?: FastifyInstance['services'] }).services;
        const reference = services?.reference;
        const known = reference && {
          provinces: [
            ...new Set(
              [...reference.listProvinces('2025'), ...reference.listProvinces('2008')].map((p) => p.code),
            ),
          ].sort(),
          prefectures: reference.listPrefectures().map((p) => p.code),
        };
        return complete(input.openapiObject as Json, facts, known) as typeof input.openapiObject;
      },
    });
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true },
    });
  },
  { name: 'openapi' },
);
