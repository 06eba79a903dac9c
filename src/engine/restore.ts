import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BufferPool, forEachBounded } from './bounded.ts';
import { type ProgressCallback, readFully } from './capture.ts';
import { digestOf, isAllZero, readVerifiedChunk } from './chunk-codec.ts';
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
 * Makes the disk byte-identical to a snapshot, writing only the chunks that differ, and of those only the
 * 4 KiB blocks that differ (runs under 64 KiB are written whole). Every chunk taken
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

    /**
     * Writes a verified chunk, skipping the blocks the disk already holds: `current` is what the disk has
     * there now, or null on a fresh target, which is all holes (its zero blocks stay holes, as on the source).
     */
    const put = async (index: number, content: Buffer, current: Buffer | null): Promise<void> => {
      const length = chunkLength(imageSize, chunkSize, index);
      if (content.length !== length)
        throw new Error(`chunk ${index} has ${content.length} bytes, expected ${length}`);
      throwIfAborted(signal, 'restore');
      await ensureSized();
      const same = current
        ? (start: number, end: number) => content.compare(current, start, end, start, end) === 0
        : (start: number, end: number) => isZeroBlock(content, start, end);
      await writeChangedRuns(disk, content, index * chunkSize, same);
      chunksWritten++;
      bytesWritten += length;
    };

    await forEachBounded(chunks.length, concurrency, async (index) => {
      throwIfAborted(signal, 'restore');
      const expected = chunks[index] ?? null;
      const length = chunkLength(imageSize, chunkSize, index);
      const position = index * chunkSize;
      if (fresh) {
        if (expected) {
          const content = await readVerifiedChunk(store, namespace, expected, index);
          await put(index, content, null);
        }
      } else {
        const buffer = pool.take();
        try {
          // Held until the write is done: it tells which blocks of the chunk already hold the right bytes.
          const current = buffer.subarray(0, length);
          await readFully(disk, current, position);
          if (expected === null) {
            if (!isAllZero(current)) await put(index, Buffer.alloc(length), current);
          } else if ((await digestOf(current)) !== expected) {
            const content = await readVerifiedChunk(store, namespace, expected, index);
            await put(index, content, current);
          }
        } finally {
          pool.give(buffer);
        }
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
/** Unchanged runs shorter than this are written anyway: a few KiB cost less than another syscall. */
const MIN_SKIP = 64 * 1024;
const zeroBlock = Buffer.alloc(BLOCK);

function isZeroBlock(data: Buffer, start: number, end: number): boolean {
  return data.compare(zeroBlock, 0, end - start, start, end) === 0;
}

/**
 * Writes `data` at `position` except the block-aligned runs of at least MIN_SKIP bytes for which
 * `same(start, end)` says the disk already holds those bytes.
 */
async function writeChangedRuns(
  handle: Awaited<ReturnType<typeof open>>,
  data: Buffer,
  position: number,
  same: (start: number, end: number) => boolean,
): Promise<void> {
  let runStart = -1; // start of the run of blocks to write being collected
  let sameStart = -1; // start of the unchanged blocks trailing it
  for (let at = 0; at < data.length; at += BLOCK) {
    if (same(at, Math.min(at + BLOCK, data.length))) {
      if (sameStart < 0) sameStart = at;
      continue;
    }
    if (runStart >= 0 && sameStart >= 0 && at - sameStart >= MIN_SKIP) {
      await writeFully(handle, data.subarray(runStart, sameStart), position + runStart);
      runStart = -1;
    }
    if (runStart < 0) runStart = at;
    sameStart = -1;
  }
  if (runStart >= 0) {
    const end = sameStart >= 0 ? sameStart : data.length;
    await writeFully(handle, data.subarray(runStart, end), position + runStart);
  }
}
