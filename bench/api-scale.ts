import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connection.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { startServiceChild } from './support/service-child.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ACCOUNTS = 5_000;
const SERVERS_PER_ACCOUNT = 10;
const SNAPSHOTS_PER_SERVER = 4;
const MEASURED_ACCOUNTS = 50;
const BASE_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'bench', 'results', 'api-scale.md');
const schema = 'bench_scale';

function urlWithSchema(): string {
  const url = new URL(BASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function seed(): Promise<string[]> {
  const admin = openDatabase({ databaseUrl: BASE_URL, sqlitePath: '' });
  await sql.raw(`drop schema if exists ${schema} cascade; create schema ${schema}`).execute(admin);
  await admin.destroy();
  const db = openDatabase({ databaseUrl: urlWithSchema(), sqlitePath: '' });
  await migrateToLatest(db);
  const now = Date.now();
  const started = Date.now();
  const batch = 2_000;
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: i + 1,
    name: `customer-${i + 1}`,
    created_at: now,
  }));
  for (let i = 0; i < accounts.length; i += batch)
    await db
      .insertInto('accounts')
      .values(accounts.slice(i, i + batch))
      .execute();
  const servers = [];
  for (let a = 1; a <= ACCOUNTS; a++) {
    for (let s = 0; s < SERVERS_PER_ACCOUNT; s++) {
      const id = (a - 1) * SERVERS_PER_ACCOUNT + s + 1;
      servers.push({
        id,
        account_id: a,
        name: `vps-${id}`,
        status: 'running' as const,
        host: `hv-${id % 40}`,
        disk_path: `/srv/disks/${id}.img`,
        disk_size_bytes: 20 * 1024 ** 3,
        created_at: now,
      });
    }
  }
  for (let i = 0; i < servers.length; i += batch)
    await db
      .insertInto('servers')
      .values(servers.slice(i, i + batch))
      .execute();
  let snapshotId = 0;
  let rows = [];
  for (const server of servers) {
    for (let k = 0; k < SNAPSHOTS_PER_SERVER; k++) {
      snapshotId++;
      rows.push({
        id: snapshotId,
        account_id: server.account_id,
        server_id: server.id,
        name: `nightly-${k}`,
        description: k % 2 ? 'Before major migration' : null,
        status: 'completed' as const,
        progress: 100,
        size_mb: 1000 + (snapshotId % 4000),
        created_at: now - (snapshotId % 100_000) * 60_000,
        completed_at: now,
      });
      if (rows.length === batch) {
        await db.insertInto('snapshots').values(rows).execute();
        rows = [];
      }
    }
  }
  if (rows.length) await db.insertInto('snapshots').values(rows).execute();
  for (const table of ['accounts', 'servers', 'snapshots']) {
    await sql
      .raw(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`)
      .execute(db);
  }
  await sql.raw('analyze').execute(db);
  // Tokens for a spread of accounts, issued the way AccountService does (only the hash is stored).
  const tokens: string[] = [];
  for (let i = 0; i < MEASURED_ACCOUNTS; i++) {
    const token = `vps_${randomBytes(32).toString('base64url')}`;
    await db
      .insertInto('api_tokens')
      .values({
        account_id: 1 + Math.floor((i * ACCOUNTS) / MEASURED_ACCOUNTS),
        token_hash: createHash('sha256').update(token).digest('hex'),
        token_prefix: token.slice(0, 12),
        created_at: now,
      })
      .execute();
    tokens.push(token);
  }
  const plans = [];
  for (const [label, query] of [
    [
      'page',
      `explain analyze select s.id, s.name, s.status from snapshots s join servers v on v.id = s.server_id where s.account_id = 2501 and s.deleted_at is null order by s.created_at desc, s.id desc limit 100`,
    ],
    [
      'count',
      `explain analyze select count(*) from snapshots where account_id = 2501 and deleted_at is null`,
    ],
  ] as const) {
    const result = await sql.raw<{ 'QUERY PLAN': string }>(query).execute(db);
    plans.push(`${label}:\n${result.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
  }
  await db.destroy();
  console.error(
    `seeded ${ACCOUNTS} accounts, ${servers.length} servers, ${snapshotId} snapshots in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.error(plans.join('\n'));
  return tokens;
}

interface Measured {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(label: string, url: string, tokens: string[], connections: number): Promise<Measured> {
  let next = 0;
  const result = await autocannon({
    url: `${url}/api/v1/snapshots/`,
    connections,
    duration: DURATION,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
        }),
      },
    ],
  });
  return {
    label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

async function main(): Promise<void> {
  const tokens = await seed();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-scale-'));
  // The log goes to the data dir; the service is stopped (and has exited) before its schema is dropped.
  const service = await startServiceChild({
    dataDir,
    tag: 'scale',
    args: ['--no-worker'],
    env: { DATABASE_URL: urlWithSchema() },
  });
  const { url } = service;
  try {
    const probe = await fetch(`${url}/api/v1/snapshots/`, {
      headers: { authorization: `Bearer ${tokens[0]}` },
    });
    const body = (await probe.json()) as { count: number };
    if (probe.status !== 200 || body.count !== SERVERS_PER_ACCOUNT * SNAPSHOTS_PER_SERVER) {
      throw new Error(`unexpected answer ${probe.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    await measure('warm-up', url, tokens, 10);
    const rows = [
      await measure('1 connection', url, tokens, 1),
      await measure('10 connections', url, tokens, 10),
    ];
    const table = [
      '| GET /api/v1/snapshots/ (40 of 200,000 rows per account) | req/s | p50 ms | p99 ms | non-2xx | p99 < 10 ms |',
      '|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.label} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.p99 < 10 ? 'PASS' : 'FAIL'} |`,
      ),
    ].join('\n');
    console.log(
      `\nPostgreSQL, ${ACCOUNTS} accounts, ${ACCOUNTS * SERVERS_PER_ACCOUNT} servers, ${ACCOUNTS * SERVERS_PER_ACCOUNT * SNAPSHOTS_PER_SERVER} snapshots; tokens of ${MEASURED_ACCOUNTS} accounts in rotation\n\n${table}\n`,
    );
    if (OUT !== '-') await writeFile(OUT, `${table}\n`);
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
    const db = openDatabase({ databaseUrl: BASE_URL, sqlitePath: '' });
    await sql.raw(`drop schema if exists ${schema} cascade`).execute(db);
    await db.destroy();
  }
}

await main();
