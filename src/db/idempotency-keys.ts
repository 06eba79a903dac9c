import type { Executor } from './executor.ts';

export interface KeyClaim {
  accountId: number;
  key: string;
  fingerprint: string;
  now: number;
  /** Keys of the account made before this are forgotten first, so they may be used again. */
  expiredBefore: number;
}

/**
 * Takes the key for this request, or returns the row that already holds it. On PostgreSQL an insert of a
 * key that another transaction holds uncommitted waits for it: a concurrent retry sees the first request's
 * outcome (its committed row, or nothing if it rolled back) rather than doing the work a second time.
 */
export async function claimIdempotencyKey(
  db: Executor,
  claim: KeyClaim,
): Promise<{ claimed: true } | { claimed: false; fingerprint: string; result: string | null }> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', claim.accountId)
    .where('created_at', '<', claim.expiredBefore)
    .execute();
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({
      account_id: claim.accountId,
      key: claim.key,
      fingerprint: claim.fingerprint,
      result: null,
      created_at: claim.now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { claimed: true };
  const held = await db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'result'])
    .where('account_id', '=', claim.accountId)
    .where('key', '=', claim.key)
    .executeTakeFirstOrThrow();
  return { claimed: false, ...held };
}

export async function recordIdempotentResult(
  db: Executor,
  accountId: number,
  key: string,
  result: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ result })
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .execute();
}
