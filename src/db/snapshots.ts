import type { Selectable } from 'kysely';
import { syncIdSequence } from './dialect.ts';
import type { Executor } from './executor.ts';
import type { SnapshotTable } from './schema.ts';

/** A snapshot as the API sees it: its row (less the deletion mark) and its server's name. */
export type SnapshotRow = Omit<Selectable<SnapshotTable>, 'deleted_at'> & { server_name: string };

function selectSnapshots(db: Executor) {
  return db
    .selectFrom('snapshots')
    .innerJoin('servers', 'servers.id', 'snapshots.server_id')
    .select([
      'snapshots.id',
      'snapshots.account_id',
      'snapshots.server_id',
      'servers.name as server_name',
      'snapshots.name',
      'snapshots.description',
      'snapshots.status',
      'snapshots.progress',
      'snapshots.size_mb',
      'snapshots.failure_reason',
      'snapshots.failure_code',
      'snapshots.created_at',
      'snapshots.completed_at',
    ])
    .where('snapshots.deleted_at', 'is', null);
}

export interface SnapshotFilter {
  accountId: number;
  serverId?: number;
  limit: number;
  offset: number;
}

/** One page, newest first, and the total that matches; both use the (account|server, created_at) indexes. */
export async function listSnapshots(
  db: Executor,
  filter: SnapshotFilter,
): Promise<{ count: number; rows: SnapshotRow[] }> {
  let page = selectSnapshots(db).where('snapshots.account_id', '=', filter.accountId);
  let total = db
    .selectFrom('snapshots')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', filter.accountId)
    .where('deleted_at', 'is', null);
  if (filter.serverId !== undefined) {
    page = page.where('snapshots.server_id', '=', filter.serverId);
    total = total.where('server_id', '=', filter.serverId);
  }
  const [rows, counted] = await Promise.all([
    page
      .orderBy('snapshots.created_at', 'desc')
      .orderBy('snapshots.id', 'desc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    total.executeTakeFirstOrThrow(),
  ]);
  return { count: Number(counted.n), rows };
}

export async function findSnapshot(
  db: Executor,
  accountId: number,
  id: number,
): Promise<SnapshotRow | undefined> {
  return selectSnapshots(db)
    .where('snapshots.id', '=', id)
    .where('snapshots.account_id', '=', accountId)
    .executeTakeFirst();
}

export async function findSnapshotById(db: Executor, id: number): Promise<SnapshotRow | undefined> {
  return selectSnapshots(db).where('snapshots.id', '=', id).executeTakeFirst();
}

/** Snapshots that count towards the server's limit: every one not failed and not deleted. */
export async function countLiveSnapshots(db: Executor, serverId: number): Promise<number> {
  const row = await db
    .selectFrom('snapshots')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('server_id', '=', serverId)
    .where('deleted_at', 'is', null)
    .where('status', '!=', 'failed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface NewSnapshot {
  id?: number;
  accountId: number;
  serverId: number;
  name: string;
  description: string | null;
  now: number;
}

export async function insertSnapshot(db: Executor, snapshot: NewSnapshot): Promise<number> {
  const row = await db
    .insertInto('snapshots')
    .values({
      ...(snapshot.id === undefined ? {} : { id: snapshot.id }),
      account_id: snapshot.accountId,
      server_id: snapshot.serverId,
      name: snapshot.name,
      description: snapshot.description,
      status: 'in_progress',
      progress: 0,
      created_at: snapshot.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (snapshot.id !== undefined) await syncIdSequence(db, 'snapshots');
  return Number(row.id);
}

export async function setSnapshotProgress(db: Executor, id: number, progress: number): Promise<void> {
  await db
    .updateTable('snapshots')
    .set({ progress })
    .where('id', '=', id)
    .where('status', '=', 'in_progress')
    .execute();
}

export async function completeSnapshot(db: Executor, id: number, sizeMb: number, now: number): Promise<void> {
  await db
    .updateTable('snapshots')
    .set({
      status: 'completed',
      progress: 100,
      size_mb: sizeMb,
      completed_at: now,
      failure_reason: null,
      failure_code: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function failSnapshot(
  db: Executor,
  id: number,
  failure: { reason: string; code: string },
  now: number,
): Promise<void> {
  await db
    .updateTable('snapshots')
    .set({ status: 'failed', failure_reason: failure.reason, failure_code: failure.code, completed_at: now })
    .where('id', '=', id)
    .execute();
}

export async function markSnapshotDeleted(db: Executor, id: number, now: number): Promise<void> {
  await db.updateTable('snapshots').set({ deleted_at: now }).where('id', '=', id).execute();
}

export async function purgeSnapshot(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('snapshots').where('id', '=', id).where('deleted_at', 'is not', null).execute();
}
