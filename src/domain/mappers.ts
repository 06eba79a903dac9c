import type { ActionRow } from '../db/actions.ts';
import type { JobStatus, JobType } from '../db/schema.ts';
import type { ServerRow } from '../db/servers.ts';
import type { SnapshotRow } from '../db/snapshots.ts';
import type { Action, ActionStatus, ActionType } from './actions.ts';
import { isFailureCode } from './failures.ts';
import type { Server, Snapshot } from './types.ts';

export function rowToSnapshot(row: SnapshotRow): Snapshot {
  return {
    id: Number(row.id),
    server: { id: Number(row.server_id), name: row.server_name },
    name: row.name,
    status: row.status,
    progress: row.status === 'completed' ? 100 : Number(row.progress),
    sizeMb: row.size_mb === null ? null : Number(row.size_mb),
    createdAt: new Date(Number(row.created_at)),
    description: row.description,
    failureReason: row.failure_reason,
    failureCode: isFailureCode(row.failure_code) ? row.failure_code : null,
  };
}

export function rowToServer(row: ServerRow): Server {
  return {
    id: Number(row.id),
    name: row.name,
    status: row.status,
    host: row.host,
    diskSizeBytes: Number(row.disk_size_bytes),
    createdAt: new Date(Number(row.created_at)),
  };
}

const TYPE: Record<JobType, ActionType> = {
  capture: 'create_snapshot',
  restore: 'restore_snapshot',
  delete: 'delete_snapshot',
};

// A job queued again after a failed attempt, or handed back at shutdown, is still in progress.
const STATUS: Record<JobStatus, ActionStatus> = {
  queued: 'in_progress',
  running: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function rowToAction(row: ActionRow): Action {
  const status = STATUS[row.status];
  const at = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  return {
    id: Number(row.id),
    type: TYPE[row.type],
    status,
    progress: status === 'completed' ? 100 : Number(row.progress),
    snapshotId: Number(row.snapshot_id),
    serverId: Number(row.server_id),
    createdAt: new Date(Number(row.created_at)),
    startedAt: at(row.started_at),
    finishedAt: at(row.finished_at),
    failure:
      status !== 'failed' ? null : isFailureCode(row.failure_code) ? row.failure_code : 'internal_error',
  };
}
