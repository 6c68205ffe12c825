import type { FastifyInstance, FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ANY_ROLE } from '../../lib/actor.ts';
import type { z } from '../../lib/zod.ts';
import {
  agreementOut,
  agreementsOut,
  agreementsQuery,
  centerOut,
  centersOut,
  centersQuery,
  createAgreementBody,
  createCenterBody,
  createHomeEmployerBody,
  createPartnerBody,
  homeEmployerOut,
  homeEmployersOut,
  homeEmployersQuery,
  idParams,
  partnerOut,
  partnersOut,
  partnersQuery,
  updateCenterBody,
} from './organisations.schemas.ts';

type App = Parameters<FastifyPluginAsyncZod>[0];
const tags = ['organisations'];

/**
 * A directory of organisations: `POST path` (admins register one), `GET path` (a page by name,
 * every role) and `GET path/:id` (one, every role). Training centers, partners and home employers
 * share this shape; what differs is named by the caller.
 */
function directoryRoutes<
  Body extends z.ZodType,
  Query extends z.ZodType,
  Out extends z.ZodType,
  List extends z.ZodType,
>(
  app: App,
  d: {
    path: string;
    one: string;
    createSummary: string;
    listSummary: string;
    body: Body;
    query: Query;
    out: Out;
    listOut: List;
    create: (input: z.output<Body>) => Promise<z.input<Out>>;
    list: (query: z.output<Query>) => Promise<z.input<List>>;
    get: (id: string) => Promise<z.input<Out>>;
  },
) {
  // The schemas are generic here and fastify's zod provider cannot resolve them, so the routes are
  // registered untyped; each call site is type-checked instead (its functions against its schemas).
  const untyped = app as unknown as FastifyInstance;
  untyped.post(
    d.path,
    {
      config: { auth: ['admin'] },
      schema: { tags, summary: d.createSummary, body: d.body, response: { 201: d.out } } as FastifySchema,
    },
    async (request, reply) => reply.code(201).send(await d.create(request.body as z.output<Body>)),
  );
  untyped.get(
    d.path,
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags,
        summary: d.listSummary,
        querystring: d.query,
        response: { 200: d.listOut },
      } as FastifySchema,
    },
    async (request) => d.list(request.query as z.output<Query>),
  );
  untyped.get(
    `${d.path}/:id`,
    {
      config: { auth: ANY_ROLE },
      schema: { tags, summary: d.one, params: idParams, response: { 200: d.out } } as FastifySchema,
    },
    async (request) => d.get((request.params as z.output<typeof idParams>).id),
  );
}

/** Organisations: admin writes, every signed-in role reads. */
export const organisationRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.organisations;

  directoryRoutes(app, {
    path: '/training-centers',
    one: 'One training center',
    createSummary: 'Register a training center (serialPrefix defaults to the province initials)',
    listSummary: 'Training centers, by name; filter by 2025 province',
    body: createCenterBody,
    query: centersQuery,
    out: centerOut,
    listOut: centersOut,
    create: service.createCenter,
    list: service.listCenters,
    get: service.getCenter,
  });

  app.patch(
    '/training-centers/:id',
    {
      config: { auth: ['admin', 'center'] },
      schema: {
        tags,
        summary:
          "Set a center's director (printed under the signature on certificates) or licence; a center its own",
        params: idParams,
        body: updateCenterBody,
        response: { 200: centerOut },
      },
    },
    async (request) => service.updateCenter(request.actor, request.params.id, request.body),
  );

  directoryRoutes(app, {
    path: '/partners',
    one: 'One partner',
    createSummary: 'Register a Japanese partner (prefecture, municipality, supervising organisation, …)',
    listSummary: 'Partners, by name; filter by kind or prefecture',
    body: createPartnerBody,
    query: partnersQuery,
    out: partnerOut,
    listOut: partnersOut,
    create: service.createPartner,
    list: service.listPartners,
    get: service.getPartner,
  });

  directoryRoutes(app, {
    path: '/home-employers',
    one: 'One home employer',
    createSummary: 'Register a foreign-invested firm in Viet Nam that hires returnees',
    listSummary: 'Home employers, by name; filter by province, sector or investor country',
    body: createHomeEmployerBody,
    query: homeEmployersQuery,
    out: homeEmployerOut,
    listOut: homeEmployersOut,
    create: service.createHomeEmployer,
    list: service.listHomeEmployers,
    get: service.getHomeEmployer,
  });

  app.post(
    '/agreements',
    {
      config: { auth: ['admin'] },
      schema: {
        tags,
        summary: 'Record a cooperation agreement between a province and a partner',
        body: createAgreementBody,
        response: { 201: agreementOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createAgreement(request.body)),
  );

  app.get(
    '/agreements',
    {
      config: { auth: ANY_ROLE },
      schema: {
        tags,
        summary: 'Agreements, newest first; a 2025 province includes those of the provinces merged into it',
        querystring: agreementsQuery,
        response: { 200: agreementsOut },
      },
    },
    async (request) => service.listAgreements(request.query),
  );
};
