import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { buildApp } from './api/app.ts';
import type { Config } from './config.ts';
import { type Db, openDatabase } from './db/connection.ts';
import { countOpenJobs } from './db/jobs.ts';
import { migrateToLatest } from './db/migrate.ts';
import { AccountService } from './domain/account-service.ts';
import { ActionService } from './domain/action-service.ts';
import { ServerService } from './domain/server-service.ts';
import { SnapshotService } from './domain/snapshot-service.ts';
import { type ChunkStore, LocalChunkStore, parseS3Url, S3ChunkStore } from './engine/index.ts';
import type { HypervisorDriver } from './hypervisor/driver.ts';
import { LocalDriver } from './hypervisor/local-driver.ts';
import { createJobHandlers } from './jobs/handlers.ts';
import { Worker } from './jobs/worker.ts';
import { createServiceMetrics, type ServiceMetrics } from './metrics/service-metrics.ts';

/** The parts of a running service, wired once here; every other module receives what it needs. */
export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  store: ChunkStore;
  hypervisor: HypervisorDriver;
  accounts: AccountService;
  snapshots: SnapshotService;
  servers: ServerService;
  actions: ActionService;
  metrics: ServiceMetrics;
  now: () => number;
  close(): Promise<void>;
}

export function dataPaths(config: Config) {
  return {
    sqlite: path.join(config.dataDir, 'vps.db'),
    chunks: path.join(config.dataDir, 'chunks'),
    disks: path.join(config.dataDir, 'disks'),
  };
}

export function createLogger(config: Config, destination: 'stdout' | 'stderr' = 'stdout'): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], remove: true },
    },
    pino.destination(destination === 'stdout' ? 1 : 2),
  );
}

export async function openServices(
  config: Config,
  logger: Logger,
  /** The in-process worker, if any, to wake for new jobs and to stop a deleted snapshot's capture at once. */
  localWorker?: () => Worker | undefined,
): Promise<Services> {
  const paths = dataPaths(config);
  const db = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: paths.sqlite,
    poolSize: config.databasePoolSize,
  });
  const applied = await migrateToLatest(db);
  if (applied.length) logger.info({ migrations: applied }, 'database migrated');
  const store: ChunkStore = config.store
    ? new S3ChunkStore(parseS3Url(config.store), {
        region: config.s3.region,
        forcePathStyle: config.s3.forcePathStyle,
        ...(config.s3.endpoint ? { endpoint: config.s3.endpoint } : {}),
      })
    : new LocalChunkStore(paths.chunks);
  const hypervisor = new LocalDriver();
  const now = Date.now;
  const actions = new ActionService({ db });
  return {
    config,
    logger,
    db,
    store,
    hypervisor,
    now,
    accounts: new AccountService({ db, now }),
    snapshots: new SnapshotService({
      db,
      now,
      maxAttempts: config.jobMaxAttempts,
      onJobQueued: () => localWorker?.()?.wake(),
      onSnapshotDeleted: (id) => {
        localWorker?.()?.cancelSnapshotJobs(id);
        actions.jobFinished();
      },
    }),
    servers: new ServerService({ db, hypervisor }),
    actions,
    metrics: createServiceMetrics({ openJobs: () => countOpenJobs(db) }),
    close: () => db.destroy(),
  };
}

export function createWorker(
  services: Services,
  options: { host?: string | undefined; retryBaseMs?: number | undefined } = {},
): Worker {
  return new Worker({
    db: services.db,
    handlers: createJobHandlers({ ...services, onBytes: services.metrics.bytes }),
    onJobFinished: (type, outcome, ms) => {
      services.metrics.jobFinished(type, outcome, ms / 1000);
      services.actions.jobFinished();
    },
    logger: services.logger.child({ component: 'worker', ...(options.host ? { host: options.host } : {}) }),
    leaseMs: services.config.jobLeaseMs,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.retryBaseMs === undefined ? {} : { retryBaseMs: options.retryBaseMs }),
  });
}

/** A worker alone (no HTTP), for the jobs of the servers on one hypervisor host. */
export async function startWorker(config: Config, host: string | undefined, logger = createLogger(config)) {
  const services = await openServices(config, logger);
  const worker = createWorker(services, { host });
  worker.start();
  logger.info({ host: host ?? 'all', owner: worker.owner }, 'worker started');
  return {
    services,
    worker,
    stop: async () => {
      await worker.stop();
      await services.close();
    },
  };
}

export interface RunningService {
  services: Services;
  app: FastifyInstance;
  worker: Worker | undefined;
  url: string;
  stop(): Promise<void>;
}

/** API and, unless told otherwise, the in-process worker, listening on config.host:config.port. */
export async function startService(
  config: Config,
  options: {
    logger?: Logger;
    worker?: boolean;
    retryBaseMs?: number;
    beforeListen?: (s: Services) => Promise<void>;
  } = {},
): Promise<RunningService> {
  const logger = options.logger ?? createLogger(config);
  let worker: Worker | undefined;
  const services = await openServices(config, logger, () => worker);
  await options.beforeListen?.(services);
  if (options.worker !== false) worker = createWorker(services, { retryBaseMs: options.retryBaseMs });
  const app = await buildApp(
    {
      accounts: services.accounts,
      snapshots: services.snapshots,
      servers: services.servers,
      actions: services.actions,
      metrics: services.metrics,
      ready: async () => {
        await services.db.selectFrom('accounts').select('id').limit(1).execute();
        await services.store.listManifests('readiness-probe');
      },
    },
    { bodyLimitBytes: config.bodyLimitBytes, rateLimitPerMinute: config.rateLimitPerMinute, logger },
  );
  const url = await app.listen({ host: config.host, port: config.port });
  worker?.start();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await app.close();
      await worker?.stop();
      await services.close();
    })();
    return stopped;
  };
  return { services, app, worker, url, stop };
}
