import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureDisk,
  deleteSnapshot,
  restoreDisk,
  S3ChunkStore,
  verifySnapshot,
} from '../../src/engine/index.ts';
import { chunkStoreContract } from './chunk-store-contract.ts';

// A real S3-protocol server on loopback (s3rver: the S3 server the npm registry offers that runs in
// Node without a download); the store talks to it through the AWS SDK exactly as to any other.
let server: S3rver;
let endpoint = '';
let dir = '';
let buckets = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
  const address = (await server.run()) as AddressInfo;
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

let lastBucket = '';

function clientConfig() {
  return {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
}

async function freshStore(): Promise<S3ChunkStore> {
  const bucket = `contract-${++buckets}`;
  lastBucket = bucket;
  const config = clientConfig();
  const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
  const admin = new S3Client(config);
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  return new S3ChunkStore({ bucket, prefix: 'snapshots/v1' }, config);
}

chunkStoreContract('S3ChunkStore', async () => {
  const store = await freshStore();
  return { store, cleanup: async () => store.destroy() };
});

describe('S3ChunkStore beyond the contract', () => {
  it('stores a blob larger than the multipart threshold in parts and reads back the same bytes', async () => {
    const store = await freshStore();
    const blob = randomBytes(20 * 1024 * 1024 + 123);
    const digest = createHash('sha256').update(blob).digest('hex');
    expect(await store.putChunk('big', digest, blob)).toBe(true);
    expect((await store.getChunk('big', digest)).equals(blob)).toBe(true);
    expect(await store.removeLeftovers('big')).toBe(0);
    store.destroy();
  });

  it('an object an interrupted upload left under a chunk key is not taken for the chunk', async () => {
    const store = await freshStore();
    const blob = randomBytes(100_000);
    const digest = createHash('sha256').update(blob).digest('hex');
    // What s3rver (which writes objects in place) keeps of an upload whose client was killed.
    const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const raw = new S3Client(clientConfig());
    await raw.send(
      new PutObjectCommand({
        Bucket: lastBucket,
        Key: `snapshots/v1/ns/chunks/${digest}`,
        Body: blob.subarray(0, 10),
      }),
    );
    raw.destroy();
    expect(await store.hasChunk('ns', digest)).toBe(false);
    expect(await store.putChunk('ns', digest, blob)).toBe(true);
    expect(await store.hasChunk('ns', digest)).toBe(true);
    expect((await store.getChunk('ns', digest)).equals(blob)).toBe(true);
    store.destroy();
  });

  it('the engine captures, verifies, restores and deletes a disk through it byte for byte', async () => {
    const store = await freshStore();
    const work = await mkdtemp(path.join(os.tmpdir(), 's3-engine-'));
    try {
      const disk = path.join(work, 'disk.img');
      const handle = await open(disk, 'w');
      await handle.truncate(9 * 1024 * 1024 + 17);
      await handle.write(randomBytes(3 * 1024 * 1024), 0, 3 * 1024 * 1024, 1024 * 1024);
      await handle.write(Buffer.alloc(200_000, 'log line\n'), 0, 200_000, 6 * 1024 * 1024);
      await handle.close();
      const original = createHash('sha256')
        .update(await readFile(disk))
        .digest('hex');
      const options = { store, namespace: 'server-1', snapshotId: '1', chunkSize: 1024 * 1024 };
      await captureDisk({ ...options, diskPath: disk });
      expect((await verifySnapshot(store, 'server-1', '1')).ok).toBe(true);
      const target = path.join(work, 'restored.img');
      await restoreDisk({ ...options, diskPath: target });
      expect(
        createHash('sha256')
          .update(await readFile(target))
          .digest('hex'),
      ).toBe(original);
      await deleteSnapshot(store, 'server-1', '1');
      const left: string[] = [];
      for await (const digest of store.listChunks('server-1')) left.push(digest);
      expect(left).toEqual([]);
      expect(await store.listManifests('server-1')).toEqual([]);
    } finally {
      store.destroy();
      await rm(work, { recursive: true, force: true });
    }
  });
});
