import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Actor, ANY_ROLE, type Role } from '../lib/actor.ts';
import {
  type ExportQuery,
  type ExportSpec,
  exportFormat,
  exportParams,
  sendExport,
} from '../lib/spreadsheet.ts';
import type { z } from '../lib/zod.ts';
import { answerList, listExportNote } from './exports/exports.lists.ts';

type App = Parameters<FastifyPluginAsyncZod>[0];

/** Who may call an operation: the roles (default deny: every route says), or 'public'. */
export type Auth = 'public' | readonly Role[];

/** What an operation tells the OpenAPI reader besides its input and output schemas. */
export interface Doc {
  summary: string;
  description?: string;
}

/** The JSON answer of an operation: what the output schema `O` accepts. */
type Answer<O extends z.ZodType> = z.input<O> | Promise<z.input<O>>;
type PathId = z.ZodType<{ id: string }>;
/** The query of an exportable list: a page (cursor, limit) and the export parameters. */
type ListQuery = ExportQuery & { cursor?: string | undefined; limit: number };

/**
 * The operations every module declares, written once: a record created from a body (201), a list
 * from a query, what the service holds as a whole, one record by the `:id` of the path, and a change
 * or action on it with a body. Each declaration names its roles, its schemas and the service
 * function; the actor and the validated input reach that function in one order — `(actor, id, body |
 * query)` — and its answer is shaped by the output schema. Routes of another shape (files, streams,
 * public pages) stay written out.
 *
 * `params` is the module's schema of the `:id` in its paths (left out by a module that has none).
 *
 * The schemas are generic here and fastify's zod provider cannot resolve them, so the routes are
 * registered untyped; each call site is type-checked instead (its function against its schemas).
 */
export function declareRoutes(app: App, tags: string[], params?: PathId) {
  const untyped = app as unknown as FastifyInstance;
  const declare = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    auth: Auth,
    schema: FastifySchema,
    status: 200 | 201,
    answer: (request: FastifyRequest, reply: FastifyReply) => unknown,
  ) =>
    untyped.route({
      method,
      url,
      config: { auth },
      // Only the parts the operation has: an absent part is left out, not declared `undefined`.
      schema: Object.fromEntries(
        Object.entries({ tags, ...schema, response: { [status]: schema.response } }).filter(
          ([, part]) => part !== undefined,
        ),
      ),
      handler: async (request, reply) => {
        const out = await answer(request, reply);
        return status === 200 ? out : reply.code(status).send(out);
      },
    });
  const id = (request: FastifyRequest) => (request.params as { id: string }).id;

  return {
    /** `POST url` with a body: 201 with the record made. */
    create<B extends z.ZodType, O extends z.ZodType>(
      url: string,
      auth: Auth,
      body: B,
      out: O,
      call: (actor: Actor, body: z.output<B>) => Answer<O>,
      doc: Doc,
    ) {
      declare('POST', url, auth, { ...doc, body, response: out }, 201, (request) =>
        call(request.actor, request.body as z.output<B>),
      );
    },

    /**
     * `GET url` with a query: a page. With `exportAs` the list is exportable as well: the export
     * parameters join its query, and `?format=csv|xlsx` answers a file of every page (exports.lists.ts).
     */
    list<Q extends z.ZodObject, O extends z.ZodType>(
      url: string,
      auth: Auth,
      query: Q,
      out: O,
      call: (actor: Actor, query: z.output<Q>) => Answer<O>,
      doc: Doc & { exportAs?: Parameters<typeof answerList>[2] },
    ) {
      const { exportAs, ...rest } = doc;
      if (!exportAs) {
        declare('GET', url, auth, { ...rest, querystring: query, response: out }, 200, (request) =>
          call(request.actor, request.query as z.output<Q>),
        );
        return;
      }
      const description = [rest.description, listExportNote.trim()].filter(Boolean).join(' ');
      const querystring = query.safeExtend(exportParams);
      declare('GET', url, auth, { ...rest, description, querystring, response: out }, 200, (request, reply) =>
        answerList(
          request,
          reply,
          exportAs,
          request.query as ListQuery & z.output<Q>,
          (q) => call(request.actor, q) as Promise<{ items: unknown[]; nextCursor: string | null }>,
        ),
      );
    },

    /** `GET url` with no input: what the service holds as a whole (the jobs, the prefectures). */
    read<O extends z.ZodType>(url: string, auth: Auth, out: O, call: (actor: Actor) => Answer<O>, doc: Doc) {
      declare('GET', url, auth, { ...doc, response: out }, 200, (request) => call(request.actor));
    },

    /** `GET url` naming one record by `:id`, optionally with a query (a page of what it holds). */
    get<O extends z.ZodType, Q extends z.ZodType = z.ZodUndefined>(
      url: string,
      auth: Auth,
      out: O,
      call: (actor: Actor, id: string, query: z.output<Q>) => Answer<O>,
      doc: Doc & { query?: Q },
    ) {
      const { query, ...rest } = doc;
      declare('GET', url, auth, { ...rest, params, querystring: query, response: out }, 200, (request) =>
        call(request.actor, id(request), request.query as z.output<Q>),
      );
    },

    /**
     * `PATCH`, `PUT` or `POST url` on one record named by `:id`, with a body (none where `body` is
     * `undefined`): 200 with the record, or 201 where the action makes a new one (`created: true`).
     */
    act<B extends z.ZodType | undefined, O extends z.ZodType>(
      method: 'PATCH' | 'PUT' | 'POST',
      url: string,
      auth: Auth,
      body: B,
      out: O,
      call: (actor: Actor, id: string, body: B extends z.ZodType ? z.output<B> : undefined) => Answer<O>,
      doc: Doc & { created?: true },
    ) {
      const { created, ...rest } = doc;
      declare(method, url, auth, { ...rest, params, body, response: out }, created ? 201 : 200, (request) =>
        call(request.actor, id(request), request.body as B extends z.ZodType ? z.output<B> : undefined),
      );
    },
  };
}

/** One report: its roles (any by default), its schemas, how it is read for an actor, and its file. */
export interface Report<Q extends ExportQuery, R, S> {
  auth?: Auth;
  summary: string;
  description: string;
  querystring: z.ZodType<Q>;
  response: z.ZodType<R>;
  read: (actor: Actor, query: Q, format: ReturnType<typeof exportFormat>) => Promise<R>;
  file: (report: R, query: Q) => ExportSpec<S>;
}

/** `GET url`, tagged `reports`: the report as JSON, or as a CSV/XLSX file when asked (`exportFormat`). */
export function declareReport<Q extends ExportQuery, R, S>(app: App, url: string, spec: Report<Q, R, S>) {
  app.get(
    url,
    {
      config: { auth: spec.auth ?? ANY_ROLE },
      schema: {
        tags: ['reports'],
        summary: spec.summary,
        description: spec.description,
        querystring: spec.querystring,
        response: { 200: spec.response },
      },
    },
    async (request, reply) => {
      // The provider types a generic schema's output loosely; the schema above validated it as Q.
      const query = request.query as Q;
      const format = exportFormat(query, request);
      const report = await spec.read(request.actor, query, format);
      if (format === 'json') return report;
      return sendExport(request, reply, query, spec.file(report, query), format);
    },
  );
}
