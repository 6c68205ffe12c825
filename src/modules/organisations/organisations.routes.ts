import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMINS, ANY_ROLE, CENTERS } from '../../lib/actor.ts';
import type { z } from '../../lib/zod.ts';
import { declareRoutes } from '../routes.ts';
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

const tags = ['organisations'];

/**
 * A directory of organisations: `POST path` (admins register one), `GET path` (a page by name,
 * every role) and `GET path/:id` (one, every role). Training centers, partners and home employers
 * share this shape; what differs is named by the caller.
 */
function directoryRoutes<
  Body extends z.ZodType,
  Query extends z.ZodObject,
  Out extends z.ZodType,
  List extends z.ZodType,
>(
  api: ReturnType<typeof declareRoutes>,
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
  api.create(d.path, ADMINS, d.body, d.out, (_admin, input) => d.create(input), {
    summary: d.createSummary,
  });
  api.list(d.path, ANY_ROLE, d.query, d.listOut, (_actor, query) => d.list(query), {
    summary: d.listSummary,
  });
  api.get(`${d.path}/:id`, ANY_ROLE, d.out, (_actor, id) => d.get(id), { summary: d.one });
}

/** Organisations: admin writes, every signed-in role reads. */
export const organisationRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.organisations;
  const api = declareRoutes(app, tags, idParams);

  directoryRoutes(api, {
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

  api.act('PATCH', '/training-centers/:id', CENTERS, updateCenterBody, centerOut, service.updateCenter, {
    summary:
      "Set a center's director (printed under the signature on certificates) or licence; a center its own",
  });

  directoryRoutes(api, {
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

  directoryRoutes(api, {
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

  api.create(
    '/agreements',
    ADMINS,
    createAgreementBody,
    agreementOut,
    (_admin, body) => service.createAgreement(body),
    {
      summary: 'Record a cooperation agreement between a province and a partner',
    },
  );
  api.list(
    '/agreements',
    ANY_ROLE,
    agreementsQuery,
    agreementsOut,
    (_actor, query) => service.listAgreements(query),
    {
      summary: 'Agreements, newest first; a 2025 province includes those of the provinces merged into it',
    },
  );
};
