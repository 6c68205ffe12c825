import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createUserBody, loginBody, loginOut, userOut } from './users.schemas.ts';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.users;
  const { loginRateLimit, jwtExpiresIn } = app.services.config;

  app.post(
    '/auth/login',
    {
      config: {
        auth: 'public',
        // Counted per address and per email, after the body is parsed.
        rateLimit: {
          max: loginRateLimit,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request) => {
            const email = (request.body as { email?: unknown } | undefined)?.email;
            return `${request.ip}|${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for a bearer token',
        security: [],
        body: loginBody,
        response: { 200: loginOut },
      },
    },
    async (request) => {
      const user = await service.authenticate(request.body.email, request.body.password);
      return { token: app.signToken(user), expiresIn: jwtExpiresIn, user };
    },
  );

  app.get(
    '/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: userOut } } },
    async (request) => service.get(request.actor.id),
  );

  app.post(
    '/users',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: 'Create a user with a role and the scope that role needs',
        body: createUserBody,
        response: { 201: userOut },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(request.body, request.actor)),
  );
};
