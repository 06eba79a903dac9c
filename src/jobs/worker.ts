import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.ts';
import {
  claimNextJob,
  expireLease,
  finishJob,
  heartbeatJob,
  type JobRow,
  listRunningJobOwners,
} from '../db/jobs.ts';
import { backoffMs } from './backoff.ts';
import { failureCode, WorkerDied } from './customer-reason.ts';
import type { JobHandlers, JobOutcome } from './types.ts';

export interface WorkerOptions {
  db: Db;
  handlers: JobHandlers;
  logger: Logger;
  leaseMs: number;
  /** Jobs run at once (each on a different server); the engine already uses both cores for one job. */
  concurrency?: number;
  pollMs?: number;
  retryBaseMs?: number;
  /** Claim only jobs of servers on this hypervisor host. */
  host?: string;
  now?: () => number;
  /** Told how each attempt ended and how long it took (for metrics). */
  onJobFinished?: (type: JobRow['type'], outcome: JobOutcome, ms: number) => void;
}

class Cancelled extends Error {}
class LeaseLost extends Error {}
class ShuttingDown extends Error {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Runs queued jobs in this process: claims with a lease, renews it by heartbeat, retries with backoff,
 * and gives up into the handler's `giveUp` after the last attempt. A job whose worker died is taken up
 * again once its lease expires.
 */
export class Worker {
  readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly running = new Map<
    number,
    { job: JobRow; controller: AbortController; done: Promise<void> }
  >();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly now: () => number;

  constructor(private readonly options: WorkerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.loop ??= this.recoverOrphans().then(() => this.run());
  }

  /**
   * Jobs held by a process of this machine that no longer exists (killed, crashed) are released at once
   * instead of after their lease runs out; those of other machines wait for their leases as usual.
   */
  private async recoverOrphans(): Promise<void> {
    const host = hostname();
    for (const { id, lease_owner } of await listRunningJobOwners(this.options.db)) {
      const [ownerHost, pid] = (lease_owner ?? '').split(':');
      if (ownerHost !== host || !pid || Number(pid) === process.pid || processAlive(Number(pid))) continue;
      await expireLease(this.options.db, id, lease_owner!);
      this.options.logger.warn(
        { jobId: id, previousOwner: lease_owner },
        'taking over a job whose worker died',
      );
    }
  }

  /** Tells the loop to look for work now rather than at its next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops claiming, aborts running jobs and hands them back to the queue, then waits for them to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    for (const { controller } of this.running.values()) controller.abort(new ShuttingDown('worker stopping'));
    await this.loop;
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Aborts this process's running jobs for a snapshot at once (the database flag reaches other processes). */
  cancelSnapshotJobs(snapshotId: number): void {
    for (const { job, controller } of this.running.values()) {
      if (job.snapshot_id === snapshotId && job.type === 'capture')
        controller.abort(new Cancelled('cancelled'));
    }
  }

  get activeJobs(): number {
    return this.running.size;
  }

  private async run(): Promise<void> {
    const { pollMs = 250, concurrency = 2 } = this.options;
    while (!this.stopping) {
      let claimed: JobRow | undefined;
      if (this.running.size < concurrency) {
        try {
          claimed = await claimNextJob(this.options.db, {
            owner: this.owner,
            leaseMs: this.options.leaseMs,
            now: this.now(),
            ...(this.options.host === undefined ? {} : { host: this.options.host }),
          });
        } catch (error) {
          this.options.logger.error({ err: error }, 'claiming a job failed; retrying');
        }
      }
      if (claimed) {
        this.launch(claimed);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private launch(job: JobRow): void {
    const controller = new AbortController();
    const done = this.execute(job, controller)
      .catch((error) => this.options.logger.error({ err: error, jobId: job.id }, 'job bookkeeping failed'))
      .finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { job, controller, done });
  }

  /** Records the final failure; if even that fails, the job is still marked failed and the error logged. */
  private async giveUp(job: JobRow, error: unknown): Promise<void> {
    try {
      await this.options.handlers[job.type].giveUp(job, error);
    } catch (error) {
      this.options.logger.error({ err: error, jobId: job.id }, 'recording a job failure failed');
    }
  }

  private async execute(job: JobRow, controller: AbortController): Promise<void> {
    const { db, handlers, leaseMs, retryBaseMs = 1000 } = this.options;
    const log = this.options.logger.child({ jobId: job.id, jobType: job.type, snapshotId: job.snapshot_id });
    const handler = handlers[job.type];
    const ref = { id: job.id, owner: this.owner };
    let progress = 0;

    if (job.attempts > job.max_attempts) {
      // Its last attempt died with its worker: nothing is left to try.
      log.error('job exhausted its attempts in crashed workers; giving up');
      const died = new WorkerDied(job.last_error ?? 'the worker running it stopped unexpectedly');
      await this.giveUp(job, died);
      await finishJob(
        db,
        { ...ref, now: this.now() },
        { status: 'failed', error: 'attempts exhausted', code: failureCode(died) },
      );
      return;
    }

    const heartbeat = setInterval(
      () => {
        heartbeatJob(db, { ...ref, leaseMs, progress, now: this.now() })
          .then(({ owned, cancelRequested }) => {
            if (!owned) controller.abort(new LeaseLost('lease lost to another worker'));
            else if (cancelRequested) controller.abort(new Cancelled('cancelled'));
          })
          .catch((error) => log.warn({ err: error }, 'heartbeat failed'));
      },
      // Also how soon a cancel from another process is seen: at least every second, whatever the lease.
      Math.max(200, Math.min(1000, Math.floor(leaseMs / 3))),
    );

    const started = this.now();
    const finished = (outcome: JobOutcome) =>
      this.options.onJobFinished?.(job.type, outcome, this.now() - started);
    log.info({ attempt: job.attempts }, 'job started');
    try {
      await handler.run({
        job,
        signal: controller.signal,
        reportProgress: (percent) => {
          progress = Math.max(0, Math.min(100, Math.floor(percent)));
        },
      });
      // A handler that returned has done its work, even if an abort arrived meanwhile.
      await finishJob(db, { ...ref, now: this.now() }, { status: 'succeeded' });
      finished('succeeded');
      log.info({ ms: this.now() - started }, 'job succeeded');
    } catch (caught) {
      const reason = controller.signal.aborted ? controller.signal.reason : caught;
      const now = this.now();
      if (reason instanceof Cancelled) {
        await finishJob(db, { ...ref, now }, { status: 'cancelled' });
        finished('cancelled');
        log.info('job cancelled');
      } else if (reason instanceof LeaseLost) {
        log.warn('job abandoned: its lease passed to another worker');
      } else if (reason instanceof ShuttingDown) {
        // Handed back without counting as a failure, so the next start resumes it straight away.
        await finishJob(db, { ...ref, now }, { status: 'queued', error: 'worker stopped', runAfter: now });
        log.info('job handed back to the queue for the next start');
      } else if (job.attempts < job.max_attempts) {
        const delay = backoffMs(job.attempts, retryBaseMs);
        await finishJob(
          db,
          { ...ref, now },
          { status: 'queued', error: describe(reason), runAfter: now + delay },
        );
        finished('retried');
        log.warn({ err: reason, retryInMs: delay }, 'job failed; will retry');
      } else {
        await this.giveUp(job, reason);
        await finishJob(
          db,
          { ...ref, now },
          { status: 'failed', error: describe(reason), code: failureCode(reason) },
        );
        finished('failed');
        log.error({ err: reason }, 'job failed for the last time');
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}
