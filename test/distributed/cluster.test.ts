import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChildService,
  call,
  POSTGRES_URL,
  ROOT,
  sha256File,
  startChild,
  VPSCTL,
  waitFor,
} from '../helpers/service.ts';
import { makeDisk, scrambleDisk } from '../jobs/support.ts';

// One machine standing in for a provider's fleet: PostgreSQL, an S3 server, two stateless API processes
// and one worker per hypervisor host, all separate processes that share nothing but the database and
// the object store.
const run = promisify(execFile);
const schema = `cluster_${process.pid}`;
const bucket = 'snapshots';
let work = '';
let s3: S3rver;
let env: Record<string, string> = {};
const children: ChildProcess[] = [];
const apis: ChildService[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function vpsctl(...args: string[]): Promise<string> {
  const dataDir = path.join(work, 'operator');
  const { stdout } = await run(process.execPath, [VPSCTL, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, VPS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  return stdout.trim();
}

/** `vpsctl worker --host NAME` as its own process, resolved once it says it has started. */
async function startWorker(host: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [VPSCTL, 'worker', '--host', host], {
    cwd: ROOT,
    env: { ...process.env, ...env, VPS_DATA_DIR: path.join(work, `worker-${host}`), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${host} did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.once('exit', (code) => reject(new Error(`worker ${host} exited ${code}:\n${output}`)));
  });
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'vps-cluster-'));
  await admin(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(work, 's3') });
  const { port } = await s3.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  env = {
    DATABASE_URL: url.toString(),
    VPS_STORE: `s3://${bucket}/fleet`,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_S3_FORCE_PATH_STYLE: 'true',
    VPS_JOB_LEASE_MS: '3000',
  };
});

afterAll(async () => {
  for (const api of apis) await api.stop().catch(() => {});
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) await kill9(child).catch(() => {});
  }
  await s3?.close();
  await admin(`drop schema if exists ${schema} cascade`).catch(() => {});
  await rm(work, { recursive: true, force: true });
});

describe('distributed mode: PostgreSQL, S3, two API processes and a worker per host', () => {
  it('holds the limit across API processes, survives a worker kill -9 and restores byte for byte', async () => {
    // Both API processes start at once: their migrations must not collide.
    const [apiA, apiB] = await Promise.all([
      startChild(path.join(work, 'api-a'), ['--no-worker'], env),
      startChild(path.join(work, 'api-b'), ['--no-worker'], env),
    ]);
    apis.push(apiA, apiB);

    await vpsctl('accounts', 'create', 'acme');
    const token = await vpsctl('tokens', 'create', '--account', 'acme');
    const disk1 = path.join(work, 'disks', 'h1-web.img');
    const disk2 = path.join(work, 'disks', 'h2-db.img');
    await mkdir(path.dirname(disk1), { recursive: true });
    await makeDisk(disk1, 256, 80, 11);
    await makeDisk(disk2, 32, 8, 12);
    const s1 = Number(
      await vpsctl(
        'servers',
        'create',
        '--account',
        'acme',
        '--name',
        'web',
        '--host',
        'h1',
        '--disk',
        disk1,
      ),
    );
    const s2 = Number(
      await vpsctl('servers', 'create', '--account', 'acme', '--name', 'db', '--host', 'h2', '--disk', disk2),
    );
    const original1 = await sha256File(disk1);

    let worker1 = await startWorker('h1');
    await startWorker('h2');

    // 20 creates on one server, half through each API process, all at once: exactly 5 are taken.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(i % 2 ? apiA.url : apiB.url, token, 'POST', '/api/v1/snapshots/', {
          server_id: s1,
          name: `burst-${i}`,
        }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(5);
    expect(answers.filter((a) => a.status === 400 && a.body.code === 'snapshot_limit_reached')).toHaveLength(
      15,
    );
    const first = Math.min(...created.map((a) => a.body.id as number));

    // Kill the h1 worker in the middle of the first capture.
    await waitFor('capture under way', async () => {
      const { body } = await call(apiA.url, token, 'GET', `/api/v1/snapshots/${first}/`);
      return body.progress >= 1 && body.progress <= 90;
    });
    await kill9(worker1);

    // Server 2 lives on h2: its worker goes on working while h1 has none, and never takes h1's jobs.
    const other = await call(apiB.url, token, 'POST', '/api/v1/snapshots/', {
      server_id: s2,
      name: 'db-nightly',
    });
    expect(other.status).toBe(201);
    await waitFor('the h2 snapshot', async () => {
      const { body } = await call(apiA.url, token, 'GET', `/api/v1/snapshots/${other.body.id}/`);
      return body.status === 'completed';
    });
    await new Promise((resolve) => setTimeout(resolve, 3500)); // past the dead worker's lease
    const stalled = await call(apiA.url, token, 'GET', `/api/v1/snapshots/${first}/`);
    expect(stalled.body.status).toBe('in_progress');

    // A worker for h1 again: it takes the abandoned capture over and finishes all five.
    worker1 = await startWorker('h1');
    await waitFor(
      'all five snapshots of server 1',
      async () => {
        const { body } = await call(apiB.url, token, 'GET', `/api/v1/snapshots/?server_id=${s1}`);
        return body.count === 5 && body.results.every((s: { status: string }) => s.status === 'completed');
      },
      120_000,
    );

    // The snapshot data is in the object store: one manifest per snapshot, under each server's prefix.
    const client = new S3Client({
      endpoint: env.AWS_ENDPOINT_URL,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `fleet/server-${s1}/manifests/` }),
    );
    client.destroy();
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      created.map((a) => `fleet/server-${s1}/manifests/${a.body.id}.json`).sort(),
    );

    // Restore through one API process after the disk changed; the h1 worker does it, byte for byte.
    await scrambleDisk(disk1, 256, 80, 11);
    expect(await sha256File(disk1)).not.toBe(original1);
    const restore = await call(apiA.url, token, 'POST', `/api/v1/snapshots/${first}/restore/`);
    expect(restore.status).toBe(200);
    expect(restore.body.server.status).toBe('restoring');
    await waitFor(
      'the restore',
      async () => {
        const { body } = await call(apiB.url, token, 'GET', `/api/v1/servers/${s1}/`);
        return body.status !== 'restoring';
      },
      120_000,
    );
    const client2 = new pg.Client({ connectionString: env.DATABASE_URL });
    await client2.connect();
    const jobs = await client2.query('select id, type, status, attempts, last_error from jobs order by id');
    await client2.end();
    const failures = jobs.rows.filter((j) => j.last_error);
    expect(failures.filter((j) => j.type === 'restore')).toEqual([]);
    expect((await call(apiB.url, token, 'GET', `/api/v1/servers/${s1}/`)).body.status).toBe('running');
    expect(await sha256File(disk1)).toBe(original1);
  });
});
