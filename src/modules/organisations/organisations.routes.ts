import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
} from './organisations.schemas.ts';

/** Organisations: admin writes, every signed-in role reads. */
export const organisationRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.organisations;
  const tags = ['organisations'];
  const adminOnly = { auth: ['admin'] as const };

  app.post(
    '/training-centers',
    {
      config: adminOnly,
      schema: {
        tags,
        summary: 'Register a training center (serialPrefix defaults to the province initials)',
        body: createCenterBody,
        response: { 201: centerOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createCenter(request.body)),
  );

  app.get(
    '/training-centers',
    {
      schema: {
        tags,
        summary: 'Training centers, by name; filter by 2025 province',
        querystring: centersQuery,
        response: { 200: centersOut },
      },
    },
    async (request) => service.listCenters(request.query),
  );

  app.get(
    '/training-centers/:id',
    { schema: { tags, summary: 'One training center', params: idParams, response: { 200: centerOut } } },
    async (request) => service.getCenter(request.params.id),
  );

  app.post(
    '/partners',
    {
      config: adminOnly,
      schema: {
        tags,
        summary: 'Register a Japanese partner (prefecture, municipality, supervising organisation, …)',
        body: createPartnerBody,
        response: { 201: partnerOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createPartner(request.body)),
  );

  app.get(
    '/partners',
    {
      schema: {
        tags,
        summary: 'Partners, by name; filter by kind or prefecture',
        querystring: partnersQuery,
        response: { 200: partnersOut },
      },
    },
    async (request) => service.listPartners(request.query),
  );

  app.get(
    '/partners/:id',
    { schema: { tags, summary: 'One partner', params: idParams, response: { 200: partnerOut } } },
    async (request) => service.getPartner(request.params.id),
  );

  app.post(
    '/home-employers',
    {
      config: adminOnly,
      schema: {
        tags,
        summary: 'Register a foreign-invested firm in Viet Nam that hires returnees',
        body: createHomeEmployerBody,
        response: { 201: homeEmployerOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createHomeEmployer(request.body)),
  );

  app.get(
    '/home-employers',
    {
      schema: {
        tags,
        summary: 'Home employers, by name; filter by province, sector or investor country',
        querystring: homeEmployersQuery,
        response: { 200: homeEmployersOut },
      },
    },
    async (request) => service.listHomeEmployers(request.query),
  );

  app.get(
    '/home-employers/:id',
    { schema: { tags, summary: 'One home employer', params: idParams, response: { 200: homeEmployerOut } } },
    async (request) => service.getHomeEmployer(request.params.id),
  );

  app.post(
    '/agreements',
    {
      config: adminOnly,
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
