import type { ServerRow } from '../db/servers.ts';
import type { SnapshotRow } from '../db/snapshots.ts';
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
