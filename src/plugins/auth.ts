import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden, unauthorized } from '../lib/errors.ts';

export const ROLES = ['admin', 'center', 'province', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, and the scope their role is limited to. */
export interface Actor {
  id: string;
  role: Role;
  trainingCenterId: string | null;
  /** A 2025-boundary province code. */
  provinceCode: string | null;
  partnerId: string | null;
}

interface TokenPayload {
  sub: string;
  role: Role;
  tc: string | null;
  pc: string | null;
  pid: string | null;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenPayload;
    user: Actor;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route: 'public' (no token), or the roles allowed. Routes that do not say are
     * open to every signed-in role.
     */
    auth?: 'public' | readonly Role[];
  }
  interface FastifyInstance {
    signToken(actor: Actor): string;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export interface AuthOptions {
  secret: string;
  expiresIn: string;
}

/** Verifies the bearer token on every route that is not public, then checks the role. */
export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, opts) => {
    await app.register(fastifyJwt, {
      secret: opts.secret,
      sign: { expiresIn: opts.expiresIn },
      formatUser: (p) => ({
        id: p.sub,
        role: p.role,
        trainingCenterId: p.tc ?? null,
        provinceCode: p.pc ?? null,
        partnerId: p.pid ?? null,
      }),
    });
    app.decorate('signToken', (actor: Actor) =>
      app.jwt.sign({
        sub: actor.id,
        role: actor.role,
        tc: actor.trainingCenterId,
        pc: actor.provinceCode,
        pid: actor.partnerId,
      }),
    );
    app.decorateRequest('actor', null as unknown as Actor);
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const rule = request.routeOptions.config?.auth;
      const url = request.routeOptions.url;
      // Unknown routes (404 handler), the API docs and public routes need no token.
      if (rule === 'public' || !url || url === '/docs' || url.startsWith('/docs/')) return;
      try {
        await request.jwtVerify();
      } catch {
        throw unauthorized();
      }
      if (!ROLES.includes(request.user.role)) throw unauthorized();
      request.actor = request.user;
      if (rule && !rule.includes(request.actor.role)) {
        throw forbidden(
          `The ${request.actor.role} role may not call ${request.method} ${request.routeOptions.url}.`,
        );
      }
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);
