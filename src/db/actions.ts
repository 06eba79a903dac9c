import type { Selectable } from 'kysely';
import type { Executor } from './executor.ts';
import type { JobTable } from './schema.ts';

/** A job as its customer sees it: no lease, attempts or raw error. */
export type ActionRow = Pick<
  Selectable<JobTable>,
  | 'id'
  | 'type'
  | 'status'
  | 'progress'
  | 'snapshot_id'
  | 'server_id'
  | 'created_at'
  | 'started_at'
  | 'finished_at'
  | 'failure_code'
>;

/** Jobs of the account's servers only: another account's answers exactly like a missing one. */
function selectActions(db: Executor, accountId: number) {
  return db
    .selectFrom('jobs')
    .innerJoin('servers', 'servers.id', 'jobs.server_id')
    .select([
      'jobs.id',
      'jobs.type',
      'jobs.status',
      'jobs.progress',
      'jobs.snapshot_id',
      'jobs.server_id',
      'jobs.created_at',
      'jobs.started_at',
      'jobs.finished_at',
      'jobs.failure_code',
    ])
    .where('servers.account_id', '=', accountId);
}

export async function findAction(
  db: Executor,
  accountId: number,
  id: number,
): Promise<ActionRow | undefined> {
  return selectActions(db, accountId).where('jobs.id', '=', id).executeTakeFirst();
}

export interface ActionFilter {
  accountId: number;
  serverId?: number;
  snapshotId?: number;
  limit: number;
  offset: number;
}

/** One page, newest first, and the total that matches. */
export async function listActions(
  db: Executor,
  filter: ActionFilter,
): Promise<{ count: number; rows: ActionRow[] }> {
  let page = selectActions(db, filter.accountId);
  let total = db
    .selectFrom('jobs')
    .innerJoin('servers', 'servers.id', 'jobs.server_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('servers.account_id', '=', filter.accountId);
  if (filter.serverId !== undefined) {
    page = page.where('jobs.server_id', '=', filter.serverId);
    total = total.where('jobs.server_id', '=', filter.serverId);
  }
  if (filter.snapshotId !== undefined) {
    page = page.where('jobs.snapshot_id', '=', filter.snapshotId);
    total = total.where('jobs.snapshot_id', '=', filter.snapshotId);
  }
  const [rows, counted] = await Promise.all([
    page.orderBy('jobs.id', 'desc').limit(filter.limit).offset(filter.offset).execute(),
    total.executeTakeFirstOrThrow(),
  ]);
  return { count: Number(counted.n), rows };
}

/** Which of these jobs have reached succeeded, failed or cancelled. */
export async function finishedJobIds(db: Executor, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where('id', 'in', ids)
    .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
    .execute();
  return rows.map((row) => Number(row.id));
}
