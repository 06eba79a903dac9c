import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { patchFile, readAt, seededBytes } from '../helpers/disk-images.ts';
import {
  type ChildService,
  call,
  dropDatabase,
  sha256File,
  startChild,
  tempDir,
} from '../helpers/service.ts';
import {
  diskLayout,
  expectConsistentStore,
  makeDisk,
  poll,
  readJobs,
  readServerRow,
  registerWithCli,
  scrambleDisk,
  storeState,
} from './support.ts';

const SIZE_MIB = 768;
const DATA_MIB = 300;

const children: ChildService[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) await child.kill9();
  }
  await Promise.all(
    dirs.splice(0).map(async (dir) => {
      await dropDatabase(dir);
      await rm(dir, { recursive: true, force: true });
    }),
  );
});

async function start(dataDir: string): Promise<ChildService> {
  const child = await startChild(dataDir);
  children.push(child);
  return child;
}

interface Setup {
  dataDir: string;
  diskPath: string;
  token: string;
  serverId: number;
  original: string;
}

async function setup(seed: number): Promise<Setup> {
  const dataDir = await tempDir('vps-crash-');
  dirs.push(dataDir);
  await mkdir(path.join(dataDir, 'images'));
  const diskPath = path.join(dataDir, 'images', 'web.img');
  await makeDisk(diskPath, SIZE_MIB, DATA_MIB, seed);
  const { token, serverIds } = await registerWithCli(dataDir, [{ name: 'web', path: diskPath }]);
  return { dataDir, diskPath, token, serverId: serverIds[0]!, original: await sha256File(diskPath) };
}

async function getSnapshot(url: string, token: string, id: number) {
  const got = await call(url, token, 'GET', `/api/v1/snapshots/${id}/`);
  expect(got.status, got.text).toBe(200);
  return got.body as {
    status: string;
    progress: number;
    size_mb: number | null;
    failure_reason: string | null;
  };
}

/** Creates a snapshot and returns once its capture has visibly started but is far from done. */
async function captureUnderWay(url: string, s: Setup): Promise<number> {
  const created = await call(url, s.token, 'POST', '/api/v1/snapshots/', {
    server_id: s.serverId,
    name: 'crashy',
  });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as number;
  const seen = await poll(
    'the capture to be between 1 and 90 %',
    async () => {
      const snapshot = await getSnapshot(url, s.token, id);
      expect(snapshot.status, 'the capture ended before it could be interrupted').toBe('in_progress');
      return snapshot.progress >= 1 && snapshot.progress <= 90 ? snapshot : undefined;
    },
    { everyMs: 20, timeoutMs: 30_000 },
  );
  expect(seen.progress).toBeGreaterThanOrEqual(1);
  return id;
}

/**
 * SIGKILLs the child at a moment the store is writing chunks (a temporary file exists under tmp/), the
 * hardest moment for a crash; gives up waiting for one after two seconds and kills anyway.
 */
async function killWhileWriting(child: ChildService, s: Setup): Promise<void> {
  const tmp = path.join(s.dataDir, 'chunks', `server-${s.serverId}`, 'tmp');
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    const names = await readdir(tmp).catch(() => [] as string[]);
    if (names.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await child.kill9();
}

async function waitCompleted(url: string, token: string, id: number) {
  return poll(
    `snapshot ${id} completed`,
    async () => {
      const snapshot = await getSnapshot(url, token, id);
      expect(snapshot.status, JSON.stringify(snapshot)).not.toBe('failed');
      return snapshot.status === 'completed' ? snapshot : undefined;
    },
    { everyMs: 50 },
  );
}

async function waitServerBack(url: string, token: string, id: number): Promise<string> {
  return poll(
    `server ${id} back from restoring`,
    async () => {
      const got = await call(url, token, 'GET', `/api/v1/servers/${id}/`);
      expect(got.status, got.text).toBe(200);
      return got.body.status === 'restoring' ? undefined : (got.body.status as string);
    },
    { everyMs: 50 },
  );
}

/** Restores the snapshot onto a scrambled disk and checks the disk comes back byte for byte. */
async function expectRestoresTo(url: string, s: Setup, snapshotId: number, seed: number): Promise<void> {
  await scrambleDisk(s.diskPath, SIZE_MIB, 20, seed + 500);
  const restore = await call(url, s.token, 'POST', `/api/v1/snapshots/${snapshotId}/restore/`);
  expect(restore.status, restore.text).toBe(200);
  expect(await waitServerBack(url, s.token, s.serverId)).toBe('running');
  expect(await sha256File(s.diskPath)).toBe(s.original);
}

describe('a service killed in the middle of a job', () => {
  it('kill -9 during a capture: after a restart the snapshot completes and restores byte for byte', async () => {
    const s = await setup(21);
    const first = await start(s.dataDir);
    const id = await captureUnderWay(first.url, s);
    await killWhileWriting(first, s);

    // The process died with the capture unfinished: no manifest, the row still in progress.
    const between = await storeState(s.dataDir, s.serverId);
    expect(between.manifests.has(String(id))).toBe(false);
    const [jobBefore] = (await readJobs(s.dataDir)).filter((j) => j.snapshot_id === id);
    expect(jobBefore?.status).toBe('running');

    const second = await start(s.dataDir);
    const done = await waitCompleted(second.url, s.token, id);
    expect(done.size_mb).toBeGreaterThan(0);
    expect(done.progress).toBe(100);
    const [job] = (await readJobs(s.dataDir)).filter((j) => j.snapshot_id === id);
    expect(job?.status).toBe('succeeded');
    expect(job?.attempts).toBe(2);
    expect(second.output()).toContain('taking over a job whose worker died');

    await expectRestoresTo(second.url, s, id, 21);
    expect(await second.stop()).toBe(0);
    // The store holds exactly what the manifest needs: no chunk unreferenced, nothing left in tmp/.
    const state = await expectConsistentStore(s.dataDir, s.serverId);
    expect([...state.manifests.keys()]).toEqual([String(id)]);
  });

  it('kill -9 during a capture of a disk that changes before the restart: nothing of the dead attempt stays', async () => {
    const s = await setup(25);
    const first = await start(s.dataDir);
    const created = await call(first.url, s.token, 'POST', '/api/v1/snapshots/', {
      server_id: s.serverId,
      name: 'live',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    await poll(
      'the capture to be between 10 and 90 %',
      async () => {
        const snapshot = await getSnapshot(first.url, s.token, id);
        expect(snapshot.status, 'the capture ended before it could be interrupted').toBe('in_progress');
        return snapshot.progress >= 10 && snapshot.progress <= 90;
      },
      { everyMs: 20, timeoutMs: 30_000 },
    );
    await killWhileWriting(first, s);
    const dead = await storeState(s.dataDir, s.serverId);
    expect(dead.chunks.size, 'the killed attempt had stored chunks').toBeGreaterThan(0);

    // The server kept running: the start of its disk, already read by the dead attempt, changes.
    const head = diskLayout(SIZE_MIB, DATA_MIB, 25).find((r) => r.kind === 'random')!;
    await patchFile(s.diskPath, head.offset, seededBytes(2525, head.length));
    const atRestart = await sha256File(s.diskPath);

    const second = await start(s.dataDir);
    await waitCompleted(second.url, s.token, id);
    await expectRestoresTo(second.url, { ...s, original: atRestart }, id, 25);
    expect(await second.stop()).toBe(0);
    const state = await expectConsistentStore(s.dataDir, s.serverId);
    expect([...state.manifests.keys()]).toEqual([String(id)]);
  });

  it('kill -9 during a restore: after a restart the restore finishes by itself', async () => {
    const s = await setup(22);
    const first = await start(s.dataDir);
    const created = await call(first.url, s.token, 'POST', '/api/v1/snapshots/', {
      server_id: s.serverId,
      name: 'golden',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    await waitCompleted(first.url, s.token, id);

    // Every data region changes, so the restore has to rewrite all of them, first chunk to last.
    await scrambleDisk(s.diskPath, SIZE_MIB, DATA_MIB, 22);
    const regions = diskLayout(SIZE_MIB, DATA_MIB, 22).filter((r) => r.kind === 'random');
    const head = regions[0]!;
    const tail = regions.at(-1)!;
    const probe = 64 * 1024;
    const scrambledTail = await readAt(s.diskPath, tail.offset, probe);
    const scrambledHead = await readAt(s.diskPath, head.offset, probe);

    const restore = await call(first.url, s.token, 'POST', `/api/v1/snapshots/${id}/restore/`);
    expect(restore.status, restore.text).toBe(200);
    expect(restore.body.server.status).toBe('restoring');

    // Kill it once the first chunks are back but the last ones are not.
    await poll(
      'the restore to be part way',
      async () => {
        const tailNow = await readAt(s.diskPath, tail.offset, probe);
        expect(tailNow.equals(scrambledTail), 'the restore finished before it could be interrupted').toBe(
          true,
        );
        const headNow = await readAt(s.diskPath, head.offset, probe);
        return !headNow.equals(scrambledHead);
      },
      { everyMs: 5, timeoutMs: 30_000 },
    );
    await first.kill9();
    expect((await readServerRow(s.dataDir, s.serverId)).status).toBe('restoring');

    const second = await start(s.dataDir);
    // Still restoring for the customer until the resumed job has finished.
    expect(await waitServerBack(second.url, s.token, s.serverId)).toBe('running');
    expect(await sha256File(s.diskPath)).toBe(s.original);
    const restoreJob = (await readJobs(s.dataDir)).find((j) => j.type === 'restore');
    expect(restoreJob?.status).toBe('succeeded');
    expect(restoreJob?.attempts).toBe(2);
    const row = await readServerRow(s.dataDir, s.serverId);
    expect(row).toEqual({ status: 'running', status_before_restore: null });
    expect(await second.stop()).toBe(0);
    const state = await expectConsistentStore(s.dataDir, s.serverId);
    expect([...state.manifests.keys()]).toEqual([String(id)]);
  });

  it('SIGTERM during a capture: exits 0 promptly and the capture completes after a restart', async () => {
    const s = await setup(24);
    const first = await start(s.dataDir);
    const id = await captureUnderWay(first.url, s);
    const asked = Date.now();
    const code = await first.stop();
    const tookMs = Date.now() - asked;
    expect(code, first.output()).toBe(0);
    expect(tookMs).toBeLessThan(10_000);

    // The job was handed back, not failed: queued again, no failure recorded on the snapshot.
    const [jobBetween] = (await readJobs(s.dataDir)).filter((j) => j.snapshot_id === id);
    expect(jobBetween?.status).toBe('queued');
    const between = await storeState(s.dataDir, s.serverId);
    expect(between.manifests.has(String(id))).toBe(false);
    expect(between.tmp).toEqual([]);

    const second = await start(s.dataDir);
    const done = await waitCompleted(second.url, s.token, id);
    expect(done.failure_reason).toBeNull();
    const state = await expectConsistentStore(s.dataDir, s.serverId);
    expect([...state.manifests.keys()]).toEqual([String(id)]);
    await expectRestoresTo(second.url, s, id, 24);
    expect(await second.stop()).toBe(0);
    // Nothing else under the data dir's chunk folder than this server's namespace.
    expect(await readdir(path.join(s.dataDir, 'chunks'))).toEqual([`server-${s.serverId}`]);
  });
});
