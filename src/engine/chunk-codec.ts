import { createHash, webcrypto } from 'node:crypto';
import { compress, decompress } from '@mongodb-js/zstd';
import { ChunkCorrupt } from './errors.ts';

/**
 * A stored chunk is one codec byte followed by the payload. Data that zstd cannot shrink is kept raw, so
 * incompressible chunks cost neither space nor decompression time.
 */
const RAW = 0;
const ZSTD = 1;
const ZSTD_LEVEL = 1;

/** The digest names the chunk's uncompressed bytes. WebCrypto hashes on libuv's pool, off the event loop. */
export async function digestOf(data: Uint8Array): Promise<string> {
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
  const packed = await compress(data, ZSTD_LEVEL);
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
