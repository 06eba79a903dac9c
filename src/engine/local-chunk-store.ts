import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type ChunkStore, checkDigest, checkNamespace, checkSnapshotId } from './chunk-store.ts';
import { ChunkMissing, InvalidStoreKey } from './errors.ts';

/**
 * Chunks and manifests in a local folder:
 *   <root>/<namespace>/chunks/<first two hex digits>/<digest>
 *   <root>/<namespace>/manifests/<snapshot id>.json
 *   <root>/<namespace>/tmp/…   (files being written; anything here after a crash is garbage)
 * Files are written under tmp/, made durable, then linked into place, so a reader never sees half a file
 * and an existing chunk is never overwritten (link fails with EEXIST instead of replacing).
 */
export class LocalChunkStore implements ChunkStore {
  readonly root: string;
  /** Folders that gained an entry since the last manifest; fsynced before the next manifest is written. */
  private readonly dirtyDirs = new Map<string, Set<string>>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private within(...parts: string[]): string {
    const target = path.resolve(this.root, ...parts);
    if (!target.startsWith(this.root + path.sep)) throw new InvalidStoreKey('path', parts.join('/'));
    return target;
  }

  private chunkPath(namespace: string, digest: string): string {
    return this.within(checkNamespace(namespace), 'chunks', checkDigest(digest).slice(0, 2), digest);
  }

  private manifestPath(namespace: string, snapshotId: string): string {
    return this.within(checkNamespace(namespace), 'manifests', `${checkSnapshotId(snapshotId)}.json`);
  }

  private async writeTemp(namespace: string, body: Buffer): Promise<string> {
    const dir = this.within(namespace, 'tmp');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
    const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(body);
      await handle.datasync();
    } catch (error) {
      await handle.close();
      await unlink(file).catch(() => {});
      throw error;
    }
    await handle.close();
    return file;
  }

  private markDirty(namespace: string, dir: string): void {
    let dirs = this.dirtyDirs.get(namespace);
    if (!dirs) {
      dirs = new Set();
      this.dirtyDirs.set(namespace, dirs);
    }
    dirs.add(dir);
  }

  async putChunk(namespace: string, digest: string, blob: Buffer): Promise<boolean> {
    const target = this.chunkPath(namespace, digest);
    if (await exists(target)) return false;
    const temp = await this.writeTemp(namespace, blob);
    try {
      const dir = path.dirname(target);
      const created = await mkdir(dir, { recursive: true });
      // A new folder's own entry lives in its parent: those parents must reach the disk too.
      if (created) {
        for (let d = dir; d !== path.dirname(created); d = path.dirname(d))
          this.markDirty(namespace, path.dirname(d));
      }
      await link(temp, target);
      this.markDirty(namespace, dir);
      return true;
    } catch (error) {
      if (isCode(error, 'EEXIST')) return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => {});
    }
  }

  async getChunk(namespace: string, digest: string): Promise<Buffer> {
    try {
      return await readFile(this.chunkPath(namespace, digest));
    } catch (error) {
      if (isCode(error, 'ENOENT')) throw new ChunkMissing(digest);
      throw error;
    }
  }

  async hasChunk(namespace: string, digest: string): Promise<boolean> {
    const target = this.chunkPath(namespace, digest);
    if (!(await exists(target))) return false;
    // A present chunk is about to be referenced by a manifest; an earlier process may have linked it
    // without syncing its folder, so that folder is synced before the next manifest too.
    this.markDirty(namespace, path.dirname(target));
    return true;
  }

  async deleteChunk(namespace: string, digest: string): Promise<void> {
    await rm(this.chunkPath(namespace, digest), { force: true });
  }

  async *listChunks(namespace: string): AsyncIterable<string> {
    const base = this.within(checkNamespace(namespace), 'chunks');
    for (const fan of await listDir(base)) {
      for (const name of await listDir(path.join(base, fan))) {
        if (/^[0-9a-f]{64}$/.test(name)) yield name;
      }
    }
  }

  async removeLeftovers(namespace: string): Promise<number> {
    const dir = this.within(checkNamespace(namespace), 'tmp');
    const names = await listDir(dir);
    await Promise.all(names.map((name) => rm(path.join(dir, name), { force: true })));
    return names.length;
  }

  async putManifest(namespace: string, snapshotId: string, body: Buffer): Promise<void> {
    const target = this.manifestPath(namespace, snapshotId);
    const dirs = this.dirtyDirs.get(namespace);
    if (dirs) {
      this.dirtyDirs.delete(namespace);
      await Promise.all([...dirs].map(syncDir));
    }
    await mkdir(path.dirname(target), { recursive: true });
    const temp = await this.writeTemp(namespace, body);
    await rename(temp, target);
    await syncDir(path.dirname(target));
  }

  async getManifest(namespace: string, snapshotId: string): Promise<Buffer | null> {
    try {
      return await readFile(this.manifestPath(namespace, snapshotId));
    } catch (error) {
      if (isCode(error, 'ENOENT')) return null;
      throw error;
    }
  }

  async deleteManifest(namespace: string, snapshotId: string): Promise<void> {
    const target = this.manifestPath(namespace, snapshotId);
    await rm(target, { force: true });
    await syncDir(path.dirname(target)).catch((error) => {
      if (!isCode(error, 'ENOENT')) throw error;
    });
  }

  async listManifests(namespace: string): Promise<string[]> {
    const names = await listDir(this.within(checkNamespace(namespace), 'manifests'));
    return names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length));
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return false;
    throw error;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return [];
    throw error;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
