import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, badRequest, type FieldError, payloadTooLarge } from '../lib/errors.ts';
import { localiseProblem, problemLanguage } from '../lib/problem-text.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

const TYPE_BASE = 'https://kakehashi.example/problems/';

/**
 * The answer, with `title`, `detail` and each `errors[].message` in the language Accept-Language
 * asks for (vi or ja; else English) and that language in Content-Language. The code writes English;
 * templates/problems.json translates it (lib/problem-text.ts).
 */
export function sendProblem(reply: FastifyReply, problem: Problem) {
  let lang = problemLanguage(reply.request);
  let answer = problem;
  try {
    answer = localiseProblem(problem, lang);
  } catch (err) {
    // The error path must answer: a catalogue that cannot be read leaves the problem in English.
    reply.log.error({ err }, 'problem texts could not be translated');
    lang = 'en';
  }
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .header('content-language', lang)
    .send({ ...answer, type: TYPE_BASE + problem.type });
}

/** PostgreSQL error fields, found on the error or on its `cause` (drizzle wraps driver errors). */
interface PgErrorLike {
  code: string;
  constraint?: string;
  constraint_name?: string;
  detail?: string;
}

function findPgError(err: unknown): PgErrorLike | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const c = e as { code?: unknown; cause?: unknown; severity?: unknown };
    if (
      typeof c.code === 'string' &&
      /^[0-9A-Z]{5}$/.test(c.code) &&
      ('severity' in c || 'constraint' in c || 'constraint_name' in c)
    ) {
      return c as PgErrorLike;
    }
    e = c.cause;
  }
  return undefined;
}

/** Constraint names → the field a client sent, the rule it broke, and the sentence that says so. */
const CONSTRAINT_FIELDS: Record<string, FieldError & { detail: string }> = {
  candidates_national_id_unique: {
    path: 'nationalId',
    message: 'is already registered',
    detail: 'nationalId is already registered.',
  },
  users_email_unique: { path: 'email', message: 'is already in use', detail: 'email is already in use.' },
  placements_one_open_per_candidate: {
    path: 'candidateId',
    message: 'already has an open placement',
    detail: 'candidateId already has an open placement.',
  },
  enrollments_course_candidate_unique: {
    path: 'candidateId',
    message: 'is already enrolled in this course',
    detail: 'candidateId is already enrolled in this course.',
  },
  certificates_enrollment_valid_unique: {
    path: 'enrollmentId',
    message: 'already has a valid certificate',
    detail: 'enrollmentId already has a valid certificate.',
  },
};

export function problemFromPgError(pg: PgErrorLike): Problem | undefined {
  const constraint = pg.constraint ?? pg.constraint_name ?? '';
  const field = CONSTRAINT_FIELDS[constraint];
  switch (pg.code) {
    case '23505':
      return {
        type: 'conflict',
        title: 'Conflict',
        status: 409,
        detail: field ? field.detail : 'This record already exists.',
        errors: field ? [{ path: field.path, message: field.message }] : undefined,
      };
    case '23503':
      return {
        type: 'bad-request',
        title: 'Bad Request',
        status: 400,
        detail: 'A referenced record does not exist.',
      };
    case '23514':
    case '23502':
      return {
        type: 'validation',
        title: 'Validation Failed',
        status: 400,
        detail: `The data breaks a rule (${constraint || 'not null'}).`,
      };
    case '40001':
    case '40P01':
    case '55P03':
      return {
        type: 'conflict',
        title: 'Conflict',
        status: 409,
        detail: 'Someone else changed this at the same moment; try again.',
      };
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
    case '22021':
      return {
        type: 'bad-request',
        title: 'Bad Request',
        status: 400,
        detail: 'A value is out of range or malformed.',
      };
    default:
      return undefined;
  }
}

/** The part of a request a schema refused, as the validation detail names it. */
const VALIDATION_PARTS: Record<string, string> = {
  body: 'The body',
  querystring: 'The query string',
  params: 'The params',
  headers: 'The headers',
};

/** Titles of the 4xx answers Fastify and its plugins raise themselves. */
export const HTTP_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

export function toProblem(err: FastifyError | Error, request?: FastifyRequest): Problem {
  if (err instanceof AppError) {
    return { type: err.type, title: err.title, status: err.status, detail: err.message, errors: err.errors };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext;
    const errors = err.validation.flatMap((v) => {
      const base = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const keys = (v.params as { keys?: unknown }).keys;
      // An unknown field is named by its own path, like any other broken rule.
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
        return keys.map((k) => ({
          path: base ? `${base}.${String(k)}` : String(k),
          message: where === 'querystring' ? 'is not a known query parameter' : 'is not a known field',
        }));
      }
      return [{ path: base || (where ?? 'body'), message: v.message }];
    });
    const list = errors.map((e) => `${e.path} ${e.message}`).join('; ');
    return {
      type: 'validation',
      title: 'Validation Failed',
      status: 400,
      detail: `${VALIDATION_PARTS[where ?? ''] ?? 'The request'} is not valid: ${list}.`,
      errors,
    };
  }
  const pg = findPgError(err);
  if (pg) {
    const problem = problemFromPgError(pg);
    if (problem) return problem;
  }
  const status = (err as FastifyError).statusCode;
  if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = request?.routeOptions.bodyLimit;
    return toProblem(
      limit
        ? payloadTooLarge(limit)
        : new AppError(
            413,
            'payload-too-large',
            'Payload Too Large',
            'The body is larger than this service accepts.',
          ),
    );
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (err as FastifyError).code;
    let detail = err.message;
    if (err instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY')
      detail = `The body is not valid JSON: ${err.message}`;
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') detail = 'The body is empty; send a JSON object.';
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') detail = 'This Content-Type is not accepted here.';
    if (code?.startsWith('FST_JWT_') || status === 401) detail = 'A valid bearer token is required.';
    return {
      type: status === 401 ? 'unauthorized' : status === 429 ? 'rate-limited' : `http-${status}`,
      title: HTTP_TITLES[status] ?? 'Client Error',
      status,
      detail,
    };
  }
  return {
    type: 'internal',
    title: 'Internal Server Error',
    status: 500,
    detail: 'Something went wrong on our side.',
  };
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Errors the router raises before any route runs (a path that is not valid percent-encoding, such
 * as `/verify/%ff`): the Fastify `frameworkErrors` option, so they leave as problem+json too.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem =
    err.code === 'FST_ERR_BAD_URL'
      ? toProblem(badRequest('The path is not valid: it has a malformed percent-encoding (such as %ff).'))
      : toProblem(err, request);
  return sendProblem(reply, problem);
}

/** One error handler and one not-found handler: every error leaves as problem+json. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err, request, reply) => {
      const problem = toProblem(err as FastifyError, request);
      if (problem.status >= 500) request.log.error({ err }, 'request failed');
      else if (problem.status !== 401 && problem.status !== 404)
        // The detail may quote what the client sent (a national ID, a name): log the rule, not the value.
        request.log.info(
          { status: problem.status, type: problem.type, fields: problem.errors?.map((e) => e.path) },
          'request refused',
        );
      return sendProblem(reply, problem);
    });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      // The path exists with other methods: 405 naming them, rather than a 404 that hides the path.
      const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }));
      if (allowed.length) {
        reply.header('allow', allowed.join(', '));
        return sendProblem(reply, {
          type: 'method-not-allowed',
          title: 'Method Not Allowed',
          status: 405,
          detail: `${path} does not take ${request.method}; it takes ${allowed.join(', ')}.`,
        });
      }
      return sendProblem(reply, {
        type: 'not-found',
        title: 'Not Found',
        status: 404,
        detail: `No route ${request.method} ${path}.`,
      });
    });
  },
  { name: 'errors' },
);

/** Strict UTF-8: a JSON body with a byte sequence that is not UTF-8 is refused, not stored as U+FFFD. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Paths that serve files (Swagger UI, the dashboard): a query string there is a browser's cache-buster. */
const FILE_ROUTES = /^\/(docs|dashboard)(\/|$)/;

/**
 * What every request must be before a handler sees it (API.md "Limits and hostile input"):
 * - JSON bodies as strict UTF-8, parsed by Fastify's own parser (prototype poisoning refused); the
 *   size limit (`bodyLimit`, JSON_BODY_LIMIT_BYTES) is enforced while the body arrives — from
 *   Content-Length up front, and by counting the bytes of a chunked body — so an oversized body is a
 *   413 before any of it is parsed.
 * - No query parameter on a route that declares none (routes that declare a query schema refuse
 *   unknown parameters through the strict validator compiler in lib/zod.ts).
 */
export const requestInputPlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = strictUtf8.decode(body as Buffer);
      } catch {
        done(
          badRequest('The body is not valid UTF-8: send JSON encoded as UTF-8.', [
            { path: 'body', message: 'must be UTF-8 text' },
          ]),
          undefined,
        );
        return;
      }
      parseJson(request, text, done);
    });

    app.addHook('onRoute', (route) => {
      if (route.schema?.querystring || FILE_ROUTES.test(route.url)) return;
      const refuseQuery = async (request: FastifyRequest) => {
        const keys = Object.keys((request.query ?? {}) as object);
        if (keys.length === 0) return;
        throw new AppError(
          400,
          'validation',
          'Validation Failed',
          `The query string is not valid: ${keys.join(', ')} ${keys.length === 1 ? 'is not a known query parameter' : 'are not known query parameters'} of this route.`,
          keys.map((k) => ({ path: k, message: 'is not a known query parameter' })),
        );
      };
      route.preValidation = [route.preValidation ?? []].flat().concat(refuseQuery);
    });
  },
  { name: 'request-input' },
);
