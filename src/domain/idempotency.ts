import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../db/connection.ts';
import { claimIdempotencyKey, recordIdempotentResult } from '../db/idempotency-keys.ts';
import type { Database } from '../db/schema.ts';
import { errors } from './errors.ts';

/** How long an Idempotency-Key is remembered; after that the same key starts a new request. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A result is kept with its key as JSON. The domain's results carry their times as `createdAt` dates, which
 * JSON writes as ISO strings; they are read back as dates.
 */
const revive = (key: string, value: unknown) =>
  key === 'createdAt' && typeof value === 'string' ? new Date(value) : value;

export interface IdempotentCall {
  accountId: number;
  /** The client's Idempotency-Key; without one the work simply runs. */
  key: string | undefined;
  /** Names the operation and its input: the same key with another request is refused with a 409. */
  operation: string;
  input: unknown;
  now: number;
}

/**
 * Runs `work` in a transaction; with a key, at most once per key. The key is taken in the same transaction
 * as the work and its result written there too, so a crash leaves either both or neither: a retry after a
 * rollback runs the work, a retry after a commit gets the first result back. Failures are not remembered.
 */
export async function idempotently<T>(
  db: Db,
  call: IdempotentCall,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<{ value: T; replayed: boolean }> {
  const { accountId, key } = call;
  return db.transaction().execute(async (trx) => {
    if (key === undefined) return { value: await work(trx), replayed: false };
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([call.operation, call.input]))
      .digest('hex');
    const held = await claimIdempotencyKey(trx, {
      accountId,
      key,
      fingerprint,
      now: call.now,
      expiredBefore: call.now - IDEMPOTENCY_KEY_TTL_MS,
    });
    if (!held.claimed) {
      if (held.fingerprint !== fingerprint || held.result === null) throw errors.idempotencyKeyReused();
      return { value: JSON.parse(held.result, revive) as T, replayed: true };
    }
    const value = await work(trx);
    await recordIdempotentResult(trx, accountId, key, JSON.stringify(value));
    return { value, replayed: false };
  });
}
