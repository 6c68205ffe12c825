import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMINS, ROLES } from '../../lib/actor.ts';
import { z } from '../../lib/zod.ts';
import { declareRoutes } from '../routes.ts';
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
  const api = declareRoutes(app, ['auth'], userIdParams);

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

  api.list('/users', ADMINS, usersQuery, accountListOut, (_admin, query) => service.list(query), {
    summary: 'Users, by email',
  });
  api.create('/users', ADMINS, createUserBody, userOut, service.create, {
    summary: 'Create a user with a role and the scope that role needs',
  });
  api.act('PATCH', '/users/:id', ADMINS, updateUserBody, accountOut, service.update, {
    summary: 'Re-role, re-scope, disable or enable a user; its tokens stop working',
  });
  api.act('POST', '/users/:id/reset-password', ADMINS, undefined, resetPasswordOut, service.resetPassword, {
    summary: 'Give a user a temporary password (shown once) to change at the next login',
  });
};
