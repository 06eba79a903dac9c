import type { JobRow } from '../db/jobs.ts';
import type { JobType } from '../db/schema.ts';

export interface JobContext {
  job: JobRow;
  /** Aborted when the job is cancelled, its lease is lost, or the worker shuts down. */
  signal: AbortSignal;
  /** 0–100; stored with the job's next heartbeat. */
  reportProgress(percent: number): void;
}

/**
 * What a job type does. `run` must be idempotent: after a crash it runs again from the start on whatever
 * the previous attempt left. `giveUp` records the final failure once no attempt is left.
 */
export interface JobHandler {
  run(context: JobContext): Promise<void>;
  giveUp(job: JobRow, error: unknown): Promise<void>;
}

export type JobHandlers = Record<JobType, JobHandler>;

/** How one attempt of a job ended: done, given up, queued again after a failure, or cancelled. */
export type JobOutcome = 'succeeded' | 'failed' | 'retried' | 'cancelled';
