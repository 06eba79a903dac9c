import { allocShared } from './digest-pool.ts';

/**
 * Runs fn(0..count-1) with at most `concurrency` calls in flight. Stops starting new calls after the first
 * failure, waits for the ones in flight (so no write races past the caller's error handling), then throws it.
 */
export async function forEachBounded(
  count: number,
  concurrency: number,
  fn: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure && next < count) {
      const index = next++;
      try {
        await fn(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // A bad lane count (NaN, 0, a fraction) must not silently start no work: fall back to one lane.
  const lanes = Number.isSafeInteger(concurrency) && concurrency >= 1 ? concurrency : 1;
  await Promise.all(Array.from({ length: Math.min(lanes, Math.max(1, count)) }, lane));
  if (failure) throw failure.error;
}

/**
 * A fixed set of reusable buffers, so memory stays bounded by concurrency × size whatever the disk size.
 * They live in SharedArrayBuffers so the digest workers can hash them in place.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly size: number) {}

  take(): Buffer {
    return this.free.pop() ?? allocShared(this.size);
  }

  give(buffer: Buffer): void {
    this.free.push(buffer);
  }
}
