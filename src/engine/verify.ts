import { forEachBounded } from './bounded.ts';
import { readVerifiedChunk } from './chunk-codec.ts';
import type { ChunkStore } from './chunk-store.ts';
import { EngineError, throwIfAborted } from './errors.ts';
import { readManifest } from './manifest.ts';

export interface BadChunk {
  index: number;
  digest: string;
  code: string;
  reason: string;
}

export interface VerifyResult {
  ok: boolean;
  chunksChecked: number;
  bad: BadChunk[];
}

/** Re-reads and re-hashes every distinct chunk of a snapshot and reports the ones that are missing or wrong. */
export async function verifySnapshot(
  store: ChunkStore,
  namespace: string,
  snapshotId: string,
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<VerifyResult> {
  const manifest = await readManifest(store, namespace, snapshotId);
  const firstIndex = new Map<string, number>();
  manifest.chunks.forEach((digest, index) => {
    if (digest && !firstIndex.has(digest)) firstIndex.set(digest, index);
  });
  const unique = [...firstIndex.entries()];
  const bad: BadChunk[] = [];
  let chunksChecked = 0;
  await forEachBounded(unique.length, options.concurrency ?? 4, async (i) => {
    throwIfAborted(options.signal, 'verify');
    const [digest, index] = unique[i]!;
    try {
      await readVerifiedChunk(store, namespace, digest, index);
      chunksChecked++;
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      chunksChecked++;
      bad.push({ index, digest, code: error.code, reason: error.message });
    }
  });
  bad.sort((a, b) => a.index - b.index);
  if (chunksChecked !== unique.length)
    throw new Error(`verify checked ${chunksChecked} of ${unique.length} chunks`);
  return { ok: bad.length === 0, chunksChecked, bad };
}
