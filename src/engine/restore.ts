import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BufferPool, forEachBounded } from './bounded.ts';
import { type ProgressCallback, readFully } from './capture.ts';
import { decodeChunk, digestOf, isAllZero } from './chunk-codec.ts';
import type { ChunkStore } from './chunk-store.ts';
import { ChunkMissing, throwIfAborted } from './errors.ts';
import { chunkLength, readManifest } from './manifest.ts';

export interface RestoreOptions {
  store: ChunkStore;
  namespace: string;
  snapshotId: string;
  diskPath: string;
  concurrency?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface RestoreResult {
  chunksWritten: number;
  chunksUnchanged: number;
  bytesWritten: number;
  imageSize: number;
}

/**
 * Makes the disk byte-identical to a snapshot, writing only the chunks that differ. Every chunk taken
 * from the store is checked against its digest before any of its bytes reach the disk; the disk's size is
 * changed only once the first write is due. Running it again after an interruption converges.
 */
export async function restoreDisk(options: RestoreOptions): Promise<RestoreResult> {
  const { store, namespace, snapshotId, diskPath, signal, onProgress } = options;
  const concurrency = options.concurrency ?? 6;
  throwIfAborted(signal, 'restore');
  const manifest = await readManifest(store, namespace, snapshotId);
  const { imageSize, chunkSize, chunks } = manifest;

  // A missing chunk is found before the disk is opened for writing, so it leaves the disk untouched.
  const firstIndex = new Map<string, number>();
  chunks.forEach((digest, index) => {
    if (digest && !firstIndex.has(digest)) firstIndex.set(digest, index);
  });
  const unique = [...firstIndex.entries()];
  await forEachBounded(unique.length, 16, async (i) => {
    const [digest, index] = unique[i]!;
    if (!(await store.hasChunk(namespace, digest))) throw new ChunkMissing(digest, index);
  });

  const disk = await open(diskPath, constants.O_RDWR | constants.O_CREAT, 0o600);
  try {
    const sizeBefore = (await disk.stat()).size;
    const fresh = sizeBefore === 0;
    let sized: Promise<void> | undefined;
    const ensureSized = (): Promise<void> => {
      sized ??= sizeBefore === imageSize ? Promise.resolve() : disk.truncate(imageSize);
      return sized;
    };
    // An empty target is sized (all holes) at its first write, so only data chunks are ever written.

    const pool = new BufferPool(chunkSize);
    let chunksWritten = 0;
    let bytesWritten = 0;
    let bytesDone = 0;
    onProgress?.(0, imageSize);

    await forEachBounded(chunks.length, concurrency, async (index) => {
      throwIfAborted(signal, 'restore');
      const expected = chunks[index] ?? null;
      const length = chunkLength(imageSize, chunkSize, index);
      const position = index * chunkSize;
      let content: Buffer | null = null;
      if (fresh) {
        if (expected)
          content = await decodeChunk(await getChunk(store, namespace, expected, index), expected, index);
      } else {
        const buffer = pool.take();
        try {
          const current = buffer.subarray(0, length);
          await readFully(disk, current, position);
          if (expected === null) {
            if (!isAllZero(current)) content = Buffer.alloc(length);
          } else if ((await digestOf(current)) !== expected) {
            content = await decodeChunk(await getChunk(store, namespace, expected, index), expected, index);
          }
        } finally {
          pool.give(buffer);
        }
      }
      if (content) {
        if (content.length !== length)
          throw new Error(`chunk ${index} has ${content.length} bytes, expected ${length}`);
        throwIfAborted(signal, 'restore');
        await ensureSized();
        // A fresh target is all holes already: its zero blocks stay holes, as they were on the source.
        if (fresh) await writeNonZeroRuns(disk, content, position);
        else await writeFully(disk, content, position);
        chunksWritten++;
        bytesWritten += length;
      }
      bytesDone += length;
      onProgress?.(bytesDone, imageSize);
    });

    await ensureSized();
    await disk.sync();
    return { chunksWritten, chunksUnchanged: chunks.length - chunksWritten, bytesWritten, imageSize };
  } finally {
    await disk.close();
  }
}

async function getChunk(
  store: ChunkStore,
  namespace: string,
  digest: string,
  index: number,
): Promise<Buffer> {
  try {
    return await store.getChunk(namespace, digest);
  } catch (error) {
    if (error instanceof ChunkMissing) throw new ChunkMissing(digest, index);
    throw error;
  }
}

async function writeFully(
  handle: Awaited<ReturnType<typeof open>>,
  data: Buffer,
  position: number,
): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, position + offset);
    offset += bytesWritten;
  }
}

const BLOCK = 4096;
/** Zero runs shorter than this are written anyway: a few KiB of zeros cost less than another syscall. */
const MIN_HOLE = 64 * 1024;
const zeroBlock = Buffer.alloc(BLOCK);

function isZeroBlock(data: Buffer, start: number, end: number): boolean {
  return data.compare(zeroBlock, 0, end - start, start, end) === 0;
}

/** Writes `data` at `position` except its all-zero runs of at least MIN_HOLE bytes (block-aligned). */
async function writeNonZeroRuns(
  handle: Awaited<ReturnType<typeof open>>,
  data: Buffer,
  position: number,
): Promise<void> {
  let runStart = -1; // start of the data run being collected
  let zeroStart = -1; // start of the zero blocks trailing it
  for (let at = 0; at < data.length; at += BLOCK) {
    const end = Math.min(at + BLOCK, data.length);
    if (isZeroBlock(data, at, end)) {
      if (zeroStart < 0) zeroStart = at;
      continue;
    }
    if (runStart >= 0 && zeroStart >= 0 && at - zeroStart >= MIN_HOLE) {
      await writeFully(handle, data.subarray(runStart, zeroStart), position + runStart);
      runStart = -1;
    }
    if (runStart < 0) runStart = at;
    zeroStart = -1;
  }
  if (runStart >= 0) {
    const end = zeroStart >= 0 ? zeroStart : data.length;
    await writeFully(handle, data.subarray(runStart, end), position + runStart);
  }
}
