import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertAccount } from '../../src/db/accounts.ts';
import type { Db } from '../../src/db/connection.ts';
import { capabilitiesOf } from '../../src/db/dialect.ts';
import {
  cancelJobs,
  claimNextJob,
  enqueueJob,
  expireLease,
  finishJob,
  heartbeatJob,
  type JobRow,
} from '../../src/db/jobs.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { JobType } from '../../src/db/schema.ts';
import { insertServer } from '../../src/db/servers.ts';
import { dropDatabase, openTestDatabase, TEST_DB, tempDir } from '../helpers/service.ts';

let dir: string;
let db: Db;
const extra: Db[] = [];
let accountId: number;
const T0 = 1_700_000_000_000;
const LEASE = 30_000;

beforeEach(async () => {
  // The database of this run: a SQLite file in the temp dir, or a fresh PostgreSQL schema for it.
  dir = await tempDir('vps-claim-');
  db = await openTestDatabase(dir);
  expect(capabilitiesOf(db).name).toBe(TEST_DB);
  expect(await migrateToLatest(db)).toContain('001-initial');
  accountId = (await insertAccount(db, 'acme', T0)).id;
});

afterEach(async () => {
  await Promise.all(extra.splice(0).map((d) => d.destroy()));
  await db.destroy();
  await dropDatabase(dir);
  await rm(dir, { recursive: true, force: true });
});

/** Another connection (pool) to the same database, as a second worker process would have. */
async function connection(): Promise<Db> {
  const other = await openTestDatabase(dir);
  extra.push(other);
  return other;
}

async function server(host = 'local'): Promise<number> {
  const row = await insertServer(db, {
    accountId,
    name: 'srv',
    host,
    diskPath: `/nonexistent/${Math.random()}.img`,
    diskSizeBytes: 1024,
    now: T0,
  });
  return row.id;
}

let nextSnapshot = 1;
async function job(serverId: number, type: JobType = 'capture', now = T0, maxAttempts = 5): Promise<number> {
  return enqueueJob(db, { type, serverId, snapshotId: nextSnapshot++, maxAttempts, now });
}

async function row(id: number): Promise<JobRow> {
  return (await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as JobRow;
}

const claim = (owner: string, now = T0 + 1, on: Db = db, host?: string) =>
  claimNextJob(on, { owner, leaseMs: LEASE, now, ...(host === undefined ? {} : { host }) });

describe('claimNextJob', () => {
  it('gives a job to exactly one of many owners racing on separate connections', async () => {
    const servers = await Promise.all(Array.from({ length: 12 }, () => server()));
    const ids: number[] = [];
    for (const s of servers) ids.push(await job(s));
    const owners = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map(async (owner) => ({ owner, db: await connection() })),
    );

    const won = new Map<string, number[]>(owners.map((o) => [o.owner, []]));
    // Every owner claims until none is left; each round all of them ask at the same moment.
    for (let round = 0; round < 20; round++) {
      const got = await Promise.all(owners.map((o) => claim(o.owner, T0 + 1, o.db)));
      got.forEach((j, i) => {
        if (j) won.get(owners[i]!.owner)!.push(j.id);
      });
      if (got.every((j) => j === undefined)) break;
    }
    const all = [...won.values()].flat();
    expect(new Set(all).size, `claims: ${JSON.stringify(Object.fromEntries(won))}`).toBe(all.length);
    expect([...all].sort((a, b) => a - b)).toEqual(ids);
    for (const [owner, claimed] of won) {
      for (const id of claimed) {
        const r = await row(id);
        expect(r).toMatchObject({ status: 'running', lease_owner: owner, attempts: 1 });
        expect(r.lease_expires_at).toBe(T0 + 1 + LEASE);
      }
    }
  });

  it('two owners racing for a single job: one wins, the other gets nothing', async () => {
    const id = await job(await server());
    for (let trial = 0; trial < 5; trial++) {
      const others = await Promise.all([connection(), connection()]);
      const [a, b] = await Promise.all([claim('a', T0 + 1, others[0]), claim('b', T0 + 1, others[1])]);
      const winners = [a, b].filter((j) => j !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.id).toBe(id);
      const r = await row(id);
      expect(r.lease_owner).toBe(winners[0]!.lease_owner);
      expect(r.attempts).toBe(1);
      // Hand it back for the next trial.
      await db.updateTable('jobs').set({ status: 'queued', attempts: 0, lease_owner: null }).execute();
    }
  });

  it('only the oldest unfinished job of a server is claimable; other servers are not held up', async () => {
    const s1 = await server();
    const s2 = await server();
    const first = await job(s1, 'capture');
    const second = await job(s1, 'restore');
    const third = await job(s1, 'delete');
    const elsewhere = await job(s2, 'capture');

    const a = await claim('a');
    expect(a?.id).toBe(first);
    const b = await claim('b');
    expect(b?.id).toBe(elsewhere);
    // s1's head is running, s2's is running: nothing else may start.
    expect(await claim('c')).toBeUndefined();

    // A head waiting out its backoff still holds the server's turn.
    expect(
      await finishJob(
        db,
        { id: first, owner: 'a', now: T0 + 2 },
        { status: 'queued', error: 'x', runAfter: T0 + 10_000 },
      ),
    ).toBe(true);
    expect(await claim('c', T0 + 3)).toBeUndefined();
    const again = await claim('c', T0 + 10_000);
    expect(again?.id).toBe(first);
    expect(again?.attempts).toBe(2);

    expect(await finishJob(db, { id: first, owner: 'c', now: T0 + 10_001 }, { status: 'succeeded' })).toBe(
      true,
    );
    expect((await claim('d', T0 + 10_002))?.id).toBe(second);
    expect(
      await finishJob(
        db,
        { id: second, owner: 'd', now: T0 + 10_003 },
        { status: 'failed', error: 'boom', code: 'internal_error' },
      ),
    ).toBe(true);
    // A failed job no longer blocks the queue behind it.
    expect((await claim('e', T0 + 10_004))?.id).toBe(third);
  });

  it('a cancelled head does not block the server, and queued jobs of a cancelled snapshot are skipped', async () => {
    const s = await server();
    const capture = await job(s, 'capture');
    const later = await job(s, 'restore');
    const snapshotId = (await row(capture)).snapshot_id;
    await cancelJobs(db, snapshotId, 'capture', T0 + 1);
    expect((await row(capture)).status).toBe('cancelled');
    expect((await claim('a', T0 + 2))?.id).toBe(later);
  });

  it('a job not yet due is not claimable; of due jobs the earliest goes first', async () => {
    const s1 = await server();
    const s2 = await server();
    const notYet = await job(s1, 'capture', T0 + 10_000);
    const due = await job(s2, 'capture', T0);
    expect((await claim('a', T0 + 1))?.id).toBe(due);
    expect(await claim('b', T0 + 1)).toBeUndefined();
    expect((await claim('b', T0 + 10_000))?.id).toBe(notYet);
  });

  it('a running job whose lease expired is claimable again by another owner, and its attempts grow', async () => {
    const id = await job(await server());
    const first = await claim('dead', T0);
    expect(first).toMatchObject({ id, attempts: 1, lease_owner: 'dead' });
    // Within the lease (and exactly at its end) nobody else gets it.
    expect(await claim('other', T0 + LEASE - 1)).toBeUndefined();
    expect(await claim('other', T0 + LEASE)).toBeUndefined();
    const second = await claim('other', T0 + LEASE + 1);
    expect(second).toMatchObject({ id, attempts: 2, lease_owner: 'other', status: 'running' });
    expect((await row(id)).lease_expires_at).toBe(T0 + LEASE + 1 + LEASE);

    // The first owner has lost it: its heartbeat says so and renews nothing; its finish changes nothing.
    const beat = await heartbeatJob(db, {
      id,
      owner: 'dead',
      leaseMs: LEASE,
      progress: 77,
      now: T0 + LEASE + 2,
    });
    expect(beat).toEqual({ owned: false, cancelRequested: false });
    const before = await row(id);
    expect(before.progress).toBe(0);
    expect(await finishJob(db, { id, owner: 'dead', now: T0 + LEASE + 3 }, { status: 'succeeded' })).toBe(
      false,
    );
    expect(
      await finishJob(
        db,
        { id, owner: 'dead', now: T0 + LEASE + 3 },
        { status: 'failed', error: 'late', code: 'internal_error' },
      ),
    ).toBe(false);
    expect(await row(id)).toEqual(before);

    // The rightful owner's heartbeat renews the lease and stores progress.
    const mine = await heartbeatJob(db, {
      id,
      owner: 'other',
      leaseMs: LEASE,
      progress: 55,
      now: T0 + LEASE + 10,
    });
    expect(mine).toEqual({ owned: true, cancelRequested: false });
    expect(await row(id)).toMatchObject({ progress: 55, lease_expires_at: T0 + LEASE + 10 + LEASE });
    expect(await claim('third', T0 + 2 * LEASE + 5)).toBeUndefined();

    // And a third takeover after that lease runs out counts a third attempt.
    expect(await claim('third', T0 + 2 * LEASE + 11)).toMatchObject({
      id,
      attempts: 3,
      lease_owner: 'third',
    });
  });

  it('heartbeat reports a cancel request to the owner; finish by the owner ends the hold', async () => {
    const id = await job(await server());
    const claimed = await claim('me');
    expect(claimed?.id).toBe(id);
    await cancelJobs(db, claimed!.snapshot_id, 'capture', T0 + 2);
    expect(await heartbeatJob(db, { id, owner: 'me', leaseMs: LEASE, progress: 10, now: T0 + 3 })).toEqual({
      owned: true,
      cancelRequested: true,
    });
    expect(
      await heartbeatJob(db, { id, owner: 'intruder', leaseMs: LEASE, progress: 99, now: T0 + 3 }),
    ).toEqual({
      owned: false,
      cancelRequested: false,
    });
    expect(await finishJob(db, { id, owner: 'intruder', now: T0 + 4 }, { status: 'succeeded' })).toBe(false);
    expect((await row(id)).status).toBe('running');
    expect(await finishJob(db, { id, owner: 'me', now: T0 + 5 }, { status: 'cancelled' })).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'cancelled', lease_owner: null, lease_expires_at: null });
    // Once finished, not even its former owner can touch it.
    expect(await heartbeatJob(db, { id, owner: 'me', leaseMs: LEASE, progress: 1, now: T0 + 6 })).toEqual({
      owned: false,
      cancelRequested: false,
    });
    expect(await finishJob(db, { id, owner: 'me', now: T0 + 7 }, { status: 'succeeded' })).toBe(false);
    expect((await row(id)).status).toBe('cancelled');
    expect(await claim('x', T0 + 10 * LEASE)).toBeUndefined();
  });

  it('expireLease lets the job be taken at once, but only when named with its current owner', async () => {
    const id = await job(await server());
    await claim('gone', T0);
    await expireLease(db, id, 'someone-else');
    expect(await claim('new', T0 + 1)).toBeUndefined();
    await expireLease(db, id, 'gone');
    expect(await claim('new', T0 + 1)).toMatchObject({ id, attempts: 2, lease_owner: 'new' });
  });

  it('claims only jobs of servers on the given host', async () => {
    const here = await server('host-a');
    const there = await server('host-b');
    const onThere = await job(there);
    const onHere = await job(here);
    expect((await claim('a', T0 + 1, db, 'host-a'))?.id).toBe(onHere);
    expect(await claim('a2', T0 + 1, db, 'host-a')).toBeUndefined();
    expect((await claim('b', T0 + 1, db, 'host-b'))?.id).toBe(onThere);
  });
});
