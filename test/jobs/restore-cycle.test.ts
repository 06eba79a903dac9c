import { open, truncate } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  fileSize,
  MiB,
  poll,
  textBlock,
} from './support.ts';

let service: InProcessService;
let token: string;

beforeEach(async () => {
  service = await startInProcess();
  token = await makeAccount(service, 'acme');
});

afterEach(async () => {
  await service.stop();
});

const addServer = (name: string, sizeMiB: number, dataMiB: number, seed: number) =>
  addServerWithDisk(service, 'acme', { name, sizeMiB, dataMiB, seed });

const api = (method: string, pathname: string, body?: unknown): Promise<ApiAnswer> =>
  call(service.url, token, method, pathname, body);

async function createSnapshot(serverId: number, name: string): Promise<ApiAnswer> {
  return api('POST', '/api/v1/snapshots/', { server_id: serverId, name, description: `test ${name}` });
}

async function waitCompleted(id: number) {
  return poll(`snapshot ${id} completed`, async () => {
    const got = await api('GET', `/api/v1/snapshots/${id}/`);
    expect(got.status).toBe(200);
    expect(got.body.status, JSON.stringify(got.body)).not.toBe('failed');
    return got.body.status === 'completed' ? got.body : undefined;
  });
}

async function waitServerBack(id: number): Promise<string> {
  return poll(`server ${id} back from restoring`, async () => {
    const got = await api('GET', `/api/v1/servers/${id}/`);
    expect(got.status).toBe(200);
    return got.body.status === 'restoring' ? undefined : (got.body.status as string);
  });
}

/** size_mb as the design defines it: MiB of the image outside all-zero 4 MiB chunks. */
async function expectedSizeMb(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(4 * MiB);
    let dataBytes = 0;
    for (let offset = 0; offset < size; offset += buffer.length) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (buffer.subarray(0, bytesRead).some((b) => b !== 0)) dataBytes += bytesRead;
    }
    return Math.ceil(dataBytes / MiB);
  } finally {
    await handle.close();
  }
}

async function openJobs(serverId: number) {
  return service.running.services.db
    .selectFrom('jobs')
    .selectAll()
    .where('server_id', '=', serverId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

describe('restore over HTTP', () => {
  it('restores a running server byte for byte from a changed and grown disk, and it runs again', async () => {
    const server = await addServer('web', 96, 30, 11);
    const original = await sha256File(server.diskPath);
    const originalSize = await fileSize(server.diskPath);

    const created = await createSnapshot(server.id, 'before-update');
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('in_progress');
    expect(created.body.size_mb).toBeNull();
    const done = await waitCompleted(created.body.id);
    expect(done.size_mb).toBe(await expectedSizeMb(server.diskPath));
    expect(done.size_mb).toBeGreaterThan(0);
    expect(done.progress).toBe(100);
    // Taking the snapshot changed nothing on the disk.
    expect(await sha256File(server.diskPath)).toBe(original);

    // The customer changes the disk: rewrites data, writes into holes, and the disk grows.
    await patchFile(server.diskPath, 3 * MiB, seededBytes(901, 2 * MiB + 17));
    await patchFile(server.diskPath, 40 * MiB + 1, textBlock('changed', 700_000));
    await patchFile(server.diskPath, 95 * MiB, seededBytes(902, 6 * MiB + 321));
    expect(await fileSize(server.diskPath)).toBeGreaterThan(originalSize);
    expect(await sha256File(server.diskPath)).not.toBe(original);

    const restore = await api('POST', `/api/v1/snapshots/${created.body.id}/restore/`);
    expect(restore.status, restore.text).toBe(200);
    expect(restore.body.status).toBe('success');
    expect(restore.body.snapshot).toMatchObject({ id: created.body.id, name: 'before-update' });
    expect(restore.body.server).toEqual({ id: server.id, name: 'web', status: 'restoring' });

    // While it restores, the server takes neither a new snapshot nor a second restore.
    const refused = await createSnapshot(server.id, 'during-restore');
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.code).toBe('server_restoring');
    const again = await api('POST', `/api/v1/snapshots/${created.body.id}/restore/`);
    expect(again.status, again.text).toBe(400);

    expect(await waitServerBack(server.id)).toBe('running');
    expect(await fileSize(server.diskPath)).toBe(originalSize);
    expect(await sha256File(server.diskPath)).toBe(original);

    // The refused create left no snapshot behind, and the server takes snapshots again.
    const list = await api('GET', `/api/v1/snapshots/?server_id=${server.id}`);
    expect(list.body.count).toBe(1);
    const after = await createSnapshot(server.id, 'after-restore');
    expect(after.status).toBe(201);
    await waitCompleted(after.body.id);
    const state = await expectConsistentStore(service.dataDir, server.id);
    expect([...state.manifests.keys()].sort()).toEqual(
      [String(created.body.id), String(after.body.id)].sort(),
    );
  });

  it('a stopped server stays stopped after a restore onto a shrunk, rewritten disk', async () => {
    const server = await addServer('db', 64, 20, 12);
    const stopped = await api('POST', `/api/v1/servers/${server.id}/stop/`);
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    const original = await sha256File(server.diskPath);

    const created = await createSnapshot(server.id, 'cold');
    expect(created.status).toBe(201);
    await waitCompleted(created.body.id);

    await truncate(server.diskPath, 37 * MiB + 5);
    await patchFile(server.diskPath, 10 * MiB + 3, seededBytes(77, 3 * MiB));
    expect(await sha256File(server.diskPath)).not.toBe(original);

    const restore = await api('POST', `/api/v1/snapshots/${created.body.id}/restore/`);
    expect(restore.status, restore.text).toBe(200);
    expect(restore.body.server.status).toBe('restoring');
    expect(await waitServerBack(server.id)).toBe('stopped');
    expect(await fileSize(server.diskPath)).toBe(64 * MiB);
    expect(await sha256File(server.diskPath)).toBe(original);
    await expectConsistentStore(service.dataDir, server.id);
  });

  it('refuses to restore a snapshot still being taken, and deleting it mid-capture stops it and frees its slot', async () => {
    const server = await addServer('big', 512, 150, 13);

    const first = await createSnapshot(server.id, 'doomed');
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('in_progress');
    const early = await api('POST', `/api/v1/snapshots/${first.body.id}/restore/`);
    expect(early.status, early.text).toBe(400);
    expect(early.body.code).toBe('snapshot_not_restorable');
    expect((await api('GET', `/api/v1/servers/${server.id}/`)).body.status).toBe('running');

    // Four more fill the limit of 5 (they queue behind the first, on the same server).
    const others: number[] = [];
    for (let i = 2; i <= 5; i++) {
      const more = await createSnapshot(server.id, `keep-${i}`);
      expect(more.status, more.text).toBe(201);
      others.push(more.body.id);
    }
    const sixth = await createSnapshot(server.id, 'too-many');
    expect(sixth.status).toBe(400);
    expect(sixth.body.code).toBe('snapshot_limit_reached');

    // Delete the first while its capture is visibly under way.
    const seen = await poll(
      'the capture to be under way',
      async () => {
        const got = await api('GET', `/api/v1/snapshots/${first.body.id}/`);
        expect(got.body.status).toBe('in_progress');
        return got.body.progress >= 1 ? got.body : undefined;
      },
      { everyMs: 20 },
    );
    expect(seen.progress).toBeLessThan(100);
    const deleted = await api('DELETE', `/api/v1/snapshots/${first.body.id}/`);
    expect(deleted.status, deleted.text).toBe(204);
    expect(deleted.text).toBe('');
    expect((await api('GET', `/api/v1/snapshots/${first.body.id}/`)).status).toBe(404);

    // Its slot is free at once.
    const replacement = await createSnapshot(server.id, 'replacement');
    expect(replacement.status, replacement.text).toBe(201);
    others.push(replacement.body.id);
    expect((await createSnapshot(server.id, 'still-too-many')).body.code).toBe('snapshot_limit_reached');

    for (const id of others) await waitCompleted(id);
    await poll('every job of the server to end', async () => (await openJobs(server.id)).length === 0, {
      timeoutMs: 90_000,
    });

    const jobs = await service.running.services.db
      .selectFrom('jobs')
      .selectAll()
      .where('snapshot_id', '=', first.body.id)
      .orderBy('id')
      .execute();
    const state = await expectConsistentStore(service.dataDir, server.id);
    expect(state.manifests.has(String(first.body.id))).toBe(false);
    expect([...state.manifests.keys()].map(Number).sort((a, b) => a - b)).toEqual(
      [...others].sort((a, b) => a - b),
    );
    const list = await api('GET', `/api/v1/snapshots/?server_id=${server.id}`);
    expect(list.body.count).toBe(5);
    expect(list.body.results.map((s: { id: number }) => s.id)).not.toContain(first.body.id);
    const capture = jobs.find((j) => j.type === 'capture');
    const deletion = jobs.find((j) => j.type === 'delete');
    // The capture was stopped, not run to its end, and the delete job then cleaned up.
    expect(capture?.status, `capture job of the deleted snapshot: ${JSON.stringify(capture)}`).toBe(
      'cancelled',
    );
    expect(deletion?.status).toBe('succeeded');
  });
});
