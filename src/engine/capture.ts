import { open } from 'node:fs/promises';
import { BufferPool, forEachBounded } from './bounded.ts';
import { digestOf, encodeChunk, isAllZero } from './chunk-codec.ts';
import { type ChunkStore, checkNamespace, checkSnapshotId } from './chunk-store.ts';
import { throwIfAborted } from './errors.ts';
import {
  chunkCount,
  chunkLength,
  DEFAULT_CHUNK_SIZE,
  encodeManifest,
  imageDigestOf,
  type Manifest,
} from './manifest.ts';

export type ProgressCallback = (bytesDone: number, bytesTotal: number) => void;

export interface CaptureOptions {
  store: ChunkStore;
  namespace: string;
  snapshotId: string;
  diskPath: string;
  chunkSize?: number;
  /** Chunks in flight at once; each holds one chunk-sized buffer plus its compressed form. */
  concurrency?: number;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface CaptureResult {
  manifest: Manifest;
  newChunks: number;
  reusedChunks: number;
  zeroChunks: number;
}

/**
 * Reads a disk image and stores it as a snapshot. Chunks already in the namespace are not compressed or
 * written again. The manifest is written last: until it exists the snapshot does not, and the chunks
 * written so far are swept by the next sweep of the namespace.
 */
export async function captureDisk(options: CaptureOptions): Promise<CaptureResult> {
  const { store, namespace, snapshotId, diskPath, signal, onProgress } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const concurrency = options.concurrency ?? 6;
  // Checked before any work: a manifest with a size decodeManifest refuses would be unreadable forever.
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunk size must be a positive integer, got ${chunkSize}`);
  }
  checkNamespace(namespace);
  checkSnapshotId(snapshotId);
  throwIfAborted(signal, 'capture');

  const disk = await open(diskPath, 'r');
  try {
    const imageSize = (await disk.stat()).size;
    const count = chunkCount(imageSize, chunkSize);
    const chunks: (string | null)[] = new Array(count).fill(null);
    const pool = new BufferPool(chunkSize);
    let newChunks = 0;
    let reusedChunks = 0;
    let zeroChunks = 0;
    let storedBytes = 0;
    let dataBytes = 0;
    let bytesDone = 0;
    onProgress?.(0, imageSize);

    await forEachBounded(count, concurrency, async (index) => {
      throwIfAborted(signal, 'capture');
      const length = chunkLength(imageSize, chunkSize, index);
      const buffer = pool.take();
      try {
        const data = buffer.subarray(0, length);
        await readFully(disk, data, index * chunkSize);
        if (isAllZero(data)) {
          zeroChunks++;
        } else {
          dataBytes += length;
          const digest = await digestOf(data);
          chunks[index] = digest;
          if (await store.hasChunk(namespace, digest)) {
            reusedChunks++;
          } else {
            const blob = await encodeChunk(data);
            throwIfAborted(signal, 'capture');
            if (await store.putChunk(namespace, digest, blob)) {
              newChunks++;
              storedBytes += blob.length;
            } else {
              reusedChunks++;
            }
          }
        }
      } finally {
        pool.give(buffer);
      }
      bytesDone += length;
      onProgress?.(bytesDone, imageSize);
    });

    throwIfAborted(signal, 'capture');
    const manifest: Manifest = {
      format: 1,
      snapshotId,
      imageSize,
      chunkSize,
      chunks,
      imageDigest: imageDigestOf(imageSize, chunkSize, chunks),
      dataBytes,
      storedBytes,
      createdAt: new Date().toISOString(),
    };
    await store.putManifest(namespace, snapshotId, encodeManifest(manifest));
    return { manifest, newChunks, reusedChunks, zeroChunks };
  } finally {
    await disk.close();
  }
}

type ReadHandle = Awaited<ReturnType<typeof open>>;

/** Fills `target` from `position`; bytes past the end of the file read as zeros. */
export async function readFully(handle: ReadHandle, target: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < target.length) {
    const { bytesRead } = await handle.read(target, offset, target.length - offset, position + offset);
    if (bytesRead === 0) {
      target.fill(0, offset);
      return;
    }
    offset += bytesRead;
  }
}
