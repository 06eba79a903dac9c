import type { Selectable } from 'kysely';
import { syncIdSequence } from './dialect.ts';
import type { Executor } from './executor.ts';
import type { ServerStatus, ServerTable } from './schema.ts';

export type ServerRow = Selectable<ServerTable>;

export interface NewServer {
  id?: number;
  accountId: number;
  name: string;
  host: string;
  diskPath: string;
  diskSizeBytes: number;
  now: number;
}

export async function insertServer(db: Executor, server: NewServer): Promise<ServerRow> {
  const row = await db
    .insertInto('servers')
    .values({
      ...(server.id === undefined ? {} : { id: server.id }),
      account_id: server.accountId,
      name: server.name,
      status: 'running',
      host: server.host,
      disk_path: server.diskPath,
      disk_size_bytes: server.diskSizeBytes,
      created_at: server.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (server.id !== undefined) await syncIdSequence(db, 'servers');
  return row;
}

/** Only the account's own server: another account's answers exactly like a missing one. */
export async function findServer(
  db: Executor,
  accountId: number,
  id: number,
): Promise<ServerRow | undefined> {
  return db
    .selectFrom('servers')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** For the worker, which acts on behalf of whichever account queued the job. */
export async function findServerById(db: Executor, id: number): Promise<ServerRow | undefined> {
  return db.selectFrom('servers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listServers(
  db: Executor,
  accountId: number | undefined,
  page: { limit: number; offset: number },
): Promise<{ count: number; rows: ServerRow[] }> {
  let base = db.selectFrom('servers');
  if (accountId !== undefined) base = base.where('account_id', '=', accountId);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('id').limit(page.limit).offset(page.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { count: Number(total.n), rows };
}

export async function setServerStatus(
  db: Executor,
  id: number,
  status: ServerStatus,
  statusBeforeRestore: ServerStatus | null = null,
): Promise<void> {
  await db
    .updateTable('servers')
    .set({ status, status_before_restore: statusBeforeRestore })
    .where('id', '=', id)
    .execute();
}

/**
 * Takes the server row's write lock for the rest of the transaction, so checks and writes that concern
 * one server (the snapshot limit, the restore state) are serialised across processes. SQLite has one
 * writer at a time already; an update that changes nothing still takes it there too.
 */
export async function lockServer(db: Executor, id: number): Promise<void> {
  await db.updateTable('servers').set({ id }).where('id', '=', id).execute();
}
