import { InvalidArgumentError } from 'commander';

/** An id as the API takes it: an integer from 1 to 2^31-1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647)
    throw new InvalidArgumentError('must be a positive integer');
  return n;
}
