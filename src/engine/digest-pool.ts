import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * SHA-256 of bytes that live in a SharedArrayBuffer, computed by a few worker threads that read them in
 * place: no copy, and the event loop is never blocked. (WebCrypto would copy every 4 MiB chunk on the
 * main thread and then queue it behind compression and fsyncs on libuv's pool.) The caller must not
 * change the bytes until the promise settles; the engine's chunk buffers are only reused after that.
 *
 * Workers start on first use, one per core (at most four), and are unreferenced whenever they have
 * nothing in flight, so an idle pool never keeps a process alive. A worker that fails is dropped (its
 * jobs reject, and digestOf computes those digests another way) and a new one starts on the next job;
 * if one fails before ever answering, workers are taken to be unavailable and the pool stops trying.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', (job) => {
  try {
    const bytes = new Uint8Array(job.buffer, job.offset, job.length);
    parentPort.postMessage({ id: job.id, digest: createHash('sha256').update(bytes).digest('hex') });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String((error && error.message) || error) });
  }
});
`;

interface Reply {
  id: number;
  digest?: string;
  error?: string;
}

interface Slot {
  worker: Worker;
  answered: boolean;
  pending: Map<number, { resolve: (digest: string) => void; reject: (error: Error) => void }>;
}

class DigestPool {
  private readonly slots: Slot[] = [];
  private readonly size = Math.max(1, Math.min(4, availableParallelism()));
  private nextId = 0;
  /** Set when a worker fails before ever answering (workers cannot run here): callers fall back. */
  private broken: Error | undefined;

  digest(data: Uint8Array): Promise<string> {
    if (this.broken) return Promise.reject(this.broken);
    const slot = this.pick();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, buffer: data.buffer, offset: data.byteOffset, length: data.byteLength });
    });
  }

  /** The least busy worker, starting another while there are fewer than `size`. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const slot of this.slots) if (!best || slot.pending.size < best.pending.size) best = slot;
    if (best && (best.pending.size === 0 || this.slots.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): Slot {
    // No execArgv: the worker runs plain JavaScript and needs none of the parent's loaders or flags.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    const slot: Slot = { worker, answered: false, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      slot.answered = true;
      const job = slot.pending.get(reply.id);
      if (!job) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if (reply.digest !== undefined) job.resolve(reply.digest);
      else job.reject(new Error(`SHA-256 worker failed: ${reply.error ?? 'no digest'}`));
    });
    const fail = (error: Error): void => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      if (!slot.answered) this.broken ??= error;
      for (const job of slot.pending.values()) job.reject(error);
      slot.pending.clear();
    };
    worker.on('error', (error: Error) => fail(error));
    worker.on('exit', (code) => fail(new Error(`SHA-256 worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}

let pool: DigestPool | undefined;

/** SHA-256 (hex) of bytes backed by a SharedArrayBuffer, hashed in place off the main thread. */
export function sharedDigest(data: Uint8Array): Promise<string> {
  pool ??= new DigestPool();
  return pool.digest(data);
}

/** A buffer whose bytes sharedDigest can hash without copying them. */
export function allocShared(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}
