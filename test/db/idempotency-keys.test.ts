import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { insertAccount } from '../../src/db/accounts.ts';
import type { Db } from '../../src/db/connection.ts';
import { claimIdempotencyKey, recordIdempotentResult } from '../../src/db/idempotency-keys.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../src/domain/idempotency.ts';
import { dropDatabase, openTestDatabase, TEST_DB, tempDir } from '../helpers/service.ts';

let dir: string;
let db: Db;
let accountId: number;
const T0 = 1_700_000_000_000;

beforeEach(async () => {
  dir = await tempDir('vps-idem-');
  db = await openTestDatabase(dir);
  expect(await migrateToLatest(db)).toContain('002-actions-idempotency');
  accountId = (await insertAccount(db, 'acme', T0)).id;
});

afterEach(async () => {
  await db.destroy();
  await dropDatabase(dir);
  await rm(dir, { recursive: true, force: true });
});

const claim = (at: number, fingerprint = 'f1', key = 'k1') =>
  ({ accountId, key, fingerprint, now: at, expiredBefore: at - IDEMPOTENCY_KEY_TTL_MS }) as const;

it('the first claim takes the key; later ones see what it holds', async () => {
  expect(await claimIdempotencyKey(db, claim(T0))).toEqual({ claimed: true });
  expect(await claimIdempotencyKey(db, claim(T0 + 1, 'f2'))).toEqual({
    claimed: false,
    fingerprint: 'f1',
    result: null,
  });
  await recordIdempotentResult(db, accountId, 'k1', '{"answer":1}');
  expect(await claimIdempotencyKey(db, claim(T0 + 2))).toEqual({
    claimed: false,
    fingerprint: 'f1',
    result: '{"answer":1}',
  });
  expect(await claimIdempotencyKey(db, claim(T0 + 3, 'f1', 'k2'))).toEqual({ claimed: true });
});

it('a key is forgotten once it is older than a day, and may then start a new request', async () => {
  await claimIdempotencyKey(db, claim(T0));
  await recordIdempotentResult(db, accountId, 'k1', '"old"');
  expect((await claimIdempotencyKey(db, claim(T0 + IDEMPOTENCY_KEY_TTL_MS - 1, 'f2'))).claimed).toBe(false);
  expect(await claimIdempotencyKey(db, claim(T0 + IDEMPOTENCY_KEY_TTL_MS + 1, 'f2'))).toEqual({
    claimed: true,
  });
  const rows = await db.selectFrom('idempotency_keys').selectAll().execute();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ fingerprint: 'f2', result: null });
});

it.skipIf(TEST_DB !== 'postgres')(
  'a claim racing an uncommitted one waits for it: it sees a commit, and takes the key after a rollback',
  async () => {
    const other = await openTestDatabase(dir);
    try {
      for (const outcome of ['commit', 'rollback'] as const) {
        const key = `race-${outcome}`;
        let release!: () => void;
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        let taken!: () => void;
        const claimedFirst = new Promise<void>((resolve) => {
          taken = resolve;
        });
        const first = db
          .transaction()
          .execute(async (trx) => {
            await claimIdempotencyKey(trx, claim(T0, 'f1', key));
            await recordIdempotentResult(trx, accountId, key, '"first"');
            taken();
            await held;
            if (outcome === 'rollback') throw new Error('rolled back');
          })
          .catch(() => undefined);
        await claimedFirst;
        let settled = false;
        const second = claimIdempotencyKey(other, claim(T0 + 1, 'f1', key)).finally(() => {
          settled = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(settled, 'the second claim waits for the first transaction').toBe(false);
        release();
        await first;
        expect(await second).toEqual(
          outcome === 'commit' ? { claimed: false, fingerprint: 'f1', result: '"first"' } : { claimed: true },
        );
      }
    } finally {
      await other.destroy();
    }
  },
);
