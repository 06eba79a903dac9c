import { rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDisk, DEFAULT_CHUNK_SIZE, readManifest, restoreDisk } from '../../src/engine/index.ts';
import {
  allocatedBytes,
  fileSize,
  KiB,
  MiB,
  type Region,
  sha256File,
  writeDisk,
  writeRandomDisk,
} from '../helpers/disk-images.ts';
import { chunkFile, makeWorkspace, TempDirs, type Workspace } from './helpers.ts';

const NS = 'srv-1';
const temp = new TempDirs();
let ws: Workspace;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
});
afterEach(async () => {
  await temp.cleanup();
});

/** Captures `source`, restores it onto a path that does not exist yet and checks the bytes are identical. */
async function roundTrip(source: string, chunkSize?: number): Promise<{ target: string; hash: string }> {
  const hash = await sha256File(source);
  const captured = await captureDisk({
    store: ws.store,
    namespace: NS,
    snapshotId: 'snap',
    diskPath: source,
    chunkSize,
  });
  expect(captured.manifest.imageSize).toBe(await fileSize(source));
  expect(captured.manifest.chunkSize).toBe(chunkSize ?? DEFAULT_CHUNK_SIZE);
  const target = ws.disk('restored.img');
  const restored = await restoreDisk({
    store: ws.store,
    namespace: NS,
    snapshotId: 'snap',
    diskPath: target,
  });
  expect(restored.imageSize).toBe(captured.manifest.imageSize);
  expect(await fileSize(target)).toBe(captured.manifest.imageSize);
  expect(await sha256File(target)).toBe(hash);
  return { target, hash };
}

describe('capture → restore onto a new file gives identical bytes', () => {
  it('an empty (0-byte) disk', async () => {
    const source = ws.disk('empty.img');
    await writeFile(source, Buffer.alloc(0));
    await roundTrip(source);
    const manifest = await readManifest(ws.store, NS, 'snap');
    expect(manifest.chunks).toEqual([]);
    expect(manifest.dataBytes).toBe(0);
  });

  it('a disk whose size is not a multiple of the (default 4 MiB) chunk size', async () => {
    const source = ws.disk('odd.img');
    const size = 2 * DEFAULT_CHUNK_SIZE + 12_345;
    await writeRandomDisk(source, size, 11);
    await roundTrip(source);
    const manifest = await readManifest(ws.store, NS, 'snap');
    expect(manifest.chunks).toHaveLength(3);
    expect(manifest.chunks.every((digest) => digest !== null)).toBe(true);
  });

  it('a disk smaller than one chunk, and one a byte short of / past a chunk boundary (64 KiB chunks)', async () => {
    for (const size of [1, 1000, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 5 * 64 * KiB - 1]) {
      const source = ws.disk(`size-${size}.img`);
      await writeRandomDisk(source, size, size);
      await roundTrip(source, 64 * KiB);
    }
  });

  it('random data (default chunk size)', async () => {
    const source = ws.disk('random.img');
    await writeRandomDisk(source, 12 * MiB, 3);
    await roundTrip(source);
  });

  it('a sparse disk with only its last byte set', async () => {
    const source = ws.disk('last-byte.img');
    const size = 3 * DEFAULT_CHUNK_SIZE + 777;
    await writeDisk(source, size, [{ kind: 'fill', offset: size - 1, length: 1, byte: 0xa5 }]);
    const { target } = await roundTrip(source);
    const manifest = await readManifest(ws.store, NS, 'snap');
    expect(manifest.chunks.slice(0, 3)).toEqual([null, null, null]);
    expect(manifest.chunks[3]).toMatch(/^[0-9a-f]{64}$/);
    // Only the last (777-byte) chunk holds data, so the restored file is almost all holes.
    expect(await allocatedBytes(target)).toBeLessThan(1 * MiB);
  });

  const mixed: Region[] = [
    { kind: 'random', offset: 0, length: 300 * KiB, seed: 1 }, // chunk 3 (12–16 MiB at 4 MiB) stays a hole
    { kind: 'fill', offset: 5 * MiB + 3, length: 2 * MiB, byte: 0x11 },
    { kind: 'random', offset: 9 * MiB - 17, length: 100 * KiB, seed: 2 },
    { kind: 'fill', offset: 10 * MiB + 5, length: 4097, byte: 0xff },
    { kind: 'random', offset: 19 * MiB + 12_345, length: 1 * MiB, seed: 3 },
    { kind: 'fill', offset: 24 * MiB - 1, length: 1, byte: 0x01 },
  ];
  for (const chunkSize of [DEFAULT_CHUNK_SIZE, 64 * KiB]) {
    it(`mixed data and holes (chunk size ${chunkSize / KiB} KiB)`, async () => {
      const source = ws.disk('mixed.img');
      await writeDisk(source, 24 * MiB, mixed);
      expect(await allocatedBytes(source)).toBeLessThan(12 * MiB); // the source really is sparse
      await roundTrip(source, chunkSize);
      const manifest = await readManifest(ws.store, NS, 'snap');
      expect(manifest.chunks.some((digest) => digest === null)).toBe(true);
      expect(manifest.chunks.some((digest) => digest !== null)).toBe(true);
      // dataBytes counts the bytes of non-zero chunks; storedBytes what their stored blobs take.
      const size = manifest.imageSize;
      const dataBytes = manifest.chunks.reduce(
        (sum, digest, index) => sum + (digest ? Math.min(chunkSize, size - index * chunkSize) : 0),
        0,
      );
      expect(manifest.dataBytes).toBe(dataBytes);
      let stored = 0;
      for (const digest of new Set(manifest.chunks)) {
        if (digest) stored += await fileSize(chunkFile(ws.store, NS, digest));
      }
      expect(manifest.storedBytes).toBe(stored);
    });
  }

  it('chunk sizes that are not powers of two', async () => {
    const source = ws.disk('odd-chunks.img');
    await writeDisk(source, 1 * MiB + 3, [
      { kind: 'random', offset: 1000, length: 300 * KiB, seed: 5 },
      { kind: 'fill', offset: 700 * KiB, length: 100 * KiB, byte: 0x5c },
      { kind: 'random', offset: 1 * MiB - 2, length: 5, seed: 6 },
    ]);
    for (const chunkSize of [4097, 100_000, 1 * MiB + 3, 2 * MiB]) {
      await roundTrip(source, chunkSize);
      await rm(ws.disk('restored.img'));
    }
  });

  it('any concurrency gives the same snapshot and the same restored bytes', async () => {
    const source = ws.disk('conc.img');
    await writeDisk(source, 2 * MiB + 5, [
      { kind: 'random', offset: 0, length: 1 * MiB, seed: 7 },
      { kind: 'fill', offset: 1536 * KiB, length: 10 * KiB, byte: 3 },
    ]);
    const hash = await sha256File(source);
    const digests = new Set<string>();
    for (const [i, concurrency] of [1, 2, 64].entries()) {
      const { manifest } = await captureDisk({
        store: ws.store,
        namespace: NS,
        snapshotId: `c${i}`,
        diskPath: source,
        chunkSize: 64 * KiB,
        concurrency,
      });
      digests.add(manifest.imageDigest);
      const out = ws.disk(`conc-${i}.img`);
      await restoreDisk({ store: ws.store, namespace: NS, snapshotId: `c${i}`, diskPath: out, concurrency });
      expect(await sha256File(out)).toBe(hash);
    }
    expect(digests.size).toBe(1);
  });
});

describe('restore onto an empty target leaves all-zero chunks as holes', () => {
  const size = 32 * MiB;
  const regions: Region[] = [
    { kind: 'random', offset: 1 * MiB, length: 64 * KiB, seed: 9 },
    { kind: 'fill', offset: 20 * MiB, length: 4 * KiB, byte: 0x42 },
  ];

  for (const target of ['missing', 'empty'] as const) {
    it(`onto a ${target === 'missing' ? 'path that does not exist' : '0-byte file'}`, async () => {
      const source = ws.disk('mostly-holes.img');
      await writeDisk(source, size, regions);
      const hash = await sha256File(source);
      const { manifest } = await captureDisk({
        store: ws.store,
        namespace: NS,
        snapshotId: 'snap',
        diskPath: source,
      });
      const dataChunks = manifest.chunks.filter((digest) => digest !== null).length;
      expect(dataChunks).toBe(2);

      const out = ws.disk('out.img');
      if (target === 'empty') await writeFile(out, Buffer.alloc(0));
      const result = await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: out });
      expect(result.chunksWritten).toBe(dataChunks);
      expect(await sha256File(out)).toBe(hash);
      expect(await fileSize(out)).toBe(size);
      // At most the two data chunks are allocated (plus a little filesystem slack): the rest stayed holes.
      const allocated = await allocatedBytes(out);
      expect(allocated).toBeLessThanOrEqual(dataChunks * DEFAULT_CHUNK_SIZE + 64 * KiB);
      expect(allocated).toBeLessThan(size / 3);
    });
  }
});
