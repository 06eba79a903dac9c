import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { JobType } from '../db/schema.ts';
import type { JobOutcome } from '../jobs/types.ts';

/**
 * The service's Prometheus metrics, in a registry of its own (several services may run in one process,
 * as in the tests). Only counts and durations: no token, account or server name is ever a label.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** One answered HTTP request: `route` is the route's pattern (`/api/v1/snapshots/:snapshot_id/`). */
  httpRequest(labels: { method: string; route: string; statusCode: number }, seconds: number): void;
  jobFinished(type: JobType, outcome: JobOutcome, seconds: number): void;
  bytes(kind: 'captured' | 'restored', bytes: number): void;
}

export interface MetricsSources {
  /** Jobs queued or running, counted when the metrics are scraped. */
  openJobs(): Promise<number>;
}

export function createServiceMetrics(sources: MetricsSources): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'vps_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern, method and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'vps_job_duration_seconds',
    help: 'Time one attempt of a job took, by job type and outcome.',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 180, 600, 1800, 3600],
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'vps_jobs_total',
    help: 'Job attempts that ended, by job type and outcome (succeeded, failed, retried, cancelled).',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const captured = new Counter({
    name: 'vps_snapshot_bytes_captured_total',
    help: 'Bytes of server disks captured into completed snapshots.',
    registers: [registry],
  });
  const restored = new Counter({
    name: 'vps_snapshot_bytes_restored_total',
    help: 'Bytes written to server disks by restores (only the blocks that differed).',
    registers: [registry],
  });
  new Gauge({
    name: 'vps_job_queue_depth',
    help: 'Jobs not finished yet (queued or running), across all workers.',
    registers: [registry],
    async collect() {
      this.set(await sources.openJobs());
    },
  });
  return {
    registry,
    httpRequest: ({ method, route, statusCode }, seconds) =>
      http.observe({ method, route, status_code: String(statusCode) }, seconds),
    jobFinished: (type, outcome, seconds) => {
      jobs.inc({ type, outcome });
      jobDuration.observe({ type, outcome }, seconds);
    },
    bytes: (kind, bytes) => (kind === 'captured' ? captured : restored).inc(bytes),
  };
}
