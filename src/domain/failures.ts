/**
 * Why a job failed, in the words a customer may be told: a stable code, rendered in the caller's language
 * by the catalogues of errors.ts. The raw error (paths, stacks) stays with operators, in the job and the log.
 */
export const FAILURE_CODES = [
  'integrity_check_failed',
  'disk_unreadable',
  'storage_full',
  'worker_died',
  'stopped',
  'internal_error',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export function isFailureCode(value: string | null): value is FailureCode {
  return (FAILURE_CODES as readonly (string | null)[]).includes(value);
}
