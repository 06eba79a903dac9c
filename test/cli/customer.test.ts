import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB, patchFile, seededBytes, writeRandomDisk } from '../helpers/disk-images.ts';
import {
  databaseEnv,
  type InProcessService,
  makeAccount,
  ROOT,
  sha256File,
  startInProcess,
  tempDir,
  VPSCTL,
  vpsctl,
} from '../helpers/service.ts';

const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

let service: InProcessService;
let token: string;
let work: string;
let servers = 0;

beforeAll(async () => {
  service = await startInProcess();
  token = await makeAccount(service, 'acme');
  work = await tempDir('vps-customer-');
});

afterAll(async () => {
  await service?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  /** Run under a pseudo-terminal (util-linux `script`), so stdin is a TTY; stdout and stderr merge. */
  tty?: boolean;
}

/** The customer's vpsctl: the API from the environment, a config file of its own, no database. */
async function customerEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    VPS_API_URL: service.url,
    VPS_API_TOKEN: token,
    VPS_CONFIG: path.join(work, 'no-config.json'),
    // Would the CLI touch a database, it would find an empty data dir, not the service's.
    VPS_DATA_DIR: path.join(work, 'not-the-service'),
    ...extra,
  };
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

async function cli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env = await customerEnv(options.env);
  const [command, argv] = options.tty
    ? ['script', ['-qec', [process.execPath, VPSCTL, ...args].map(quote).join(' '), '/dev/null']]
    : [process.execPath, [VPSCTL, ...args]];
  const child = spawn(command!, argv as string[], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(options.input ?? '');
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

async function ok(...args: string[]): Promise<string> {
  const result = await cli(args);
  expect(result.code, `vpsctl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** A server of the account with a real 6 MiB disk of random bytes. */
async function makeServer(): Promise<{ id: number; name: string; disk: string }> {
  servers += 1;
  const name = `web-${servers}`;
  const disk = path.join(work, `${name}.img`);
  await writeRandomDisk(disk, 6 * MiB, servers);
  const id = Number(
    await vpsctl(service.dataDir, 'servers', 'create', '--account', 'acme', '--name', name, '--disk', disk),
  );
  return { id, name, disk };
}

async function createCompleted(serverId: number, name: string): Promise<number> {
  const snapshot = JSON.parse(
    await ok('snapshots', 'create', '--server', String(serverId), '--name', name, '--wait', '--json'),
  ) as { id: number; status: string };
  expect(snapshot.status).toBe('completed');
  return snapshot.id;
}

describe('vpsctl login', () => {
  it('checks the token, saves URL and token with mode 0600, and the commands then use the file', async () => {
    const config = path.join(work, 'login', 'config.json');
    const env = { VPS_CONFIG: config, VPS_API_URL: '', VPS_API_TOKEN: '' };
    const bad = await cli(['login', '--url', service.url, '--token', 'vps_nope'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('(not_authenticated)');
    await expect(stat(config)).rejects.toThrow();

    // The token can come on stdin, as from a password manager.
    const good = await cli(['login', '--url', service.url], { env, input: `${token}\n` });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(config);
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ url: service.url, token });

    if (HAS_SCRIPT) {
      // On a terminal the token is read without echo, and the file is replaced with the same mode.
      const typed = await cli(['login', '--url', service.url], { env, tty: true, input: `${token}\n` });
      expect(typed.code, typed.stdout).toBe(0);
      expect(typed.stdout).toContain('API token: ');
      expect((await stat(config)).mode & 0o777).toBe(0o600);
    }

    const listed = await cli(['snapshots', 'list', '--json'], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      count: expect.any(Number),
      results: expect.any(Array),
    });
  });
});

describe('snapshots', () => {
  it('create --wait ends completed; list, show and --json give it back', async () => {
    const server = await makeServer();
    const created = await cli([
      'snapshots',
      'create',
      '--server',
      String(server.id),
      '--name',
      'before-update',
      '--description',
      'a note',
      '--wait',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const snapshot = JSON.parse(created.stdout) as { id: number; status: string; size_mb: number | null };
    expect(snapshot).toMatchObject({ status: 'completed', size_mb: expect.any(Number) });
    // Not a terminal: a line per state, ending with the final one.
    expect(created.stderr.trim().split('\n').at(-1)).toBe(`snapshot ${snapshot.id}: completed`);

    const table = await ok('snapshots', 'list', '--server', String(server.id));
    const [header, row] = table.trim().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+SERVER\s+STATUS\s+SIZE\s+CREATED$/);
    expect(row).toMatch(
      new RegExp(`^${snapshot.id}\\s+before-update\\s+${server.id} ${server.name}\\s+completed`),
    );
    // Aligned: every column starts where its header does.
    expect(row!.indexOf('before-update')).toBe(header!.indexOf('NAME'));
    expect(row!.indexOf('completed')).toBe(header!.indexOf('STATUS'));

    const json = JSON.parse(await ok('snapshots', 'list', '--server', String(server.id), '--json'));
    expect(json.count).toBe(1);
    expect(json.results[0]).toMatchObject({ id: snapshot.id, name: 'before-update', description: 'a note' });

    expect(await ok('snapshots', 'show', String(snapshot.id))).toMatch(/status:\s+completed/);
    expect(JSON.parse(await ok('snapshots', 'show', String(snapshot.id), '--json'))).toMatchObject({
      id: snapshot.id,
      server: { id: server.id, name: server.name },
    });
  });

  it('restore --yes --wait makes the disk byte-identical to the snapshot', async () => {
    const server = await makeServer();
    const before = await sha256File(server.disk);
    const id = await createCompleted(server.id, 'golden');
    await patchFile(server.disk, 1 * MiB, seededBytes(99, 2 * MiB));
    expect(await sha256File(server.disk)).not.toBe(before);

    const restored = await cli(['snapshots', 'restore', String(id), '--yes', '--wait']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored from snapshot ${id}`);
    expect(await sha256File(server.disk)).toBe(before);
    expect(JSON.parse(await ok('servers', 'show', String(server.id), '--json')).status).toBe('running');
  });

  it('restore without --yes and without a terminal refuses with exit 2 and changes nothing', async () => {
    const server = await makeServer();
    const id = await createCompleted(server.id, 'keep');
    await patchFile(server.disk, 0, seededBytes(7, MiB));
    const changed = await sha256File(server.disk);
    const refused = await cli(['snapshots', 'restore', String(id)], { input: `${server.name}\n` });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(await sha256File(server.disk)).toBe(changed);
  });

  it.skipIf(!HAS_SCRIPT)(
    'restore asks for the server’s name: a wrong one aborts, the right one restores',
    async () => {
      const server = await makeServer();
      const before = await sha256File(server.disk);
      const id = await createCompleted(server.id, 'typed');
      await patchFile(server.disk, 0, seededBytes(8, MiB));
      const changed = await sha256File(server.disk);

      const wrong = await cli(['snapshots', 'restore', String(id), '--wait'], {
        tty: true,
        input: 'web-0\n',
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toContain('This action cannot be undone.');
      expect(wrong.stdout).toContain('nothing was restored');
      expect(await sha256File(server.disk)).toBe(changed);
      expect(JSON.parse(await ok('servers', 'show', String(server.id), '--json')).status).toBe('running');

      const right = await cli(['snapshots', 'restore', String(id), '--wait'], {
        tty: true,
        input: `${server.name}\n`,
      });
      expect(right.code, right.stdout).toBe(0);
      expect(right.stdout).toContain(
        'Restoring from a snapshot will overwrite all current data on the server. This action cannot be undone. ' +
          'The server will be automatically stopped before restoration begins.',
      );
      expect(await sha256File(server.disk)).toBe(before);
      // On a terminal the wait is a live bar.
      expect(right.stdout).toMatch(/server \d+ \[[#-]{30}\]/);
    },
  );

  it.skipIf(!HAS_SCRIPT)('delete asks y/N: anything but yes keeps the snapshot', async () => {
    const server = await makeServer();
    const id = await createCompleted(server.id, 'maybe');
    const kept = await cli(['snapshots', 'delete', String(id)], { tty: true, input: 'n\n' });
    expect(kept.code).toBe(1);
    expect(kept.stdout).toContain('[y/N]');
    expect(JSON.parse(await ok('snapshots', 'show', String(id), '--json')).status).toBe('completed');
    const deleted = await cli(['snapshots', 'delete', String(id), '--wait'], { tty: true, input: 'y\n' });
    expect(deleted.code, deleted.stdout).toBe(0);
    expect((await cli(['snapshots', 'show', String(id)])).code).toBe(1);
  });

  it('delete --yes --wait removes the snapshot; without --yes and no terminal it refuses', async () => {
    const server = await makeServer();
    const id = await createCompleted(server.id, 'doomed');
    const refused = await cli(['snapshots', 'delete', String(id)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');

    const deleted = await cli(['snapshots', 'delete', String(id), '--yes', '--wait']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr).toContain(`snapshot ${id}: deleted`);
    // --wait lasts until the snapshot's data is gone from the store, not only from the list.
    const manifests = path.join(service.dataDir, 'chunks', `server-${server.id}`, 'manifests');
    expect(await readdir(manifests)).not.toContain(`${id}.json`);
    const gone = await cli(['snapshots', 'show', String(id)]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`vpsctl: Snapshot ${id} does not exist. (snapshot_not_found)`);
  });

  it('create --wait exits 1 when the snapshot fails, with the reason', async () => {
    const server = await makeServer();
    await rm(server.disk);
    const result = await cli([
      'snapshots',
      'create',
      '--server',
      String(server.id),
      '--name',
      'lost',
      '--wait',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/: failed: .+/);
    expect(result.stdout).toMatch(/status:\s+failed/);
  });

  it('restore --wait exits 1 with the reason when the restore fails, and the disk is untouched', async () => {
    const server = await makeServer();
    const id = await createCompleted(server.id, 'lost-chunks');
    await patchFile(server.disk, 0, seededBytes(11, MiB));
    const changed = await sha256File(server.disk);
    await rm(path.join(service.dataDir, 'chunks', `server-${server.id}`, 'chunks'), { recursive: true });
    const result = await cli(['snapshots', 'restore', String(id), '--yes', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `server ${server.id}: failed: The server could not be restored: stored snapshot data failed its integrity check.`,
    );
    expect(result.stderr).toContain(`vpsctl: server ${server.id} is left stopped`);
    expect(await sha256File(server.disk), 'chunks are checked before the disk is touched').toBe(changed);
  });

  it('a bad token exits 1 with the detail and the hint to log in', async () => {
    const result = await cli(['snapshots', 'list'], { env: { VPS_API_TOKEN: 'vps_wrong' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'vpsctl: Authentication credentials were not provided or are invalid. (not_authenticated)',
    );
    expect(result.stderr).toContain('vpsctl login');
  });

  it('a refused create prints the API’s detail and code', async () => {
    const server = await makeServer();
    const result = await cli(['snapshots', 'create', '--server', String(server.id), '--name', 'no spaces']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^vpsctl: .+ \(invalid_request\)\n$/);
  });
});

describe('servers', () => {
  it('list, show, stop and start through the API, with --json on the list', async () => {
    const server = await makeServer();
    const table = await ok('servers', 'list');
    expect(table.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+SIZE\s+CREATED$/);
    expect(table).toMatch(new RegExp(`\\n${server.id}\\s+${server.name}\\s+running\\s+6 MB`));
    const json = JSON.parse(await ok('servers', 'list', '--json'));
    expect(json.results.map((s: { id: number }) => s.id)).toContain(server.id);

    expect(await ok('servers', 'stop', String(server.id))).toContain('stopped');
    expect(await ok('servers', 'show', String(server.id))).toMatch(/status:\s+stopped/);
    expect(JSON.parse(await ok('servers', 'start', String(server.id), '--json')).status).toBe('running');
  });

  it('without an API configured, or with --db, servers list is the operator listing from the database', async () => {
    const server = await makeServer();
    const dbEnv = { ...(await databaseEnv(service.dataDir)), VPS_DATA_DIR: service.dataDir };
    const noApi = await cli(['servers', 'list'], { env: { ...dbEnv, VPS_API_URL: '', VPS_API_TOKEN: '' } });
    expect(noApi.code, noApi.stderr).toBe(0);
    expect(noApi.stdout).toContain(`${server.id}\t${server.name}\trunning\taccount `);
    const forced = await cli(['servers', 'list', '--db'], { env: dbEnv });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`${server.id}\t${server.name}\t`);
  });
});
