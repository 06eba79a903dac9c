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
        await writeFully(disk, content, position);
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
