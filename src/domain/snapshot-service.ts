import type { Db } from '../db/connection.ts';
import { readChangeToken } from '../db/dialect.ts';
import { cancelJobs, enqueueJob } from '../db/jobs.ts';
import { findServer, lockServer, setServerStatus } from '../db/servers.ts';
import {
  countLiveSnapshots,
  findSnapshot,
  insertSnapshot,
  listSnapshots,
  markSnapshotDeleted,
} from '../db/snapshots.ts';
import { errors } from './errors.ts';
import { idempotently } from './idempotency.ts';
import { rowToServer, rowToSnapshot } from './mappers.ts';
import { ReadCache } from './read-cache.ts';
import { descriptionProblem, SNAPSHOT_LIMIT_PER_SERVER } from './rules.ts';
import type { Clock, Page, PageRequest, Server, Snapshot } from './types.ts';

export interface SnapshotServiceDeps {
  db: Db;
  now: Clock;
  maxAttempts: number;
  /** Called after a job is committed, so an in-process worker can pick it up without waiting to poll. */
  onJobQueued?: () => void;
  /** Called after a delete is committed, so an in-process worker can stop that snapshot's capture at once. */
  onSnapshotDeleted?: (snapshotId: number) => void;
}

export interface CreateSnapshotInput {
  serverId: number;
  name: string;
  description?: string | null;
}

/** A create or restore as first answered; `replayed` when a retry with its Idempotency-Key got it again. */
export interface Created {
  snapshot: Snapshot;
  actionId: number;
  replayed: boolean;
}
export interface Restoring {
  snapshot: Snapshot;
  server: Server;
  actionId: number;
  replayed: boolean;
}

/**
 * The Snapshots API's rules. Every method is scoped to the calling account, and every change that queues
 * work writes its job in the same transaction as the rows it concerns.
 */
export class SnapshotService {
  // Clients poll these two while a snapshot is taken; between commits the answer cannot change.
  private readonly lists: ReadCache<Page<Snapshot>>;
  private readonly singles: ReadCache<Snapshot | null>;

  constructor(private readonly deps: SnapshotServiceDeps) {
    const token = () => readChangeToken(deps.db);
    this.lists = new ReadCache(token);
    this.singles = new ReadCache(token);
  }

  async list(accountId: number, filter: { serverId?: number } & PageRequest): Promise<Page<Snapshot>> {
    const key = `${accountId}:${filter.serverId ?? '*'}:${filter.page}:${filter.pageSize}`;
    return this.lists.get(key, async () => {
      const { count, rows } = await listSnapshots(this.deps.db, {
        accountId,
        ...(filter.serverId === undefined ? {} : { serverId: filter.serverId }),
        limit: filter.pageSize,
        offset: (filter.page - 1) * filter.pageSize,
      });
      return { count, items: rows.map(rowToSnapshot) };
    });
  }

  async get(accountId: number, id: number): Promise<Snapshot> {
    const snapshot = await this.singles.get(`${accountId}:${id}`, async () => {
      const row = await findSnapshot(this.deps.db, accountId, id);
      return row ? rowToSnapshot(row) : null;
    });
    if (!snapshot) throw errors.snapshotNotFound(id);
    return snapshot;
  }

  async create(
    accountId: number,
    input: CreateSnapshotInput,
    options: { idempotencyKey?: string } = {},
  ): Promise<Created> {
    const description = input.description ?? null;
    if (description !== null) {
      const problem = descriptionProblem(description);
      if (problem) throw errors.invalidRequest({ description: [problem] });
    }
    const { db, now, maxAttempts } = this.deps;
    const at = now();
    const call = {
      accountId,
      key: options.idempotencyKey,
      operation: 'create_snapshot',
      input: { serverId: input.serverId, name: input.name, description },
      now: at,
    };
    const { value, replayed } = await idempotently(db, call, async (trx) => {
      const server = await findServer(trx, accountId, input.serverId);
      if (!server) throw errors.serverNotFound(input.serverId);
      await lockServer(trx, server.id);
      const current = await findServer(trx, accountId, server.id);
      if (current?.status === 'restoring') throw errors.serverRestoring(server.id);
      if ((await countLiveSnapshots(trx, server.id)) >= SNAPSHOT_LIMIT_PER_SERVER) {
        throw errors.snapshotLimitReached(server.id, SNAPSHOT_LIMIT_PER_SERVER);
      }
      const snapshotId = await insertSnapshot(trx, {
        accountId,
        serverId: server.id,
        name: input.name,
        description,
        now: at,
      });
      const actionId = await enqueueJob(trx, {
        type: 'capture',
        serverId: server.id,
        snapshotId,
        maxAttempts,
        now: at,
      });
      const row = await findSnapshot(trx, accountId, snapshotId);
      if (!row) throw new Error(`snapshot ${snapshotId} vanished inside its own transaction`);
      return { snapshot: rowToSnapshot(row), actionId };
    });
    if (!replayed) this.deps.onJobQueued?.();
    return { ...value, replayed };
  }

  async restore(
    accountId: number,
    id: number,
    options: { idempotencyKey?: string } = {},
  ): Promise<Restoring> {
    const { db, now, maxAttempts } = this.deps;
    const at = now();
    const call = {
      accountId,
      key: options.idempotencyKey,
      operation: 'restore_snapshot',
      input: { snapshotId: id },
      now: at,
    };
    const { value, replayed } = await idempotently(db, call, async (trx) => {
      const found = await findSnapshot(trx, accountId, id);
      if (!found) throw errors.snapshotNotFound(id);
      await lockServer(trx, found.server_id);
      const snapshot = await findSnapshot(trx, accountId, id);
      const server = await findServer(trx, accountId, found.server_id);
      if (!snapshot || !server) throw errors.snapshotNotFound(id);
      if (snapshot.status !== 'completed') throw errors.snapshotNotRestorable(id, snapshot.status);
      if (server.status === 'restoring') throw errors.serverRestoring(server.id);
      await setServerStatus(trx, server.id, 'restoring', server.status);
      const actionId = await enqueueJob(trx, {
        type: 'restore',
        serverId: server.id,
        snapshotId: id,
        maxAttempts,
        now: at,
      });
      return {
        snapshot: rowToSnapshot(snapshot),
        server: rowToServer({ ...server, status: 'restoring' }),
        actionId,
      };
    });
    if (!replayed) this.deps.onJobQueued?.();
    return { ...value, replayed };
  }

  /**
   * Gone for the customer at once; a capture still running is cancelled and its chunks swept by the job.
   * Answers the id of the action that frees the snapshot's data.
   */
  async delete(accountId: number, id: number): Promise<{ actionId: number }> {
    const { db, now, maxAttempts } = this.deps;
    const actionId = await db.transaction().execute(async (trx) => {
      const snapshot = await findSnapshot(trx, accountId, id);
      if (!snapshot) throw errors.snapshotNotFound(id);
      await lockServer(trx, snapshot.server_id);
      const at = now();
      await markSnapshotDeleted(trx, id, at);
      await cancelJobs(trx, id, 'capture', at);
      return enqueueJob(trx, {
        type: 'delete',
        serverId: snapshot.server_id,
        snapshotId: id,
        maxAttempts,
        now: at,
      });
    });
    this.deps.onSnapshotDeleted?.(id);
    this.deps.onJobQueued?.();
    return { actionId };
  }
}
