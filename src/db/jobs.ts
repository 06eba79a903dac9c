import type { Kysely, Selectable } from 'kysely';
import { capabilitiesOf } from './dialect.ts';
import type { Executor } from './executor.ts';
import type { Database, JobTable, JobType } from './schema.ts';

export type JobRow = Selectable<JobTable>;

export async function enqueueJob(
  db: Executor,
  job: { type: JobType; serverId: number; snapshotId: number; maxAttempts: number; now: number },
): Promise<number> {
  const row = await db
    .insertInto('jobs')
    .values({
      type: job.type,
      server_id: job.serverId,
      snapshot_id: job.snapshotId,
      status: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_after: job.now,
      created_at: job.now,
      updated_at: job.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  now: number;
  /** Only servers on this hypervisor host; all hosts when undefined. */
  host?: string;
}

/**
 * Claims the next runnable job. A server's jobs run one at a time in the order they were queued: only the
 * oldest unfinished job of a server is a candidate, and only when it is queued and due, or running under
 * a lease that has expired (its worker died). The claim is a compare-and-set on (status, attempts), so two
 * workers racing for one job cannot both win, on any database.
 */
export async function claimNextJob(db: Kysely<Database>, options: ClaimOptions): Promise<JobRow | undefined> {
  if (capabilitiesOf(db).skipLocked) {
    // Claimers skip rows another claimer has locked instead of queueing behind it.
    const claimed = await db.transaction().execute((trx) => claimOnce(trx, options, true));
    return claimed === 'lost' ? undefined : claimed;
  }
  for (let round = 0; round < 5; round++) {
    const claimed = await claimOnce(db, options, false);
    if (claimed !== 'lost') return claimed;
  }
  return undefined;
}

async function claimOnce(
  db: Executor,
  options: ClaimOptions,
  skipLocked: boolean,
): Promise<JobRow | undefined | 'lost'> {
  const { now } = options;
  let query = db
    .selectFrom('jobs as j')
    .innerJoin('servers as s', 's.id', 'j.server_id')
    .selectAll('j')
    .where('j.status', 'in', ['queued', 'running'])
    .where('j.run_after', '<=', now)
    .where((eb) => eb.or([eb('j.status', '=', 'queued'), eb('j.lease_expires_at', '<', now)]))
    .where((eb) =>
      eb(
        'j.id',
        '=',
        eb
          .selectFrom('jobs as h')
          .select((h) => h.fn.min<number>('h.id').as('head'))
          .whereRef('h.server_id', '=', 'j.server_id')
          .where('h.status', 'in', ['queued', 'running']),
      ),
    );
  if (options.host !== undefined) query = query.where('s.host', '=', options.host);
  query = query.orderBy('j.run_after').orderBy('j.id').limit(1);
  const candidate = await (skipLocked ? query.forUpdate('j').skipLocked() : query).executeTakeFirst();
  if (!candidate) return undefined;
  const claimed = {
    status: 'running' as const,
    attempts: candidate.attempts + 1,
    lease_owner: options.owner,
    lease_expires_at: now + options.leaseMs,
    updated_at: now,
    started_at: candidate.started_at ?? now,
  };
  const result = await db
    .updateTable('jobs')
    .set(claimed)
    .where('id', '=', candidate.id)
    .where('status', '=', candidate.status)
    .where('attempts', '=', candidate.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ...candidate, ...claimed } : 'lost';
}

/** Renews the lease; tells whether the job is still ours and whether someone asked to cancel it. */
export async function heartbeatJob(
  db: Executor,
  job: { id: number; owner: string; leaseMs: number; progress: number; now: number },
): Promise<{ owned: boolean; cancelRequested: boolean }> {
  const result = await db
    .updateTable('jobs')
    .set({ lease_expires_at: job.now + job.leaseMs, progress: job.progress, updated_at: job.now })
    .where('id', '=', job.id)
    .where('lease_owner', '=', job.owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return { owned: false, cancelRequested: false };
  const row = await db
    .selectFrom('jobs')
    .select('cancel_requested')
    .where('id', '=', job.id)
    .executeTakeFirst();
  return { owned: true, cancelRequested: (row?.cancel_requested ?? 0) !== 0 };
}

type Finish =
  | { status: 'succeeded' }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string; code: string }
  | { status: 'queued'; error: string; runAfter: number };

/** Ends the worker's hold on a job; a no-op if the lease was lost to another worker meanwhile. */
export async function finishJob(
  db: Executor,
  job: { id: number; owner: string; now: number },
  finish: Finish,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      status: finish.status,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: job.now,
      ...(finish.status === 'succeeded' ? { progress: 100 } : {}),
      ...('error' in finish ? { last_error: finish.error } : {}),
      ...(finish.status === 'failed' ? { failure_code: finish.code } : {}),
      ...(finish.status === 'queued' ? { run_after: finish.runAfter } : { finished_at: job.now }),
    })
    .where('id', '=', job.id)
    .where('lease_owner', '=', job.owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Cancels the snapshot's unfinished jobs of one type: queued ones at once, a running one at its next heartbeat. */
export async function cancelJobs(
  db: Executor,
  snapshotId: number,
  type: JobType,
  now: number,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'cancelled', updated_at: now, finished_at: now })
    .where('snapshot_id', '=', snapshotId)
    .where('type', '=', type)
    .where('status', '=', 'queued')
    .execute();
  await db
    .updateTable('jobs')
    .set({ cancel_requested: 1, updated_at: now })
    .where('snapshot_id', '=', snapshotId)
    .where('type', '=', type)
    .where('status', '=', 'running')
    .execute();
}

export async function countOpenJobs(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function hasOpenJob(db: Executor, serverId: number, type: JobType): Promise<boolean> {
  const row = await db
    .selectFrom('jobs')
    .select('id')
    .where('server_id', '=', serverId)
    .where('type', '=', type)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return row !== undefined;
}

export async function listRunningJobOwners(
  db: Executor,
): Promise<{ id: number; lease_owner: string | null }[]> {
  return db.selectFrom('jobs').select(['id', 'lease_owner']).where('status', '=', 'running').execute();
}

/** Lets another worker take a job at once, when its owner is known to be dead. */
export async function expireLease(db: Executor, id: number, owner: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ lease_expires_at: 0 })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .execute();
}
