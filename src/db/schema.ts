import type { Generated } from 'kysely';

/** Table types: what the database holds, apart from the domain's types. Times are epoch milliseconds. */
export interface Database {
  accounts: AccountTable;
  api_tokens: ApiTokenTable;
  servers: ServerTable;
  snapshots: SnapshotTable;
  jobs: JobTable;
  idempotency_keys: IdempotencyKeyTable;
}

export interface AccountTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

export interface ApiTokenTable {
  id: Generated<number>;
  account_id: number;
  /** SHA-256 of the token, hex; the token itself is never stored. */
  token_hash: string;
  /** The first characters of the token, so an operator can tell tokens apart. */
  token_prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export type ServerStatus = 'running' | 'stopped' | 'restoring';

export interface ServerTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  status: ServerStatus;
  /** The power state to return to when a restore ends. */
  status_before_restore: ServerStatus | null;
  host: string;
  disk_path: string;
  disk_size_bytes: number;
  created_at: number;
}

export type SnapshotStatus = 'in_progress' | 'completed' | 'failed';

export interface SnapshotTable {
  id: Generated<number>;
  account_id: number;
  server_id: number;
  name: string;
  description: string | null;
  status: SnapshotStatus;
  progress: number;
  size_mb: number | null;
  failure_reason: string | null;
  /** The kind of failure behind failure_reason (domain/failures.ts); null for snapshots failed before it was kept. */
  failure_code: string | null;
  created_at: number;
  completed_at: number | null;
  /** Set when the customer deletes it; the row stays until its chunks are gone. */
  deleted_at: number | null;
}

export type JobType = 'capture' | 'restore' | 'delete';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobTable {
  id: Generated<number>;
  type: JobType;
  server_id: number;
  snapshot_id: number;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_after: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  cancel_requested: Generated<number>;
  progress: Generated<number>;
  last_error: string | null;
  /** Why the job failed, as a code the customer is told in words (see domain/failures.ts). */
  failure_code: string | null;
  created_at: number;
  updated_at: number;
  /** When an attempt first claimed it. */
  started_at: number | null;
  /** When it reached succeeded, failed or cancelled. */
  finished_at: number | null;
}

export interface IdempotencyKeyTable {
  account_id: number;
  /** The client's Idempotency-Key, unique per account. */
  key: string;
  /** SHA-256 of the operation and its input: the same key with another request is refused. */
  fingerprint: string;
  /** The first answer, as the domain's JSON; set in the same transaction as the work it records. */
  result: string | null;
  created_at: number;
}
