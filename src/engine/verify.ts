import { forEachBounded } from './bounded.ts';
import { decodeChunk } from './chunk-codec.ts';
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
  await forEachBounded(unique.length, options.concurrency ?? 4, async (i) => {
    throwIfAborted(options.signal, 'verify');
    const [digest, index] = unique[i]!;
    try {
      await decodeChunk(await store.getChunk(namespace, digest), digest, index);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      bad.push({ index, digest, code: error.code, reason: error.message });
    }
  });
  bad.sort((a, b) => a.index - b.index);
  return { ok: bad.length === 0, chunksChecked: unique.length, bad };
}
