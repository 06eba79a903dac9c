/**
 * Following actions: what it costs the service, and how soon a client learns the end, when clients poll
 * GET /actions/{id}/ once a second (what a client does without `?wait`) and when they long-poll with
 * `?wait=N`. The real service runs as a child process (`bin/vpsctl serve`); the clients run here.
 *
 * 1. Cost of waiting: CLIENTS clients each follow one action that does not end (the service runs without
 *    a worker) for WINDOW seconds. Reported: requests served and the service's CPU time, per client-minute.
 * 2. Time to learn the end: ROUNDS snapshots of a small disk taken by the in-process worker, each followed
 *    at once by a poller and a long-poller. Reported: how long after the job was recorded as finished
 *    (jobs.updated_at) each learned it.
 *
 * Run with `npm run bench:long-poll`. Environment: BENCH_CLIENTS (default 200), BENCH_WINDOW (seconds,
 * default 20), BENCH_ROUNDS (default 20), BENCH_OUT (default bench/results/long-poll.md; `-` for none).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { readConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connection.ts';
import { insertServer } from '../src/db/servers.ts';
import { createSparseDisk } from '../src/hypervisor/local-driver.ts';
import { dataPaths, openServices } from '../src/main.ts';
import { type Child, cpuSeconds, REPO_ROOT, startServiceChild } from './support/service-child.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const WINDOW_S = Number(process.env.BENCH_WINDOW ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const OUT = process.env.BENCH_OUT ?? path.join(REPO_ROOT, 'bench', 'results', 'long-poll.md');
const POLL_MS = 1000;
const MiB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Action {
  id: number;
  status: string;
}

/** An account with `servers` servers of small sparse disks, made through the service's own code. */
async function seed(dataDir: string, servers: number): Promise<{ token: string; serverIds: number[] }> {
  const config = readConfig({ VPS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const services = await openServices(config, pino({ level: 'silent' }));
  try {
    await services.accounts.createAccount('bench');
    const { token } = await services.accounts.createToken('bench');
    const accountId = await services.accounts.accountId('bench');
    const serverIds: number[] = [];
    for (let i = 0; i < servers; i++) {
      const diskPath = path.join(dataPaths(config).disks, `bench-${i}.img`);
      await createSparseDisk(diskPath, 4 * MiB);
      const row = await insertServer(services.db, {
        accountId,
        name: `bench-${i}`,
        host: 'local',
        diskPath,
        diskSizeBytes: 4 * MiB,
        now: Date.now(),
      });
      serverIds.push(row.id);
    }
    return { token, serverIds };
  } finally {
    await services.close();
  }
}

async function api<T>(url: string, token: string, method: string, pathname: string, body?: unknown) {
  const response = await fetch(`${url}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function startActions(url: string, token: string, serverIds: number[]): Promise<number[]> {
  const ids: number[] = [];
  for (const serverId of serverIds) {
    const created = await api<{ action_id: number }>(url, token, 'POST', '/api/v1/snapshots/', {
      server_id: serverId,
      name: 'followed',
    });
    ids.push(created.action_id);
  }
  return ids;
}

/** Each client follows its action until the window closes; answers how many requests were made. */
async function follow(
  url: string,
  token: string,
  ids: number[],
  mode: 'poll' | 'long-poll',
): Promise<number> {
  const end = Date.now() + WINDOW_S * 1000;
  let requests = 0;
  await Promise.all(
    ids.map(async (id, k) => {
      await sleep((k * POLL_MS) / ids.length); // clients arrive spread over a second, not in lockstep
      while (Date.now() < end) {
        const left = Math.ceil((end - Date.now()) / 1000);
        const query = mode === 'long-poll' ? `?wait=${Math.max(1, Math.min(60, left))}` : '';
        requests++;
        await api<Action>(url, token, 'GET', `/api/v1/actions/${id}/${query}`);
        if (mode === 'poll') await sleep(POLL_MS);
      }
    }),
  );
  return requests;
}

interface CostRow {
  mode: string;
  requests: number;
  cpu: number;
}

async function costOfWaiting(): Promise<CostRow[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-wait-'));
  let service: Child | undefined;
  try {
    const { token, serverIds } = await seed(dataDir, CLIENTS);
    service = await startServiceChild({ dataDir, tag: 'no-worker', args: ['--no-worker'] });
    const ids = await startActions(service.url, token, serverIds);
    const rows: CostRow[] = [];
    for (const mode of ['poll', 'long-poll'] as const) {
      const before = (await cpuSeconds(service.process.pid)) ?? Number.NaN;
      const requests = await follow(service.url, token, ids, mode);
      const after = (await cpuSeconds(service.process.pid)) ?? Number.NaN;
      rows.push({ mode, requests, cpu: after - before });
    }
    return rows;
  } finally {
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** When the client learned each action had ended, after the job was recorded as finished. */
async function timeToLearn(): Promise<{ poll: number[]; longPoll: number[] }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-learn-'));
  let service: Child | undefined;
  const poll: number[] = [];
  const longPoll: number[] = [];
  try {
    const { token, serverIds } = await seed(dataDir, 1);
    service = await startServiceChild({ dataDir, tag: 'worker' });
    const { url } = service;
    const serverId = serverIds[0] ?? 0;
    for (let round = 0; round < ROUNDS; round++) {
      const [id] = await startActions(url, token, [serverId]);
      const actionId = id ?? 0;
      const seen = { poll: 0, longPoll: 0 };
      await Promise.all([
        (async () => {
          // A poller's phase against the job is arbitrary: it starts somewhere within its second.
          await sleep(Math.random() * POLL_MS);
          for (;;) {
            const action = await api<Action>(url, token, 'GET', `/api/v1/actions/${actionId}/`);
            if (action.status !== 'in_progress') break;
            await sleep(POLL_MS);
          }
          seen.poll = Date.now();
        })(),
        (async () => {
          for (;;) {
            const action = await api<Action>(url, token, 'GET', `/api/v1/actions/${actionId}/?wait=30`);
            if (action.status !== 'in_progress') break;
          }
          seen.longPoll = Date.now();
        })(),
      ]);
      const finishedAt = await jobFinishedAt(dataDir, actionId);
      poll.push(seen.poll - finishedAt);
      longPoll.push(seen.longPoll - finishedAt);
      // Deleted again, so the server stays under its limit of 5 (the next capture queues behind the delete).
      const { snapshot_id } = await api<{ snapshot_id: number }>(
        url,
        token,
        'GET',
        `/api/v1/actions/${actionId}/`,
      );
      const deleted = await fetch(`${url}/api/v1/snapshots/${snapshot_id}/`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
      });
      if (deleted.status !== 204) throw new Error(`DELETE snapshot ${snapshot_id}: ${deleted.status}`);
    }
    return { poll, longPoll };
  } finally {
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** jobs.updated_at of a finished job: the moment its end was committed, in the service's clock. */
async function jobFinishedAt(dataDir: string, id: number): Promise<number> {
  const db = openDatabase({ databaseUrl: undefined, sqlitePath: path.join(dataDir, 'vps.db') });
  try {
    const row = await db
      .selectFrom('jobs')
      .select('updated_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(row.updated_at);
  } finally {
    await db.destroy();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const cost = await costOfWaiting();
  const learn = await timeToLearn();
  const clientMinutes = (CLIENTS * WINDOW_S) / 60;
  const [poll, long] = cost;
  const lines = [
    `${CLIENTS} clients following an action that does not end, for ${WINDOW_S} s (service without a worker);`,
    `${os.cpus().length} cores shared by the clients (this process) and the service (a child); node ${process.version}.`,
    '',
    '| following | requests per client-minute | service CPU ms per client-minute |',
    '|---|---:|---:|',
    ...cost.map(
      (row) =>
        `| ${row.mode === 'poll' ? 'GET every second' : '`?wait=N` long poll'} | ${fmt(row.requests / clientMinutes, 1)} | ${fmt((row.cpu * 1000) / clientMinutes, 1)} |`,
    ),
  ];
  if (poll && long) {
    lines.push(
      '',
      `Long polling serves ${fmt(poll.requests / long.requests, 1)}× fewer requests and costs ${fmt(poll.cpu / Math.max(long.cpu, 0.001), 1)}× less service CPU than polling every second.`,
    );
  }
  lines.push(
    '',
    `${ROUNDS} snapshots of a 4 MiB disk by the in-process worker, each followed by a poller and a long-poller:`,
    '',
    '| following | median ms from the job’s end to the client knowing | max ms |',
    '|---|---:|---:|',
    `| GET every second | ${fmt(median(learn.poll))} | ${fmt(Math.max(...learn.poll))} |`,
    `| \`?wait=30\` long poll | ${fmt(median(learn.longPoll))} | ${fmt(Math.max(...learn.longPoll))} |`,
  );
  const text = `${lines.join('\n')}\n`;
  console.log(`\n${text}`);
  if (OUT !== '-') await writeFile(OUT, text);
}

await main();
