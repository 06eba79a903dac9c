import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insertAccount } from '../../src/db/accounts.ts';
import { type Db, openDatabase } from '../../src/db/connection.ts';
import { readChangeToken } from '../../src/db/dialect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { ReadCache } from '../../src/domain/read-cache.ts';
import { tempDir } from '../helpers/service.ts';

const open: Db[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.destroy()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function twoConnections(): Promise<[Db, Db]> {
  const dir = await tempDir('vps-cache-');
  dirs.push(dir);
  const sqlitePath = path.join(dir, 'vps.db');
  const a = openDatabase({ databaseUrl: undefined, sqlitePath });
  await migrateToLatest(a);
  const b = openDatabase({ databaseUrl: undefined, sqlitePath });
  open.push(a, b);
  return [a, b];
}

async function countAccounts(db: Db): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('ReadCache over SQLite change tokens', () => {
  it('serves a read again until a commit on this connection or another one retires it', async () => {
    const [service, other] = await twoConnections();
    const cache = new ReadCache<number>(() => readChangeToken(service));
    let loads = 0;
    const read = () =>
      cache.get('accounts', async () => {
        loads++;
        return countAccounts(service);
      });

    expect(await read()).toBe(0);
    expect(await read()).toBe(0);
    expect(loads).toBe(1);

    await insertAccount(other, 'from-another-process', Date.now());
    expect(await read()).toBe(1);
    expect(loads).toBe(2);

    await insertAccount(service, 'from-this-process', Date.now());
    expect(await read()).toBe(2);
    expect(loads).toBe(3);
    expect(await read()).toBe(2);
    expect(loads).toBe(3);
  });

  it('keeps at most its limit of entries, dropping the least recently used', async () => {
    const [service] = await twoConnections();
    const cache = new ReadCache<string>(() => readChangeToken(service), 2);
    const loaded: string[] = [];
    const read = (key: string) =>
      cache.get(key, async () => {
        loaded.push(key);
        return key;
      });
    await read('a');
    await read('b');
    await read('a');
    await read('c'); // drops b, the least recently used
    await read('a');
    await read('b');
    expect(loaded).toEqual(['a', 'b', 'c', 'b']);
  });

  it('caches nothing when the database offers no change token', async () => {
    const cache = new ReadCache<number>(async () => null);
    let loads = 0;
    await cache.get('k', async () => ++loads);
    await cache.get('k', async () => ++loads);
    expect(loads).toBe(2);
  });
});
