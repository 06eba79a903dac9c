import { spawn } from 'node:child_process';
import { copyFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  captureDisk,
  readManifest,
  restoreDisk,
  sweepNamespace,
  verifySnapshot,
} from '../../src/engine/index.ts';
import {
  KiB,
  MiB,
  patchFile,
  pathExists,
  type Region,
  seededBytes,
  sha256File,
  writeDisk,
} from '../helpers/disk-images.ts';
import { chunkSet, makeWorkspace, manifestChunks, sorted, TempDirs, type Workspace } from './helpers.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'run-engine.ts');
const NS = 'srv-crash';
const chunkSize = 64 * KiB;
const SIZE = 64 * MiB;
const REGIONS: Region[] = [
  { kind: 'random', offset: 0, length: 20 * MiB, seed: 1 },
  { kind: 'fill', offset: 24 * MiB, length: 8 * MiB, byte: 7 },
  { kind: 'random', offset: 36 * MiB + 3, length: 20 * MiB, seed: 2 },
  { kind: 'random', offset: SIZE - 100 * KiB, length: 100 * KiB, seed: 3 },
];

interface KillOutcome {
  signal: NodeJS.Signals | null;
  code: number | null;
  lastDone: number;
  finished: boolean;
  stderr: string;
}

/**
 * Runs the fixture in a child process and SIGKILLs it as soon as it reports progress past `killAt` of the
 * total. STORE_DELAY_MS slows its store a little so the kill lands while chunks are still being written.
 */
function runAndKill(args: string[], killAt: number): Promise<KillOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
      cwd: REPO,
      env: { ...process.env, STORE_DELAY_MS: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let stderr = '';
    let lastDone = 0;
    let finished = false;
    let killed = false;
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, done, total] = line.split(' ');
        if (kind === 'done') finished = true;
        if (kind !== 'progress' || killed) continue;
        lastDone = Number(done);
        if (Number(done) > Number(total) * killAt) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ signal, code, lastDone, finished, stderr }));
  });
}

const temp = new TempDirs();
let ws: Workspace;
let image: string;
let imageHash: string;

beforeEach(async () => {
  ws = await makeWorkspace(temp);
  image = ws.disk('image.img');
  await writeDisk(image, SIZE, REGIONS);
  imageHash = await sha256File(image);
});
afterEach(async () => {
  await temp.cleanup();
});

describe('a process killed with SIGKILL', () => {
  it('mid-capture: no manifest (or a valid one); capturing again, sweeping, verifying and restoring all work', async () => {
    const outcome = await runAndKill(['capture', ws.store.root, NS, 'snap', image, String(chunkSize)], 0.3);
    expect(outcome.stderr).toBe('');
    expect(outcome.signal).toBe('SIGKILL');
    expect(outcome.finished).toBe(false);
    expect(outcome.lastDone).toBeGreaterThan(SIZE * 0.3);
    expect(outcome.lastDone).toBeLessThan(SIZE);

    // Either the snapshot does not exist, or it is complete and valid.
    const manifests = await ws.store.listManifests(NS);
    if (manifests.length > 0) {
      expect(manifests).toEqual(['snap']);
      expect((await verifySnapshot(ws.store, NS, 'snap')).ok).toBe(true);
    } else {
      expect(await ws.store.getManifest(NS, 'snap')).toBeNull();
    }
    const leftBehind = await chunkSet(ws.store, NS);
    expect(leftBehind.size).toBeGreaterThan(0); // the kill landed after some chunks were stored

    const again = await captureDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 'snap',
      diskPath: image,
      chunkSize,
    });
    // Every chunk the killed run had stored completely is reused, not stored again.
    expect(again.reusedChunks).toBeGreaterThanOrEqual(leftBehind.size);
    await sweepNamespace(ws.store, NS);
    const manifest = await readManifest(ws.store, NS, 'snap');
    const referenced = manifestChunks(manifest);
    expect(sorted(await chunkSet(ws.store, NS))).toEqual(sorted(referenced));
    expect([...leftBehind].filter((digest) => !referenced.has(digest))).toEqual([]); // same disk, same chunks
    const tmp = path.join(ws.store.root, NS, 'tmp');
    expect((await pathExists(tmp)) ? await readdir(tmp) : []).toEqual([]);

    const verified = await verifySnapshot(ws.store, NS, 'snap');
    expect(verified.bad).toEqual([]);
    expect(verified.ok).toBe(true);

    const out = ws.disk('out.img');
    await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: out });
    expect(await sha256File(out)).toBe(imageHash);
  });

  it('mid-restore onto a changed disk: restoring again gives identical bytes', async () => {
    await captureDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: image, chunkSize });
    const target = ws.disk('target.img');
    await copyFile(image, target);
    // Change most of the disk (including its holes) so there is a lot to write back.
    for (let offset = 0; offset < SIZE; offset += 4 * MiB) {
      await patchFile(target, offset, seededBytes(offset / MiB + 100, 3 * MiB));
    }
    const changedHash = await sha256File(target);
    expect(changedHash).not.toBe(imageHash);

    const outcome = await runAndKill(['restore', ws.store.root, NS, 'snap', target], 0.3);
    expect(outcome.stderr).toBe('');
    expect(outcome.signal).toBe('SIGKILL');
    expect(outcome.finished).toBe(false);
    expect(outcome.lastDone).toBeLessThan(SIZE);
    const partialHash = await sha256File(target);
    expect(partialHash).not.toBe(changedHash); // it had written something before it died
    expect(partialHash).not.toBe(imageHash); // and had not finished

    const result = await restoreDisk({
      store: ws.store,
      namespace: NS,
      snapshotId: 'snap',
      diskPath: target,
    });
    expect(result.chunksWritten).toBeGreaterThan(0);
    expect(await sha256File(target)).toBe(imageHash);
    const again = await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: target });
    expect(again.chunksWritten).toBe(0);
  });

  it('mid-restore onto a new file: restoring again gives identical bytes', async () => {
    await captureDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: image, chunkSize });
    const target = ws.disk('fresh.img');
    const outcome = await runAndKill(['restore', ws.store.root, NS, 'snap', target], 0.3);
    expect(outcome.signal).toBe('SIGKILL');
    expect(outcome.finished).toBe(false);
    await restoreDisk({ store: ws.store, namespace: NS, snapshotId: 'snap', diskPath: target });
    expect(await sha256File(target)).toBe(imageHash);
  });
});
