import type { Db } from '../db/connection.ts';
import type { JobRow } from '../db/jobs.ts';
import { findServerById, setServerStatus } from '../db/servers.ts';
import {
  completeSnapshot,
  failSnapshot,
  findSnapshotById,
  purgeSnapshot,
  setSnapshotProgress,
} from '../db/snapshots.ts';
import { english } from '../domain/errors.ts';
import { sizeMbOf, storeNamespace } from '../domain/rules.ts';
import {
  type ChunkStore,
  captureDisk,
  deleteSnapshot,
  readManifest,
  restoreDisk,
  sweepNamespace,
} from '../engine/index.ts';
import type { HypervisorDriver } from '../hypervisor/driver.ts';
import { failureCode } from './customer-reason.ts';
import type { JobContext, JobHandlers } from './types.ts';

export interface HandlerDeps {
  db: Db;
  store: ChunkStore;
  hypervisor: HypervisorDriver;
  now: () => number;
  onBytes?: (kind: 'captured' | 'restored', bytes: number) => void;
}

/** How often a running capture's percentage reaches the database: often enough for a live progress bar. */
const PROGRESS_EVERY_MS = 200;

/** Turns the engine's byte counts into a percentage, written to the snapshot at most every PROGRESS_EVERY_MS. */
function progressWriter(context: JobContext, write?: (percent: number) => Promise<void>) {
  let last = -1;
  let lastAt = 0;
  return (done: number, total: number) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    context.reportProgress(percent);
    const at = Date.now();
    if (write && percent !== last && (at - lastAt >= PROGRESS_EVERY_MS || percent === 100)) {
      last = percent;
      lastAt = at;
      write(Math.min(99, percent)).catch(() => {});
    }
  };
}

async function serverOf(db: Db, job: JobRow) {
  const server = await findServerById(db, job.server_id);
  if (!server) throw new Error(`server ${job.server_id} no longer exists`);
  return server;
}

export function createJobHandlers(deps: HandlerDeps): JobHandlers {
  const { db, store, hypervisor, now } = deps;
  return {
    capture: {
      async run(context) {
        const { job, signal } = context;
        const snapshot = await findSnapshotById(db, job.snapshot_id);
        // Deleted (the row is hidden), already completed, or failed: nothing to capture.
        if (snapshot?.status !== 'in_progress') return;
        const server = await serverOf(db, job);
        const namespace = storeNamespace(server.id);
        // A previous attempt that wrote the manifest but died before recording it: the snapshot is that one.
        const existing = await store.getManifest(namespace, String(job.snapshot_id));
        if (existing) {
          const manifest = await readManifest(store, namespace, String(job.snapshot_id));
          await completeSnapshot(db, job.snapshot_id, sizeMbOf(manifest.dataBytes), now());
          return;
        }
        const result = await captureDisk({
          store,
          namespace,
          snapshotId: String(job.snapshot_id),
          diskPath: hypervisor.diskPath({ id: server.id, diskPath: server.disk_path }),
          signal,
          onProgress: progressWriter(context, (p) => setSnapshotProgress(db, job.snapshot_id, p)),
        });
        // Deleted while the last chunks went in: the delete job queued behind this one removes it all.
        if (signal.aborted) throw signal.reason;
        // An earlier attempt died or was handed back: what it stored that this one did not reuse is swept now,
        // while this job still holds the server's turn.
        if (job.attempts > 1) await sweepNamespace(store, namespace);
        await completeSnapshot(db, job.snapshot_id, sizeMbOf(result.manifest.dataBytes), now());
        deps.onBytes?.('captured', result.manifest.imageSize);
      },
      async giveUp(job, error) {
        const code = failureCode(error);
        await failSnapshot(
          db,
          job.snapshot_id,
          { reason: english.failure('create_snapshot', code), code },
          now(),
        );
        // What the failed attempts stored belongs to no snapshot; this job still holds the server's turn.
        // A manifest a last attempt may have written goes too, so a failed snapshot holds nothing.
        const namespace = storeNamespace(job.server_id);
        await store.deleteManifest(namespace, String(job.snapshot_id));
        await sweepNamespace(store, namespace);
      },
    },
    restore: {
      async run(context) {
        const { job, signal } = context;
        const server = await serverOf(db, job);
        // The API sets `restoring` in the transaction that queues this job; any other status means an
        // earlier attempt finished and handed the server back, so its disk must not be touched again.
        if (server.status !== 'restoring') return;
        const ref = { id: server.id, diskPath: server.disk_path };
        await hypervisor.stop(ref);
        const result = await restoreDisk({
          store,
          namespace: storeNamespace(server.id),
          snapshotId: String(job.snapshot_id),
          diskPath: hypervisor.diskPath(ref),
          signal,
          onProgress: progressWriter(context),
        });
        const back = server.status_before_restore === 'running' ? 'running' : 'stopped';
        if (back === 'running') await hypervisor.start(ref);
        await setServerStatus(db, server.id, back);
        deps.onBytes?.('restored', result.bytesWritten);
      },
      async giveUp(job) {
        // The disk may hold part of the snapshot: leave the server off rather than boot a mixed disk.
        await setServerStatus(db, job.server_id, 'stopped');
      },
    },
    delete: {
      async run({ job }) {
        await deleteSnapshot(store, storeNamespace(job.server_id), String(job.snapshot_id));
        await purgeSnapshot(db, job.snapshot_id);
      },
      async giveUp() {
        // The row stays marked deleted (invisible to the customer); the next sweep of the server frees its chunks.
      },
    },
  };
}
