import { InvalidStoreKey } from './errors.ts';

/**
 * Where chunks and manifests live. Every key sits inside a namespace (one per server), so one server's
 * snapshots can share chunks with each other but never with another server's.
 *
 * Callers serialise operations on one namespace (one job per server at a time): a sweep running beside a
 * capture could otherwise remove chunks the capture has counted on but not yet referenced in a manifest.
 */
export interface ChunkStore {
  /** Stores the blob under its digest unless present; never rewrites an existing chunk. True if written. */
  putChunk(namespace: string, digest: string, blob: Buffer): Promise<boolean>;
  /** The stored blob; throws ChunkMissing if absent. */
  getChunk(namespace: string, digest: string): Promise<Buffer>;
  hasChunk(namespace: string, digest: string): Promise<boolean>;
  deleteChunk(namespace: string, digest: string): Promise<void>;
  listChunks(namespace: string): AsyncIterable<string>;
  /** Removes what interrupted writes left behind (temporary files, unfinished uploads). */
  removeLeftovers(namespace: string): Promise<number>;
  /** Writes a manifest durably and atomically, after every chunk written before it is durable. */
  putManifest(namespace: string, snapshotId: string, body: Buffer): Promise<void>;
  /** The manifest, or null when the snapshot has none. */
  getManifest(namespace: string, snapshotId: string): Promise<Buffer | null>;
  deleteManifest(namespace: string, snapshotId: string): Promise<void>;
  listManifests(namespace: string): Promise<string[]>;
}

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const DIGEST = /^[0-9a-f]{64}$/;
const SNAPSHOT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function checkNamespace(namespace: string): string {
  if (!NAMESPACE.test(namespace)) throw new InvalidStoreKey('namespace', namespace);
  return namespace;
}

export function checkDigest(digest: string): string {
  if (!DIGEST.test(digest)) throw new InvalidStoreKey('chunk digest', digest);
  return digest;
}

export function checkSnapshotId(snapshotId: string): string {
  if (!SNAPSHOT_ID.test(snapshotId)) throw new InvalidStoreKey('snapshot id', snapshotId);
  return snapshotId;
}
