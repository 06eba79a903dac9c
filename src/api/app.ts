import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AccountService } from '../domain/account-service.ts';
import type { ServerService } from '../domain/server-service.ts';
import type { SnapshotService } from '../domain/snapshot-service.ts';
import { authenticate } from './auth.ts';
import { installErrorHandler } from './error-handler.ts';
import { serverRoutes } from './routes/servers.ts';
import { snapshotRoutes } from './routes/snapshots.ts';
import { validatorCompiler } from './validators.ts';

export interface AppDeps {
  accounts: AccountService;
  snapshots: SnapshotService;
  servers: ServerService;
  /** Readiness probe: resolves when the database and the store answer. */
  ready?: () => Promise<void>;
}

export interface AppOptions {
  bodyLimitBytes: number;
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
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler());
  installErrorHandler(app);

  // The page's examples send Content-Type: application/json on every call, also with no body at all.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    parseJson(request, String(body), done);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

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
      api.addHook('onRequest', authenticate(deps.accounts));
      await api.register(snapshotRoutes, { snapshots: deps.snapshots });
      await api.register(serverRoutes, { servers: deps.servers });
    },
    { prefix: '/api/v1' },
  );

  return app;
}
