import './lib/zod.ts';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/client.ts';
import { startScheduler } from './jobs/scheduler.ts';
import { resolveJwtSecret } from './lib/secret.ts';
import { responseSerializerCompiler } from './lib/serializer.ts';
import { strictQueryValidatorCompiler, z } from './lib/zod.ts';
import { migrateDatabase } from './migrate.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { candidateRoutes } from './modules/candidates/candidates.routes.ts';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.ts';
import { demandRoutes } from './modules/demand/demand.routes.ts';
import { documentRoutes } from './modules/documents/documents.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { operationsRoutes } from './modules/operations/operations.routes.ts';
import { organisationRoutes } from './modules/organisations/organisations.routes.ts';
import { placementRoutes } from './modules/placements/placements.routes.ts';
import { protectionRoutes } from './modules/protection/protection.routes.ts';
import { referenceRoutes } from './modules/reference/reference.routes.ts';
import { reportRoutes } from './modules/reports/reports.routes.ts';
import { trainingRoutes } from './modules/training/training.routes.ts';
import { userRoutes } from './modules/users/users.routes.ts';
import { workspaceRoutes } from './modules/workspace/workspace.routes.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorsPlugin, frameworkErrors, requestInputPlugin } from './plugins/errors.ts';
import { openapiPlugin } from './plugins/openapi.ts';
import { postgresRateLimitStore } from './plugins/rate-limit-store.ts';
import { createServices, type Services } from './services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    /** Every route with who may call it: the authorization matrix test is generated from this. */
    routeList: { method: string; url: string; auth: 'public' | readonly string[] | undefined }[];
  }
}

export interface BuildOptions {
  /** An open, migrated database (tests); otherwise one is opened from the config and migrated. */
  database?: Database;
  logger?: FastifyServerOptions['logger'];
  /** Also parse every response with its zod schema and compare with what was written (the tests). */
  checkResponses?: boolean;
}

/** Keeps national IDs, names and tokens out of the logs: the query string is dropped. */
const requestSerializer = (req: { method: string; url: string; id: string }) => ({
  id: req.id,
  method: req.method,
  path: req.url.split('?')[0],
});

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      fsync: config.embeddedFsync,
    }));
  if (ownsDatabase) await migrateDatabase(database);

  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      serializers: { req: requestSerializer },
      // Written without blocking the event loop: lines written one synchronous write each cost a tenth
      // of a single-record GET. Lines are gathered up to 4 KB (or 1 s) per write: a write per line is a
      // file-system request each, which on a busy machine waits for a thread of its own. pino flushes
      // what is buffered when the process exits.
      stream: pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 1000 }),
    },
    logController: new LogController({ disableRequestLogging: true }),
    // JSON bodies; the CSV import sets its own (IMPORT_LIMIT_BYTES). Both are enforced while the body arrives.
    bodyLimit: config.jsonBodyLimitBytes,
    frameworkErrors,
    // A number of hops is given as a function: Fastify's typings take no number.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(strictQueryValidatorCompiler);
  // Responses are written by their output schemas only (undeclared fields never leave), compiled once.
  app.setSerializerCompiler(responseSerializerCompiler({ check: options.checkResponses }));

  const routeList: FastifyInstance['routeList'] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    // API.md: an unknown query parameter is a 400 naming it, on routes that take no query too.
    if (route.schema && !route.schema.hide && !route.schema.querystring)
      route.schema.querystring = z.strictObject({});
    for (const method of [route.method].flat()) {
      // Read lazily: a plugin's own onRoute hook (the dashboard's) may set the config after this one.
      if (method !== 'HEAD')
        routeList.push({
          method,
          url: route.url,
          get auth() {
            return route.config?.auth;
          },
        });
    }
  });

  // One line per request, after the response: no bodies, no query strings. (These two hooks run on
  // every request: callback hooks, which cost no promise each.)
  app.addHook('onResponse', (request, reply, done) => {
    const query = request.url.indexOf('?');
    request.log.info(
      {
        method: request.method,
        path: query === -1 ? request.url : request.url.slice(0, query),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  // Default deny: every route says who may call it; only the API docs' own assets are exempt.
  app.addHook('onReady', async () => {
    const undeclared = routeList.filter((r) => r.auth === undefined && !r.url.startsWith('/docs'));
    if (undeclared.length > 0) {
      throw new Error(
        `Routes must declare config.auth (roles or 'public'): ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`,
      );
    }
  });

  app.decorate('services', await createServices(database, config));
  if (ownsDatabase) app.addHook('onClose', async () => database.close());
  if (config.cronEnabled) {
    const scheduler = startScheduler(app.services.operations.runner, config, app.log);
    // onClose hooks run last-added first: this waits for a running job before the database closes.
    app.addHook('onClose', async () => scheduler.stop());
  }

  await app.register(errorsPlugin);
  await app.register(requestInputPlugin);
  // Counters in the database, shared by every instance (see rate-limit-store.ts). Its last hits are
  // written on close: onClose hooks run last-added first, so before the database closes.
  const rateLimitStore = postgresRateLimitStore(database.db);
  await app.register(rateLimit, { global: false, store: rateLimitStore });
  app.addHook('onClose', () => rateLimitStore.close());
  await app.register(authPlugin, {
    secret: resolveJwtSecret(config),
    expiresIn: config.jwtExpiresIn,
    sessions: app.services.users,
  });
  await app.register(openapiPlugin, { publicUrl: config.publicUrl });

  await app.register(healthRoutes);
  await app.register(userRoutes);
  await app.register(referenceRoutes);
  await app.register(auditRoutes);
  await app.register(organisationRoutes);
  await app.register(candidateRoutes);
  await app.register(trainingRoutes);
  await app.register(demandRoutes);
  await app.register(placementRoutes);
  await app.register(protectionRoutes);
  await app.register(documentRoutes);
  await app.register(reportRoutes);
  await app.register(operationsRoutes);
  await app.register(dashboardRoutes);
  await app.register(workspaceRoutes);

  return app;
}
