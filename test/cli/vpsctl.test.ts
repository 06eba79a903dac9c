import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { writeDisk } from '../helpers/disk-images.ts';
import {
  type ChildService,
  call,
  databaseEnv,
  dropDatabase,
  openTestDatabase,
  ROOT,
  startChild,
  TEST_DB,
  tempDir,
  VPSCTL,
} from '../helpers/service.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const TOKEN = /^vps_[A-Za-z0-9_-]{43}$/;

const dirs: string[] = [];
const children: ChildService[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) await child.kill9();
  }
  await Promise.all(
    dirs.splice(0).map(async (dir) => {
      await dropDatabase(dir);
      await rm(dir, { recursive: true, force: true });
    }),
  );
});

async function freshDir(): Promise<string> {
  const dir = await tempDir('vps-cli-');
  dirs.push(dir);
  return dir;
}

async function serve(dataDir: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = await startChild(dataDir, args, env);
  children.push(child);
  return child;
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `bin/vpsctl` as an operator runs it: exit code, stdout and stderr, never throwing. */
async function cli(dataDir: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [VPSCTL, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        VPS_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        // No customer API configured, whatever the machine running the tests has: operator commands only.
        VPS_API_URL: '',
        VPS_API_TOKEN: '',
        VPS_CONFIG: path.join(dataDir, 'no-vpsctl-config.json'),
        ...(await databaseEnv(dataDir)),
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

async function ok(dataDir: string, ...args: string[]): Promise<string> {
  const result = await cli(dataDir, ...args);
  expect(result.code, `vpsctl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function fails(dataDir: string, message: RegExp, ...args: string[]): Promise<CliResult> {
  const result = await cli(dataDir, ...args);
  expect(result.code, `vpsctl ${args.join(' ')} should fail`).not.toBe(0);
  expect(result.stderr).toMatch(message);
  // A message for people, not a stack trace.
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(result.stdout).toBe('');
  return result;
}

/** Looks into the data dir's database from outside, read-only, in the dialect of this run. */
async function withDb<T>(dataDir: string, read: (db: Db) => Promise<T>): Promise<T> {
  const db = await openTestDatabase(dataDir, { readOnly: true });
  try {
    return await read(db);
  } finally {
    await db.destroy();
  }
}

async function count(dataDir: string, table: string): Promise<number> {
  return withDb(dataDir, async (db) => {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
    return rows[0]!.n;
  });
}

/** Every table of the database: SQLite's from sqlite_master, PostgreSQL's in the data dir's schema. */
async function tableNames(db: Db): Promise<string[]> {
  const { rows } =
    TEST_DB === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)
      : await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db);
  return rows.map((t) => t.name);
}

describe('accounts and tokens', () => {
  it('creates accounts and tokens, keeps only the token’s hash, and revokes by prefix', async () => {
    const dataDir = await freshDir();
    expect(await ok(dataDir, 'accounts', 'create', 'acme')).toMatch(/^\d+\n$/);
    const second = await ok(dataDir, 'accounts', 'create', 'globex');
    expect(second).toMatch(/^\d+\n$/);
    await fails(dataDir, /acme/, 'accounts', 'create', 'acme');

    const [first, other] = await Promise.all([
      ok(dataDir, 'tokens', 'create', '--account', 'acme'),
      ok(dataDir, 'tokens', 'create', '--account', 'acme'),
    ]);
    // Only the token, on one line.
    expect(first.endsWith('\n')).toBe(true);
    expect(first.slice(0, -1)).not.toContain('\n');
    const token = first.trim();
    const token2 = other.trim();
    expect(token).toMatch(TOKEN);
    expect(token2).toMatch(TOKEN);
    expect(token2).not.toBe(token);

    // The database holds the SHA-256 of each token, and the token itself nowhere, in no column of no table.
    const { tables, cells, hashes } = await withDb(dataDir, async (db) => {
      const tables = await tableNames(db);
      const cells: string[] = [];
      for (const table of tables) {
        const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db);
        for (const row of rows) {
          for (const value of Object.values(row)) {
            cells.push(Buffer.isBuffer(value) ? value.toString('latin1') : String(value));
          }
        }
      }
      const hashes = (await db.selectFrom('api_tokens').select('token_hash').orderBy('id').execute()).map(
        (r) => r.token_hash,
      );
      return { tables, cells, hashes };
    });
    // The search covered the tables that hold tokens and accounts, so it is not vacuous.
    expect(tables).toEqual(expect.arrayContaining(['accounts', 'api_tokens']));
    const secret = (t: string) => t.slice('vps_'.length);
    for (const cell of cells) {
      for (const t of [token, token2]) {
        expect(cell.includes(t)).toBe(false);
        expect(cell.includes(secret(t))).toBe(false);
      }
    }
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    expect(hashes.sort()).toEqual([sha(token), sha(token2)].sort());
    const files = (await readdir(dataDir)).filter((name) => name.startsWith('vps.db'));
    if (TEST_DB === 'sqlite') {
      // Nor in the raw bytes of the database files (free pages, WAL).
      expect(files).toContain('vps.db');
      for (const name of files) {
        const bytes = await readFile(path.join(dataDir, name));
        expect(bytes.includes(Buffer.from(token)), name).toBe(false);
        expect(bytes.includes(Buffer.from(secret(token))), name).toBe(false);
      }
    } else {
      // The CLI wrote to PostgreSQL, not to a SQLite file of its own.
      expect(files).toEqual([]);
    }

    const service = await serve(dataDir);
    expect((await call(service.url, token, 'GET', '/api/v1/snapshots/')).status).toBe(200);
    expect((await call(service.url, token2, 'GET', '/api/v1/snapshots/')).status).toBe(200);
    expect(await ok(dataDir, 'tokens', 'revoke', '--prefix', token.slice(0, 12))).toMatch(
      /revoked 1 token\b/,
    );
    const revoked = await call(service.url, token, 'GET', '/api/v1/snapshots/');
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('not_authenticated');
    // The other token of the same account is untouched.
    expect((await call(service.url, token2, 'GET', '/api/v1/snapshots/')).status).toBe(200);
    expect(await service.stop()).toBe(0);
  });
});

describe('servers', () => {
  it('registers an existing disk and makes a new sparse one, lists both, and refuses bad requests', async () => {
    const dataDir = await freshDir();
    await ok(dataDir, 'accounts', 'create', 'acme');
    const image = path.join(dataDir, 'existing.img');
    await writeDisk(image, 48 * MiB, [
      { kind: 'random', offset: 3 * MiB + 5, length: 2 * MiB, seed: 7 },
      { kind: 'fill', offset: 30 * MiB, length: MiB, byte: 0x41 },
    ]);

    const [existing, made, token] = await Promise.all([
      ok(dataDir, 'servers', 'create', '--account', 'acme', '--name', 'web', '--disk', image),
      ok(
        dataDir,
        'servers',
        'create',
        '--account',
        'acme',
        '--name',
        'db',
        '--disk-size',
        '64M',
        '--id',
        '777',
      ),
      ok(dataDir, 'tokens', 'create', '--account', 'acme'),
    ]);
    expect(existing).toMatch(/^\d+\n$/);
    expect(made).toBe('777\n');
    const made777 = path.join(dataDir, 'disks', '777.img');
    const info = await stat(made777);
    expect(info.size).toBe(64 * MiB);
    expect(info.blocks * 512, 'the new disk is sparse').toBeLessThan(MiB);

    const rows = await withDb(dataDir, (db) =>
      db
        .selectFrom('servers')
        .select(['id', 'name', 'status', 'disk_path', 'disk_size_bytes'])
        .orderBy('id')
        .execute(),
    );
    // The two were made at once, so either may have got its id first.
    const byId = <T extends { id: number }>(list: T[]) => [...list].sort((a, b) => a.id - b.id);
    expect(rows).toEqual(
      byId([
        { id: Number(existing), name: 'web', status: 'running', disk_path: image, disk_size_bytes: 48 * MiB },
        { id: 777, name: 'db', status: 'running', disk_path: made777, disk_size_bytes: 64 * MiB },
      ]),
    );

    // Errors: a message on stderr, a non-zero exit, and nothing created.
    await Promise.all([
      fails(
        dataDir,
        /no account named nobody/,
        'servers',
        'create',
        '--account',
        'nobody',
        '--name',
        'x',
        '--disk-size',
        '1M',
      ),
      fails(
        dataDir,
        /exactly one of --disk or --disk-size/,
        'servers',
        'create',
        '--account',
        'acme',
        '--name',
        'x',
        '--disk',
        image,
        '--disk-size',
        '1M',
      ),
      // An id already taken: refused, and no disk image made for it either.
      fails(
        dataDir,
        /exists|already|taken|unique/i,
        'servers',
        'create',
        '--account',
        'acme',
        '--name',
        'x',
        '--disk-size',
        '1M',
        '--id',
        existing.trim(),
      ),
      fails(
        dataDir,
        /no such file|ENOENT|not found|does not exist/i,
        'servers',
        'create',
        '--account',
        'acme',
        '--name',
        'x',
        '--disk',
        path.join(dataDir, 'missing.img'),
      ),
    ]);
    expect(await count(dataDir, 'servers')).toBe(2);

    const listed = (await ok(dataDir, 'servers', 'list')).trim().split('\n');
    expect(listed).toHaveLength(2);
    const webLine = listed.find((line) => line.startsWith(`${existing.trim()}\t`));
    expect(webLine).toMatch(/^\d+\tweb\trunning\b/);
    expect(webLine).toContain(image);
    expect(listed.find((line) => line.startsWith('777\t'))).toMatch(/^777\tdb\trunning\b/);

    // The service sees them as the account's servers.
    const service = await serve(dataDir);
    const answer = await call(service.url, token.trim(), 'GET', '/api/v1/servers/');
    expect(answer.status).toBe(200);
    expect(
      answer.body.results.map((s: { id: number; disk_size_mb: number }) => ({
        id: s.id,
        mb: s.disk_size_mb,
      })),
    ).toEqual(
      byId([
        { id: Number(existing), mb: 48 },
        { id: 777, mb: 64 },
      ]),
    );
    expect(await service.stop()).toBe(0);
    // The refused commands left no disk image behind either.
    expect((await readdir(path.join(dataDir, 'disks'))).sort(), 'disk images in <dataDir>/disks').toEqual([
      '777.img',
    ]);
  });

  it('migrate brings a fresh data dir up to date, and again is a no-op', async () => {
    const dataDir = await freshDir();
    expect(await ok(dataDir, 'migrate')).toBe('database is up to date\n');
    const tables = await withDb(dataDir, tableNames);
    expect(tables).toEqual(
      expect.arrayContaining(['accounts', 'api_tokens', 'servers', 'snapshots', 'jobs']),
    );
    expect(await count(dataDir, 'accounts')).toBe(0);
  });
});

describe('serve', () => {
  it('--demo seeds an empty data dir once, with a token that works; a second start seeds nothing', async () => {
    const dataDir = await freshDir();
    const first = await serve(dataDir, ['--demo']);
    const printed = /Demo API token \(shown once\): (\S+)/.exec(first.output());
    expect(printed, first.output()).not.toBeNull();
    const token = printed![1]!;
    expect(token).toMatch(TOKEN);
    const list = await call(first.url, token, 'GET', '/api/v1/snapshots/');
    expect(list.status).toBe(200);
    expect(list.body.count).toBe(2);
    expect(list.body.results.map((s: { id: number }) => s.id).sort()).toEqual([798, 801]);
    for (const s of list.body.results) {
      expect(s.server).toEqual({ id: 12345, name: 'web-server-01' });
      expect(s.status).toBe('completed');
    }
    expect(await first.stop()).toBe(0);

    const again = await serve(dataDir, ['--demo']);
    expect(again.output()).not.toMatch(/vps_[A-Za-z0-9_-]{43}/);
    expect(again.output()).toMatch(/no demo seeded/);
    const listAgain = await call(again.url, token, 'GET', '/api/v1/snapshots/');
    expect(listAgain.status).toBe(200);
    expect(listAgain.body.count).toBe(2);
    expect(await again.stop()).toBe(0);
    expect(await count(dataDir, 'accounts')).toBe(1);
    expect(await count(dataDir, 'api_tokens')).toBe(1);
    expect(await count(dataDir, 'servers')).toBe(1);
    expect(await count(dataDir, 'snapshots')).toBe(2);
  });

  it('plain serve seeds nothing', async () => {
    const dataDir = await freshDir();
    const service = await serve(dataDir);
    expect(service.output()).not.toMatch(/vps_[A-Za-z0-9_-]{43}/);
    expect(service.output()).not.toMatch(/demo/i);
    expect((await call(service.url, null, 'GET', '/api/v1/snapshots/')).status).toBe(401);
    expect(await service.stop()).toBe(0);
    expect(await count(dataDir, 'accounts')).toBe(0);
    expect(await count(dataDir, 'api_tokens')).toBe(0);
    expect(await count(dataDir, 'servers')).toBe(0);
    expect(await count(dataDir, 'snapshots')).toBe(0);
    expect(await readdir(dataDir)).not.toContain('disks');
  });

  it('logs requests without ever writing the token', async () => {
    const dataDir = await freshDir();
    await ok(dataDir, 'accounts', 'create', 'acme');
    const image = path.join(dataDir, 'web.img');
    await writeDisk(image, 8 * MiB, [{ kind: 'random', offset: MiB, length: MiB, seed: 3 }]);
    const [token, serverId] = (
      await Promise.all([
        ok(dataDir, 'tokens', 'create', '--account', 'acme'),
        ok(dataDir, 'servers', 'create', '--account', 'acme', '--name', 'web', '--disk', image),
      ])
    ).map((s) => s.trim()) as [string, string];
    for (const level of ['info']) {
      const service = await serve(dataDir, [], { LOG_LEVEL: level });
      const before = service.output().length;
      const answers = [
        await call(service.url, token, 'GET', '/api/v1/snapshots/'),
        await call(service.url, token, 'GET', `/api/v1/servers/${serverId}/`),
        await call(service.url, token, 'POST', '/api/v1/snapshots/', {
          server_id: Number(serverId),
          name: 'bad name!',
        }),
        await call(service.url, token, 'POST', '/api/v1/snapshots/', '{"server_id": '),
        await call(service.url, token, 'GET', '/api/v1/snapshots/999999/'),
        await call(service.url, `${token}x`, 'GET', '/api/v1/snapshots/'),
        await call(service.url, null, 'GET', '/api/v1/snapshots/', undefined, {
          Authorization: `Token ${token}`,
        }),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 400, 404, 401, 401]);
      expect(await service.stop()).toBe(0);
      const logged = service.output().slice(before);
      // The service did log these requests, so the check below is not vacuous.
      expect(logged, `LOG_LEVEL=${level}`).toContain('/api/v1/snapshots/');
      for (const line of logged.split('\n')) {
        expect(line.includes(token), `LOG_LEVEL=${level} logged the token: ${line}`).toBe(false);
        expect(line.includes(token.slice('vps_'.length)), `LOG_LEVEL=${level}: ${line}`).toBe(false);
      }
    }
  });
});
