/**
 * Engine benchmark: our captureDisk/restoreDisk against `cp --sparse=always`, restic and borg on the same
 * synthetic VPS disk, plus the machine's floors (zstd -1 -T2, sequential read, SHA-256). Run with
 * `npm run bench:engine`. Every engine measurement runs in a child process (this file with --child) so its
 * peak RSS is its own.
 *
 * Environment: BENCH_DIR (scratch folder, default <repo>/.bench), BENCH_REPS (default 3), BENCH_SIZE_MIB
 * (default 2048), BENCH_TOOLS (comma list out of ours,cp,restic,borg; default all), BENCH_KEEP=1 (keep the
 * scratch files), BENCH_VERIFY=first|all (which repetitions check restored images byte for byte; default first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The engine's modules directly rather than its index, which also loads the S3 store and its SDK: that
// import costs each one-operation child ~0.1 s and ~30 MiB that a long-running service pays only once.
import { captureDisk } from '../src/engine/capture.ts';
import { digestOf } from '../src/engine/chunk-codec.ts';
import { allocShared } from '../src/engine/digest-pool.ts';
import { LocalChunkStore } from '../src/engine/local-chunk-store.ts';
import { restoreDisk } from '../src/engine/restore.ts';

const MiB = 1024 * 1024;
const KiB = 1024;
const SEED = 'vps-bench-v1';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const THIS_FILE = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------------------
// Child mode: one engine operation, timed in-process, result as JSON on stdout.

interface ChildJob {
  op: 'capture' | 'restore';
  storeRoot: string;
  namespace: string;
  snapshotId: string;
  diskPath: string;
}

interface ChildReport {
  ms: number;
  maxRssKiB: number;
  detail: string;
  storedBytes?: number;
}

async function runChild(spec: string): Promise<void> {
  const job = JSON.parse(spec) as ChildJob;
  const store = new LocalChunkStore(job.storeRoot);
  const started = performance.now();
  let detail: string;
  let storedBytes: number | undefined;
  if (job.op === 'capture') {
    const result = await captureDisk({
      store,
      namespace: job.namespace,
      snapshotId: job.snapshotId,
      diskPath: job.diskPath,
    });
    detail = `${result.newChunks} new, ${result.reusedChunks} reused, ${result.zeroChunks} zero chunks`;
    storedBytes = result.manifest.storedBytes;
  } else {
    const result = await restoreDisk({
      store,
      namespace: job.namespace,
      snapshotId: job.snapshotId,
      diskPath: job.diskPath,
    });
    detail = `${result.chunksWritten} chunks written, ${result.chunksUnchanged} unchanged`;
  }
  const report: ChildReport = {
    ms: performance.now() - started,
    maxRssKiB: process.resourceUsage().maxRSS,
    detail,
    ...(storedBytes === undefined ? {} : { storedBytes }),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic data.

/** sfc32: small, fast, seedable; plenty for laying out a disk. */
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(label: string) {
    const h = createHash('sha256').update(`${SEED}:${label}`).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  float(): number {
    return this.next() / 4294967296;
  }

  /** Integer in [lo, hi). */
  int(lo: number, hi: number): number {
    const low = Math.ceil(lo);
    return low + Math.floor(this.float() * (Math.floor(hi) - low));
  }

  logUniform(lo: number, hi: number): number {
    return Math.exp(Math.log(lo) + this.float() * (Math.log(hi) - Math.log(lo)));
  }

  pick<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let x = this.float() * total;
    for (const [item, weight] of items) {
      x -= weight;
      if (x < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

/** AES-256-CTR keystream: deterministic, incompressible, never repeating, and generated at GB/s. */
function keystream(label: string, length: number): Buffer {
  const key = createHash('sha256').update(`${SEED}:ks:${label}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length));
}

const align4k = (n: number): number => Math.floor(n / (4 * KiB)) * 4 * KiB;

const WORDS =
  'the a request response user session cache worker queue job error warning info debug timeout retry connection closed opened accepted rejected database query table index row column commit rollback backup snapshot disk volume server client proxy upstream downstream config reload started stopped failed ok done pending running healthy unhealthy memory cpu load network packet route dns resolve lookup certificate expired renewed token auth login logout'.split(
    ' ',
  );
const PATHS = [
  '/api/v1/servers',
  '/api/v1/snapshots',
  '/login',
  '/static/app.js',
  '/img/logo.png',
  '/health',
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64)',
  'curl/7.88.1',
  'python-requests/2.31',
  'Go-http-client/1.1',
];
const DAEMONS = ['sshd', 'systemd', 'cron', 'nginx', 'postgres', 'dockerd', 'kernel', 'app'];

/** ~4 MiB of log/config/source-like lines: the raw material of text regions. */
function makeTextPool(): Buffer {
  const rng = new Rng('text-pool');
  const word = (): string => WORDS[rng.int(0, WORDS.length)]!;
  const ip = (): string => `10.${rng.int(0, 256)}.${rng.int(0, 256)}.${rng.int(1, 255)}`;
  const parts: string[] = [];
  let size = 0;
  while (size < 4 * MiB) {
    const t = `2026-${String(rng.int(1, 13)).padStart(2, '0')}-${String(rng.int(1, 29)).padStart(2, '0')}T${String(rng.int(0, 24)).padStart(2, '0')}:${String(rng.int(0, 60)).padStart(2, '0')}:${String(rng.int(0, 60)).padStart(2, '0')}.${rng.int(0, 1000)}Z`;
    let line: string;
    switch (rng.int(0, 5)) {
      case 0:
        line = `${ip()} - - [${t}] "GET ${PATHS[rng.int(0, PATHS.length)]}/${rng.int(0, 100000)} HTTP/1.1" ${rng.pick(
          [
            [200, 8],
            [304, 2],
            [404, 1],
            [500, 0.3],
          ],
        )} ${rng.int(0, 90000)} "-" "${AGENTS[rng.int(0, AGENTS.length)]}"\n`;
        break;
      case 1:
        line = `${t} vps-${rng.int(100, 999)} ${DAEMONS[rng.int(0, DAEMONS.length)]}[${rng.int(1, 65536)}]: ${word()} ${word()} ${word()} from ${ip()} port ${rng.int(1024, 65536)}\n`;
        break;
      case 2:
        line = `{"ts":"${t}","level":"${rng.pick([
          ['info', 6],
          ['warn', 2],
          ['error', 1],
        ])}","msg":"${word()} ${word()}","id":${rng.int(0, 1e9)},"ms":${(rng.float() * 400).toFixed(2)}}\n`;
        break;
      case 3:
        line = `${' '.repeat(rng.int(0, 4) * 2)}${word()}_${word()} = ${rng.int(0, 2) ? `"${word()}"` : rng.int(0, 65536)}\n`;
        break;
      default:
        line = `${' '.repeat(rng.int(1, 4) * 4)}if (${word()}->${word()} != NULL) return ${word()}_${word()}(${word()}, ${rng.int(0, 4096)});\n`;
    }
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(''), 'latin1').subarray(0, 4 * MiB);
}

/** 64 KiB of record-structured bytes (symbol tables, page headers): repeats that compressors find. */
function makeStructPool(): Buffer {
  const rng = new Rng('struct-pool');
  const pool = Buffer.alloc(64 * KiB);
  for (let o = 0; o + 24 <= pool.length; o += 24) {
    pool.writeUInt32LE(o / 24, o);
    pool.writeUInt32LE(rng.int(0, 16) * 0x10, o + 4);
    pool.writeBigUInt64LE(0x400000n + BigInt(o * 8), o + 8);
    pool.writeBigUInt64LE(BigInt(rng.int(0, 8)) * 0x0101010101n, o + 16);
  }
  return pool;
}

type Kind = 'text' | 'binary' | 'random' | 'mixed';
const KIND_WEIGHTS: readonly (readonly [Kind, number])[] = [
  ['text', 0.25],
  ['binary', 0.3],
  ['random', 0.3],
  ['mixed', 0.15],
];

class DataMaker {
  private readonly textPool = makeTextPool();
  private readonly structPool = makeStructPool();
  private stamp = 0;

  /** Log-like text: slices of the pool, with a unique stamp every 512 bytes (timestamps, ids, counters). */
  text(length: number, rng: Rng): Buffer {
    const out = Buffer.allocUnsafe(length);
    let pos = 0;
    while (pos < length) {
      const n = Math.min(length - pos, rng.int(16 * KiB, 64 * KiB));
      const start = rng.int(0, this.textPool.length - n);
      this.textPool.copy(out, pos, start, start + n);
      pos += n;
    }
    for (let o = rng.int(0, 512); o + 8 <= length; o += 512) {
      let v = this.stamp++;
      for (let i = 7; i >= 0; i--) {
        out[o + i] = 0x30 + (v % 10);
        v = Math.floor(v / 10);
      }
    }
    return out;
  }

  /** Executable/database-like pages: a random part, a structured part, zero padding. About 2.5:1. */
  binary(length: number, rng: Rng, label: string): Buffer {
    const out = keystream(label, length);
    for (let page = 0; page < length; page += 4 * KiB) {
      const end = Math.min(length, page + 4 * KiB);
      const structAt = Math.min(end, page + rng.int(256, 2048));
      const structLen = Math.min(end - structAt, rng.int(256, 2048));
      const from = rng.int(0, this.structPool.length - structLen);
      this.structPool.copy(out, structAt, from, from + structLen);
      out.fill(0, structAt + structLen, end);
    }
    return out;
  }

  make(kind: Kind, length: number, rng: Rng, label: string): Buffer {
    switch (kind) {
      case 'text':
        return this.text(length, rng);
      case 'binary':
        return this.binary(length, rng, label);
      case 'random':
        return keystream(label, length);
      case 'mixed': {
        // A cluster of small files of every kind, as /usr or /etc look on disk.
        const out = Buffer.allocUnsafe(length);
        let pos = 0;
        let n = 0;
        while (pos < length) {
          const len = Math.min(length - pos, align4k(rng.logUniform(8 * KiB, 256 * KiB)) || 4 * KiB);
          const sub = rng.pick(KIND_WEIGHTS.filter(([k]) => k !== 'mixed'));
          this.make(sub, len, rng, `${label}:m${n++}`).copy(out, pos);
          pos += len;
        }
        return out;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The disk: layout, generation, change pattern.

interface Extent {
  offset: number;
  length: number;
  kind: Kind;
  /** Index of the extent this one is a byte-identical copy of (a duplicated file), if any. */
  copyOf?: number;
}

interface Layout {
  size: number;
  extents: Extent[];
  gaps: { offset: number; length: number }[];
}

function makeLayout(size: number): Layout {
  const rng = new Rng('layout');
  const dataTarget = align4k(size / 3);
  const lengths: number[] = [];
  let total = 0;
  while (total < dataTarget) {
    const length = Math.min(
      dataTarget - total,
      Math.max(4 * KiB, align4k(rng.logUniform(64 * KiB, Math.min(24 * MiB, size / 16)))),
    );
    lengths.push(length);
    total += length;
  }
  const kinds = lengths.map(() => rng.pick(KIND_WEIGHTS));
  // A few duplicated files (a package in the apt cache and installed, a copied image): ~2% of the data.
  const copyOf = new Map<number, number>();
  let duplicated = 0;
  for (let tries = 0; tries < 1000 && duplicated < dataTarget * 0.02; tries++) {
    const dst = rng.int(lengths.length / 2, lengths.length);
    const src = rng.int(0, lengths.length / 2);
    if (copyOf.has(dst) || copyOf.has(src) || [...copyOf.values()].includes(dst)) continue;
    if ((lengths[src] ?? 0) > 8 * MiB || (lengths[dst] ?? 0) > 8 * MiB) continue;
    lengths[dst] = lengths[src]!;
    kinds[dst] = kinds[src]!;
    copyOf.set(dst, src);
    duplicated += lengths[src]!;
  }
  const dataTotal = lengths.reduce((a, b) => a + b, 0);
  const holeTotal = size - dataTotal;
  const weights = Array.from({ length: lengths.length + 1 }, () => -Math.log(1 - rng.float()));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const gapLengths = weights.map((w) => align4k((w / weightSum) * holeTotal));
  gapLengths[gapLengths.length - 1]! += holeTotal - gapLengths.reduce((a, b) => a + b, 0);
  const extents: Extent[] = [];
  const gaps: Layout['gaps'] = [];
  let offset = 0;
  lengths.forEach((length, i) => {
    gaps.push({ offset, length: gapLengths[i]! });
    offset += gapLengths[i]!;
    const src = copyOf.get(i);
    extents.push({ offset, length, kind: kinds[i]!, ...(src === undefined ? {} : { copyOf: src }) });
    offset += length;
  });
  gaps.push({ offset, length: size - offset });
  return { size, extents, gaps: gaps.filter((g) => g.length > 0) };
}

const PIECE = 4 * MiB;

async function writeExtent(
  file: Awaited<ReturnType<typeof open>>,
  maker: DataMaker,
  layout: Layout,
  index: number,
): Promise<void> {
  const extent = layout.extents[index]!;
  const source = extent.copyOf ?? index;
  const rng = new Rng(`extent:${source}`);
  for (let done = 0; done < extent.length; done += PIECE) {
    const length = Math.min(PIECE, extent.length - done);
    const data = maker.make(extent.kind, length, rng, `extent:${source}:${done}`);
    await file.write(data, 0, length, extent.offset + done);
  }
}

async function generateDisk(target: string, layout: Layout, maker: DataMaker): Promise<void> {
  await rm(target, { force: true });
  const file = await open(target, 'w');
  try {
    await file.truncate(layout.size);
    for (let i = 0; i < layout.extents.length; i++) await writeExtent(file, maker, layout, i);
    await file.datasync();
  } finally {
    await file.close();
  }
}

interface Change {
  offset: number;
  length: number;
  into: 'data' | 'hole';
  kind: Exclude<Kind, 'mixed'>;
}

/** Writes of 0.5–1 MiB of new data at 4 KiB-aligned random offsets until 2% of the disk is rewritten. */
function makeChanges(layout: Layout): Change[] {
  const rng = new Rng('changes');
  const budget = Math.round(layout.size * 0.02);
  const changes: Change[] = [];
  let total = 0;
  const dataWeights = layout.extents.map((e, i) => [i, e.length] as const);
  while (total < budget) {
    const length = Math.min(budget - total, align4k(rng.int(512 * KiB, MiB + 1))) || 4 * KiB;
    const into = rng.float() < 0.5 ? 'data' : 'hole';
    const kind = rng.pick<Change['kind']>([
      ['text', 0.35],
      ['binary', 0.35],
      ['random', 0.3],
    ]);
    let offset: number;
    if (into === 'data') {
      const extent = layout.extents[rng.pick(dataWeights)]!;
      offset = extent.offset + align4k(rng.float() * extent.length);
    } else {
      let fitting = layout.gaps.filter((g) => g.length >= length + 8 * KiB);
      if (fitting.length === 0) fitting = [layout.gaps.reduce((a, b) => (b.length > a.length ? b : a))];
      const gap = fitting[rng.pick(fitting.map((g, i) => [i, g.length] as const))]!;
      offset = gap.offset + align4k(rng.float() * Math.max(0, gap.length - length));
    }
    offset = Math.min(offset, layout.size - length);
    changes.push({ offset, length, into, kind });
    total += length;
  }
  return changes;
}

async function applyChanges(diskPath: string, changes: Change[], maker: DataMaker): Promise<void> {
  const file = await open(diskPath, 'r+');
  try {
    for (const [i, change] of changes.entries()) {
      const data = maker.make(change.kind, change.length, new Rng(`change:${i}`), `change:${i}`);
      await file.write(data, 0, change.length, change.offset);
    }
    await file.datasync();
  } finally {
    await file.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Running tools.

interface Run {
  /** From spawn to exit plus a syncfs, so every tool's output is on disk when the clock stops. */
  ms: number;
  exitMs: number;
  syncMs: number;
  maxRssKiB: number | null;
  /** User + system CPU seconds of the tool and its children (GNU time), or null without it. */
  cpuSec: number | null;
  stdout: string;
}

let haveGnuTime = false;

async function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; syncDir: string },
): Promise<Run> {
  const rssFile = path.join(options.syncDir, `.rss-${process.pid}`);
  const [cmd, argv] = haveGnuTime
    ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, command, ...args]]
    : [command, args];
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(cmd, argv, {
        cwd: options.cwd ?? REPO_ROOT,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    },
  );
  const exited = performance.now();
  if (code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}${stdout.slice(-1000)}`,
    );
  }
  spawnSync('sync', ['-f', options.syncDir]);
  const synced = performance.now();
  let maxRssKiB: number | null = null;
  let cpuSec: number | null = null;
  if (haveGnuTime) {
    const text = await readFile(rssFile, 'utf8');
    const [rss, user, sys] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number);
    maxRssKiB = rss ?? null;
    cpuSec = user !== undefined && sys !== undefined ? user + sys : null;
    await rm(rssFile, { force: true });
  }
  return {
    ms: synced - started,
    exitMs: exited - started,
    syncMs: synced - exited,
    maxRssKiB,
    cpuSec,
    stdout,
  };
}

function toolPath(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

function versionOf(command: string, args: string[]): string {
  const out = spawnSync(command, args, { encoding: 'utf8' });
  return `${out.stdout}${out.stderr}`.trim().split('\n')[0] ?? '?';
}

/** Bytes the folder takes on disk (allocated blocks) and its files' apparent size. */
async function footprint(target: string): Promise<{ allocated: number; apparent: number; files: number }> {
  const result = { allocated: 0, apparent: 0, files: 0 };
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (st.isDirectory()) {
      for (const name of await readdir(p)) await walk(path.join(p, name));
    } else {
      result.allocated += st.blocks * 512;
      result.apparent += st.size;
      result.files++;
    }
  };
  await walk(target);
  return result;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(file, { highWaterMark: 4 * MiB })) hash.update(piece as Buffer);
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// The tools under test. Each works on <bench>/work/disk.img, stores into its repository folder, and restores
// either onto work/disk.img (the changed disk) or into the empty folder out/.

type Op = 'full' | 'incr' | 'restoreChanged' | 'restoreEmpty';
const OPS: readonly Op[] = ['full', 'incr', 'restoreChanged', 'restoreEmpty'];

interface Paths {
  bench: string;
  work: string;
  disk: string;
  out: string;
  repo: string;
  home: string;
}

interface Tool {
  name: string;
  label: string;
  version: string;
  init(p: Paths): Promise<void>;
  capture(p: Paths, snapshot: 's1' | 's2'): Promise<Run>;
  /** Restores s1; returns where the restored image is. */
  restore(p: Paths, onto: 'changed' | 'empty'): Promise<{ run: Run; image: string }>;
  /** Extra per-run information for the log. */
  note?(run: Run): string;
}

/**
 * How ours is started: this file and src/engine bundled to plain JavaScript by esbuild (tsx's own
 * compiler), as a deployed build would run, so the TypeScript loader's startup (~0.3–0.5 s) is not counted
 * as engine time. Falls back to `node --import tsx` when esbuild is missing.
 */
function childCommand(): { argv: string[]; how: string } {
  const esbuild = path.join(REPO_ROOT, 'node_modules', '.bin', 'esbuild');
  const out = path.join(REPO_ROOT, 'node_modules', '.cache', 'engine-bench', 'child.mjs');
  const built = spawnSync(
    esbuild,
    [
      THIS_FILE,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--packages=external',
      `--outfile=${out}`,
      '--log-level=warning',
    ],
    { encoding: 'utf8' },
  );
  if (built.status === 0)
    return { argv: [out], how: '`node` running an esbuild bundle of bench/engine.ts + src/engine' };
  return {
    argv: ['--import', 'tsx', THIS_FILE],
    how: '`node --import tsx` (esbuild missing, so TypeScript loading is included)',
  };
}

function oursTool(childArgv: string[]): Tool {
  const child = (p: Paths, job: Omit<ChildJob, 'storeRoot' | 'namespace'>): Promise<Run> =>
    run(
      process.execPath,
      [
        ...childArgv,
        '--child',
        JSON.stringify({ ...job, storeRoot: p.repo, namespace: 'bench' } satisfies ChildJob),
      ],
      { syncDir: p.bench },
    );
  return {
    name: 'ours',
    label: 'ours',
    version: 'src/engine',
    async init(p) {
      await mkdir(p.repo, { recursive: true });
    },
    capture: (p, snapshot) => child(p, { op: 'capture', snapshotId: snapshot, diskPath: p.disk }),
    async restore(p, onto) {
      const image = onto === 'changed' ? p.disk : path.join(p.out, 'disk.img');
      if (onto === 'empty') await writeFile(image, '');
      return { run: await child(p, { op: 'restore', snapshotId: 's1', diskPath: image }), image };
    },
    note(r) {
      const report = childReport(r);
      return report ? `in-process ${(report.ms / 1000).toFixed(2)} s, ${report.detail}` : '';
    },
  };
}

function childReport(r: Run): ChildReport | null {
  const line = r.stdout.trim().split('\n').pop();
  if (!line) return null;
  try {
    return JSON.parse(line) as ChildReport;
  } catch {
    return null;
  }
}

function cpTool(): Tool {
  const cp = (from: string, to: string, p: Paths): Promise<Run> =>
    run('cp', ['--sparse=always', from, to], { syncDir: p.bench });
  return {
    name: 'cp',
    label: 'cp --sparse=always',
    version: versionOf('cp', ['--version']),
    async init(p) {
      await mkdir(p.repo, { recursive: true });
    },
    capture: (p, snapshot) => cp(p.disk, path.join(p.repo, `${snapshot}.img`), p),
    async restore(p, onto) {
      const image = onto === 'changed' ? p.disk : path.join(p.out, 'disk.img');
      return { run: await cp(path.join(p.repo, 's1.img'), image, p), image };
    },
  };
}

function resticTool(binary: string): Tool {
  const env = (p: Paths): NodeJS.ProcessEnv => ({
    ...process.env,
    RESTIC_REPOSITORY: p.repo,
    // restic 0.14 refuses an empty password ("an empty password is not a password"); it encrypts regardless.
    RESTIC_PASSWORD: 'bench',
    RESTIC_CACHE_DIR: path.join(p.home, 'restic-cache'),
  });
  return {
    name: 'restic',
    label: 'restic',
    version: versionOf(binary, ['version']),
    async init(p) {
      await run(binary, ['init', '--repository-version', '2'], { env: env(p), syncDir: p.bench });
    },
    capture: (p, snapshot) =>
      run(binary, ['backup', '--quiet', '--tag', snapshot, 'disk.img'], {
        cwd: p.work,
        env: env(p),
        syncDir: p.bench,
      }),
    async restore(p, onto) {
      const target = onto === 'changed' ? p.work : p.out;
      const r = await run(binary, ['restore', 'latest', '--tag', 's1', '--target', target], {
        env: env(p),
        syncDir: p.bench,
      });
      return { run: r, image: path.join(target, 'disk.img') };
    },
  };
}

function borgTool(binary: string): Tool {
  const env = (p: Paths): NodeJS.ProcessEnv => ({
    ...process.env,
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
    BORG_BASE_DIR: path.join(p.home, 'borg'),
  });
  return {
    name: 'borg',
    label: 'borg',
    version: versionOf(binary, ['--version']),
    async init(p) {
      await run(binary, ['init', '-e', 'none', p.repo], { env: env(p), syncDir: p.bench });
    },
    capture: (p, snapshot) =>
      run(binary, ['create', '--compression', 'zstd,1', `${p.repo}::${snapshot}`, 'disk.img'], {
        cwd: p.work,
        env: env(p),
        syncDir: p.bench,
      }),
    async restore(p, onto) {
      const cwd = onto === 'changed' ? p.work : p.out;
      const r = await run(binary, ['extract', '--sparse', `${p.repo}::s1`], {
        cwd,
        env: env(p),
        syncDir: p.bench,
      });
      return { run: r, image: path.join(cwd, 'disk.img') };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reporting helpers.

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
const ratio = (peer: number | undefined, ours: number | undefined): string =>
  peer === undefined || ours === undefined || ours === 0 ? '–' : `${(peer / ours).toFixed(2)}×`;

interface ToolResult {
  times: Record<Op, number[]>;
  cpu: Record<Op, number[]>;
  exitTimes: Record<Op, number[]>;
  stored: number[];
  storedApparent: number[];
  rssKiB: number[];
  verified: string[];
  notes: string[];
  /** Ours only: the operation's own time inside the child (no process startup), and its chunk counts. */
  inProcess: Record<Op, number[]>;
  detail: Partial<Record<Op, string>>;
}

// ---------------------------------------------------------------------------------------------------------
// Main.

async function main(): Promise<void> {
  const benchDir = path.resolve(process.env.BENCH_DIR ?? path.join(REPO_ROOT, '.bench'));
  const reps = Math.max(1, Number.parseInt(process.env.BENCH_REPS ?? '3', 10));
  const size = Number.parseInt(process.env.BENCH_SIZE_MIB ?? '2048', 10) * MiB;
  const wanted = (process.env.BENCH_TOOLS ?? 'ours,cp,restic,borg').split(',').map((s) => s.trim());
  const verifyAll = (process.env.BENCH_VERIFY ?? 'first') === 'all';
  const benchStarted = performance.now();
  const log = (line: string): void => {
    process.stderr.write(
      `[${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
    );
  };

  haveGnuTime = toolPath('/usr/bin/time') !== null;
  if (!haveGnuTime) log('GNU time missing (apt-get install -y time): peak RSS of peers will be n/a');

  const child = childCommand();
  const loadBefore = os.loadavg();
  const tools: Tool[] = [];
  const skipped: string[] = [];
  for (const name of wanted) {
    if (name === 'ours') tools.push(oursTool(child.argv));
    else if (name === 'cp') tools.push(cpTool());
    else if (name === 'restic' || name === 'borg') {
      const binary = toolPath(name);
      if (!binary) {
        const pkg = name === 'borg' ? 'borgbackup' : 'restic';
        log(
          `${name} not found: install it with \`apt-get update && apt-get install -y ${pkg}\`; skipping it`,
        );
        skipped.push(name);
        continue;
      }
      tools.push(name === 'restic' ? resticTool(binary) : borgTool(binary));
    } else throw new Error(`unknown tool ${name} in BENCH_TOOLS`);
  }
  const zstdBinary = toolPath('zstd');
  if (!zstdBinary) log('zstd not found: install it with `apt-get install -y zstd`; skipping the zstd floor');

  await mkdir(benchDir, { recursive: true });
  try {
    const base = path.join(benchDir, 'base.img');
    const layout = makeLayout(size);
    const changes = makeChanges(layout);
    const maker = new DataMaker();
    let t = performance.now();
    await generateDisk(base, layout, maker);
    spawnSync('sync', ['-f', benchDir]);
    const genMs = performance.now() - t;
    const baseFootprint = await footprint(base);
    log(`generated ${mib(size)} disk (${mib(baseFootprint.allocated)} allocated) in ${secs(genMs)}`);

    // The original and changed images' digests, to check every restore byte for byte.
    const baseDigest = await sha256File(base);
    const changedProbe = path.join(benchDir, 'changed-probe.img');
    spawnSync('cp', ['--sparse=always', base, changedProbe]);
    await applyChanges(changedProbe, changes, maker);
    const changedFootprint = await footprint(changedProbe);
    const changedDigest = await sha256File(changedProbe);
    await rm(changedProbe);
    if (changedDigest === baseDigest) throw new Error('the change pattern changed nothing');

    const chunkSize = 4 * MiB;
    const touched = new Set<number>();
    for (const c of changes) {
      for (
        let i = Math.floor(c.offset / chunkSize);
        i <= Math.floor((c.offset + c.length - 1) / chunkSize);
        i++
      ) {
        touched.add(i);
      }
    }

    // Machine floors, measured now on the warm image.
    const floors: string[] = [];
    let zstdMs: number | undefined;
    {
      const reads: number[] = [];
      for (let i = 0; i < reps; i++) {
        reads.push((await run('dd', [`if=${base}`, 'of=/dev/null', 'bs=4M'], { syncDir: benchDir })).exitMs);
      }
      floors.push(
        `Sequential read of the image (\`dd bs=4M\` to /dev/null, warm cache, holes included): ${secs(median(reads))} = ${((size / MiB / median(reads)) * 1000).toFixed(0)} MiB/s`,
      );
      const sample = allocShared(256 * MiB);
      keystream('sha-sample', 256 * MiB).copy(sample);
      const pieces = Array.from({ length: 64 }, (_, i) => sample.subarray(i * 4 * MiB, (i + 1) * 4 * MiB));
      const one: number[] = [];
      const all: number[] = [];
      const lanes = os.availableParallelism();
      for (let i = 0; i < reps; i++) {
        t = performance.now();
        for (const piece of pieces) createHash('sha256').update(piece).digest();
        one.push(performance.now() - t);
        t = performance.now();
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < pieces.length) await digestOf(pieces[next++]!);
        };
        await Promise.all(Array.from({ length: lanes * 2 }, lane));
        all.push(performance.now() - t);
      }
      floors.push(
        `SHA-256 of node:crypto on in-memory 4 MiB buffers: ${((256 / median(one)) * 1000).toFixed(0)} MiB/s on one core (createHash), ${((256 / median(all)) * 1000).toFixed(0)} MiB/s on all ${lanes} cores (the engine's digestOf: worker threads hashing shared memory in place)`,
      );
      if (zstdBinary) {
        const zs: number[] = [];
        const zout = path.join(benchDir, 'image.zst');
        for (let i = 0; i < reps; i++) {
          await rm(zout, { force: true });
          zs.push(
            (await run(zstdBinary, ['-1', '-T2', '-q', '-f', base, '-o', zout], { syncDir: benchDir })).ms,
          );
        }
        const zsize = (await lstat(zout)).size;
        await rm(zout, { force: true });
        zstdMs = median(zs);
        floors.push(
          `\`zstd -1 -T2\` of the image (to a file, plus sync): ${secs(zstdMs)} (${((size / MiB / zstdMs) * 1000).toFixed(0)} MiB/s of image), output ${mib(zsize)} (${(baseFootprint.allocated / zsize).toFixed(2)}:1 of the allocated data)`,
        );
      }
      for (const f of floors) log(f);
    }

    const results = new Map<string, ToolResult>();
    for (const tool of tools) {
      results.set(tool.name, {
        times: { full: [], incr: [], restoreChanged: [], restoreEmpty: [] },
        cpu: { full: [], incr: [], restoreChanged: [], restoreEmpty: [] },
        exitTimes: { full: [], incr: [], restoreChanged: [], restoreEmpty: [] },
        stored: [],
        storedApparent: [],
        rssKiB: [],
        verified: [],
        notes: [],
        inProcess: { full: [], incr: [], restoreChanged: [], restoreEmpty: [] },
        detail: {},
      });
    }

    const paths = (tool: Tool): Paths => ({
      bench: benchDir,
      work: path.join(benchDir, 'work'),
      disk: path.join(benchDir, 'work', 'disk.img'),
      out: path.join(benchDir, 'out'),
      repo: path.join(benchDir, `repo-${tool.name}`),
      home: path.join(benchDir, 'home'),
    });

    // Repetitions are interleaved across tools, so slow drifts of the machine hit every tool alike.
    const failed = new Map<string, string>();
    for (let rep = 0; rep < reps; rep++) {
      for (const tool of tools) {
        if (failed.has(tool.name)) continue;
        const p = paths(tool);
        const r = results.get(tool.name)!;
        try {
          for (const dir of [p.repo, p.out, p.home, p.work]) await rm(dir, { recursive: true, force: true });
          await mkdir(p.work, { recursive: true });
          await mkdir(p.out, { recursive: true });
          await mkdir(p.home, { recursive: true });
          spawnSync('cp', ['--sparse=always', base, p.disk]);
          spawnSync('sync', ['-f', benchDir]);
          await tool.init(p);
          const record = (op: Op, x: Run): void => {
            r.times[op].push(x.ms);
            r.exitTimes[op].push(x.exitMs);
            if (x.cpuSec !== null) r.cpu[op].push(x.cpuSec);
            if (x.maxRssKiB !== null) r.rssKiB.push(x.maxRssKiB);
            const note = tool.note?.(x) ?? '';
            log(
              `${tool.name} rep ${rep + 1}/${reps} ${op}: ${secs(x.ms)} (exit ${secs(x.exitMs)} + sync ${secs(x.syncMs)}), peak RSS ${x.maxRssKiB === null ? 'n/a' : mib(x.maxRssKiB * 1024)}, CPU ${x.cpuSec === null ? 'n/a' : `${x.cpuSec.toFixed(2)} s`}${note ? `; ${note}` : ''}`,
            );
            if (note) r.notes.push(`${op}: ${note}`);
            const inner = tool.name === 'ours' ? childReport(x) : null;
            if (inner) {
              r.inProcess[op].push(inner.ms);
              r.detail[op] = inner.detail;
            }
          };
          record('full', await tool.capture(p, 's1'));
          await applyChanges(p.disk, changes, maker);
          spawnSync('sync', ['-f', benchDir]);
          record('incr', await tool.capture(p, 's2'));
          const fp = await footprint(p.repo);
          r.stored.push(fp.allocated);
          r.storedApparent.push(fp.apparent);
          log(
            `${tool.name} rep ${rep + 1}/${reps} stored after both captures: ${mib(fp.allocated)} in ${fp.files} files`,
          );
          for (const onto of ['changed', 'empty'] as const) {
            const { run: x, image } = await tool.restore(p, onto);
            record(onto === 'changed' ? 'restoreChanged' : 'restoreEmpty', x);
            if (verifyAll || rep === 0) {
              const ok = (await sha256File(image)) === baseDigest;
              const verdict = `${onto}: ${ok ? 'identical' : 'DIFFERENT'} (${mib((await footprint(image)).allocated)} allocated)`;
              r.verified.push(verdict);
              if (!ok) log(`${tool.name} restore onto ${onto} produced a different image!`);
            }
            if (onto === 'empty') await rm(image, { force: true });
          }
        } catch (error) {
          // A peer that fails is reported as failed; the others still run.
          const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
          failed.set(tool.name, message);
          log(
            `${tool.name} failed in rep ${rep + 1}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        await rm(p.repo, { recursive: true, force: true });
        await rm(p.home, { recursive: true, force: true });
      }
    }

    // ---- the report
    const cols = ['ours', 'cp', 'restic', 'borg'];
    const med = (tool: string, op: Op): number | undefined => {
      const xs = results.get(tool)?.times[op];
      return xs?.length ? median(xs) : undefined;
    };
    const storedOf = (tool: string): number | undefined => {
      const xs = results.get(tool)?.stored;
      return xs?.length ? median(xs) : undefined;
    };
    const rssOf = (tool: string): number | undefined => {
      const xs = results.get(tool)?.rssKiB;
      return xs?.length ? Math.max(...xs) * 1024 : undefined;
    };
    const cell = (tool: string, value: number | undefined, fmt: (n: number) => string): string => {
      if (skipped.includes(tool)) return 'skipped (not installed)';
      if (!results.has(tool)) return 'not run';
      if (failed.has(tool)) return 'failed';
      return value === undefined ? 'n/a' : fmt(value);
    };
    const rows: [string, (tool: string) => number | undefined, (n: number) => string][] = [
      ['Full capture', (x) => med(x, 'full'), secs],
      ['Capture after 2% change', (x) => med(x, 'incr'), secs],
      ['Restore onto the changed disk', (x) => med(x, 'restoreChanged'), secs],
      ['Restore onto an empty file', (x) => med(x, 'restoreEmpty'), secs],
      ['Stored bytes after both captures', storedOf, mib],
      ['Peak RSS', rssOf, mib],
    ];
    const table = [
      `| Operation | ours | cp | restic | borg | cp / ours | restic / ours | borg / ours |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...rows.map(([name, get, fmt]) => {
        const ours = get('ours');
        return `| ${name} | ${cols.map((c) => cell(c, get(c), fmt)).join(' | ')} | ${['cp', 'restic', 'borg'].map((c) => ratio(get(c), ours)).join(' | ')} |`;
      }),
    ];

    const targets: string[] = [];
    const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
    const faster = (op: Op, peer: string, factor: number): boolean | undefined => {
      const o = med('ours', op);
      const q = med(peer, op);
      return o === undefined || q === undefined ? undefined : q / o >= factor;
    };
    const both = (a: boolean | undefined, b: boolean | undefined): boolean | undefined =>
      a === undefined || b === undefined ? undefined : a && b;
    const oursFull = med('ours', 'full');
    const vsZstd = oursFull === undefined || zstdMs === undefined ? undefined : oursFull <= 1.5 * zstdMs;
    const showRatio = (op: Op, peer: string): string => ratio(med(peer, op), med('ours', op));
    targets.push(
      `- ${verdict(both(faster('full', 'restic', 3), faster('full', 'borg', 3)))}: full capture ≥3× faster than restic (${showRatio('full', 'restic')}) and borg (${showRatio('full', 'borg')})`,
      `- ${verdict(vsZstd)}: full capture within 1.5× of \`zstd -1 -T2\` (ours ${oursFull === undefined ? 'n/a' : secs(oursFull)} vs zstd ${zstdMs === undefined ? 'n/a' : secs(zstdMs)} = ${oursFull !== undefined && zstdMs !== undefined ? (oursFull / zstdMs).toFixed(2) : '–'}×)`,
      `- ${verdict(both(faster('incr', 'restic', 4), faster('incr', 'borg', 4)))}: capture after 2% change ≥4× faster than restic (${showRatio('incr', 'restic')}) and borg (${showRatio('incr', 'borg')})`,
      `- ${verdict(both(faster('restoreChanged', 'restic', 4), faster('restoreChanged', 'borg', 4)))}: restore of the 2%-changed disk ≥4× faster than restic's restore (${showRatio('restoreChanged', 'restic')}) and borg's extract (${showRatio('restoreChanged', 'borg')})`,
    );
    {
      const o = storedOf('ours');
      const b = storedOf('borg');
      const ok = o === undefined || b === undefined ? undefined : o <= b * 1.05;
      targets.push(
        `- ${verdict(ok)}: stored bytes after both captures within 5% of borg's (ours ${o === undefined ? 'n/a' : mib(o)} vs borg ${b === undefined ? 'n/a' : mib(b)}${o !== undefined && b !== undefined ? `: ${o >= b ? '+' : ''}${(((o - b) / b) * 100).toFixed(1)}%` : ''})`,
      );
      const rss = rssOf('ours');
      targets.push(
        `- ${verdict(rss === undefined ? undefined : rss < 256 * MiB)}: peak RSS under 256 MiB (ours ${rss === undefined ? 'n/a' : mib(rss)})`,
      );
    }

    const kindBytes = new Map<string, number>();
    for (const e of layout.extents) kindBytes.set(e.kind, (kindBytes.get(e.kind) ?? 0) + e.length);
    const dataBytes = layout.extents.reduce((a, e) => a + e.length, 0);
    const dupBytes = layout.extents.filter((e) => e.copyOf !== undefined).reduce((a, e) => a + e.length, 0);
    const changeBytes = changes.reduce((a, c) => a + c.length, 0);
    const intoData = changes.filter((c) => c.into === 'data');
    const makeup = [
      `- Image: ${mib(size)} sparse file, ${layout.extents.length} data extents (64 KiB–24 MiB, log-uniform, 4 KiB-aligned) holding ${mib(dataBytes)} (${((dataBytes / size) * 100).toFixed(1)}%), the rest holes; ${mib(baseFootprint.allocated)} allocated. Deterministic (seed \`${SEED}\`), generated in ${secs(genMs)}.`,
      `- Data by kind: ${[...kindBytes.entries()].map(([k, v]) => `${k} ${mib(v)}`).join(', ')}. text = log/config/source lines with a unique stamp every 512 B (zstd ≈3–4:1); binary = 4 KiB pages of random bytes + structured records + zero padding (≈2.5:1); random = AES-CTR keystream, standing for packages/media (incompressible); mixed = runs of 8–256 KiB "small files" of the other kinds. ${mib(dupBytes)} (${((dupBytes / dataBytes) * 100).toFixed(1)}% of the data) are byte-identical copies of other extents at 4 KiB-aligned, not 4 MiB-aligned, offsets (duplicated files); no other content repeats beyond what zstd finds within a chunk.`,
      `- Change: ${changes.length} writes of 0.5–1 MiB of new data (${mib(changeBytes)} = ${((changeBytes / size) * 100).toFixed(2)}% of the disk) at random 4 KiB-aligned offsets: ${intoData.length} into data extents (${mib(intoData.reduce((a, c) => a + c.length, 0))}), ${changes.length - intoData.length} into holes (new files, ${mib(changes.filter((c) => c.into === 'hole').reduce((a, c) => a + c.length, 0))}); new data is text/binary/random ≈35/35/30%. The writes touch ${touched.size} of the ${Math.ceil(size / chunkSize)} 4 MiB chunks; the changed image has ${mib(changedFootprint.allocated)} allocated.`,
    ];

    const machine = `${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, Linux ${os.release()}, ${fsOf(benchDir)}; node ${process.version}; ${tools
      .filter((x) => x.name !== 'ours')
      .map((x) => x.version)
      .join('; ')}${zstdBinary ? `; ${versionOf(zstdBinary, ['--version'])}` : ''}`;

    const notes: string[] = [];
    for (const tool of tools) {
      const r = results.get(tool.name)!;
      const exit = OPS.map((op) => `${op} ${secs(median(r.exitTimes[op]))}`).join(', ');
      const cpu = OPS.map(
        (op) => `${op} ${r.cpu[op].length ? `${median(r.cpu[op]).toFixed(2)} s` : 'n/a'}`,
      ).join(', ');
      notes.push(
        `- ${tool.label}: until exit (without the sync): ${exit}; CPU (user+sys): ${cpu}; runs: ${OPS.map((op) => `${op} [${r.times[op].map((x) => (x / 1000).toFixed(2)).join(', ')}]`).join(' ')}; restores checked: ${r.verified.filter((v) => v.includes('identical')).length}/${r.verified.length} identical${r.verified.some((v) => v.includes('DIFFERENT')) ? ` (${r.verified.filter((v) => v.includes('DIFFERENT')).join('; ')})` : ''}; restored image allocation: ${[...new Set(r.verified.map((v) => v.replace(/^.*\((.*) allocated\)$/, '$1')))].join(' / ')}`,
      );
    }
    const ours = results.get('ours');
    if (ours?.inProcess.full.length) {
      notes.push(
        `- ours inside its process (median, without node's startup): ${OPS.map((op) => `${op} ${secs(median(ours.inProcess[op]))} (${ours.detail[op] ?? ''})`).join('; ')}`,
      );
    }

    const report = [
      `Machine: ${machine}. Load average (1/5/15 min) at the start ${loadBefore.map((x) => x.toFixed(2)).join('/')}, at the end ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(
          '/',
        )} (other work on this shared machine shows here, and makes wall times noisier than CPU times).`,
      '',
      ...makeup,
      '',
      `Times are medians of ${reps} runs, each from spawning the tool until it exited plus a \`sync -f\` of the scratch filesystem (so cp's and restic's unsynced writes count like the fsyncs of ours and borg). All runs are warm-cache: the image was just written and fits in RAM many times over, and the page cache is never dropped, for every tool alike. Each repetition starts from a fresh copy of the image and a fresh, empty repository; repetitions are interleaved across tools. Ours runs in a child process per operation: ${child.how}; its process startup is included in its times, its in-process times are in the details. Peak RSS is the highest "maximum resident set size" of GNU time over all of a tool's runs. Stored bytes are allocated blocks of the repository folder (a cp "repository" is the two sparse copies). Restore onto the changed disk restores the first snapshot over the changed image; onto an empty file, into an empty file/folder. restic 0.14 has no sparse restore, so its restores write every zero; borg extracts with \`--sparse\`.`,
      '',
      ...table,
      '',
      ...floors.map((f) => `- ${f}`),
      '',
      'Targets:',
      '',
      ...targets,
      '',
      'Details:',
      '',
      ...notes,
      ...(skipped.length ? [`- skipped (not installed): ${skipped.join(', ')}`] : []),
      ...[...failed].map(([name, message]) => `- ${name} failed: ${message}`),
      '',
    ].join('\n');

    process.stdout.write(`\n${report}`);
    await mkdir(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
    await writeFile(
      path.join(REPO_ROOT, 'bench', 'results', 'engine.md'),
      `# Engine benchmark results\n\nGenerated by \`npm run bench:engine\` on ${new Date().toISOString()} (took ${secs(performance.now() - benchStarted)}).\n\n${report}`,
    );
  } finally {
    // The big files go whatever happened; BENCH_KEEP=1 keeps them for a look.
    if (process.env.BENCH_KEEP !== '1') {
      const names = ['base.img', 'changed-probe.img', 'work', 'out', 'home', 'image.zst'];
      for (const name of [...names, ...tools.map((x) => `repo-${x.name}`)]) {
        await rm(path.join(benchDir, name), { recursive: true, force: true });
      }
    }
  }
  log(`done in ${secs(performance.now() - benchStarted)}`);
}

function fsOf(dir: string): string {
  const out = spawnSync('df', ['--output=fstype,source', dir], { encoding: 'utf8' });
  const line = out.stdout.trim().split('\n')[1]?.trim().split(/\s+/);
  return line ? `${line[0]} on ${line[1]}` : 'unknown filesystem';
}

if (process.argv[2] === '--child') {
  await runChild(process.argv[3] ?? '{}');
} else {
  await main();
}
