import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { HypervisorDriver, ServerRef } from './driver.ts';

/**
 * Servers whose disks are raw image files on this machine and whose power state is only the status the
 * database records (there is no VM process to signal). A libvirt driver would stop and start domains here.
 */
export class LocalDriver implements HypervisorDriver {
  readonly name = 'local';

  diskPath(server: ServerRef): string {
    return server.diskPath;
  }

  async stop(_server: ServerRef): Promise<void> {}

  async start(_server: ServerRef): Promise<void> {}
}

/** Makes a new sparse disk image of the given size (all holes until written). */
export async function createSparseDisk(file: string, sizeBytes: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.truncate(sizeBytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
