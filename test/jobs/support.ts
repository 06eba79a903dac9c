import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { insertServer } from '../../src/db/servers.ts';
import { MiB, patchFile, type Region, readAt, seededBytes, writeDisk } from '../helpers/disk-images.ts';
import { type InProcessService, openTestDatabase, vpsctl } from '../helpers/service.ts';

export { MiB };

/**
 * A disk image that looks like a server's: a boot sector, text at a few places, random (incompressible)
 * data at others, a filled region, and holes everywhere else. `dataMiB` is roughly how much of it is data.
 */
export function diskLayout(sizeMiB: number, dataMiB: number, seed: number): Region[] {
  const size = sizeMiB * MiB;
  const regions: Region[] = [{ kind: 'fill', offset: 0, length: 512, byte: 0xeb }];
  const pieces = Math.max(2, Math.round(dataMiB / 6));
  const piece = Math.max(1, Math.floor(dataMiB / pieces)) * MiB;
  const stride = Math.floor(size / pieces);
  for (let i = 0; i < pieces; i++) {
    // Odd offsets so regions straddle chunk boundaries; every third piece a repeated byte, not noise.
    const offset = i * stride + 4096 + i * 12_345;
    const length = Math.min(piece, size - offset);
    if (length <= 0) break;
    if (i % 3 === 2) regions.push({ kind: 'fill', offset, length, byte: (seed + i) & 0xff || 1 });
    else regions.push({ kind: 'random', offset, length, seed: seed * 1000 + i + 1 });
  }
  // A tail that ends exactly at the image's last byte.
  regions.push({ kind: 'random', offset: size - 300_000, length: 300_000, seed: seed * 1000 + 999 });
  return regions;
}

export function textBlock(label: string, length: number): Buffer {
  const lines: string[] = [];
  let total = 0;
  for (let i = 0; total < length; i++) {
    const line = `${label} 2025-01-15T18:30:${String(i % 60).padStart(2, '0')}Z GET /index.html?n=${i} 200\n`;
    lines.push(line);
    total += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, length);
}

/** Writes a sparse disk with random, filled and text data at various offsets and holes in between. */
export async function makeDisk(file: string, sizeMiB: number, dataMiB: number, seed: number): Promise<void> {
  await writeDisk(file, sizeMiB * MiB, diskLayout(sizeMiB, dataMiB, seed));
  await patchFile(file, 2 * MiB + 77, textBlock(`server-${seed}`, 512 * 1024));
  await patchFile(file, Math.floor((sizeMiB * MiB) / 2) + 5, textBlock(`middle-${seed}`, 256 * 1024));
}

/** A server of the account named `account`, with a disk made by makeDisk in the service's data dir. */
export async function addServer(
  service: InProcessService,
  account: string,
  disk: { name: string; sizeMiB: number; dataMiB: number; seed: number },
): Promise<{ id: number; diskPath: string }> {
  const diskPath = path.join(service.dataDir, `${disk.name}.img`);
  await makeDisk(diskPath, disk.sizeMiB, disk.dataMiB, disk.seed);
  const { accounts, db } = service.running.services;
  const row = await insertServer(db, {
    accountId: await accounts.accountId(account),
    name: disk.name,
    host: 'local',
    diskPath,
    diskSizeBytes: disk.sizeMiB * MiB,
    now: Date.now(),
  });
  return { id: row.id, diskPath };
}

/** Overwrites the data regions of a disk made by makeDisk with other bytes: every data chunk then differs. */
export async function scrambleDisk(
  file: string,
  sizeMiB: number,
  dataMiB: number,
  seed: number,
): Promise<void> {
  for (const region of diskLayout(sizeMiB, dataMiB, seed)) {
    if (region.kind === 'hole') continue;
    for (let done = 0; done < region.length; done += 8 * MiB) {
      const length = Math.min(8 * MiB, region.length - done);
      await patchFile(file, region.offset + done, seededBytes(seed * 31 + done + region.offset, length));
    }
  }
}

export interface StoreState {
  manifests: Map<string, (string | null)[]>;
  chunks: Set<string>;
  tmp: string[];
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** What the chunk store holds for one server, read straight from the files. */
export async function storeState(dataDir: string, serverId: number): Promise<StoreState> {
  const base = path.join(dataDir, 'chunks', `server-${serverId}`);
  const manifests = new Map<string, (string | null)[]>();
  for (const name of await list(path.join(base, 'manifests'))) {
    if (!name.endsWith('.json')) continue;
    const body = JSON.parse(await readFile(path.join(base, 'manifests', name), 'utf8')) as {
      chunks: (string | null)[];
    };
    manifests.set(name.slice(0, -'.json'.length), body.chunks);
  }
  const chunks = new Set<string>();
  for (const fan of await list(path.join(base, 'chunks'))) {
    for (const name of await list(path.join(base, 'chunks', fan))) {
      expect(name.slice(0, 2), `chunk ${name} sits in the folder of its first two hex digits`).toBe(fan);
      chunks.add(name);
    }
  }
  return { manifests, chunks, tmp: await list(path.join(base, 'tmp')) };
}

/** Every chunk file is referenced by some manifest, every referenced chunk exists, and tmp/ is empty. */
export async function expectConsistentStore(dataDir: string, serverId: number): Promise<StoreState> {
  const state = await storeState(dataDir, serverId);
  const referenced = new Set<string>();
  for (const chunks of state.manifests.values()) for (const d of chunks) if (d) referenced.add(d);
  const unreferenced = [...state.chunks].filter((d) => !referenced.has(d));
  const missing = [...referenced].filter((d) => !state.chunks.has(d));
  expect(unreferenced, 'chunks no manifest references').toEqual([]);
  expect(missing, 'chunks a manifest references but the store lacks').toEqual([]);
  expect(state.tmp, `leftover files in chunks/server-${serverId}/tmp/`).toEqual([]);
  return state;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls every `everyMs` until `check` returns a value; fails after `timeoutMs` with the last value seen. */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  { everyMs = 25, timeoutMs = 60_000 }: { everyMs?: number; timeoutMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Registers account `acme`, a token and a server on the given disk through the operator CLI. */
export async function registerWithCli(
  dataDir: string,
  disks: { name: string; path: string }[],
): Promise<{ token: string; serverIds: number[] }> {
  await vpsctl(dataDir, 'accounts', 'create', 'acme');
  const [token, ...ids] = await Promise.all([
    vpsctl(dataDir, 'tokens', 'create', '--account', 'acme'),
    ...disks.map((disk) =>
      vpsctl(dataDir, 'servers', 'create', '--account', 'acme', '--name', disk.name, '--disk', disk.path),
    ),
  ]);
  for (const id of ids) expect(id).toMatch(/^\d+$/);
  return { token: token!, serverIds: ids.map(Number) };
}

export interface JobSnapshot {
  id: number;
  type: string;
  server_id: number;
  snapshot_id: number;
  status: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  run_after: number;
  updated_at: number;
}

/** Reads the jobs table of a data dir from outside the service (WAL lets a reader in beside the writer). */
export async function readJobs(dataDir: string): Promise<JobSnapshot[]> {
  const db = await openTestDatabase(dataDir, { readOnly: true });
  try {
    return (await db.selectFrom('jobs').selectAll().orderBy('id').execute()) as JobSnapshot[];
  } finally {
    await db.destroy();
  }
}

export async function readServerRow(
  dataDir: string,
  id: number,
): Promise<{ status: string; status_before_restore: string | null }> {
  const db = await openTestDatabase(dataDir, { readOnly: true });
  try {
    return await db
      .selectFrom('servers')
      .select(['status', 'status_before_restore'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  } finally {
    await db.destroy();
  }
}

export async function sameBytes(file: string, offset: number, expected: Buffer): Promise<boolean> {
  return (await readAt(file, offset, expected.length)).equals(expected);
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}
