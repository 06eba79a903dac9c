import { copyFile, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChunkCorrupt,
  ChunkMissing,
  captureDisk,
  type Manifest,
  ManifestInvalid,
  restoreDisk,
  verifySnapshot,
} from '../../src/engine/index.ts';
import {
  fileSize,
  flipByte,
  MiB,
  patchFile,
  pathExists,
  type Region,
  seededBytes,
  sha256File,
  writeDisk,
} from '../helpers/disk-images.ts';
import { chunkFile, makeWorkspace, manifestFile, TempDirs, type Workspace } from './helpers.ts';

const NS = 'srv-corrupt';
const chunkSize = 1 * MiB;
const SIZE = 8 * MiB;
const VICTIM = 3; // random data: stored raw
const TEXT_VICTIM = 5; // repetitive text: stored compressed

const text = Buffer.from('The quick brown fox jumps over the lazy dog. 0123456789\n'.repeat(20_000)).subarray(
  0,
  chunkSize,
);
const REGIONS: Region[] = [
  { kind: 'random', offset: 0, length: 5 * MiB, seed: 1 },
  { kind: 'random', offset: 6 * MiB, length: 2 * MiB, seed: 2 },
];

const temp = new TempDirs();
let ws: Workspace;
let image: string;
let manifest: Manifest;

function digestAt(index: number): string {
  const digest = manifest.chunks[index];
  if (!digest) throw new Error(`chunk ${index} is a zero chunk`);
  return digest;
}

beforeEach(async () => {
  ws = await makeWorkspace(temp);
  image = ws.disk('image.img');
  await writeDisk(image, SIZE, REGIONS);
  await patchFile(image, TEXT_VICTIM * chunkSize, text);
  ({ manifest } = await captureDisk({
    store: ws.store,
    namespace: NS,
    snapshotId: 'snap',
    diskPath: image,
    chunkSize,
  }));
  expect(new Set(manifest.chunks).size).toBe(8); // all distinct, none zero
});
afterEach(async () => {
  await temp.cleanup();
});

/** Flips a byte in the middle of the stored payload of chunk `index` (never the codec byte). */
async function corruptChunk(index: number): Promise<{ digest: string; codec: number | undefined }> {
  const digest = digestAt(index);
  const file = chunkFile(ws.store, NS, digest);
  const blob = await readFile(file);
  expect(blob.length).toBeGreaterThan(2);
  await flipByte(file, 1 + Math.floor((blob.length - 1) / 2));
  return { digest, codec: blob[0] };
}

/** A copy of the image where only chunk `index` differs, so that chunk is the only one restore must write. */
async function targetNeeding(index: number, name = 'target.img'): Promise<string> {
  const target = ws.disk(name);
  await copyFile(image, target);
  await patchFile(target, index * chunkSize + 4096, seededBytes(500 + index, 64));
  return target;
}

describe('a stored chunk with one flipped byte', () => {
  for (const [label, index, codec] of [
    ['raw (incompressible) chunk', VICTIM, 0],
    ['compressed chunk', TEXT_VICTIM, 1],
  ] as const) {
    it(`verifySnapshot reports exactly that chunk: ${label}`, async () => {
      const corrupted = await corruptChunk(index);
      expect(corrupted.codec).toBe(codec);
      const result = await verifySnapshot(ws.store, NS, 'snap');
      expect(result.ok).toBe(false);
      expect(result.chunksChecked).toBe(8);
      expect(result.bad).toHaveLength(1);
      expect(result.bad[0]).toMatchObject({ index, digest: corrupted.digest, code: 'chunk_corrupt' });
    });

    it(`restore onto a disk that needs it rejects with ChunkCorrupt and leaves the disk unchanged: ${label}`, async () => {
      const { digest } = await corruptChunk(index);
      const target = await targetNeeding(index);
      const before = await sha256File(target);
      const error = await restoreDisk({
        store: ws.store,
        namespace: NS,
        snapshotId: 'snap',
        diskPath: target,
      }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ChunkCorrupt);
      expect((error as ChunkCorrupt).message).toContain(digest);
      expect((error as ChunkCorrupt).digest).toBe(digest);
      expect((error as ChunkCorrupt).code).toBe('chunk_corrupt');
      expect(await sha256File(target)).toBe(before);
      expect(await fileSize(target)).toBe(SIZE);
    });
  }

  it('restore onto a disk that already holds the right bytes for that chunk still succeeds', async () => {
    await corruptChunk(VICTIM);
    const target = await targetNeeding(0);
    const result = await restoreDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 'snap',
      diskPath: target,
    });
    expect(result.chunksWritten).toBe(1);
    expect(await sha256File(target)).toBe(await sha256File(image));
  });

  it('restore onto a new file rejects with ChunkCorrupt', async () => {
    const { digest } = await corruptChunk(VICTIM);
    const target = ws.disk('fresh.img');
    await expect(
      restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: target }),
    ).rejects.toThrow(new RegExp(`chunk ${digest}.*corrupt`));
  });

  it('a truncated (empty) chunk file is reported as corrupt too', async () => {
    const digest = digestAt(VICTIM);
    await truncate(chunkFile(ws.store, NS, digest), 0);
    const result = await verifySnapshot(ws.store, NS, 'snap');
    expect(result.bad).toEqual([expect.objectContaining({ index: VICTIM, digest, code: 'chunk_corrupt' })]);
  });
});

describe('a deleted chunk file', () => {
  it('verifySnapshot reports it as missing', async () => {
    const digest = digestAt(VICTIM);
    await rm(chunkFile(ws.store, NS, digest));
    const result = await verifySnapshot(ws.store, NS, 'snap');
    expect(result.ok).toBe(false);
    expect(result.bad).toEqual([expect.objectContaining({ index: VICTIM, digest, code: 'chunk_missing' })]);
  });

  it('restore fails with ChunkMissing naming it and does not touch the disk at all', async () => {
    const digest = digestAt(VICTIM);
    await rm(chunkFile(ws.store, NS, digest));
    const target = await targetNeeding(VICTIM);
    await patchFile(target, SIZE, seededBytes(7, 3000)); // larger than the image: restore would shrink it
    const before = await stat(target);
    const hashBefore = await sha256File(target);

    const error = await restoreDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 'snap',
      diskPath: target,
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ChunkMissing);
    expect((error as ChunkMissing).digest).toBe(digest);
    expect((error as ChunkMissing).index).toBe(VICTIM);
    expect((error as ChunkMissing).message).toContain(digest);

    const after = await stat(target);
    expect(after.size).toBe(before.size);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(await sha256File(target)).toBe(hashBefore);
  });

  it('restore onto a path that does not exist fails without creating the file', async () => {
    await rm(chunkFile(ws.store, NS, digestAt(TEXT_VICTIM)));
    const target = ws.disk('never.img');
    await expect(
      restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: target }),
    ).rejects.toBeInstanceOf(ChunkMissing);
    expect(await pathExists(target)).toBe(false);
  });
});

describe('a tampered manifest', () => {
  it('is refused with ManifestInvalid by restore and verify, and the disk is not touched', async () => {
    const file = manifestFile(ws.store, NS, 'snap');
    const body = JSON.parse(await readFile(file, 'utf8')) as { chunks: (string | null)[] };
    // Point chunk 0 at chunk 1's (valid, stored) data: every chunk exists, but the image would be wrong.
    body.chunks[0] = body.chunks[1] ?? null;
    await writeFile(file, JSON.stringify(body));
    const target = await targetNeeding(0);
    const before = await stat(target);
    const hashBefore = await sha256File(target);
    await expect(
      restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: target }),
    ).rejects.toBeInstanceOf(ManifestInvalid);
    await expect(verifySnapshot(ws.store, NS, 'snap')).rejects.toBeInstanceOf(ManifestInvalid);
    expect(await sha256File(target)).toBe(hashBefore);
    expect((await stat(target)).mtimeMs).toBe(before.mtimeMs);
  });
});
