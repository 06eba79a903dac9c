import { rename, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/jobs/backoff.ts';
import { patchFile, seededBytes } from '../helpers/disk-images.ts';
import {
  type ApiAnswer,
  call,
  type InProcessService,
  makeAccount,
  sha256File,
  startInProcess,
} from '../helpers/service.ts';
import {
  addServer as addServerWithDisk,
  expectConsistentStore,
  MiB,
  makeDisk,
  poll,
  sleep,
} from './support.ts';

const services: InProcessService[] = [];

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
});

async function boot(env: Record<string, string> = {}) {
  const service = await startInProcess(env);
  services.push(service);
  const token = await makeAccount(service, 'acme');
  const api = (method: string, pathname: string, body?: unknown): Promise<ApiAnswer> =>
    call(service.url, token, method, pathname, body);
  const addServer = (name: string, sizeMiB: number, dataMiB: number, seed: number) =>
    addServerWithDisk(service, 'acme', { name, sizeMiB, dataMiB, seed });
  const jobs = () => service.running.services.db.selectFrom('jobs').selectAll().orderBy('id').execute();
  const snapshot = async (id: number) => {
    const got = await api('GET', `/api/v1/snapshots/${id}/`);
    expect(got.status, got.text).toBe(200);
    return got.body;
  };
  const waitStatus = (id: number, status: 'completed' | 'failed') =>
    poll(`snapshot ${id} ${status}`, async () => {
      const body = await snapshot(id);
      if (body.status !== 'in_progress') expect(body.status, JSON.stringify(body)).toBe(status);
      return body.status === status ? body : undefined;
    });
  const waitIdle = () =>
    poll('the queue to drain', async () =>
      (await jobs()).every((j) => j.status !== 'queued' && j.status !== 'running'),
    );
  return { service, token, api, addServer, jobs, snapshot, waitStatus, waitIdle };
}

describe('retries', () => {
  it('a capture whose disk is gone fails after VPS_JOB_MAX_ATTEMPTS attempts, with backoff, and frees its slot', async () => {
    const t = await boot({ VPS_JOB_MAX_ATTEMPTS: '3' });
    const server = await t.addServer('gone', 16, 4, 31);
    await rm(server.diskPath);

    // Watch the job between attempts: each retry waits the doubling backoff (base 50 ms in the harness).
    const delays = new Map<number, number>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const job of await t.jobs()) {
          if (job.status === 'queued' && job.attempts > 0)
            delays.set(job.attempts, job.run_after - job.updated_at);
        }
        await sleep(3);
      }
    })();

    const created = await t.api('POST', '/api/v1/snapshots/', { server_id: server.id, name: 'doomed' });
    expect(created.status).toBe(201);
    const failed = await t.waitStatus(created.body.id, 'failed');
    watching = false;
    await watcher;
    // The customer is told what kind of failure it was, never the host's paths; operators see the raw error.
    expect(failed.failure_reason).toBe(
      "The snapshot could not be taken: the server's disk could not be read.",
    );
    expect(failed.size_mb).toBeNull();

    // The worker fails the snapshot (giveUp) before it marks the job failed: wait for that last write.
    await t.waitIdle();
    const [job, ...others] = await t.jobs();
    expect(others).toEqual([]);
    expect(job).toMatchObject({ type: 'capture', status: 'failed', attempts: 3, max_attempts: 3 });
    expect(job?.lease_owner).toBeNull();
    expect(job?.last_error).toMatch(/no such file|ENOENT/i);
    for (const [attempts, delay] of delays)
      expect(delay, `delay after attempt ${attempts}`).toBe(backoffMs(attempts, 50));
    expect([...delays.keys()].length, 'saw the job waiting between attempts').toBeGreaterThan(0);

    // A failed snapshot stays listed but no longer counts towards the limit of 5.
    await makeDisk(server.diskPath, 16, 4, 31);
    const more: number[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await t.api('POST', '/api/v1/snapshots/', { server_id: server.id, name: `ok-${i}` });
      expect(answer.status, answer.text).toBe(201);
      more.push(answer.body.id);
    }
    const sixth = await t.api('POST', '/api/v1/snapshots/', { server_id: server.id, name: 'sixth' });
    expect(sixth.status).toBe(400);
    expect(sixth.body.code).toBe('snapshot_limit_reached');
    for (const id of more) await t.waitStatus(id, 'completed');
    const list = await t.api('GET', `/api/v1/snapshots/?server_id=${server.id}`);
    expect(list.body.count).toBe(6);
    expect((await t.snapshot(created.body.id)).status).toBe('failed');
    await expectConsistentStore(t.service.dataDir, server.id);
  });

  it('a capture that fails for a while and then can read its disk completes, with no failure recorded', async () => {
    const t = await boot();
    const server = await t.addServer('flaky', 24, 8, 32);
    const original = await sha256File(server.diskPath);
    const aside = `${server.diskPath}.aside`;
    await rename(server.diskPath, aside);

    const created = await t.api('POST', '/api/v1/snapshots/', { server_id: server.id, name: 'flaky' });
    expect(created.status).toBe(201);
    await poll(
      'a second failed attempt',
      async () => (await t.jobs()).some((j) => j.status === 'queued' && j.attempts >= 2),
      { everyMs: 2 },
    );
    await rename(aside, server.diskPath);
    const done = await t.waitStatus(created.body.id, 'completed');
    expect(done.failure_reason).toBeNull();
    const [job] = await t.jobs();
    expect(job?.status).toBe('succeeded');
    expect(job?.attempts).toBeGreaterThanOrEqual(3);
    expect(job?.attempts).toBeLessThanOrEqual(5);

    // What it stored is the disk, byte for byte.
    await patchFile(server.diskPath, 1 * MiB, seededBytes(5, 3 * MiB));
    expect((await t.api('POST', `/api/v1/snapshots/${created.body.id}/restore/`)).status).toBe(200);
    await poll(
      'the restore',
      async () => (await t.api('GET', `/api/v1/servers/${server.id}/`)).body.status === 'running',
    );
    expect(await sha256File(server.diskPath)).toBe(original);
  });
});

describe('a job whose last attempt died with its worker', () => {
  it('gives up at once: the capture fails with a reason, the restore leaves the server stopped', async () => {
    const t = await boot({ VPS_JOB_MAX_ATTEMPTS: '2' });
    const server = await t.addServer('orphan', 8, 2, 33);
    const { db, accounts } = t.service.running.services;
    const accountId = await accounts.accountId('acme');
    const now = Date.now();
    // As a worker on another machine would leave them: running, lease long expired, no attempt left.
    const snapshot = await db
      .insertInto('snapshots')
      .values({
        account_id: accountId,
        server_id: server.id,
        name: 'orphaned',
        description: null,
        status: 'in_progress',
        progress: 40,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('jobs')
      .values({
        type: 'capture',
        server_id: server.id,
        snapshot_id: snapshot.id,
        status: 'running',
        attempts: 2,
        max_attempts: 2,
        run_after: now - 10_000,
        lease_owner: 'elsewhere:1:abc',
        lease_expires_at: now - 5_000,
        last_error: 'disk read timed out',
        created_at: now - 10_000,
        updated_at: now - 5_000,
      })
      .execute();
    t.service.running.worker?.wake();
    const failed = await t.waitStatus(snapshot.id, 'failed');
    expect(failed.failure_reason).toBe(
      'The snapshot could not be taken: the worker running it stopped unexpectedly, on every attempt.',
    );
    await t.waitIdle();
    const [job] = await t.jobs();
    expect(job).toMatchObject({ status: 'failed', attempts: 3 });
    await expectConsistentStore(t.service.dataDir, server.id);

    // A restore in the same state: the disk may be half written, so the server is left off.
    await db
      .updateTable('servers')
      .set({ status: 'restoring', status_before_restore: 'running' })
      .where('id', '=', server.id)
      .execute();
    await db
      .insertInto('jobs')
      .values({
        type: 'restore',
        server_id: server.id,
        snapshot_id: snapshot.id,
        status: 'running',
        attempts: 2,
        max_attempts: 2,
        run_after: now - 10_000,
        lease_owner: 'elsewhere:1:abc',
        lease_expires_at: now - 5_000,
        last_error: null,
        created_at: now,
        updated_at: now - 5_000,
      })
      .execute();
    t.service.running.worker?.wake();
    await t.waitIdle();
    expect((await t.jobs()).map((j) => [j.type, j.status])).toEqual([
      ['capture', 'failed'],
      ['restore', 'failed'],
    ]);
    expect((await t.api('GET', `/api/v1/servers/${server.id}/`)).body.status).toBe('stopped');
  });
});

describe('one job per server at a time', () => {
  it('runs a server’s jobs one at a time in the order queued, while another server’s job runs beside them', async () => {
    const t = await boot();
    const s = await t.addServer('s', 160, 60, 41);
    const other = await t.addServer('t', 160, 60, 42);

    const a = await t.api('POST', '/api/v1/snapshots/', { server_id: s.id, name: 'a' });
    expect(a.status).toBe(201);
    await t.waitStatus(a.body.id, 'completed');
    const atA = await sha256File(s.diskPath);
    await patchFile(s.diskPath, 7 * MiB + 3, seededBytes(43, 9 * MiB));
    await patchFile(s.diskPath, 150 * MiB, seededBytes(44, 10 * MiB + 1));
    const changed = await sha256File(s.diskPath);
    expect(changed).not.toBe(atA);

    // Sample which jobs run, as often as the database answers.
    const samples: { id: number; server_id: number }[][] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(
          await t.service.running.services.db
            .selectFrom('jobs')
            .select(['id', 'server_id'])
            .where('status', '=', 'running')
            .execute(),
        );
        await sleep(2);
      }
    })();

    // Queued back to back on server s: capture b, restore a, delete a. And a capture on server t.
    const [b, c] = await Promise.all([
      t.api('POST', '/api/v1/snapshots/', { server_id: s.id, name: 'b' }),
      t.api('POST', '/api/v1/snapshots/', { server_id: other.id, name: 'c' }),
    ]);
    expect(b.status).toBe(201);
    expect(c.status).toBe(201);
    const restore = await t.api('POST', `/api/v1/snapshots/${a.body.id}/restore/`);
    expect(restore.status, restore.text).toBe(200);
    const deletion = await t.api('DELETE', `/api/v1/snapshots/${a.body.id}/`);
    expect(deletion.status).toBe(204);

    await t.waitIdle();
    sampling = false;
    await sampler;

    const all = await t.jobs();
    const ofServer = (id: number) =>
      all.filter((j) => j.server_id === id).map((j) => [j.type, j.snapshot_id, j.status]);
    expect(ofServer(s.id)).toEqual([
      ['capture', a.body.id, 'succeeded'],
      ['capture', b.body.id, 'succeeded'],
      ['restore', a.body.id, 'succeeded'],
      ['delete', a.body.id, 'succeeded'],
    ]);
    expect(ofServer(other.id)).toEqual([['capture', c.body.id, 'succeeded']]);
    for (const sample of samples) {
      const servers = sample.map((j) => j.server_id);
      expect(new Set(servers).size, `jobs running at once: ${JSON.stringify(sample)}`).toBe(servers.length);
    }
    // Per server, once a later job has been seen running an earlier one never runs again.
    for (const serverId of [s.id, other.id]) {
      const order = samples.flatMap((sample) =>
        sample.filter((j) => j.server_id === serverId).map((j) => j.id),
      );
      expect(order, `order of server ${serverId}'s running jobs`).toEqual([...order].sort((x, y) => x - y));
    }
    expect(
      samples.some((sample) => sample.length === 2),
      'the two servers’ captures ran at the same time at some point',
    ).toBe(true);

    // What ran in that order: b captured the changed disk before the restore of a put a's bytes back,
    // and a was deleted only after its restore had read it.
    expect(await sha256File(s.diskPath)).toBe(atA);
    expect((await t.api('GET', `/api/v1/servers/${s.id}/`)).body.status).toBe('running');
    expect((await t.api('GET', `/api/v1/snapshots/${a.body.id}/`)).status).toBe(404);
    const state = await expectConsistentStore(t.service.dataDir, s.id);
    expect([...state.manifests.keys()]).toEqual([String(b.body.id)]);
    expect((await t.api('POST', `/api/v1/snapshots/${b.body.id}/restore/`)).status).toBe(200);
    await t.waitIdle();
    expect(await sha256File(s.diskPath)).toBe(changed);
    await t.waitStatus(c.body.id, 'completed');
    await expectConsistentStore(t.service.dataDir, other.id);
  });
});
