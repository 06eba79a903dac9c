import path from 'node:path';
import { type ChunkStore, LocalChunkStore, type Manifest, readManifest } from '../../src/engine/index.ts';
import { TempDirs } from '../helpers/disk-images.ts';

export async function chunkSet(store: ChunkStore, namespace: string): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const digest of store.listChunks(namespace)) out.add(digest);
  return out;
}

/** The distinct chunk digests a manifest references (all-zero chunks are not stored, so not included). */
export function manifestChunks(manifest: Manifest): Set<string> {
  return new Set(manifest.chunks.filter((digest): digest is string => digest !== null));
}

export async function manifestChunksOf(
  store: ChunkStore,
  namespace: string,
  snapshotId: string,
): Promise<Set<string>> {
  return manifestChunks(await readManifest(store, namespace, snapshotId));
}

/** Where LocalChunkStore keeps a chunk (its documented layout). */
export function chunkFile(store: LocalChunkStore, namespace: string, digest: string): string {
  return path.join(store.root, namespace, 'chunks', digest.slice(0, 2), digest);
}

export function manifestFile(store: LocalChunkStore, namespace: string, snapshotId: string): string {
  return path.join(store.root, namespace, 'manifests', `${snapshotId}.json`);
}

export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/** A work folder with a store under `<dir>/store` and disk images beside it. */
export interface Workspace {
  dir: string;
  store: LocalChunkStore;
  disk: (name: string) => string;
}

export async function makeWorkspace(temp: TempDirs): Promise<Workspace> {
  const dir = await temp.make();
  return {
    dir,
    store: new LocalChunkStore(path.join(dir, 'store')),
    disk: (name) => path.join(dir, name),
  };
}

export { TempDirs };
