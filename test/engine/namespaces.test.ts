import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChunkMissing,
  captureDisk,
  deleteSnapshot,
  InvalidStoreKey,
  ManifestMissing,
  restoreDisk,
  sweepNamespace,
  verifySnapshot,
} from '../../src/engine/index.ts';
import { KiB, MiB, pathExists, sha256File, writeRandomDisk } from '../helpers/disk-images.ts';
import { chunkSet, makeWorkspace, manifestChunks, sorted, TempDirs, type Workspace } from './helpers.ts';

const chunkSize = 64 * KiB;
const temp = new TempDirs();
let ws: Workspace;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
});
afterEach(async () => {
  await temp.cleanup();
});

describe('namespaces', () => {
  it('a snapshot and its chunks in namespace a are invisible in namespace b and never shared', async () => {
    const disk = ws.disk('disk.img');
    await writeRandomDisk(disk, 2 * MiB, 1);
    const hash = await sha256File(disk);
    const a = await captureDisk({
      store: ws.store,
      namespace: 'a',
      snapshotId: 'snap',
      diskPath: disk,
      chunkSize,
    });
    const digests = manifestChunks(a.manifest);
    const first = [...digests][0]!;

    expect(await ws.store.hasChunk('b', first)).toBe(false);
    await expect(ws.store.getChunk('b', first)).rejects.toBeInstanceOf(ChunkMissing);
    expect((await chunkSet(ws.store, 'b')).size).toBe(0);
    expect(await ws.store.listManifests('b')).toEqual([]);
    await expect(
      restoreDisk({ store: ws.store, namespace: 'b', snapshotId: 'snap', diskPath: ws.disk('x.img') }),
    ).rejects.toBeInstanceOf(ManifestMissing);
    expect(await pathExists(ws.disk('x.img'))).toBe(false);
    await expect(verifySnapshot(ws.store, 'b', 'snap')).rejects.toBeInstanceOf(ManifestMissing);

    // The same disk captured in b stores every chunk again: no dedup across namespaces.
    const b = await captureDisk({
      store: ws.store,
      namespace: 'b',
      snapshotId: 'snap',
      diskPath: disk,
      chunkSize,
    });
    expect(b.newChunks).toBe(digests.size);

    // Deleting b's snapshot leaves a's whole.
    await deleteSnapshot(ws.store, 'b', 'snap');
    expect((await chunkSet(ws.store, 'b')).size).toBe(0);
    expect(sorted(await chunkSet(ws.store, 'a'))).toEqual(sorted(digests));
    const out = ws.disk('out.img');
    await restoreDisk({ store: ws.store, namespace: 'a', snapshotId: 'snap', diskPath: out });
    expect(await sha256File(out)).toBe(hash);
  });

  it('sweeping namespace b does not remove chunks that only a references', async () => {
    const disk = ws.disk('disk.img');
    await writeRandomDisk(disk, 512 * KiB, 2);
    const a = await captureDisk({
      store: ws.store,
      namespace: 'a',
      snapshotId: 's',
      diskPath: disk,
      chunkSize,
    });
    expect(await sweepNamespace(ws.store, 'b')).toEqual({ removedChunks: 0, removedLeftovers: 0 });
    expect(sorted(await chunkSet(ws.store, 'a'))).toEqual(sorted(manifestChunks(a.manifest)));
  });
});

describe('engine operations reject invalid keys with InvalidStoreKey', () => {
  const badNamespaces = ['../x', 'a/b', ''];
  const badIds = ['../x', 'a/b', ''];

  it.each(badNamespaces)('namespace %j', async (namespace) => {
    const disk = ws.disk('disk.img');
    await writeRandomDisk(disk, 128 * KiB, 3);
    const target = ws.disk('target.img');
    await expect(
      captureDisk({ store: ws.store, namespace, snapshotId: 'snap', diskPath: disk, chunkSize }),
    ).rejects.toBeInstanceOf(InvalidStoreKey);
    await expect(
      restoreDisk({ store: ws.store, namespace, snapshotId: 'snap', diskPath: target }),
    ).rejects.toBeInstanceOf(InvalidStoreKey);
    expect(await pathExists(target)).toBe(false);
    await expect(verifySnapshot(ws.store, namespace, 'snap')).rejects.toBeInstanceOf(InvalidStoreKey);
    await expect(sweepNamespace(ws.store, namespace)).rejects.toBeInstanceOf(InvalidStoreKey);
    await expect(deleteSnapshot(ws.store, namespace, 'snap')).rejects.toBeInstanceOf(InvalidStoreKey);
  });

  it.each(badIds)('snapshot id %j', async (snapshotId) => {
    const disk = ws.disk('disk.img');
    await writeRandomDisk(disk, 128 * KiB, 4);
    const target = ws.disk('target.img');
    await expect(
      captureDisk({ store: ws.store, namespace: 'ok', snapshotId, diskPath: disk, chunkSize }),
    ).rejects.toBeInstanceOf(InvalidStoreKey);
    expect(await ws.store.listManifests('ok')).toEqual([]);
    await expect(
      restoreDisk({ store: ws.store, namespace: 'ok', snapshotId, diskPath: target }),
    ).rejects.toBeInstanceOf(InvalidStoreKey);
    expect(await pathExists(target)).toBe(false);
    await expect(verifySnapshot(ws.store, 'ok', snapshotId)).rejects.toBeInstanceOf(InvalidStoreKey);
    await expect(deleteSnapshot(ws.store, 'ok', snapshotId)).rejects.toBeInstanceOf(InvalidStoreKey);
  });
});
