import path from 'node:path';

/** Everything the process takes from its environment, read once in main and passed down. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; absent means the SQLite file in the data dir. */
  databaseUrl: string | undefined;
  /** `s3://bucket/prefix` selects object storage; absent means a chunk folder in the data dir. */
  store: string | undefined;
  /** The usual AWS_* settings for an S3-compatible store; keys are left to the SDK's credential chain. */
  s3: { endpoint: string | undefined; region: string; forcePathStyle: boolean };
  /** The hypervisor host a `vpsctl worker` serves; new servers default to `local`. */
  workerHost: string | undefined;
  databasePoolSize: number;
  logLevel: string;
  /** How long a worker's claim on a job lasts without a heartbeat. */
  jobLeaseMs: number;
  jobMaxAttempts: number;
  bodyLimitBytes: number;
  /** API requests per token per minute; 0 turns the limit off. */
  rateLimitPerMinute: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const config: Config = {
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 8000, 0, 65535),
    dataDir: path.resolve(env.VPS_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    store: env.VPS_STORE || undefined,
    s3: {
      endpoint: env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined,
      region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
      forcePathStyle: ['1', 'true', 'yes'].includes((env.AWS_S3_FORCE_PATH_STYLE ?? '').toLowerCase()),
    },
    workerHost: env.VPS_WORKER_HOST || undefined,
    databasePoolSize: int('VPS_DATABASE_POOL_SIZE', 10, 1, 1000),
    logLevel: env.LOG_LEVEL || 'info',
    jobLeaseMs: int('VPS_JOB_LEASE_MS', 30_000, 1_000, 3_600_000),
    jobMaxAttempts: int('VPS_JOB_MAX_ATTEMPTS', 5, 1, 100),
    bodyLimitBytes: int('VPS_BODY_LIMIT_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    rateLimitPerMinute: int('VPS_RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
  };
  if (config.databaseUrl && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite file)');
  }
  if (config.store && !/^s3:\/\/[^/]+/.test(config.store)) {
    problems.push('VPS_STORE must look like s3://bucket/prefix (leave it unset for the local chunk folder)');
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
