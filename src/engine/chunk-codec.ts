import { createHash, webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { compress as compressDefaultLevel, decompress } from '@mongodb-js/zstd';
import type { ChunkStore } from './chunk-store.ts';
import { sharedDigest } from './digest-pool.ts';
import { ChunkCorrupt, ChunkMissing } from './errors.ts';

/**
 * A stored chunk is one codec byte followed by the payload. Data that zstd cannot shrink is kept raw, so
 * incompressible chunks cost neither space nor decompression time.
 */
const RAW = 0;
const ZSTD = 1;
const ZSTD_LEVEL = 1;

/**
 * The package's `compress` wrapper drops its level argument (the native default, 3, is used), so the
 * native binding is called directly to get the level this codec is meant to use. Both write standard zstd
 * frames that `decompress` reads, so chunks stored either way stay readable.
 */
type Compress = (data: Buffer, level?: number) => Promise<Buffer>;
const compressAtLevel: Compress = (() => {
  try {
    const native = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as { compress?: unknown };
    if (typeof native.compress === 'function') return native.compress as Compress;
  } catch {
    // fall through to the wrapper
  }
  return compressDefaultLevel;
})();

/**
 * The digest names the chunk's uncompressed bytes, and is always computed off the event loop: bytes in a
 * SharedArrayBuffer (the engine's own read buffers) are hashed in place by worker threads, anything else
 * by WebCrypto on libuv's pool.
 */
export async function digestOf(data: Uint8Array): Promise<string> {
  if (data.buffer instanceof SharedArrayBuffer) {
    try {
      return await sharedDigest(data);
    } catch {
      // A worker that could not start or died: the same digest, computed the other way.
    }
  }
  const hash = await webcrypto.subtle.digest('SHA-256', data);
  return Buffer.from(hash).toString('hex');
}

export function digestOfSync(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const zeros = Buffer.alloc(0);
let zeroBlock: Buffer = zeros;

export function isAllZero(data: Buffer): boolean {
  if (zeroBlock.length < data.length) zeroBlock = Buffer.alloc(data.length);
  return data.equals(zeroBlock.subarray(0, data.length));
}

/** Encodes a chunk for the store (compression runs on libuv's pool, so both cores work at once). */
export async function encodeChunk(data: Buffer): Promise<Buffer> {
  const packed = await compressAtLevel(data, ZSTD_LEVEL);
  if (packed.length + 1 < data.length) return Buffer.concat([Buffer.of(ZSTD), packed]);
  return Buffer.concat([Buffer.of(RAW), data]);
}

/** Decodes a stored chunk and checks it against its digest before anyone may use its bytes. */
export async function decodeChunk(blob: Buffer, digest: string, index?: number): Promise<Buffer> {
  if (blob.length === 0) throw new ChunkCorrupt(digest, index, 'empty blob');
  let data: Buffer;
  const codec = blob[0];
  if (codec === RAW) {
    data = blob.subarray(1);
  } else if (codec === ZSTD) {
    try {
      data = await decompress(blob.subarray(1));
    } catch (error) {
      throw new ChunkCorrupt(digest, index, `cannot decompress (${(error as Error).message})`);
    }
  } else {
    throw new ChunkCorrupt(digest, index, `unknown codec ${codec}`);
  }
  const actual = await digestOf(data);
  if (actual !== digest) throw new ChunkCorrupt(digest, index, `content hashes to ${actual}`);
  return data;
}

/** A chunk from the store, decoded and checked against its digest; a missing one is named with its index. */
export async function readVerifiedChunk(
  store: ChunkStore,
  namespace: string,
  digest: string,
  index: number,
): Promise<Buffer> {
  let blob: Buffer;
  try {
    blob = await store.getChunk(namespace, digest);
  } catch (error) {
    if (error instanceof ChunkMissing) throw new ChunkMissing(digest, index);
    throw error;
  }
  return decodeChunk(blob, digest, index);
}
