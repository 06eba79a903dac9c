import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  captureDisk,
  readManifest,
  restoreDisk,
  sweepNamespace,
  verifySnapshot,
} from '../../src/engine/index.ts';
import { flipByte, KiB, MiB, sha256File, writeRandomDisk } from '../helpers/disk-images.ts';
import { chunkFile, makeWorkspace, TempDirs, type Workspace } from './helpers.ts';

const NS = 'srv-options';
const temp = new TempDirs();
let ws: Workspace;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
});
afterEach(async () => {
  await temp.cleanup();
});

describe('captureDisk chunkSize', () => {
  // A snapshot must never be committed with a manifest that readManifest then refuses: such a manifest
  // cannot be restored or verified, and it makes every later sweepNamespace / deleteSnapshot of the
  // namespace fail ("a manifest that cannot be read stops the sweep").
  const cases = [
    { chunkSize: 0, size: 256 * KiB },
    { chunkSize: -4096, size: 256 * KiB },
    { chunkSize: Number.NaN, size: 256 * KiB },
    { chunkSize: 65_536.5, size: 256 * KiB },
    { chunkSize: 1.5, size: 100 },
  ];
  for (const { chunkSize, size } of cases) {
    it(`chunk size ${chunkSize}: refused, or committed as a readable snapshot (never an unreadable manifest)`, async () => {
      const disk = ws.disk('disk.img');
      await writeRandomDisk(disk, size, 1);
      const captured = await captureDisk({
        store: ws.store,
        namespace: NS,
        snapshotId: 'snap',
        diskPath: disk,
        chunkSize,
      }).then(
        () => true,
        () => false,
      );
      if (captured) {
        // Whatever capture commits must be usable: readable, restorable, sweepable.
        await expect(readManifest(ws.store, NS, 'snap')).resolves.toMatchObject({ imageSize: size });
      } else {
        expect(await ws.store.listManifests(NS)).toEqual([]);
      }
      await expect(sweepNamespace(ws.store, NS)).resolves.toBeDefined();
    });
  }

  it('a valid chunk size is kept in the manifest', async () => {
    const disk = ws.disk('disk.img');
    await writeRandomDisk(disk, 256 * KiB, 2);
    await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 'snap',
      diskPath: disk,
      chunkSize: 8 * KiB,
    });
    const manifest = await readManifest(ws.store, NS, 'snap');
    expect(manifest.chunkSize).toBe(8 * KiB);
    expect(manifest.chunks).toHaveLength(32);
  });
});

/**
 * `concurrency` is an option a caller may well fill from configuration (Number(process.env.X) is NaN when
 * X is unset). Whatever value it gets, an operation must either refuse it or do its whole job: never
 * report success for work it skipped.
 */
describe('concurrency options that are not positive integers', () => {
  const badValues = [Number.NaN, 0, -1, 2.5];

  async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    return promise.then(
      (value) => ({ ok: true as const, value }),
      () => ({ ok: false as const }),
    );
  }

  for (const concurrency of badValues) {
    it(`captureDisk with concurrency ${concurrency}: refused, or a snapshot of the real bytes`, async () => {
      const disk = ws.disk('disk.img');
      await writeRandomDisk(disk, 1 * MiB, 3);
      const outcome = await settle(
        captureDisk({
          store: ws.store,
          namespace: NS,
          snapshotId: 'snap',
          diskPath: disk,
          chunkSize: 64 * KiB,
          concurrency,
        }),
      );
      if (!outcome.ok) {
        expect(await ws.store.listManifests(NS)).toEqual([]);
        return;
      }
      expect(outcome.value.manifest.dataBytes).toBe(1 * MiB);
      expect(outcome.value.manifest.chunks.every((digest) => digest !== null)).toBe(true);
      const out = ws.disk('out.img');
      await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: out });
      expect(await sha256File(out)).toBe(await sha256File(disk));
    });
  }

  for (const concurrency of badValues) {
    it(`restoreDisk with concurrency ${concurrency}: refused, or the disk ends identical`, async () => {
      const disk = ws.disk('disk.img');
      await writeRandomDisk(disk, 1 * MiB, 4);
      await captureDisk({
        store: ws.store,
        namespace: NS,
        snapshotId: 'snap',
        diskPath: disk,
        chunkSize: 64 * KiB,
      });
      const target = ws.disk('target.img');
      await writeRandomDisk(target, 512 * KiB, 5);
      const before = await sha256File(target);
      const outcome = await settle(
        restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: target, concurrency }),
      );
      if (outcome.ok) expect(await sha256File(target)).toBe(await sha256File(disk));
      else expect(await sha256File(target)).toBe(before);
    });
  }

  for (const concurrency of badValues) {
    it(`verifySnapshot with concurrency ${concurrency}: refused, or it finds the corrupt chunk`, async () => {
      const disk = ws.disk('disk.img');
      await writeRandomDisk(disk, 1 * MiB, 6);
      const { manifest } = await captureDisk({
        store: ws.store,
        namespace: NS,
        snapshotId: 'snap',
        diskPath: disk,
        chunkSize: 64 * KiB,
      });
      const digest = manifest.chunks[7]!;
      const file = chunkFile(ws.store, NS, digest);
      await flipByte(file, 1 + Math.floor(((await readFile(file)).length - 1) / 2));
      const outcome = await settle(verifySnapshot(ws.store, NS, 'snap', { concurrency }));
      if (outcome.ok) {
        expect(outcome.value.ok).toBe(false);
        expect(outcome.value.bad).toEqual([expect.objectContaining({ index: 7, digest })]);
      }
    });
  }
});
