import type { Selectable } from 'kysely';
import type { Executor } from './executor.ts';
import type { ApiTokenTable } from './schema.ts';

export type TokenRow = Selectable<ApiTokenTable>;

export async function insertToken(
  db: Executor,
  token: { accountId: number; hash: string; prefix: string; now: number },
): Promise<TokenRow> {
  return db
    .insertInto('api_tokens')
    .values({
      account_id: token.accountId,
      token_hash: token.hash,
      token_prefix: token.prefix,
      created_at: token.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findActiveTokenByHash(db: Executor, hash: string): Promise<TokenRow | undefined> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function touchToken(db: Executor, id: number, now: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

/** Revokes by id or by the token's prefix; returns how many tokens it revoked. */
export async function revokeTokens(
  db: Executor,
  match: { id?: number; prefix?: string },
  now: number,
): Promise<number> {
  let query = db.updateTable('api_tokens').set({ revoked_at: now }).where('revoked_at', 'is', null);
  if (match.id !== undefined) query = query.where('id', '=', match.id);
  if (match.prefix !== undefined) query = query.where('token_prefix', '=', match.prefix);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listTokens(db: Executor): Promise<(TokenRow & { account_name: string })[]> {
  return db
    .selectFrom('api_tokens')
    .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
    .selectAll('api_tokens')
    .select('accounts.name as account_name')
    .orderBy('api_tokens.id')
    .execute();
}
