import type { FailureCode } from './failures.ts';

/**
 * What a customer can follow after a create, restore or delete: the job doing it, under a name and a state
 * a client understands. A job retried after a failure is still in progress; only its last attempt decides.
 */
export const ACTION_TYPES = ['create_snapshot', 'restore_snapshot', 'delete_snapshot'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const ACTION_STATUSES = ['in_progress', 'completed', 'failed', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface Action {
  id: number;
  type: ActionType;
  status: ActionStatus;
  progress: number;
  snapshotId: number;
  serverId: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Why it failed; null unless `status` is failed. */
  failure: FailureCode | null;
}

export function isFinished(status: ActionStatus): boolean {
  return status !== 'in_progress';
}
