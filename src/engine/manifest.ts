import { createHash } from 'node:crypto';
import type { ChunkStore } from './chunk-store.ts';
import { ManifestInvalid, ManifestMissing } from './errors.ts';

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/**
 * What a snapshot is. `chunks[i]` is the SHA-256 of bytes [i*chunkSize, (i+1)*chunkSize) of the image,
 * or null when those bytes are all zero (neither hashed nor stored).
 */
export interface Manifest {
  format: 1;
  snapshotId: string;
  imageSize: number;
  chunkSize: number;
  chunks: (string | null)[];
  /** SHA-256 over the image size, chunk size and every chunk's digest (zero chunks by their zero digest). */
  imageDigest: string;
  /** Bytes of the image outside all-zero chunks: what the snapshot holds of the server's data. */
  dataBytes: number;
  /** Bytes that chunks new to the store took when this snapshot was captured. */
  storedBytes: number;
  createdAt: string;
}

export function chunkCount(imageSize: number, chunkSize: number): number {
  return Math.ceil(imageSize / chunkSize);
}

export function chunkLength(imageSize: number, chunkSize: number, index: number): number {
  return Math.min(chunkSize, imageSize - index * chunkSize);
}

const zeroDigests = new Map<number, string>();
function zeroDigest(length: number): string {
  let digest = zeroDigests.get(length);
  if (!digest) {
    digest = createHash('sha256').update(Buffer.alloc(length)).digest('hex');
    zeroDigests.set(length, digest);
  }
  return digest;
}

/** A digest of the whole image that needs no second pass over its bytes: a hash of the chunk hashes. */
export function imageDigestOf(imageSize: number, chunkSize: number, chunks: (string | null)[]): string {
  const hash = createHash('sha256').update(`vps-image-v1 ${imageSize} ${chunkSize}\n`);
  chunks.forEach((digest, index) => {
    hash.update(`${digest ?? zeroDigest(chunkLength(imageSize, chunkSize, index))}\n`);
  });
  return hash.digest('hex');
}

export function encodeManifest(manifest: Manifest): Buffer {
  return Buffer.from(JSON.stringify(manifest));
}

export function decodeManifest(snapshotId: string, body: Buffer): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ManifestInvalid(snapshotId, 'not JSON');
  }
  const m = value as Partial<Manifest>;
  if (m.format !== 1) throw new ManifestInvalid(snapshotId, 'unknown format');
  if (!Number.isSafeInteger(m.imageSize) || (m.imageSize ?? -1) < 0) {
    throw new ManifestInvalid(snapshotId, 'bad image size');
  }
  if (!Number.isSafeInteger(m.chunkSize) || (m.chunkSize ?? 0) <= 0) {
    throw new ManifestInvalid(snapshotId, 'bad chunk size');
  }
  const manifest = m as Manifest;
  if (
    !Array.isArray(manifest.chunks) ||
    manifest.chunks.length !== chunkCount(manifest.imageSize, manifest.chunkSize) ||
    !manifest.chunks.every((d) => d === null || (typeof d === 'string' && /^[0-9a-f]{64}$/.test(d)))
  ) {
    throw new ManifestInvalid(snapshotId, 'bad chunk list');
  }
  if (imageDigestOf(manifest.imageSize, manifest.chunkSize, manifest.chunks) !== manifest.imageDigest) {
    throw new ManifestInvalid(snapshotId, 'image digest does not match the chunk list');
  }
  return manifest;
}

export async function readManifest(
  store: ChunkStore,
  namespace: string,
  snapshotId: string,
): Promise<Manifest> {
  const body = await store.getManifest(namespace, snapshotId);
  if (!body) throw new ManifestMissing(namespace, snapshotId);
  return decodeManifest(snapshotId, body);
}
