import type { ChunkStore } from './chunk-store.ts';
import { readManifest } from './manifest.ts';

export interface SweepResult {
  removedChunks: number;
  removedLeftovers: number;
}

/**
 * Removes every chunk of the namespace that no manifest references, and what interrupted writes left.
 * With at most a handful of manifests per server this set difference is exact; nothing is guessed from
 * file ages. A manifest that cannot be read stops the sweep before anything is removed.
 */
export async function sweepNamespace(store: ChunkStore, namespace: string): Promise<SweepResult> {
  const referenced = new Set<string>();
  for (const snapshotId of await store.listManifests(namespace)) {
    const manifest = await readManifest(store, namespace, snapshotId);
    for (const digest of manifest.chunks) if (digest) referenced.add(digest);
  }
  let removedChunks = 0;
  for await (const digest of store.listChunks(namespace)) {
    if (!referenced.has(digest)) {
      await store.deleteChunk(namespace, digest);
      removedChunks++;
    }
  }
  const removedLeftovers = await store.removeLeftovers(namespace);
  return { removedChunks, removedLeftovers };
}

/** Deletes a snapshot: its manifest first (so it stops existing at once), then the chunks only it used. */
export async function deleteSnapshot(
  store: ChunkStore,
  namespace: string,
  snapshotId: string,
): Promise<SweepResult> {
  await store.deleteManifest(namespace, snapshotId);
  return sweepNamespace(store, namespace);
}
