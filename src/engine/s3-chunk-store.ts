import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type ChunkStore, checkDigest, checkNamespace, checkSnapshotId } from './chunk-store.ts';
import { ChunkMissing } from './errors.ts';

export interface S3Location {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash; may be empty. */
  prefix: string;
}

/** `s3://bucket/some/prefix` → { bucket, prefix }. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new Error(`not an s3:// URL: ${url}`);
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/** Blobs above this go up in parts, so one slow or failed request never resends a whole large object. */
const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
/** User metadata (x-amz-meta-…) holding a chunk's byte length. */
const LENGTH_META = 'chunk-length';

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return statusOf(error) === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

/**
 * The same layout as the local store, as object keys:
 *   <prefix>/<namespace>/chunks/<digest>, <prefix>/<namespace>/manifests/<snapshot id>.json
 * A chunk key names its content, so re-uploading one is harmless; puts are also conditional
 * (If-None-Match: *) where the server supports it, so an existing chunk is never rewritten.
 * S3 makes a PUT visible whole or not at all, so no temporary objects are needed; what an interrupted
 * upload leaves is an unfinished multipart upload, which removeLeftovers aborts.
 * Retries on 5xx and throttling with backoff are the SDK's standard retry strategy.
 */
export class S3ChunkStore implements ChunkStore {
  private readonly client: S3Client;
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(
    private readonly location: S3Location,
    clientConfig: S3ClientConfig = {},
  ) {
    this.client = new S3Client({ maxAttempts: 6, retryMode: 'standard', ...clientConfig });
  }

  private key(...parts: string[]): string {
    return [this.location.prefix, ...parts].filter(Boolean).join('/');
  }

  private chunkKey(namespace: string, digest: string): string {
    return this.key(checkNamespace(namespace), 'chunks', checkDigest(digest));
  }

  private manifestKey(namespace: string, snapshotId: string): string {
    return this.key(checkNamespace(namespace), 'manifests', `${checkSnapshotId(snapshotId)}.json`);
  }

  async putChunk(namespace: string, digest: string, blob: Buffer): Promise<boolean> {
    const key = this.chunkKey(namespace, digest);
    // One upload per key at a time in this process; the conditional put covers other processes where the
    // server honours it (AWS S3, MinIO, R2), and a content-addressed rewrite is harmless where it doesn't.
    const pending = this.inFlight.get(key);
    if (pending) return pending.then(() => false);
    const put = this.putAbsent(key, blob).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, put);
    return put;
  }

  private async putAbsent(key: string, blob: Buffer): Promise<boolean> {
    const found = await this.headChunk(key);
    if (found === 'complete') return false;
    try {
      // Garbage under the key (see headChunk) is replaced; otherwise the put is conditional.
      await this.upload(key, blob, found === 'absent', { [LENGTH_META]: String(blob.length) });
      return true;
    } catch (error) {
      // 412: someone stored it between our check and our put, which is what the condition is for.
      if (statusOf(error) === 412) return false;
      throw error;
    }
  }

  private async upload(
    key: string,
    body: Buffer,
    ifAbsent: boolean,
    Metadata: Record<string, string> = {},
  ): Promise<void> {
    const Bucket = this.location.bucket;
    if (body.length <= MULTIPART_THRESHOLD) {
      await this.client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: body,
          Metadata,
          ...(ifAbsent ? { IfNoneMatch: '*' } : {}),
        }),
      );
      return;
    }
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket, Key: key, Metadata }),
    );
    try {
      const parts: { ETag: string | undefined; PartNumber: number }[] = [];
      for (let offset = 0, PartNumber = 1; offset < body.length; offset += PART_SIZE, PartNumber++) {
        const { ETag } = await this.client.send(
          new UploadPartCommand({
            Bucket,
            Key: key,
            UploadId,
            PartNumber,
            Body: body.subarray(offset, offset + PART_SIZE),
          }),
        );
        parts.push({ ETag, PartNumber });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
          ...(ifAbsent ? { IfNoneMatch: '*' } : {}),
        }),
      );
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId })).catch(() => {});
      throw error;
    }
  }

  /**
   * Whether a whole chunk is stored under the key. A chunk's length travels in its metadata, which S3
   * publishes together with the body; an object whose length disagrees is what a server that writes
   * objects in place (as some S3 emulators do) leaves after an interrupted upload, and does not count.
   */
  private async headChunk(key: string): Promise<'complete' | 'absent' | 'incomplete'> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return head.Metadata?.[LENGTH_META] === String(head.ContentLength) ? 'complete' : 'incomplete';
    } catch (error) {
      if (isNotFound(error)) return 'absent';
      throw error;
    }
  }

  private async read(key: string): Promise<Buffer | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }));
      if (!object.Body) return Buffer.alloc(0);
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getChunk(namespace: string, digest: string): Promise<Buffer> {
    const body = await this.read(this.chunkKey(namespace, digest));
    if (!body) throw new ChunkMissing(digest);
    return body;
  }

  async hasChunk(namespace: string, digest: string): Promise<boolean> {
    return (await this.headChunk(this.chunkKey(namespace, digest))) === 'complete';
  }

  async deleteChunk(namespace: string, digest: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.chunkKey(namespace, digest) }),
    );
  }

  private async *listKeys(prefix: string): AsyncIterable<string> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: prefix, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(prefix.length);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async *listChunks(namespace: string): AsyncIterable<string> {
    for await (const name of this.listKeys(`${this.key(checkNamespace(namespace), 'chunks')}/`)) {
      if (/^[0-9a-f]{64}$/.test(name)) yield name;
    }
  }

  async removeLeftovers(namespace: string): Promise<number> {
    const Prefix = `${this.key(checkNamespace(namespace))}/`;
    let removed = 0;
    try {
      const { Uploads = [] } = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.location.bucket, Prefix }),
      );
      for (const upload of Uploads) {
        await this.client.send(
          new AbortMultipartUploadCommand({
            Bucket: this.location.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
        );
        removed++;
      }
    } catch (error) {
      // Servers without multipart listing (some S3 emulators) have nothing to abort here.
      if (![400, 404, 405, 501].includes(statusOf(error) ?? 0)) throw error;
    }
    return removed;
  }

  async putManifest(namespace: string, snapshotId: string, body: Buffer): Promise<void> {
    // Chunks are durable when their PUT returned; this PUT, made after all of them, publishes the snapshot.
    await this.upload(this.manifestKey(namespace, snapshotId), body, false);
  }

  async getManifest(namespace: string, snapshotId: string): Promise<Buffer | null> {
    return this.read(this.manifestKey(namespace, snapshotId));
  }

  async deleteManifest(namespace: string, snapshotId: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.manifestKey(namespace, snapshotId) }),
    );
  }

  async listManifests(namespace: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const name of this.listKeys(`${this.key(checkNamespace(namespace), 'manifests')}/`)) {
      if (name.endsWith('.json')) ids.push(name.slice(0, -'.json'.length));
    }
    return ids;
  }

  destroy(): void {
    this.client.destroy();
  }
}
