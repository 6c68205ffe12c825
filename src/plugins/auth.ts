import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { assertScoped } from '../lib/access.ts';
import { type Actor, ROLES, type Role } from '../lib/actor.ts';
import { AppError, forbidden, unauthorized } from '../lib/errors.ts';

interface TokenPayload {
  sub: string;
  role: Role;
  tc: string | null;
  pc: string | null;
  pid: string | null;
  /** Session tokens (login): the user's token version when it was issued. */
  ver?: number;
  /** Service tokens, minted in-process by `signToken` for scripts and tests: not tied to a user row. */
  svc?: true;
  /** Expiry (seconds since the epoch), set by the signer from `expiresIn`. */
  exp?: number;
}

/** What a verified token says: who, and which kind of token it is. */
interface TokenClaims {
  actor: Actor;
  tokenVersion: number | null;
  service: boolean;
  /** When the token expires (ms since the epoch). */
  expiresAt: number;
}

/** Verified tokens kept per app (see the hook): as many as fast-jwt's own cache, as long. */
const VERIFIED_MAX = 1000;
const VERIFIED_TTL_MS = 600_000;

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenPayload;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route: 'public' (no token), or the roles allowed. Every route must say
     * (default deny): the app refuses to start with a route that does not.
     */
    auth?: 'public' | readonly Role[];
    /** Callable by a user who must change its password first (GET /me, POST /me/password). */
    allowedBeforePasswordChange?: boolean;
  }
  interface FastifyInstance {
    /**
     * A service token for in-process callers (seed and bench scripts, tests): it carries no token
     * version and is not checked against a user row. Never hand one out over HTTP.
     */
    signToken(actor: Actor): string;
    /** The token a login returns: it stops working when the user's token version moves on. */
    signSessionToken(actor: Actor, tokenVersion: number): string;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

/** The per-request check of a session token against its user (cached by the users service). */
export interface SessionChecker {
  sessionState(
    userId: string,
  ): Promise<{ tokenVersion: number; disabled: boolean; mustChangePassword: boolean } | null>;
}

export interface AuthOptions {
  secret: string;
  expiresIn: string;
  sessions: SessionChecker;
}

const passwordChangeRequired = () =>
  new AppError(
    403,
    'password-change-required',
    'Forbidden',
    'Your password was set by an administrator or generated: choose your own with POST /me/password first.',
  );

/**
 * Verifies the bearer token on every route that is not public, then that the user still holds it
 * (not disabled, same token version: a change of role, scope or password, a reset or a disable
 * bumps the version), then checks the role.
 */
export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, opts) => {
    await app.register(fastifyJwt, {
      secret: opts.secret,
      sign: { expiresIn: opts.expiresIn },
      // Each client sends the same token on every request: its signature is checked once, then the
      // result is kept (up to its expiry, at most 10 minutes). Revocation does not depend on this:
      // the token version is checked against the user on every request below.
      verify: { cache: true },
      formatUser: (p) => ({
        actor: {
          id: p.sub,
          role: p.role,
          trainingCenterId: p.tc ?? null,
          provinceCode: p.pc ?? null,
          partnerId: p.pid ?? null,
        },
        tokenVersion: typeof p.ver === 'number' ? p.ver : null,
        service: p.svc === true,
        expiresAt: typeof p.exp === 'number' ? p.exp * 1000 : Number.POSITIVE_INFINITY,
      }),
    });
    const claimsOf = (actor: Actor) => ({
      sub: actor.id,
      role: actor.role,
      tc: actor.trainingCenterId,
      pc: actor.provinceCode,
      pid: actor.partnerId,
    });
    app.decorate('signToken', (actor: Actor) => app.jwt.sign({ ...claimsOf(actor), svc: true }));
    app.decorate('signSessionToken', (actor: Actor, tokenVersion: number) =>
      app.jwt.sign({ ...claimsOf(actor), ver: tokenVersion }),
    );
    app.decorateRequest('actor', null as unknown as Actor);
    // A client sends the same Authorization header on every request: the claims of a header whose
    // token verified are kept (up to the token's expiry, at most 10 minutes), so a repeat costs one
    // map lookup instead of decoding, hashing and looking up the token again (a tenth of a
    // single-record GET). Revocation does not depend on this: the token version is checked below.
    const verified = new Map<string, { claims: TokenClaims; until: number }>();
    const verify = async (request: FastifyRequest): Promise<TokenClaims> => {
      const header = request.headers.authorization;
      const now = Date.now();
      const hit = header === undefined ? undefined : verified.get(header);
      if (hit) {
        if (hit.until > now) return hit.claims;
        verified.delete(header!);
      }
      try {
        await request.jwtVerify();
      } catch {
        throw unauthorized();
      }
      const claims = request.user;
      if (header !== undefined) {
        if (verified.size >= VERIFIED_MAX) {
          for (const [key, entry] of verified) if (entry.until <= now) verified.delete(key);
          if (verified.size >= VERIFIED_MAX) verified.clear();
        }
        // Shared by the requests that send this header: nobody may change it.
        Object.freeze(claims.actor);
        verified.set(header, { claims, until: Math.min(claims.expiresAt, now + VERIFIED_TTL_MS) });
      }
      return claims;
    };
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const config = request.routeOptions.config;
      const rule = config?.auth;
      const url = request.routeOptions.url;
      // Unknown routes (404 handler), the API docs and public routes need no token.
      if (rule === 'public' || !url || url === '/docs' || url.startsWith('/docs/')) return;
      const { actor, tokenVersion, service } = await verify(request);
      if (!ROLES.includes(actor.role)) throw unauthorized();
      if (tokenVersion !== null) {
        const state = await opts.sessions.sessionState(actor.id);
        if (!state || state.disabled || state.tokenVersion !== tokenVersion)
          throw unauthorized(
            'This token is no longer valid (the account was changed or disabled): sign in again.',
          );
        if (state.mustChangePassword && !config?.allowedBeforePasswordChange) throw passwordChangeRequired();
      } else if (!service) {
        // A token from before token versions existed: it cannot be checked, so it is refused.
        throw unauthorized();
      }
      request.actor = actor;
      // Default deny: a route that declares no roles admits nobody (app.ts refuses to start with one).
      if (!rule?.includes(actor.role)) {
        throw forbidden(`The ${actor.role} role may not call ${request.method} ${request.routeOptions.url}.`);
      }
      assertScoped(actor);
    });
  },
  { name: 'auth', dependencies: ['errors'] },
);
