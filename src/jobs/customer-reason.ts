import type { FailureCode } from '../domain/failures.ts';
import { EngineError } from '../engine/errors.ts';

/**
 * The kind of a job's failure, as a code the customer is told in words: never the host's paths or a
 * stack. The raw error stays in the job row and the log for operators.
 */
export function failureCode(error: unknown): FailureCode {
  if (error instanceof EngineError) {
    if (
      error.code === 'chunk_corrupt' ||
      error.code === 'chunk_missing' ||
      error.code.startsWith('manifest')
    ) {
      return 'integrity_check_failed';
    }
    if (error.code === 'aborted') return 'stopped';
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EIO') return 'disk_unreadable';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'storage_full';
  if (error instanceof WorkerDied) return 'worker_died';
  return 'internal_error';
}

/** Stands for the failure of attempts whose worker process died, when no attempt is left. */
export class WorkerDied extends Error {}
