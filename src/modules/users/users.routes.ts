import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ROLES } from '../../lib/actor.ts';
import { z } from '../../lib/zod.ts';
import {
  accountListOut,
  accountOut,
  changePasswordBody,
  createUserBody,
  loginBody,
  loginOut,
  meOut,
  resetPasswordOut,
  updateUserBody,
  userIdParams,
  userOut,
  usersQuery,
} from './users.schemas.ts';
import { LoginThrottled } from './users.throttle.ts';

/** A throttled attempt answers 429 with `Retry-After`: the header is set before the error handler runs. */
const withRetryAfter = (reply: FastifyReply) => (err: unknown) => {
  if (err instanceof LoginThrottled) reply.header('retry-after', String(err.retryAfterSeconds));
  throw err;
};

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.users;
  const { jwtExpiresIn } = app.services.config;

  app.post(
    '/auth/login',
    {
      // Throttled per account and per address in the service (users.throttle.ts), after the body is parsed.
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for a bearer token',
        description:
          'Failed attempts are limited per account (from any address) and per address (for any account): ' +
          'LOGIN_RATE_LIMIT a minute each, then 429 with Retry-After.',
        security: [],
        body: loginBody,
        response: { 200: loginOut },
      },
    },
    async (request, reply) => {
      const { user, tokenVersion } = await service
        .login(request.body.email, request.body.password, request.ip)
        .catch(withRetryAfter(reply));
      return { token: app.signSessionToken(user, tokenVersion), expiresIn: jwtExpiresIn, user };
    },
  );

  app.get(
    '/me',
    {
      config: { auth: ROLES, allowedBeforePasswordChange: true },
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: meOut } },
    },
    async (request) => service.me(request.actor),
  );

  app.post(
    '/me/password',
    {
      config: { auth: ROLES, allowedBeforePasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; every token issued before stops working',
        body: changePasswordBody,
        response: { 204: z.null().describe('Changed: sign in again with the new password') },
      },
    },
    async (request, reply) => {
      await service.changePassword(request.actor, request.body, request.ip).catch(withRetryAfter(reply));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/users',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: 'Users, by email',
        querystring: usersQuery,
        response: { 200: accountListOut },
      },
    },
    async (request) => service.list(request.query),
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
    async (request, reply) => reply.code(201).send(await service.create(request.actor, request.body)),
  );

  app.patch(
    '/users/:id',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: 'Re-role, re-scope, disable or enable a user; its tokens stop working',
        params: userIdParams,
        body: updateUserBody,
        response: { 200: accountOut },
      },
    },
    async (request) => service.update(request.actor, request.params.id, request.body),
  );

  app.post(
    '/users/:id/reset-password',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: 'Give a user a temporary password (shown once) to change at the next login',
        params: userIdParams,
        response: { 200: resetPasswordOut },
      },
    },
    async (request) => service.resetPassword(request.actor, request.params.id),
  );
};
