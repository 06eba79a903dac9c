import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { readConfig } from '../../src/config.ts';
import { type Db, openDatabase } from '../../src/db/connection.ts';
import { MIGRATION_LOCK } from '../../src/db/migrate.ts';
import type { Database } from '../../src/db/schema.ts';
import { type RunningService, startService } from '../../src/main.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const VPSCTL = path.join(ROOT, 'bin', 'vpsctl');
const run = promisify(execFile);

export async function tempDir(prefix = 'vps-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * The suite runs once per database: VPS_TEST_DB=postgres gives every data dir its own schema in the
 * machine's PostgreSQL (derived from the dir's path, so the service, vpsctl and the test all agree).
 */
export const TEST_DB: 'sqlite' | 'postgres' = process.env.VPS_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const POSTGRES_URL = process.env.VPS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas = new Map<string, Promise<Record<string, string>>>();

export function schemaFor(dataDir: string): string {
  return `t_${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 20)}`;
}

/** The environment that points a process at this data dir's database (nothing extra for SQLite). */
export function databaseEnv(dataDir: string): Promise<Record<string, string>> {
  if (TEST_DB === 'sqlite') return Promise.resolve({});
  let env = schemas.get(dataDir);
  if (!env) {
    const schema = schemaFor(dataDir);
    env = (async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`create schema if not exists ${schema}`);
      } finally {
        await client.end();
      }
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return { DATABASE_URL: url.toString() };
    })();
    schemas.set(dataDir, env);
  }
  return env;
}

/**
 * This data dir's database in the current dialect, opened the way the service opens it (the caller
 * destroys it). `readOnly` is for looking from outside at what a service, perhaps a killed one, left
 * behind: SQLite then opens the file read-only (it must exist, and closing checkpoints nothing, so the
 * WAL stays as the service left it); PostgreSQL sessions refuse writes.
 */
export async function openTestDatabase(dataDir: string, { readOnly = false } = {}): Promise<Db> {
  const sqlitePath = path.join(dataDir, 'vps.db');
  if (TEST_DB === 'sqlite' && readOnly) {
    const sqlite = new SqliteDatabase(sqlitePath, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  let databaseUrl = (await databaseEnv(dataDir)).DATABASE_URL;
  if (databaseUrl && readOnly) {
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `${url.searchParams.get('options')} -c default_transaction_read_only=on`);
    databaseUrl = url.toString();
  }
  return openDatabase({ databaseUrl, sqlitePath });
}

/** Drops the schema a data dir used, if any. */
export async function dropDatabase(dataDir: string): Promise<void> {
  if (TEST_DB === 'sqlite' || !schemas.has(dataDir)) return;
  schemas.delete(dataDir);
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    // Not while another process migrates: the migrator reads every schema's tables (see MIGRATION_LOCK).
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`drop schema if exists ${schemaFor(dataDir)} cascade`);
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } finally {
    await client.end();
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Runs `bin/vpsctl` against a data dir, as an operator would; returns stdout without the newline. */
export async function vpsctl(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [VPSCTL, ...args], {
    cwd: ROOT,
    env: { ...process.env, VPS_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(await databaseEnv(dataDir)) },
  });
  return stdout.trim();
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on them
  body: any;
  text: string;
}

/** One HTTP call the way the page's examples make it: bearer token, JSON content type, JSON body. */
export async function call(
  baseUrl: string,
  token: string | null,
  method: string,
  pathname: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const response = await fetch(new URL(pathname, baseUrl), {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export interface InProcessService {
  running: RunningService;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** The real app and worker in this process, on a fresh data dir and a free port. */
export async function startInProcess(env: Record<string, string> = {}): Promise<InProcessService> {
  const dataDir = await tempDir();
  const config = readConfig({
    VPS_DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(await databaseEnv(dataDir)),
    ...env,
  });
  const running = await startService(config, { logger: pino({ level: 'silent' }), retryBaseMs: 50 });
  return {
    running,
    url: running.url,
    dataDir,
    stop: async () => {
      await running.stop();
      await dropDatabase(dataDir);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An account with a token, made through the service's own account code. */
export async function makeAccount(service: InProcessService, name: string): Promise<string> {
  const { accounts } = service.running.services;
  await accounts.createAccount(name);
  return (await accounts.createToken(name)).token;
}

export interface ChildService {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** Ends with SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

/** `bin/vpsctl serve` in a child process, so a test can kill -9 it. Resolves once it listens. */
export async function startChild(dataDir: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [VPSCTL, 'serve', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      VPS_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...(await databaseEnv(dataDir)),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  } satisfies ChildService;
}

/** Polls until `check` returns a value, or fails after `timeoutMs` with the last thing seen. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
