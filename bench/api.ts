/**
 * API benchmark: the real service (`bin/vpsctl serve`, child process) on a seeded data set against a bare
 * Fastify 5 server (another child process) that answers the same bytes from constants — the ceiling of
 * what Fastify and Node can do for that response on this machine. Run with `npm run bench:api`. The load
 * generator (autocannon) runs in this process, so it shares the machine's cores with the server under test.
 *
 * Environment: BENCH_DURATION (seconds per case, default 10), BENCH_WARMUP (seconds, default 2),
 * BENCH_CONNECTIONS (default 50), BENCH_INFO=0 (skip the LOG_LEVEL=info run), BENCH_CPU_PROF=<dir> (run the
 * service children under `node --cpu-prof`, profiles written there on exit), BENCH_OUT (results file,
 * default bench/results/api.md; `-` for none), BENCH_KEEP=1 (keep the temp data dir), BENCH_CASES (comma list
 * out of list,filtered,snapshot,raw; default all — for profiling one case).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { pino } from 'pino';
import { SnapshotList, Snapshot as SnapshotSchema } from '../src/api/schemas.ts';
import { readConfig } from '../src/config.ts';
import { insertServer } from '../src/db/servers.ts';
import { completeSnapshot, insertSnapshot } from '../src/db/snapshots.ts';
import { createSparseDisk } from '../src/hypervisor/local-driver.ts';
import { dataPaths, openServices } from '../src/main.ts';
import {
  type Child,
  childStop,
  cpuSeconds,
  REPO_ROOT,
  startServiceChild as startChild,
} from './support/service-child.ts';

const THIS_FILE = fileURLToPath(import.meta.url);

const SERVERS = 2_000;
const SNAPSHOTS_PER_SERVER = 5;
const OTHER_SERVERS = 4;
const OTHER_SNAPSHOTS_PER_SERVER = 3;
const GiB = 1024 * 1024 * 1024;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

const DURATION_S = envInt('BENCH_DURATION', 10);
const WARMUP_S = envInt('BENCH_WARMUP', 2);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const RUN_INFO = process.env.BENCH_INFO !== '0';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const CASES = new Set((process.env.BENCH_CASES ?? 'list,filtered,snapshot,raw').split(','));
const OUT = process.env.BENCH_OUT ?? path.join(REPO_ROOT, 'bench', 'results', 'api.md');

// ---------------------------------------------------------------------------------------------------------
// Bare mode: `bench/api.ts --bare <spec.json>`, a Fastify 5 server answering constants, nothing else.

interface BareSpec {
  /** The real service's answers, captured before the load starts, served back as they are. */
  list: unknown;
  filtered: unknown;
  one: unknown;
}

async function runBare(specFile: string): Promise<void> {
  const spec = JSON.parse(await readFile(specFile, 'utf8')) as BareSpec;
  const listText = JSON.stringify(spec.list);
  const app = Fastify({ logger: false });
  // Serialized by Fastify (fast-json-stringify) from the same TypeBox schemas the real routes declare.
  app.get('/bare/list', { schema: { response: { 200: SnapshotList } } }, async () => spec.list);
  app.get('/bare/filtered', { schema: { response: { 200: SnapshotList } } }, async () => spec.filtered);
  app.get('/bare/snapshot', { schema: { response: { 200: SnapshotSchema } } }, async () => spec.one);
  // The same list, stringified once at start: what is left of the ceiling without any serialization.
  app.get('/bare/list-raw', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(listText),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.once('SIGTERM', () => {
    app.close().then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic data.

/** mulberry32: small and seedable; enough to vary names, sizes and times. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLES = ['web', 'api', 'db', 'cache', 'worker', 'mail', 'git', 'ci-runner', 'vpn', 'monitor', 'shop'];
const ENVS = ['prod', 'staging', 'dev'];
const DISK_GIB = [20, 40, 80, 160, 320];
const DESCRIPTIONS = [
  'Weekly snapshot',
  'Daily automated snapshot',
  'Before major migration',
  'Before upgrading the kernel to 6.8 and rebooting',
  'Pre-deploy snapshot of release candidate, taken by the CI pipeline',
  'Clean install with nginx, certbot and the monitoring agent configured',
  'After restoring the customer database from the nightly dump; verified row counts on orders and invoices',
  'Before PHP 8.3 upgrade. Rollback plan: restore this snapshot, then re-run the deploy of the previous tag and flush the opcache.',
  'Golden image for new web nodes: hardened sshd, fail2ban, unattended-upgrades, node_exporter and the log shipper. Do not delete — referenced by the provisioning runbook.',
];

function snapshotName(pick: () => number, at: Date, k: number): string {
  const day = at.toISOString().slice(0, 10);
  const kind = Math.floor(pick() * 6);
  switch (kind) {
    case 0:
      return `weekly-snapshot-${day}`;
    case 1:
      return `daily-${day}`;
    case 2:
      return `pre-upgrade-${['php8-3', 'postgres-16', 'kernel-6-8', 'nginx-1-27', 'node-22'][k] ?? 'os'}`;
    case 3:
      return `before-migration-${day}`;
    case 4:
      return `auto_${day.replaceAll('-', '')}_${String(at.getUTCHours()).padStart(2, '0')}00`;
    default:
      return `release-v${1 + (k % 3)}.${Math.floor(pick() * 40)}.${Math.floor(pick() * 10)}`;
  }
}

interface Seeded {
  token: string;
  otherToken: string;
  serverForFilter: number;
  snapshotForGet: number;
  otherSnapshot: number;
  ms: number;
}

/** Seeds through the project's own repository functions, straight into the SQLite file. */
async function seed(dataDir: string): Promise<Seeded> {
  const started = performance.now();
  const config = readConfig({ VPS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const services = await openServices(config, pino({ level: 'warn' }, pino.destination(2)));
  try {
    const { accounts, db } = services;
    await accounts.createAccount('acme-hosting');
    await accounts.createAccount('other-customer');
    const main = await accounts.accountId('acme-hosting');
    const other = await accounts.accountId('other-customer');
    const token = (await accounts.createToken('acme-hosting')).token;
    const otherToken = (await accounts.createToken('other-customer')).token;
    const pick = rng(0x5eed);
    const disks = dataPaths(config).disks;
    await mkdir(disks, { recursive: true });
    // Snapshots spread over the last ~30 days; each gets a distinct slot, so created_at never repeats.
    const totalSlots = SERVERS * SNAPSHOTS_PER_SERVER + OTHER_SERVERS * OTHER_SNAPSHOTS_PER_SERVER;
    const end = Date.UTC(2025, 0, 15, 18, 30, 0);
    const slotMs = Math.floor((30 * 24 * 3600 * 1000) / totalSlots);
    const slots = Array.from({ length: totalSlots }, (_, i) => i);
    for (let i = slots.length - 1; i > 0; i--) {
      const j = Math.floor(pick() * (i + 1));
      [slots[i], slots[j]] = [slots[j]!, slots[i]!];
    }
    let nextSlot = 0;
    const createdAt = () => end - (slots[nextSlot++]! + 1) * slotMs + Math.floor(pick() * (slotMs - 1000));

    const servers: { id: number; accountId: number; sizeBytes: number }[] = [];
    const otherEvery = Math.floor(SERVERS / OTHER_SERVERS);
    for (let i = 0; i < SERVERS + OTHER_SERVERS; i++) {
      // The other account's servers sit between ours, so ids and times of the two accounts interleave.
      const isOther = i % (otherEvery + 1) === otherEvery;
      const role = ROLES[Math.floor(pick() * ROLES.length)]!;
      const env = ENVS[Math.floor(pick() * ENVS.length)]!;
      const sizeBytes = DISK_GIB[Math.floor(pick() * DISK_GIB.length)]! * GiB;
      const name = `${role}-${env}-${String(i + 1).padStart(4, '0')}`;
      const diskPath = path.join(disks, `bench-${i + 1}.img`);
      await createSparseDisk(diskPath, sizeBytes);
      servers.push({ id: 0, accountId: isOther ? other : main, sizeBytes });
      const last = servers[servers.length - 1]!;
      last.id = (
        await insertServer(db, {
          accountId: last.accountId,
          name,
          host: 'local',
          diskPath,
          diskSizeBytes: sizeBytes,
          now: end - 90 * 24 * 3600 * 1000 + i * 60_000,
        })
      ).id;
    }

    let otherSnapshot = 0;
    let snapshotForGet = 0;
    await db.transaction().execute(async (trx) => {
      for (const [index, server] of servers.entries()) {
        const isOther = server.accountId === other;
        const n = isOther ? OTHER_SNAPSHOTS_PER_SERVER : SNAPSHOTS_PER_SERVER;
        for (let k = 0; k < n; k++) {
          const at = createdAt();
          const description =
            pick() < 0.2 ? null : (DESCRIPTIONS[Math.floor(pick() * DESCRIPTIONS.length)] ?? null);
          const id = await insertSnapshot(trx, {
            accountId: server.accountId,
            serverId: server.id,
            name: snapshotName(pick, new Date(at), k),
            description,
            now: at,
          });
          const diskMb = server.sizeBytes / (1024 * 1024);
          const sizeMb = Math.max(1, Math.round(diskMb * (0.05 + pick() * 0.6)));
          await completeSnapshot(trx, id, sizeMb, at + 60_000 + Math.floor(pick() * 540_000));
          if (isOther) otherSnapshot = id;
          else if (snapshotForGet === 0 && index >= SERVERS / 2) snapshotForGet = id;
        }
      }
    });
    const serverForFilter = servers.filter((s) => s.accountId === main)[Math.floor(SERVERS / 3)]!.id;
    return {
      token,
      otherToken,
      serverForFilter,
      snapshotForGet,
      otherSnapshot,
      ms: performance.now() - started,
    };
  } finally {
    await services.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Children.

/** The service at a log level; under `node --cpu-prof` when BENCH_CPU_PROF names a folder. */
function startServiceChild(dataDir: string, logLevel: string, tag: string): Promise<Child> {
  // Node names each thread's profile itself (pid, thread id); tsx's loader thread writes one too.
  const nodeFlags = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(CPU_PROF_DIR, tag)}`] : [];
  return startChild({ dataDir, tag, logLevel, nodeFlags });
}

async function startBareChild(specFile: string, dataDir: string): Promise<Child> {
  const logFile = path.join(dataDir, 'bare.log');
  const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, '--bare', specFile], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare server did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited with ${code}:\n${output}`));
    });
  });
  return { url, process: child, logFile, stop: childStop(child) };
}

// ---------------------------------------------------------------------------------------------------------
// Load.

interface Measured {
  rps: number;
  /** The server process's CPU time (user + system, all threads) per request served, in µs. */
  cpuUsPerRequest: number | undefined;
  /** The server process's CPU time over the wall time of the run, in % of one core. */
  cpuBusy: number | undefined;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  bytesPerResponse: number;
  total: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * One autocannon run of warm-up + duration seconds on the same 50 connections; only the responses that
 * arrive after the warm-up count. (Two separate runs would open fresh connections for the measured one,
 * and a saturated server answers the first request of a new connection late: up to 1.6 s was seen for
 * the real list, which would be measured as steady state.)
 */
async function measure(url: string, token: string, serverPid: number | undefined): Promise<Measured> {
  const latencies: number[] = [];
  let bytes = 0;
  let bad = 0;
  let measuring = WARMUP_S === 0;
  let windowStart = performance.now();
  let cpuBefore = measuring ? await cpuSeconds(serverPid) : undefined;
  const options: autocannon.Options = {
    url,
    connections: CONNECTIONS,
    duration: WARMUP_S + DURATION_S,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  };
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      if (!measuring) return;
      if (statusCode < 200 || statusCode > 299) bad++;
      latencies.push(responseTime);
      bytes += resBytes;
    });
  });
  const warm =
    WARMUP_S > 0
      ? new Promise<void>((resolve) =>
          setTimeout(async () => {
            cpuBefore = await cpuSeconds(serverPid);
            windowStart = performance.now();
            measuring = true;
            resolve();
          }, WARMUP_S * 1000),
        )
      : Promise.resolve();
  const result = await finished;
  await warm;
  const wall = (performance.now() - windowStart) / 1000;
  const cpuAfter = await cpuSeconds(serverPid);
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  if (bad > 0 || result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts under load`,
    );
  }
  const total = latencies.length;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: total / wall,
    cpuUsPerRequest: cpu === undefined || total === 0 ? undefined : (cpu * 1e6) / total,
    cpuBusy: cpu === undefined ? undefined : (cpu / wall) * 100,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: total ? latencies.reduce((a, b) => a + b, 0) / total : Number.NaN,
    bytesPerResponse: total ? bytes / total : 0,
    total,
  };
}

async function getJson(url: string, token: string): Promise<{ status: number; text: string; body: unknown }> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : null };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`sanity check failed: ${what}`);
}

// ---------------------------------------------------------------------------------------------------------
// Report.

interface Row {
  name: string;
  m: Measured;
  ceiling?: string;
  ceilingRps?: number;
  ceilingCpuUs?: number | undefined;
  /** Whether the ≥60% of the ceiling target applies to this row. */
  ratioTarget?: boolean;
  /** Whether the p99 < 20 ms target applies to this row. */
  p99Target?: boolean;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A Markdown table with its columns padded, as the project's formatter (biome) lays tables out. */
function markdownTable(header: string[], right: boolean[], rows: string[][]): string {
  const width = (text: string) => [...text].length;
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - width(text));
    return right[i] ? fill + text : text + fill;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

function table(rows: Row[]): { text: string; failures: string[] } {
  const failures: string[] = [];
  const cells: string[][] = [];
  for (const row of rows) {
    const ratio = row.ceilingRps ? row.m.rps / row.ceilingRps : undefined;
    const verdicts: string[] = [];
    if (row.ratioTarget && ratio !== undefined) {
      const ok = ratio >= 0.6;
      verdicts.push(`${ok ? 'PASS' : 'FAIL'} ≥60%`);
      if (!ok) failures.push(`${row.name}: ${fmt(ratio * 100)}% of the ceiling (target ≥60%)`);
    }
    if (row.p99Target) {
      const ok = row.m.p99 < 20;
      verdicts.push(`${ok ? 'PASS' : 'FAIL'} p99<20`);
      if (!ok) failures.push(`${row.name}: p99 ${fmt(row.m.p99, 1)} ms (target <20 ms)`);
    }
    const cpu = row.m.cpuUsPerRequest;
    cells.push([
      row.name,
      fmt(row.m.rps),
      fmt(row.m.p50, 1),
      fmt(row.m.p99, 1),
      cpu === undefined ? '–' : `${fmt(cpu)} µs`,
      row.m.cpuBusy === undefined ? '–' : `${fmt(row.m.cpuBusy)}%`,
      ratio === undefined ? '–' : `${fmt(ratio * 100)}% of ${row.ceiling}`,
      cpu && row.ceilingCpuUs ? `${fmt((row.ceilingCpuUs / cpu) * 100)}%` : '–',
      verdicts.join(', ') || '–',
    ]);
  }
  const header = [
    'Case',
    'Requests/s',
    'p50 (ms)',
    'p99 (ms)',
    'Server CPU/request',
    'Server CPU busy',
    'Ratio to ceiling (req/s)',
    'Ratio to ceiling (CPU/request)',
    'Targets',
  ];
  const right = [false, true, true, true, true, true, true, true, false];
  return { text: markdownTable(header, right, cells), failures };
}

// ---------------------------------------------------------------------------------------------------------
// Main.

async function runBench(): Promise<void> {
  const startedAt = new Date();
  const started = performance.now();
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length} cores, ${fmt(os.totalmem() / GiB, 0)} GiB RAM, ${os.type()} ${os.release()}; node ${process.version}`;
  process.stdout.write(`API benchmark on ${machine}\n`);
  process.stdout.write(
    `${cpus.length} cores shared by the load generator (autocannon, this process) and the server under test (a child process); load average at start ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vps-bench-api-'));
  const children: Child[] = [];
  try {
    if (CPU_PROF_DIR) await mkdir(CPU_PROF_DIR, { recursive: true });
    process.stdout.write(`Seeding ${dataDir} …\n`);
    const seeded = await seed(dataDir);
    process.stdout.write(`Seeded in ${fmt(seeded.ms / 1000, 1)} s\n`);

    const service = await startServiceChild(dataDir, 'warn', 'warn');
    children.push(service);
    const listUrl = `${service.url}/api/v1/snapshots/`;
    const filteredUrl = `${service.url}/api/v1/snapshots/?server_id=${seeded.serverForFilter}`;
    const oneUrl = `${service.url}/api/v1/snapshots/${seeded.snapshotForGet}/`;

    // The real answers, checked, then captured for the bare server to serve back.
    const list = await getJson(listUrl, seeded.token);
    const listBody = list.body as { count: number; results: { server: { id: number } }[]; next: string };
    check(list.status === 200, `list answered ${list.status}`);
    check(listBody.count === SERVERS * SNAPSHOTS_PER_SERVER, `list count ${listBody.count}`);
    check(listBody.results.length === 100, `list page of ${listBody.results.length}`);
    const filtered = await getJson(filteredUrl, seeded.token);
    const filteredBody = filtered.body as { count: number; results: { server: { id: number } }[] };
    check(filtered.status === 200 && filteredBody.count === SNAPSHOTS_PER_SERVER, 'filtered list');
    check(
      filteredBody.results.every((r) => r.server.id === seeded.serverForFilter),
      'filtered list holds only the server',
    );
    const one = await getJson(oneUrl, seeded.token);
    check(one.status === 200, `get answered ${one.status}`);
    const foreign = await getJson(`${service.url}/api/v1/snapshots/${seeded.otherSnapshot}/`, seeded.token);
    check(foreign.status === 404, `another account's snapshot answered ${foreign.status}, not 404`);
    const otherList = await getJson(listUrl, seeded.otherToken);
    check(
      (otherList.body as { count: number }).count === OTHER_SERVERS * OTHER_SNAPSHOTS_PER_SERVER,
      'the other account sees only its own snapshots',
    );
    const bytes = (text: string) => Buffer.byteLength(text);
    const bodies = `list ${fmt(bytes(list.text))} B (100 of ${fmt(listBody.count)}), filtered list ${fmt(bytes(filtered.text))} B (${filteredBody.count}), snapshot ${fmt(bytes(one.text))} B`;
    process.stdout.write(`Real bodies: ${bodies}\n`);

    const specFile = path.join(dataDir, 'bare-spec.json');
    const spec: BareSpec = { list: list.body, filtered: filtered.body, one: one.body };
    await writeFile(specFile, JSON.stringify(spec));
    const bare = await startBareChild(specFile, dataDir);
    children.push(bare);
    // The bare server must answer exactly the bytes the real one does, or the ceiling is not a ceiling.
    for (const [route, real] of [
      ['list', list.text],
      ['filtered', filtered.text],
      ['snapshot', one.text],
      ['list-raw', list.text],
    ] as const) {
      const answer = await getJson(`${bare.url}/bare/${route}`, seeded.token);
      check(answer.text === real, `bare /bare/${route} answers the real body byte for byte`);
    }

    const rows: Row[] = [];
    const run = async (name: string, url: string, server: Child): Promise<Measured> => {
      process.stdout.write(`  ${name} …`);
      const m = await measure(url, seeded.token, server.process.pid);
      const cpu = m.cpuUsPerRequest === undefined ? '' : `, server ${fmt(m.cpuUsPerRequest)} µs CPU/request`;
      process.stdout.write(
        ` ${fmt(m.rps)} req/s, p50 ${fmt(m.p50, 1)} ms, p90 ${fmt(m.p90, 1)} ms, p99 ${fmt(m.p99, 1)} ms, max ${fmt(m.max, 1)} ms${cpu}\n`,
      );
      return m;
    };
    // Each real case right beside its ceiling, so drift in the machine's load hits both alike.
    const cases = [
      {
        id: 'list',
        real: 'real list (default page)',
        ceiling: 'bare list',
        realUrl: listUrl,
        bare: '/bare/list',
        ratio: true,
      },
      {
        id: 'filtered',
        real: 'real list ?server_id=N',
        ceiling: 'bare filtered list',
        realUrl: filteredUrl,
        bare: '/bare/filtered',
        ratio: false,
      },
      {
        id: 'snapshot',
        real: 'real snapshot {id}',
        ceiling: 'bare snapshot',
        realUrl: oneUrl,
        bare: '/bare/snapshot',
        ratio: false,
      },
    ].filter((c) => CASES.has(c.id));
    const ceilings = new Map<string, Measured>();
    process.stdout.write(
      `Load: autocannon, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s per case\n`,
    );
    for (const c of cases) {
      const realM = await run(`${c.real} (LOG_LEVEL=warn)`, c.realUrl, service);
      const bareM = await run(c.ceiling, `${bare.url}${c.bare}`, bare);
      ceilings.set(c.ceiling, bareM);
      rows.push({
        name: `${c.real}, LOG_LEVEL=warn`,
        m: realM,
        ceiling: c.ceiling,
        ceilingRps: bareM.rps,
        ceilingCpuUs: bareM.cpuUsPerRequest,
        ratioTarget: c.ratio,
        p99Target: true,
      });
      rows.push({ name: `${c.ceiling} (ceiling, schema-serialized)`, m: bareM });
    }
    if (CASES.has('raw')) {
      const raw = await run('bare list, pre-stringified', `${bare.url}/bare/list-raw`, bare);
      rows.push({ name: 'bare list, pre-stringified (no serialization)', m: raw });
    }
    await service.stop();

    if (RUN_INFO) {
      const infoService = await startServiceChild(dataDir, 'info', 'info');
      children.push(infoService);
      for (const c of cases.filter((c) => c.id !== 'filtered')) {
        const url = c.realUrl.replace(service.url, infoService.url);
        const m = await run(`${c.real} (LOG_LEVEL=info)`, url, infoService);
        rows.push({
          name: `${c.real}, LOG_LEVEL=info`,
          m,
          ceiling: c.ceiling,
          ceilingRps: ceilings.get(c.ceiling)!.rps,
          ceilingCpuUs: ceilings.get(c.ceiling)!.cpuUsPerRequest,
          p99Target: true,
        });
      }
      await infoService.stop();
    }
    await bare.stop();

    const { text, failures } = table(rows);
    const seconds = (performance.now() - started) / 1000;
    const report = [
      '# API benchmark results',
      '',
      `Generated by \`npm run bench:api\` on ${startedAt.toISOString()} (took ${fmt(seconds, 1)} s).`,
      '',
      `Machine: ${machine}. The load generator (autocannon, in the bench's process) and the server under test (a child process) share these ${cpus.length} cores.`,
      '',
      `Data: one account with a token, ${fmt(SERVERS)} servers (sparse disks of 20–320 GiB) and ${fmt(SERVERS * SNAPSHOTS_PER_SERVER)} completed snapshots (${SNAPSHOTS_PER_SERVER} per server, distinct created_at over 30 days, names, descriptions and sizes varied), plus a second account with ${OTHER_SERVERS} servers and ${OTHER_SERVERS * OTHER_SNAPSHOTS_PER_SERVER} snapshots interleaved in ids and times. Seeded through the project's repository functions in ${fmt(seeded.ms / 1000, 1)} s.`,
      '',
      `Load: autocannon, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s per case, every request with \`Authorization: Bearer …\`. Real = \`bin/vpsctl serve\` (API and worker) at the LOG_LEVEL shown, its log to a file. Ceiling = a bare Fastify 5 server in another child process of the same Node, answering the real response captured before the load, serialized by Fastify from the same TypeBox response schema (checked byte for byte against the real body); \`bare list, pre-stringified\` sends the same list as a string made once. Bodies: ${bodies}. Latencies are autocannon's per-response times (from writing the request to the end of the response), over the responses that arrived after the warm-up; the warm-up runs on the same connections. Server CPU/request = the server process's user+system CPU time (all threads, from /proc) over the measured run divided by the requests it served: unlike requests/s it hardly moves when other work shares the cores, so its ratio (ceiling's CPU/request ÷ this one's) is what the real case would reach relative to the ceiling on dedicated cores. Server CPU busy = that CPU time over the wall time, in % of one core.`,
      '',
      text,
      '',
      failures.length ? `Targets failed:\n\n${failures.map((f) => `- ${f}`).join('\n')}` : 'All targets met.',
      '',
    ].join('\n');
    process.stdout.write(
      `\n${text}\n\n${failures.length ? `FAIL:\n  ${failures.join('\n  ')}` : 'All targets met.'}\n`,
    );
    if (OUT !== '-') {
      await mkdir(path.dirname(OUT), { recursive: true });
      await writeFile(OUT, report);
      process.stdout.write(`Written to ${path.relative(process.cwd(), OUT) || OUT}\n`);
    }
  } finally {
    for (const child of children) await child.stop();
    if (process.env.BENCH_KEEP === '1') process.stdout.write(`Kept ${dataDir}\n`);
    else await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--bare') {
  await runBare(process.argv[3]!);
} else {
  await runBench();
}
