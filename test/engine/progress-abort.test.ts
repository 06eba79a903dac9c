import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDisk, OperationAborted, restoreDisk, sweepNamespace } from '../../src/engine/index.ts';
import { KiB, MiB, type Region, sha256File, writeDisk, writeRandomDisk } from '../helpers/disk-images.ts';
import { chunkSet, makeWorkspace, TempDirs, type Workspace } from './helpers.ts';

const NS = 'srv-progress';
const chunkSize = 64 * KiB;
const SIZE = 8 * MiB + 4321;
const REGIONS: Region[] = [
  { kind: 'random', offset: 0, length: 3 * MiB, seed: 1 },
  { kind: 'fill', offset: 5 * MiB, length: 1 * MiB, byte: 0x7f },
  { kind: 'random', offset: 7 * MiB, length: 1 * MiB + 4321, seed: 2 },
];

const temp = new TempDirs();
let ws: Workspace;
let disk: string;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
  disk = ws.disk('disk.img');
  await writeDisk(disk, SIZE, REGIONS);
});
afterEach(async () => {
  await temp.cleanup();
});

type Call = [done: number, total: number];

function expectWellFormedProgress(calls: Call[], size: number): void {
  expect(calls.length).toBeGreaterThan(1);
  expect(calls[0]).toEqual([0, size]);
  for (const [i, [done, total]] of calls.entries()) {
    expect(total).toBe(size);
    expect(done).toBeGreaterThanOrEqual(0);
    expect(done).toBeLessThanOrEqual(size);
    if (i > 0) expect(done).toBeGreaterThanOrEqual(calls[i - 1]![0]);
  }
  expect(calls.at(-1)).toEqual([size, size]);
}

describe('progress', () => {
  it('capture reports monotonic progress ending at done === total === image size', async () => {
    const calls: Call[] = [];
    await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's',
      diskPath: disk,
      chunkSize,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expectWellFormedProgress(calls, SIZE);
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(SIZE / chunkSize)); // per chunk, not just start/end
  });

  it('capture of an empty disk reports 0 of 0', async () => {
    const empty = ws.disk('empty.img');
    await writeDisk(empty, 0);
    const calls: Call[] = [];
    await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's',
      diskPath: empty,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.at(-1)).toEqual([0, 0]);
  });

  for (const target of ['new file', 'changed disk'] as const) {
    it(`restore onto a ${target} reports monotonic progress ending at the image size`, async () => {
      await captureDisk({ store: ws.store, namespace: NS, snapshotId: 's', diskPath: disk, chunkSize });
      const out = ws.disk('out.img');
      if (target === 'changed disk') await writeRandomDisk(out, 3 * MiB, 9);
      const calls: Call[] = [];
      await restoreDisk({
        store: ws.store,
        namespace: NS,
        snapshotId: 's',
        diskPath: out,
        onProgress: (done, total) => calls.push([done, total]),
      });
      expectWellFormedProgress(calls, SIZE);
      expect(await sha256File(out)).toBe(await sha256File(disk));
    });
  }
});

describe('abort', () => {
  it('aborting mid-capture rejects with OperationAborted and leaves no manifest', async () => {
    const controller = new AbortController();
    let abortedAt = -1;
    let maxDone = 0;
    const error = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's',
      diskPath: disk,
      chunkSize,
      signal: controller.signal,
      onProgress: (done) => {
        maxDone = Math.max(maxDone, done);
        if (abortedAt < 0 && done > SIZE * 0.3) {
          abortedAt = done;
          controller.abort();
        }
      },
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OperationAborted);
    expect((error as OperationAborted).code).toBe('aborted');
    expect(abortedAt).toBeGreaterThan(0);
    expect(maxDone).toBeLessThan(SIZE); // it really stopped partway
    expect(await ws.store.getManifest(NS, 's')).toBeNull();
    expect(await ws.store.listManifests(NS)).toEqual([]);
    // What it stored before stopping is garbage the next sweep removes.
    expect((await chunkSet(ws.store, NS)).size).toBeGreaterThan(0);
    await sweepNamespace(ws.store, NS);
    expect((await chunkSet(ws.store, NS)).size).toBe(0);
  });

  it('a signal aborted before the capture starts stores nothing', async () => {
    const error = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's',
      diskPath: disk,
      chunkSize,
      signal: AbortSignal.abort(),
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OperationAborted);
    expect(await ws.store.listManifests(NS)).toEqual([]);
    expect((await chunkSet(ws.store, NS)).size).toBe(0);
  });

  it('aborting mid-restore rejects with OperationAborted; restoring again converges', async () => {
    await captureDisk({ store: ws.store, namespace: NS, snapshotId: 's', diskPath: disk, chunkSize });
    const out = ws.disk('out.img');
    await writeRandomDisk(out, SIZE, 10);
    const controller = new AbortController();
    const error = await restoreDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 's',
      diskPath: out,
      signal: controller.signal,
      onProgress: (done) => {
        if (done > SIZE * 0.3) controller.abort();
      },
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OperationAborted);
    expect(await sha256File(out)).not.toBe(await sha256File(disk));
    await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 's', diskPath: out });
    expect(await sha256File(out)).toBe(await sha256File(disk));
  });
});
