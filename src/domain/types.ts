import type { ServerStatus, SnapshotStatus } from '../db/schema.ts';
import type { FailureCode } from './failures.ts';

export type { ServerStatus, SnapshotStatus };

export interface Snapshot {
  id: number;
  server: { id: number; name: string };
  name: string;
  status: SnapshotStatus;
  progress: number;
  sizeMb: number | null;
  createdAt: Date;
  description: string | null;
  failureReason: string | null;
  /** The kind of failure, to say the reason in another language; null when only the English words are known. */
  failureCode: FailureCode | null;
}

export interface Server {
  id: number;
  name: string;
  status: ServerStatus;
  host: string;
  diskSizeBytes: number;
  createdAt: Date;
}

export interface Page<T> {
  count: number;
  items: T[];
}

export interface PageRequest {
  page: number;
  pageSize: number;
}

export type Clock = () => number;
