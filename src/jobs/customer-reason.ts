import { EngineError } from '../engine/errors.ts';

/**
 * What a customer is told about a failed job: the kind of failure in words, never the host's paths or a
 * stack. The raw error stays in the job row and the log for operators.
 */
export function customerReason(error: unknown): string {
  if (error instanceof EngineError) {
    if (
      error.code === 'chunk_corrupt' ||
      error.code === 'chunk_missing' ||
      error.code.startsWith('manifest')
    ) {
      return 'stored snapshot data failed its integrity check';
    }
    if (error.code === 'aborted') return 'it was stopped before it finished';
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EIO') {
    return "the server's disk could not be read";
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the snapshot storage is full';
  if (error instanceof WorkerDied) return 'the worker running it stopped unexpectedly, on every attempt';
  return 'an internal error occurred; support can trace it from the snapshot id';
}

/** Stands for the failure of attempts whose worker process died, when no attempt is left. */
export class WorkerDied extends Error {}
