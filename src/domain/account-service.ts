import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { findAccountByName, insertAccount } from '../db/accounts.ts';
import type { Db } from '../db/connection.ts';
import { readChangeToken } from '../db/dialect.ts';
import { findActiveTokenByHash, insertToken, revokeTokens, type TokenRow, touchToken } from '../db/tokens.ts';
import { ReadCache } from './read-cache.ts';
import type { Clock } from './types.ts';

const TOKEN_PREFIX = 'vps_';
/** A token's shape: our prefix (so secret scanners can spot a leaked one) and 32 random bytes, base64url. */
const TOKEN_SHAPE = /^vps_[A-Za-z0-9_-]{43}$/;
const LAST_USED_RESOLUTION_MS = 60_000;

export class AccountExists extends Error {}
export class AccountNotFound extends Error {}

export interface Caller {
  accountId: number;
  tokenId: number;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export class AccountService {
  private readonly tokens: ReadCache<TokenRow | null>;

  constructor(private readonly deps: { db: Db; now: Clock }) {
    this.tokens = new ReadCache(() => readChangeToken(deps.db));
  }

  async createAccount(name: string): Promise<number> {
    if (await findAccountByName(this.deps.db, name))
      throw new AccountExists(`account ${name} already exists`);
    return (await insertAccount(this.deps.db, name, this.deps.now())).id;
  }

  async accountId(name: string): Promise<number> {
    const account = await findAccountByName(this.deps.db, name);
    if (!account) throw new AccountNotFound(`no account named ${name}`);
    return account.id;
  }

  /** Issues a token. This is the only time it exists in clear: the database keeps its SHA-256. */
  async createToken(accountName: string): Promise<{ token: string; id: number; prefix: string }> {
    const accountId = await this.accountId(accountName);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const prefix = token.slice(0, 12);
    const row = await insertToken(this.deps.db, {
      accountId,
      hash: hashToken(token).toString('hex'),
      prefix,
      now: this.deps.now(),
    });
    return { token, id: row.id, prefix };
  }

  async revokeToken(match: { id?: number; prefix?: string }): Promise<number> {
    return revokeTokens(this.deps.db, match, this.deps.now());
  }

  /** The caller a bearer token stands for, or null. Looked up by hash, then compared in constant time. */
  async authenticate(token: string): Promise<Caller | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const digest = hashToken(token);
    const hex = digest.toString('hex');
    // A revocation is a commit, which retires the cached lookup before the next request.
    const row = await this.tokens.get(
      hex,
      async () => (await findActiveTokenByHash(this.deps.db, hex)) ?? null,
    );
    if (!row) return null;
    if (!timingSafeEqual(Buffer.from(row.token_hash, 'hex'), digest)) return null;
    const now = this.deps.now();
    // Recording every use would turn each read into a write; a minute's resolution is what operators need.
    if (row.last_used_at === null || now - Number(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
      await touchToken(this.deps.db, row.id, now);
    }
    return { accountId: Number(row.account_id), tokenId: Number(row.id) };
  }
}
