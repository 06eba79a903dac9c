import { findAction, finishedJobIds, listActions } from '../db/actions.ts';
import type { Db } from '../db/connection.ts';
import { ActionWatch } from './action-watch.ts';
import { type Action, isFinished } from './actions.ts';
import { errors } from './errors.ts';
import { rowToAction } from './mappers.ts';
import type { Page, PageRequest } from './types.ts';

/** The longest a client may ask a read of an action to wait for it to finish. */
export const ACTION_WAIT_MAX_SECONDS = 60;

export class ActionService {
  private readonly watch: ActionWatch;

  constructor(private readonly deps: { db: Db; pollMs?: number }) {
    this.watch = new ActionWatch((ids) => finishedJobIds(deps.db, ids), deps.pollMs);
  }

  async list(
    accountId: number,
    filter: { serverId?: number; snapshotId?: number } & PageRequest,
  ): Promise<Page<Action>> {
    const { count, rows } = await listActions(this.deps.db, {
      accountId,
      ...(filter.serverId === undefined ? {} : { serverId: filter.serverId }),
      ...(filter.snapshotId === undefined ? {} : { snapshotId: filter.snapshotId }),
      limit: filter.pageSize,
      offset: (filter.page - 1) * filter.pageSize,
    });
    return { count, items: rows.map(rowToAction) };
  }

  /**
   * The account's action; with `waitMs`, answered once it has finished or the time is up, whichever is
   * first (or earlier, when `signal` aborts: the client left or the service is stopping).
   */
  async get(
    accountId: number,
    id: number,
    wait: { waitMs?: number; signal?: AbortSignal } = {},
  ): Promise<Action> {
    const action = await this.find(accountId, id);
    const waitMs = Math.min(wait.waitMs ?? 0, ACTION_WAIT_MAX_SECONDS * 1000);
    if (isFinished(action.status) || waitMs <= 0) return action;
    const timeout = AbortSignal.timeout(waitMs);
    await this.watch.until(id, wait.signal ? AbortSignal.any([wait.signal, timeout]) : timeout);
    return this.find(accountId, id);
  }

  /** A job finished in this process: answer the requests waiting for it now rather than at the next poll. */
  jobFinished(): void {
    this.watch.nudge();
  }

  /** Answers every waiting request at once with the action as it stands (before the HTTP server closes). */
  releaseWaiters(): void {
    this.watch.releaseAll();
  }

  private async find(accountId: number, id: number): Promise<Action> {
    const row = await findAction(this.deps.db, accountId, id);
    if (!row) throw errors.actionNotFound(id);
    return rowToAction(row);
  }
}
