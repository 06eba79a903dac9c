import { copyFile, truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDisk, DEFAULT_CHUNK_SIZE, type Manifest, restoreDisk } from '../../src/engine/index.ts';
import {
  fileSize,
  KiB,
  MiB,
  patchFile,
  pathExists,
  type Region,
  seededBytes,
  sha256File,
  writeDisk,
  writeRandomDisk,
} from '../helpers/disk-images.ts';
import { makeWorkspace, TempDirs, type Workspace } from './helpers.ts';

const NS = 'srv-restore';
const CHUNK = DEFAULT_CHUNK_SIZE;
const SIZE = 6 * CHUNK + 1000; // 7 chunks, the last one partial
// Chunk 0 random, 1 filled, 2 hole, 3 random, 4 hole, 5 random+fill, 6 (partial) random.
const REGIONS: Region[] = [
  { kind: 'random', offset: 0, length: CHUNK, seed: 1 },
  { kind: 'fill', offset: 1 * CHUNK, length: CHUNK, byte: 0x33 },
  { kind: 'random', offset: 3 * CHUNK + 100, length: 2 * MiB, seed: 2 },
  { kind: 'random', offset: 5 * CHUNK, length: 1 * MiB, seed: 3 },
  { kind: 'fill', offset: 5 * CHUNK + 2 * MiB, length: 1 * MiB, byte: 0x99 },
  { kind: 'random', offset: 6 * CHUNK, length: 1000, seed: 4 },
];

const temp = new TempDirs();
let ws: Workspace;
let image: string;
let imageHash: string;
let manifest: Manifest;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
  image = ws.disk('image.img');
  await writeDisk(image, SIZE, REGIONS);
  imageHash = await sha256File(image);
  ({ manifest } = await captureDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: image }));
  expect(manifest.chunks.map((digest) => digest !== null)).toEqual([
    true,
    true,
    false,
    true,
    false,
    true,
    true,
  ]);
});
afterEach(async () => {
  await temp.cleanup();
});

const dataChunks = (): number => manifest.chunks.filter((digest) => digest !== null).length;

async function restoreOnto(target: string) {
  const result = await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: target });
  expect(await fileSize(target)).toBe(SIZE);
  expect(await sha256File(target)).toBe(imageHash);
  expect(result.imageSize).toBe(SIZE);
  expect(result.chunksWritten + result.chunksUnchanged).toBe(manifest.chunks.length);
  return result;
}

describe('restore onto', () => {
  it('a changed disk writes only the chunks that differ', async () => {
    const target = ws.disk('changed.img');
    await copyFile(image, target);
    await patchFile(target, 0 * CHUNK + 5, seededBytes(10, 100)); // data chunk changed
    await patchFile(target, 2 * CHUNK + 7, seededBytes(11, 1)); // hole that got data: must be zeroed again
    await patchFile(target, 6 * CHUNK + 999, Buffer.of(0)); // last byte of the partial last chunk
    const changed = 3;
    const result = await restoreOnto(target);
    expect(result.chunksWritten).toBe(changed);
    expect(result.chunksUnchanged).toBe(manifest.chunks.length - changed);
  });

  it('a missing file creates it', async () => {
    const target = ws.disk('does-not-exist.img');
    expect(await pathExists(target)).toBe(false);
    const result = await restoreOnto(target);
    expect(result.chunksWritten).toBe(dataChunks());
  });

  it('an empty file', async () => {
    const target = ws.disk('empty.img');
    await writeFile(target, Buffer.alloc(0));
    const result = await restoreOnto(target);
    expect(result.chunksWritten).toBe(dataChunks());
  });

  it('a larger disk whose first bytes already match: nothing written, the file shrinks to the image', async () => {
    const target = ws.disk('larger-same.img');
    await copyFile(image, target);
    await patchFile(target, SIZE, seededBytes(12, 3 * MiB)); // extra data past the image's end
    expect(await fileSize(target)).toBe(SIZE + 3 * MiB);
    const result = await restoreOnto(target);
    expect(result.chunksWritten).toBe(0);
  });

  it('a larger disk with other content', async () => {
    const target = ws.disk('larger.img');
    await writeRandomDisk(target, SIZE + 5 * MiB + 3, 13);
    const result = await restoreOnto(target);
    expect(result.chunksWritten).toBe(manifest.chunks.length); // random everywhere, so every chunk differs
  });

  it('a smaller disk that is a prefix of the image: only the missing part is written', async () => {
    const target = ws.disk('smaller.img');
    await copyFile(image, target);
    await truncate(target, 3 * CHUNK + 50); // chunk 3 is cut before its data starts; 4–6 are gone
    const result = await restoreOnto(target);
    // chunk 3 (cut), 5, 6 hold data; chunk 4 is a hole and reads as zeros past the end already.
    expect(result.chunksWritten).toBe(3);
  });

  it('a smaller disk with other content', async () => {
    const target = ws.disk('smaller-other.img');
    await writeRandomDisk(target, 1 * MiB + 7, 14);
    await restoreOnto(target);
  });

  it('a disk in the same place twice: the second run writes nothing', async () => {
    const target = ws.disk('twice.img');
    await writeRandomDisk(target, 2 * MiB, 15);
    const first = await restoreOnto(target);
    expect(first.chunksWritten).toBeGreaterThan(0);
    const second = await restoreOnto(target);
    expect(second.chunksWritten).toBe(0);
    expect(second.bytesWritten).toBe(0);
    expect(second.chunksUnchanged).toBe(manifest.chunks.length);
  });
});

describe('restore of an empty image', () => {
  it('onto a non-empty disk leaves a 0-byte file', async () => {
    const empty = ws.disk('empty-image.img');
    await writeFile(empty, Buffer.alloc(0));
    await captureDisk({ store: ws.store, namespace: NS, snapshotId: 'empty', diskPath: empty });
    const target = ws.disk('full.img');
    await writeRandomDisk(target, 3 * MiB, 30);
    const result = await restoreDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 'empty',
      diskPath: target,
    });
    expect(result.imageSize).toBe(0);
    expect(await fileSize(target)).toBe(0);
  });
});

describe('restore with small chunks onto a changed disk', () => {
  it('writes exactly the changed chunks', async () => {
    const chunkSize = 64 * KiB;
    const source = ws.disk('small-chunks.img');
    await writeRandomDisk(source, 4 * MiB, 20);
    const hash = await sha256File(source);
    await captureDisk({ store: ws.store, namespace: NS, snapshotId: 'small', diskPath: source, chunkSize });
    const target = ws.disk('small-target.img');
    await copyFile(source, target);
    const touched = [0, 7, 8, 33, 63];
    for (const index of touched) await patchFile(target, index * chunkSize + 1234, seededBytes(index, 10));
    const result = await restoreDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 'small',
      diskPath: target,
    });
    expect(result.chunksWritten).toBe(touched.length);
    expect(result.bytesWritten).toBe(touched.length * chunkSize);
    expect(await sha256File(target)).toBe(hash);
  });
});
