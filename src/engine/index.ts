export { type CaptureOptions, type CaptureResult, captureDisk, type ProgressCallback } from './capture.ts';
export type { ChunkStore } from './chunk-store.ts';
export * from './errors.ts';
export { LocalChunkStore } from './local-chunk-store.ts';
export { DEFAULT_CHUNK_SIZE, type Manifest, readManifest } from './manifest.ts';
export { type RestoreOptions, type RestoreResult, restoreDisk } from './restore.ts';
export { parseS3Url, S3ChunkStore, type S3Location } from './s3-chunk-store.ts';
export { deleteSnapshot, type SweepResult, sweepNamespace } from './sweep.ts';
export { type BadChunk, type VerifyResult, verifySnapshot } from './verify.ts';
