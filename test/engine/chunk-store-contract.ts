/**
 * What every ChunkStore must do, written against the interface only (no filesystem, no engine), so a
 * store kept anywhere (local folder, S3, …) can be checked by calling chunkStoreContract from its test file.
 * This module defines no tests of its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkMissing, type ChunkStore, InvalidStoreKey } from '../../src/engine/index.ts';

export interface ContractStore {
  store: ChunkStore;
  cleanup: () => Promise<void>;
}

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function blobOf(text: string): { digest: string; blob: Buffer } {
  // The store does not interpret blobs; the digest is just a well-formed key.
  const blob = Buffer.from(text);
  return { digest: sha(blob), blob };
}

async function listAll(store: ChunkStore, namespace: string): Promise<string[]> {
  const out: string[] = [];
  for await (const digest of store.listChunks(namespace)) out.push(digest);
  return out.sort();
}

/** Expects the call to fail with InvalidStoreKey, whether it throws synchronously or rejects. */
async function expectInvalidKey(call: () => unknown): Promise<void> {
  await expect(
    (async () => {
      const value = call();
      if (value && typeof value === 'object' && Symbol.asyncIterator in value) {
        for await (const _ of value as AsyncIterable<unknown>) {
          // draining is enough: the first step must fail
        }
      } else {
        await value;
      }
    })(),
  ).rejects.toBeInstanceOf(InvalidStoreKey);
}

export const INVALID_NAMESPACES = [
  '../x',
  'a/b',
  '',
  '.',
  '..',
  '-lead',
  'a b',
  'a\\b',
  'x'.repeat(65),
  '/abs',
];
export const INVALID_DIGESTS = [
  '../x',
  'a/b',
  '',
  'g'.repeat(64),
  'a'.repeat(63),
  'a'.repeat(65),
  `../${'a'.repeat(61)}`,
  `${'a'.repeat(62)}/x`,
];
export const INVALID_SNAPSHOT_IDS = ['../x', 'a/b', '', '.', '..', '.hidden', 'x'.repeat(65)];

export function chunkStoreContract(name: string, makeStore: () => Promise<ContractStore>): void {
  describe(`ChunkStore contract: ${name}`, () => {
    let made: ContractStore;
    let store: ChunkStore;
    const NS = 'contract-ns';
    const OTHER = 'contract-other';

    beforeEach(async () => {
      made = await makeStore();
      store = made.store;
    });
    afterEach(async () => {
      await made.cleanup();
    });

    describe('chunks', () => {
      it('putChunk stores a chunk once: true the first time, then false, and keeps the first content', async () => {
        const { digest, blob } = blobOf('first content');
        expect(await store.hasChunk(NS, digest)).toBe(false);
        expect(await store.putChunk(NS, digest, blob)).toBe(true);
        expect(await store.putChunk(NS, digest, Buffer.from('other content under the same key'))).toBe(false);
        expect(await store.getChunk(NS, digest)).toEqual(blob);
        expect(await listAll(store, NS)).toEqual([digest]);
      });

      it('concurrent puts of one chunk write it exactly once', async () => {
        const { digest, blob } = blobOf('raced');
        const results = await Promise.all(Array.from({ length: 8 }, () => store.putChunk(NS, digest, blob)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.getChunk(NS, digest)).toEqual(blob);
      });

      it('getChunk returns the exact bytes, including empty and large binary blobs', async () => {
        const blobs = [Buffer.alloc(0), Buffer.of(0), randomBytes(1 << 20), Buffer.alloc(70_000, 0xfe)];
        const digests = blobs.map((blob, i) => sha(Buffer.concat([blob, Buffer.of(i)])));
        for (const [i, blob] of blobs.entries())
          expect(await store.putChunk(NS, digests[i]!, blob)).toBe(true);
        for (const [i, blob] of blobs.entries()) {
          const got = await store.getChunk(NS, digests[i]!);
          expect(got.length).toBe(blob.length);
          expect(got.equals(blob)).toBe(true);
        }
      });

      it('hasChunk tells present from absent', async () => {
        const present = blobOf('present');
        const absent = blobOf('absent');
        await store.putChunk(NS, present.digest, present.blob);
        expect(await store.hasChunk(NS, present.digest)).toBe(true);
        expect(await store.hasChunk(NS, absent.digest)).toBe(false);
      });

      it('getChunk of a missing chunk throws ChunkMissing naming the digest', async () => {
        const { digest } = blobOf('never stored');
        const error = await store.getChunk(NS, digest).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ChunkMissing);
        expect((error as ChunkMissing).digest).toBe(digest);
        expect((error as ChunkMissing).code).toBe('chunk_missing');
      });

      it('deleteChunk removes it (and deleting a missing chunk is not an error)', async () => {
        const a = blobOf('a');
        const b = blobOf('b');
        await store.putChunk(NS, a.digest, a.blob);
        await store.putChunk(NS, b.digest, b.blob);
        await store.deleteChunk(NS, a.digest);
        expect(await store.hasChunk(NS, a.digest)).toBe(false);
        await expect(store.getChunk(NS, a.digest)).rejects.toBeInstanceOf(ChunkMissing);
        expect(await listAll(store, NS)).toEqual([b.digest]);
        await expect(store.deleteChunk(NS, a.digest)).resolves.toBeUndefined();
        await expect(store.deleteChunk(NS, blobOf('never').digest)).resolves.toBeUndefined();
        // A deleted chunk can be stored again.
        expect(await store.putChunk(NS, a.digest, a.blob)).toBe(true);
        expect(await store.getChunk(NS, a.digest)).toEqual(a.blob);
      });

      it('listChunks lists every stored digest exactly once, and nothing for an unused namespace', async () => {
        expect(await listAll(store, NS)).toEqual([]);
        const digests = Array.from({ length: 40 }, (_, i) => blobOf(`chunk ${i}`));
        for (const { digest, blob } of digests) await store.putChunk(NS, digest, blob);
        expect(await listAll(store, NS)).toEqual(digests.map((d) => d.digest).sort());
        expect(await listAll(store, 'never-used')).toEqual([]);
      });
    });

    describe('namespaces', () => {
      it('a chunk in one namespace is invisible in another', async () => {
        const { digest, blob } = blobOf('namespaced');
        await store.putChunk(NS, digest, blob);
        expect(await store.hasChunk(OTHER, digest)).toBe(false);
        await expect(store.getChunk(OTHER, digest)).rejects.toBeInstanceOf(ChunkMissing);
        expect(await listAll(store, OTHER)).toEqual([]);
        // Putting it in the other namespace is a real write there, and deleting it there leaves the first.
        expect(await store.putChunk(OTHER, digest, Buffer.from('other'))).toBe(true);
        expect(await store.getChunk(NS, digest)).toEqual(blob);
        await store.deleteChunk(OTHER, digest);
        expect(await store.hasChunk(NS, digest)).toBe(true);
      });

      it('manifests are per namespace', async () => {
        await store.putManifest(NS, 'snap-1', Buffer.from('{"a":1}'));
        expect(await store.getManifest(OTHER, 'snap-1')).toBeNull();
        expect(await store.listManifests(OTHER)).toEqual([]);
        await store.deleteManifest(OTHER, 'snap-1');
        expect(await store.getManifest(NS, 'snap-1')).toEqual(Buffer.from('{"a":1}'));
      });
    });

    describe('manifests', () => {
      it('put, get, list and delete', async () => {
        expect(await store.listManifests(NS)).toEqual([]);
        await store.putManifest(NS, 'snap-1', Buffer.from('one'));
        await store.putManifest(NS, 'snap_2', Buffer.from('two'));
        expect(await store.getManifest(NS, 'snap-1')).toEqual(Buffer.from('one'));
        expect(await store.getManifest(NS, 'snap_2')).toEqual(Buffer.from('two'));
        expect((await store.listManifests(NS)).sort()).toEqual(['snap-1', 'snap_2']);
        await store.deleteManifest(NS, 'snap-1');
        expect(await store.getManifest(NS, 'snap-1')).toBeNull();
        expect(await store.listManifests(NS)).toEqual(['snap_2']);
      });

      it('getManifest of a missing snapshot is null; deleting it is not an error', async () => {
        expect(await store.getManifest(NS, 'missing')).toBeNull();
        await expect(store.deleteManifest(NS, 'missing')).resolves.toBeUndefined();
      });

      it('putManifest replaces an existing manifest of the same snapshot', async () => {
        await store.putManifest(NS, 'snap', Buffer.from('old'));
        await store.putManifest(NS, 'snap', Buffer.from('new body'));
        expect(await store.getManifest(NS, 'snap')).toEqual(Buffer.from('new body'));
        expect(await store.listManifests(NS)).toEqual(['snap']);
      });

      it('manifests and chunks do not see each other', async () => {
        const { digest, blob } = blobOf('chunk');
        await store.putChunk(NS, digest, blob);
        await store.putManifest(NS, 'snap', Buffer.from('m'));
        expect(await listAll(store, NS)).toEqual([digest]);
        expect(await store.listManifests(NS)).toEqual(['snap']);
        await store.deleteManifest(NS, 'snap');
        expect(await store.hasChunk(NS, digest)).toBe(true);
      });
    });

    describe('removeLeftovers', () => {
      it('with nothing interrupted it removes nothing and keeps chunks and manifests', async () => {
        const { digest, blob } = blobOf('kept');
        await store.putChunk(NS, digest, blob);
        await store.putManifest(NS, 'snap', Buffer.from('m'));
        expect(await store.removeLeftovers(NS)).toBe(0);
        expect(await store.removeLeftovers('never-used')).toBe(0);
        expect(await store.getChunk(NS, digest)).toEqual(blob);
        expect(await store.getManifest(NS, 'snap')).toEqual(Buffer.from('m'));
        expect(await listAll(store, NS)).toEqual([digest]);
      });
    });

    describe('invalid keys are rejected with InvalidStoreKey by every method', () => {
      const good = blobOf('good');

      it.each(INVALID_NAMESPACES)('namespace %j', async (namespace) => {
        await expectInvalidKey(() => store.putChunk(namespace, good.digest, good.blob));
        await expectInvalidKey(() => store.getChunk(namespace, good.digest));
        await expectInvalidKey(() => store.hasChunk(namespace, good.digest));
        await expectInvalidKey(() => store.deleteChunk(namespace, good.digest));
        await expectInvalidKey(() => store.listChunks(namespace));
        await expectInvalidKey(() => store.removeLeftovers(namespace));
        await expectInvalidKey(() => store.putManifest(namespace, 'snap', Buffer.from('m')));
        await expectInvalidKey(() => store.getManifest(namespace, 'snap'));
        await expectInvalidKey(() => store.deleteManifest(namespace, 'snap'));
        await expectInvalidKey(() => store.listManifests(namespace));
      });

      it.each(INVALID_DIGESTS)('chunk digest %j', async (digest) => {
        await expectInvalidKey(() => store.putChunk(NS, digest, good.blob));
        await expectInvalidKey(() => store.getChunk(NS, digest));
        await expectInvalidKey(() => store.hasChunk(NS, digest));
        await expectInvalidKey(() => store.deleteChunk(NS, digest));
        expect(await listAll(store, NS)).toEqual([]);
      });

      it.each(INVALID_SNAPSHOT_IDS)('snapshot id %j', async (snapshotId) => {
        await expectInvalidKey(() => store.putManifest(NS, snapshotId, Buffer.from('m')));
        await expectInvalidKey(() => store.getManifest(NS, snapshotId));
        await expectInvalidKey(() => store.deleteManifest(NS, snapshotId));
        expect(await store.listManifests(NS)).toEqual([]);
      });

      it('valid keys at the limits are accepted', async () => {
        const longNs = `n${'x'.repeat(63)}`;
        const longId = `s${'_'.repeat(62)}-`;
        expect(await store.putChunk(longNs, good.digest, good.blob)).toBe(true);
        expect(await store.getChunk(longNs, good.digest)).toEqual(good.blob);
        await store.putManifest(longNs, longId, Buffer.from('m'));
        expect(await store.listManifests(longNs)).toEqual([longId]);
      });
    });
  });
}
