import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDisk, DEFAULT_CHUNK_SIZE, restoreDisk } from '../../src/engine/index.ts';
import {
  KiB,
  MiB,
  patchFile,
  seededBytes,
  sha256File,
  writeDisk,
  writeRandomDisk,
} from '../helpers/disk-images.ts';
import { chunkSet, makeWorkspace, sorted, TempDirs, type Workspace } from './helpers.ts';

const NS = 'srv-dedup';
const temp = new TempDirs();
let ws: Workspace;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
});
afterEach(async () => {
  await temp.cleanup();
});

/** Deterministic offsets for the scattered writes (a tiny LCG, so a failure is reproducible). */
function scatteredWrites(size: number, count: number, length: number, seed: number): number[] {
  let x = seed;
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    offsets.push(Math.floor((x / 2 ** 31) * (size - length)));
  }
  return offsets;
}

const cases = [
  { label: '64 KiB chunks', size: 16 * MiB, chunkSize: 64 * KiB, writes: 5, writeLength: 4 * KiB },
  {
    label: 'default 4 MiB chunks',
    size: 32 * MiB,
    chunkSize: DEFAULT_CHUNK_SIZE,
    writes: 2,
    writeLength: 8 * KiB,
  },
];

describe.each(cases)('dedup with $label', ({ size, chunkSize, writes, writeLength }) => {
  const chunks = size / chunkSize;

  it('a second capture of an unchanged disk stores no new chunk', async () => {
    const disk = ws.disk('disk.img');
    await writeRandomDisk(disk, size, 5);
    const first = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's1',
      diskPath: disk,
      chunkSize,
    });
    expect(first.newChunks).toBe(chunks);
    const before = await chunkSet(ws.store, NS);
    expect(before.size).toBe(chunks);

    const second = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's2',
      diskPath: disk,
      chunkSize,
    });
    expect(second.newChunks).toBe(0);
    expect(second.reusedChunks).toBe(chunks);
    expect(second.manifest.storedBytes).toBe(0);
    expect(second.manifest.chunks).toEqual(first.manifest.chunks);
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(sorted(before));
  });

  it('after a few scattered small writes the next capture stores exactly the touched chunks', async () => {
    const disk = ws.disk('disk.img');
    await writeRandomDisk(disk, size, 6);
    const first = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's1',
      diskPath: disk,
      chunkSize,
    });
    const before = await chunkSet(ws.store, NS);

    const touched = new Set<number>();
    // One write straddles a chunk boundary on purpose, so it touches two chunks.
    const offsets = [...scatteredWrites(size, writes - 1, writeLength, 42), chunkSize * 2 - writeLength / 2];
    for (const [i, offset] of offsets.entries()) {
      await patchFile(disk, offset, seededBytes(1000 + i, writeLength));
      for (
        let c = Math.floor(offset / chunkSize);
        c <= Math.floor((offset + writeLength - 1) / chunkSize);
        c++
      ) {
        touched.add(c);
      }
    }
    expect(touched.size).toBeGreaterThan(writes - 1);
    expect(touched.size / chunks).toBeLessThan(0.5);

    const second = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's2',
      diskPath: disk,
      chunkSize,
    });
    expect(second.newChunks).toBe(touched.size);
    expect(second.reusedChunks).toBe(chunks - touched.size);

    const after = await chunkSet(ws.store, NS);
    expect(after.size - before.size).toBe(touched.size);
    const added = sorted([...after].filter((digest) => !before.has(digest)));
    const expectedAdded = sorted([...touched].map((index) => second.manifest.chunks[index] ?? 'zero?'));
    expect(added).toEqual(expectedAdded);
    // Untouched chunks keep their digests; touched ones got new ones.
    second.manifest.chunks.forEach((digest, index) => {
      if (touched.has(index)) expect(digest).not.toBe(first.manifest.chunks[index]);
      else expect(digest).toBe(first.manifest.chunks[index]);
    });

    // And the incremental snapshot is still a whole snapshot.
    const hash = await sha256File(disk);
    const out = ws.disk('out.img');
    await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 's2', diskPath: out });
    expect(await sha256File(out)).toBe(hash);
  });
});

describe('dedup inside one image', () => {
  it('identical chunks of one disk are stored once', async () => {
    const chunkSize = 64 * KiB;
    const disk = ws.disk('repeat.img');
    const block = seededBytes(77, chunkSize);
    await writeDisk(disk, 10 * chunkSize, []);
    for (const index of [0, 3, 4, 9]) await patchFile(disk, index * chunkSize, block);
    await patchFile(disk, 6 * chunkSize, seededBytes(78, chunkSize));
    const result = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's',
      diskPath: disk,
      chunkSize,
    });
    expect(result.newChunks).toBe(2);
    expect(result.reusedChunks).toBe(3);
    expect(result.zeroChunks).toBe(5);
    expect((await chunkSet(ws.store, NS)).size).toBe(2);
    const out = ws.disk('out.img');
    await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 's', diskPath: out });
    expect(await sha256File(out)).toBe(await sha256File(disk));
  });
});
