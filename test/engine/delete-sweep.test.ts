import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  captureDisk,
  deleteSnapshot,
  ManifestInvalid,
  restoreDisk,
  sweepNamespace,
  verifySnapshot,
} from '../../src/engine/index.ts';
import {
  KiB,
  MiB,
  patchFile,
  pathExists,
  seededBytes,
  sha256File,
  writeRandomDisk,
} from '../helpers/disk-images.ts';
import { chunkSet, makeWorkspace, manifestChunks, sorted, TempDirs, type Workspace } from './helpers.ts';

const NS = 'srv-del';
const chunkSize = 64 * KiB;
const temp = new TempDirs();
let ws: Workspace;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
});
afterEach(async () => {
  await temp.cleanup();
});

async function capture(snapshotId: string, diskPath: string) {
  return captureDisk({ store: ws.store, namespace: NS, snapshotId, diskPath, chunkSize });
}

describe('deleteSnapshot', () => {
  it('removes exactly the chunks only the deleted snapshot used; the other still restores', async () => {
    const diskA = ws.disk('a.img');
    await writeRandomDisk(diskA, 8 * MiB, 1);
    const diskB = ws.disk('b.img');
    await copyFile(diskA, diskB);
    for (const index of [1, 2, 50, 51, 100, 127])
      await patchFile(diskB, index * chunkSize + 9, seededBytes(index, 32));
    await patchFile(diskB, 8 * MiB, seededBytes(999, 200 * KiB)); // B is also longer: chunks A never had
    const hashB = await sha256File(diskB);

    const a = await capture('A', diskA);
    const b = await capture('B', diskB);
    const chunksA = manifestChunks(a.manifest);
    const chunksB = manifestChunks(b.manifest);
    const onlyA = [...chunksA].filter((digest) => !chunksB.has(digest));
    expect(onlyA).toHaveLength(6);
    expect([...chunksA].filter((digest) => chunksB.has(digest)).length).toBeGreaterThan(100);
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(sorted(new Set([...chunksA, ...chunksB])));

    const removed = await deleteSnapshot(ws.store, NS, 'A');
    expect(removed.removedChunks).toBe(onlyA.length);
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(sorted(chunksB));
    expect(await ws.store.listManifests(NS)).toEqual(['B']);
    expect(await ws.store.getManifest(NS, 'A')).toBeNull();

    expect((await verifySnapshot(ws.store, NS, 'B')).ok).toBe(true);
    const out = ws.disk('out-b.img');
    await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'B', diskPath: out });
    expect(await sha256File(out)).toBe(hashB);

    const removedB = await deleteSnapshot(ws.store, NS, 'B');
    expect(removedB.removedChunks).toBe(chunksB.size);
    expect((await chunkSet(ws.store, NS)).size).toBe(0);
    expect(await ws.store.listManifests(NS)).toEqual([]);
  });

  it('deleting a snapshot that does not exist removes nothing that is referenced', async () => {
    const disk = ws.disk('d.img');
    await writeRandomDisk(disk, 1 * MiB, 2);
    const { manifest } = await capture('keep', disk);
    const result = await deleteSnapshot(ws.store, NS, 'never-existed');
    expect(result.removedChunks).toBe(0);
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(sorted(manifestChunks(manifest)));
  });
});

describe('leftovers of interrupted work', () => {
  async function leaveLeftovers() {
    const keepDisk = ws.disk('keep.img');
    await writeRandomDisk(keepDisk, 2 * MiB, 3);
    const keep = await capture('keep', keepDisk);
    // A "crashed" capture: its chunks are stored but its manifest never got written.
    const crashDisk = ws.disk('crash.img');
    await copyFile(keepDisk, crashDisk);
    await patchFile(crashDisk, 2 * MiB, seededBytes(4, 1 * MiB));
    const crashed = await capture('crashed', crashDisk);
    await ws.store.deleteManifest(NS, 'crashed');
    const orphans = [...manifestChunks(crashed.manifest)].filter(
      (d) => !manifestChunks(keep.manifest).has(d),
    );
    expect(orphans).toHaveLength(16);
    // A half-written file of an interrupted write.
    const tmp = path.join(ws.store.root, NS, 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, '12345-deadbeef.tmp'), seededBytes(5, 1000));
    return { keep, orphans, tmp, keepHash: await sha256File(keepDisk) };
  }

  it('sweepNamespace removes chunks no manifest references and stray temporary files', async () => {
    const { keep, orphans, tmp, keepHash } = await leaveLeftovers();
    const result = await sweepNamespace(ws.store, NS);
    expect(result).toEqual({ removedChunks: orphans.length, removedLeftovers: 1 });
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(sorted(manifestChunks(keep.manifest)));
    expect(await readdir(tmp)).toEqual([]);
    expect((await verifySnapshot(ws.store, NS, 'keep')).ok).toBe(true);
    const out = ws.disk('out.img');
    await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'keep', diskPath: out });
    expect(await sha256File(out)).toBe(keepHash);
    // A second sweep has nothing left to do.
    expect(await sweepNamespace(ws.store, NS)).toEqual({ removedChunks: 0, removedLeftovers: 0 });
  });

  it('deleteSnapshot sweeps them too', async () => {
    const { keep, orphans, tmp } = await leaveLeftovers();
    const other = ws.disk('other.img');
    await writeRandomDisk(other, 256 * KiB, 6);
    const extra = await capture('extra', other);
    const result = await deleteSnapshot(ws.store, NS, 'extra');
    expect(result.removedChunks).toBe(orphans.length + manifestChunks(extra.manifest).size);
    expect(result.removedLeftovers).toBe(1);
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(sorted(manifestChunks(keep.manifest)));
    expect(await readdir(tmp)).toEqual([]);
  });

  it('a manifest that cannot be read stops the sweep before anything is removed', async () => {
    const { tmp } = await leaveLeftovers();
    const before = sorted(await chunkSet(ws.store, NS));
    await ws.store.putManifest(NS, 'broken', Buffer.from('{"format":1,'));
    await expect(sweepNamespace(ws.store, NS)).rejects.toBeInstanceOf(ManifestInvalid);
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(before);
    expect(await pathExists(path.join(tmp, '12345-deadbeef.tmp'))).toBe(true);
  });
});
