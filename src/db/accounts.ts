import type { Executor } from './executor.ts';

export interface AccountRow {
  id: number;
  name: string;
  created_at: number;
}

export async function insertAccount(db: Executor, name: string, now: number): Promise<AccountRow> {
  return db.insertInto('accounts').values({ name, created_at: now }).returningAll().executeTakeFirstOrThrow();
}

export async function findAccountByName(db: Executor, name: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function countAccounts(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
