/**
 * GET /metrics: Prometheus text with request durations by route pattern and status, job durations and
 * outcomes, bytes captured and restored, and the queue depth — and nothing about who the callers are.
 */
import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { call, type InProcessService, makeAccount, startInProcess, waitFor } from '../helpers/service.ts';
import { addServer, createSnapshot, MiB, settledServer, settledSnapshot } from './fixtures/api.ts';

let service: InProcessService;
let token: string;

beforeAll(async () => {
  service = await startInProcess({ VPS_JOB_MAX_ATTEMPTS: '2' });
  token = await makeAccount(service, 'metrics-account-acme');
});

afterAll(async () => {
  await service?.stop();
});

async function scrape(): Promise<string> {
  const answer = await fetch(new URL('/metrics', service.url));
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return answer.text();
}

/** The value of one series, `name{labels}`, with the labels in any order; undefined when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, wanted]) => have[key] === wanted)) return Number(match[3]);
  }
  return undefined;
}

test('requests by route pattern and status, a captured and a restored snapshot, the queue, no names or tokens', async () => {
  const server = await addServer(service, 'metrics-account-acme', { sizeBytes: 4 * MiB, dataBytes: MiB });
  for (let i = 0; i < 3; i++)
    expect((await call(service.url, token, 'GET', '/api/v1/snapshots/')).status).toBe(200);
  expect((await call(service.url, token, 'GET', '/api/v1/snapshots/4242/')).status).toBe(404);
  expect((await call(service.url, null, 'GET', '/api/v1/snapshots/')).status).toBe(401);

  const created = await createSnapshot(service.url, token, server.id, 'metrics-snap');
  const snapshot = await settledSnapshot(service.url, token, created.id);
  expect(snapshot.status).toBe('completed');
  expect((await call(service.url, token, 'POST', `/api/v1/snapshots/${created.id}/restore/`)).status).toBe(
    200,
  );
  await settledServer(service.url, token, server.id);

  const text = await waitFor('the restore job in the metrics', async () => {
    const scraped = await scrape();
    return value(scraped, 'vps_jobs_total', { type: 'restore', outcome: 'succeeded' }) ? scraped : undefined;
  });

  const requests = (route: string, method: string, status: string) =>
    value(text, 'vps_http_request_duration_seconds_count', { route, method, status_code: status });
  expect(requests('/api/v1/snapshots/', 'GET', '200')).toBeGreaterThanOrEqual(3);
  expect(requests('/api/v1/snapshots/', 'GET', '401')).toBe(1);
  expect(requests('/api/v1/snapshots/:snapshot_id/', 'GET', '404')).toBe(1);
  expect(requests('/api/v1/snapshots/', 'POST', '201')).toBe(1);
  expect(requests('/api/v1/snapshots/:snapshot_id/restore/', 'POST', '200')).toBe(1);
  expect(text).toMatch(
    /vps_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/v1\/snapshots\/"/,
  );
  // Route patterns only: no raw URL with an id in it ever becomes a label.
  expect(text).not.toContain('route="/api/v1/snapshots/4242/"');
  expect(text).not.toContain(`/${created.id}/`);

  expect(value(text, 'vps_jobs_total', { type: 'capture', outcome: 'succeeded' })).toBe(1);
  expect(value(text, 'vps_job_duration_seconds_count', { type: 'capture', outcome: 'succeeded' })).toBe(1);
  expect(
    value(text, 'vps_job_duration_seconds_sum', { type: 'capture', outcome: 'succeeded' }),
  ).toBeGreaterThan(0);
  expect(value(text, 'vps_job_duration_seconds_count', { type: 'restore', outcome: 'succeeded' })).toBe(1);
  expect(value(text, 'vps_snapshot_bytes_captured_total')).toBe(4 * MiB);
  expect(value(text, 'vps_snapshot_bytes_restored_total')).toBeGreaterThanOrEqual(0);
  expect(value(text, 'vps_job_queue_depth')).toBe(0);
  expect(value(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

  expect(text).not.toContain(token);
  expect(text).not.toContain(token.slice(0, 12));
  expect(text).not.toContain('metrics-account-acme');
  expect(text).not.toContain('metrics-snap');
});

test('a capture whose disk is gone: one attempt retried, the last one failed', async () => {
  const server = await addServer(service, 'metrics-account-acme', { sizeBytes: 2 * MiB, dataBytes: MiB });
  await rename(server.diskPath, `${server.diskPath}.gone`);
  const created = await createSnapshot(service.url, token, server.id, 'doomed');
  expect((await settledSnapshot(service.url, token, created.id)).status).toBe('failed');
  const text = await waitFor('the failed capture in the metrics', async () => {
    const scraped = await scrape();
    return value(scraped, 'vps_jobs_total', { type: 'capture', outcome: 'failed' }) ? scraped : undefined;
  });
  expect(value(text, 'vps_jobs_total', { type: 'capture', outcome: 'retried' })).toBe(1);
  expect(value(text, 'vps_jobs_total', { type: 'capture', outcome: 'failed' })).toBe(1);
  expect(value(text, 'vps_job_duration_seconds_count', { type: 'capture', outcome: 'failed' })).toBe(1);
});

test('the queue depth counts unfinished jobs when scraped', async () => {
  const server = await addServer(service, 'metrics-account-acme', { sizeBytes: 2 * MiB, dataBytes: MiB });
  await service.running.worker?.stop();
  const created = await createSnapshot(service.url, token, server.id, 'queued-one');
  expect(created.status).toBe('in_progress');
  expect(value(await scrape(), 'vps_job_queue_depth')).toBe(1);
});

test('two services in one process keep their own registries', async () => {
  const other = await startInProcess();
  try {
    const text = await (await fetch(new URL('/metrics', other.url))).text();
    expect(value(text, 'vps_jobs_total', { type: 'capture', outcome: 'succeeded' })).toBeUndefined();
    expect(value(text, 'vps_snapshot_bytes_captured_total')).toBe(0);
  } finally {
    await other.stop();
  }
});
