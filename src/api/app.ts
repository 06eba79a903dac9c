import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { AccountService } from '../domain/account-service.ts';
import type { ActionService } from '../domain/action-service.ts';
import { errors } from '../domain/errors.ts';
import type { ServerService } from '../domain/server-service.ts';
import type { SnapshotService } from '../domain/snapshot-service.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { registerConsole } from '../web/console-routes.ts';
import { identify, requireCaller } from './auth.ts';
import { installErrorHandler, sendError } from './error-handler.ts';
import { registerMetrics } from './metrics-route.ts';
import { registerOpenApi } from './openapi.ts';
import { registerRateLimit } from './rate-limit.ts';
import { actionRoutes } from './routes/actions.ts';
import { serverRoutes } from './routes/servers.ts';
import { snapshotRoutes } from './routes/snapshots.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { validatorCompiler } from './validators.ts';

export interface AppDeps {
  accounts: AccountService;
  snapshots: SnapshotService;
  servers: ServerService;
  actions: ActionService;
  /** Request durations are recorded into it and it is served at GET /metrics. */
  metrics?: ServiceMetrics;
  /** Readiness probe: resolves when the database and the store answer. */
  ready?: () => Promise<void>;
}

export interface AppOptions {
  bodyLimitBytes: number;
  /** Requests per token (or, without one, per address) per minute on /api/v1; 0 or absent: no limit. */
  rateLimitPerMinute?: number;
  logger: FastifyServerOptions['logger'] | FastifyServerOptions['loggerInstance'];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the HTTP application without listening: main.ts listens, tests inject or listen on port 0. */
export async function buildApp(deps: AppDeps, options: AppOptions): Promise<FastifyInstance> {
  const logger = options.logger;
  const app = Fastify({
    ...(logger && typeof logger === 'object' && 'child' in logger ? { loggerInstance: logger } : { logger }),
    bodyLimit: options.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: 'x-request-id',
    // Errors Fastify raises before routing (a bad percent-escape, an overlong id) get the same JSON body.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      sendError(request as FastifyRequest, reply as FastifyReply, errors.badUrl(status, error.message));
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler());
  installErrorHandler(app);

  // The page's examples send Content-Type: application/json on every call, also with no body at all.
  // JSON is UTF-8: bytes that are not are refused rather than stored as replacement characters.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(errors.malformedJson('not_utf8'), undefined);
    }
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });

  // A callback hook, not an async one: it runs on every request, and a promise per request costs.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });

  // Closing waits for requests in flight, but a keep-alive connection that goes idle after answering one
  // would then hold the close open until its timeout (72 s): such connections are closed as they go idle.
  app.addHook('preClose', (done) => {
    const timer = setInterval(() => app.server.closeIdleConnections(), 100).unref();
    app.server.once('close', () => clearInterval(timer));
    done();
  });

  await registerSecurityHeaders(app);
  if (deps.metrics) registerMetrics(app, deps.metrics);
  await registerOpenApi(app);
  await registerConsole(app);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.ready?.();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  });

  await app.register(
    async (api) => {
      api.decorateRequest('caller', null);
      api.addHook('onRequest', identify(deps.accounts));
      await registerRateLimit(api, options.rateLimitPerMinute ?? 0);
      api.addHook('preParsing', requireCaller);
      await api.register(snapshotRoutes, { snapshots: deps.snapshots });
      await api.register(serverRoutes, { servers: deps.servers });
      await api.register(actionRoutes, { actions: deps.actions });
    },
    { prefix: '/api/v1' },
  );

  return app;
}
