import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalChunkStore } from '../../src/engine/index.ts';
import { pathExists, TempDirs } from '../helpers/disk-images.ts';
import {
  chunkStoreContract,
  INVALID_DIGESTS,
  INVALID_NAMESPACES,
  INVALID_SNAPSHOT_IDS,
} from './chunk-store-contract.ts';
import { chunkFile, manifestFile } from './helpers.ts';

const temp = new TempDirs();
afterAll(async () => {
  await temp.cleanup();
});

chunkStoreContract('LocalChunkStore', async () => {
  const dir = await temp.make('local-store-');
  return {
    store: new LocalChunkStore(path.join(dir, 'root')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('LocalChunkStore on disk', () => {
  const NS = 'local-ns';
  let dir: string;
  let store: LocalChunkStore;
  const blob = Buffer.from('payload');
  const digest = createHash('sha256').update(blob).digest('hex');

  beforeEach(async () => {
    dir = await temp.make('local-store-');
    store = new LocalChunkStore(path.join(dir, 'root'));
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('keeps chunks at <root>/<ns>/chunks/<2 hex>/<digest> and manifests at <root>/<ns>/manifests/<id>.json', async () => {
    await store.putChunk(NS, digest, blob);
    await store.putManifest(NS, 'snap', Buffer.from('{}'));
    expect(chunkFile(store, NS, digest)).toBe(
      path.join(dir, 'root', NS, 'chunks', digest.slice(0, 2), digest),
    );
    expect(await readFile(chunkFile(store, NS, digest))).toEqual(blob);
    expect(await readFile(manifestFile(store, NS, 'snap'))).toEqual(Buffer.from('{}'));
  });

  it('leaves no temporary files behind after successful writes', async () => {
    await store.putChunk(NS, digest, blob);
    await store.putChunk(NS, digest, blob);
    await store.putManifest(NS, 'snap', Buffer.from('{}'));
    const tmp = path.join(store.root, NS, 'tmp');
    expect((await pathExists(tmp)) ? await readdir(tmp) : []).toEqual([]);
  });

  it('removeLeftovers deletes files left in <root>/<ns>/tmp/ and only there', async () => {
    await store.putChunk(NS, digest, blob);
    await store.putManifest(NS, 'snap', Buffer.from('{}'));
    const tmp = path.join(store.root, NS, 'tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, '1-aaaa.tmp'), 'half');
    await writeFile(path.join(tmp, '2-bbbb.tmp'), 'written');
    const otherTmp = path.join(store.root, 'other-ns', 'tmp');
    await mkdir(otherTmp, { recursive: true });
    await writeFile(path.join(otherTmp, '3-cccc.tmp'), 'not ours');

    expect(await store.removeLeftovers(NS)).toBe(2);
    expect(await readdir(tmp)).toEqual([]);
    expect(await readdir(otherTmp)).toEqual(['3-cccc.tmp']);
    expect(await store.getChunk(NS, digest)).toEqual(blob);
    expect(await store.getManifest(NS, 'snap')).toEqual(Buffer.from('{}'));
  });

  it('invalid keys never create or read anything outside the store root', async () => {
    const outside = path.join(dir, 'x');
    await writeFile(path.join(dir, 'secret.json'), 'secret');
    const attempts: Promise<unknown>[] = [];
    for (const ns of INVALID_NAMESPACES) {
      attempts.push(
        store.putChunk(ns, digest, blob),
        store.putManifest(ns, 'snap', blob),
        store.removeLeftovers(ns),
      );
    }
    for (const bad of INVALID_DIGESTS) attempts.push(store.putChunk(NS, bad, blob));
    for (const id of [...INVALID_SNAPSHOT_IDS, '../../secret']) {
      attempts.push(store.putManifest(NS, id, blob), store.getManifest(NS, id));
    }
    const results = await Promise.allSettled(attempts);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(await pathExists(outside)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['secret.json']); // not even the root was created
    expect(await readFile(path.join(dir, 'secret.json'), 'utf8')).toBe('secret');
  });

  it('a relative root is resolved once, at construction', async () => {
    const relative = path.relative(process.cwd(), path.join(dir, 'rel-root'));
    const relStore = new LocalChunkStore(relative);
    expect(relStore.root).toBe(path.join(dir, 'rel-root'));
    await relStore.putChunk(NS, digest, blob);
    expect(await pathExists(path.join(dir, 'rel-root', NS, 'chunks', digest.slice(0, 2), digest))).toBe(true);
  });
});
