import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** One piece of a disk image: random bytes (from a seed), a repeated byte, or a hole (nothing written). */
export type Region =
  | { kind: 'random'; offset: number; length: number; seed: number }
  | { kind: 'fill'; offset: number; length: number; byte: number }
  | { kind: 'hole'; offset: number; length: number };

/** Deterministic pseudo-random bytes (xorshift32), so a failing layout can be rebuilt from its seed. */
export function seededBytes(seed: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 0x9e3779b9;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  for (; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Creates (or replaces) a sparse file of `size` bytes laid out by `regions`, later regions over earlier
 * ones. A hole region takes back its range from earlier regions, so it ends up never written (a real hole
 * as far as the filesystem's block size allows). Regions are clipped to the file's size.
 */
export async function writeDisk(file: string, size: number, regions: readonly Region[] = []): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.truncate(size);
    const sources = new Map<Region, Buffer>();
    for (const piece of flatten(size, regions)) {
      const { region } = piece;
      let data: Buffer;
      if (region.kind === 'random') {
        let all = sources.get(region);
        if (!all) {
          all = seededBytes(region.seed, Math.min(region.length, size - region.offset));
          sources.set(region, all);
        }
        data = all.subarray(piece.start - region.offset, piece.end - region.offset);
      } else if (region.kind === 'fill') {
        data = Buffer.alloc(piece.end - piece.start, region.byte);
      } else {
        continue;
      }
      await writeAt(handle, data, piece.start);
    }
  } finally {
    await handle.close();
  }
}

interface Piece {
  start: number;
  end: number;
  region: Region;
}

/** The visible, non-overlapping pieces of the regions (holes included), in offset order. */
export function flatten(size: number, regions: readonly Region[]): Piece[] {
  let pieces: Piece[] = [];
  for (const region of regions) {
    const start = Math.max(0, region.offset);
    const end = Math.min(size, region.offset + region.length);
    if (end <= start) continue;
    const next: Piece[] = [];
    for (const piece of pieces) {
      if (piece.end <= start || piece.start >= end) {
        next.push(piece);
        continue;
      }
      if (piece.start < start) next.push({ ...piece, end: start });
      if (piece.end > end) next.push({ ...piece, start: end });
    }
    next.push({ start, end, region });
    pieces = next.sort((a, b) => a.start - b.start);
  }
  return pieces;
}

/** Writes `data` at `offset` of an existing file without changing anything else (the file may grow). */
export async function patchFile(file: string, offset: number, data: Buffer): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await writeAt(handle, data, offset);
  } finally {
    await handle.close();
  }
}

async function writeAt(
  handle: Awaited<ReturnType<typeof open>>,
  data: Buffer,
  offset: number,
): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, offset + done);
    done += bytesWritten;
  }
}

/** Random-content disk of `size` bytes, written in pieces so memory stays small. */
export async function writeRandomDisk(file: string, size: number, seed: number): Promise<void> {
  const piece = 4 * MiB;
  const regions: Region[] = [];
  for (let offset = 0, i = 0; offset < size; offset += piece, i++) {
    regions.push({ kind: 'random', offset, length: Math.min(piece, size - offset), seed: seed * 7919 + i });
  }
  await writeDisk(file, size, regions);
}

/** Reads `length` bytes at `offset` of a file. */
export async function readAt(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** XORs one byte of a file in place (flips all its bits), so it is guaranteed to differ. */
export async function flipByte(file: string, offset: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const one = Buffer.alloc(1);
    const { bytesRead } = await handle.read(one, 0, 1, offset);
    if (bytesRead !== 1) throw new Error(`${file} has no byte at ${offset}`);
    one[0] = (one[0] ?? 0) ^ 0xff;
    await handle.write(one, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

/** SHA-256 of a whole file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(file)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** Bytes the file actually occupies on disk (its holes take none). */
export async function allocatedBytes(file: string): Promise<number> {
  return (await stat(file)).blocks * 512;
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

export async function pathExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Temporary folders for one test file; `cleanup()` removes every one made so far. */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(prefix = 'engine-test-'): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    const dirs = this.dirs.splice(0);
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
