import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { countAccounts } from '../db/accounts.ts';
import { insertServer } from '../db/servers.ts';
import { completeSnapshot, insertSnapshot } from '../db/snapshots.ts';
import { sizeMbOf, storeNamespace } from '../domain/rules.ts';
import { captureDisk } from '../engine/index.ts';
import { createSparseDisk } from '../hypervisor/local-driver.ts';
import { dataPaths, type Services } from '../main.ts';

export const DEMO_ACCOUNT = 'demo';
export const DEMO_SERVER_ID = 12345;
const DEMO_DISK_BYTES = 64 * 1024 * 1024;

/** Deterministic bytes that look like a small server's disk: a boot sector, text logs, binaries, holes. */
async function writeDemoContent(file: string, generation: number): Promise<void> {
  const disk = await open(file, 'r+');
  try {
    const boot = Buffer.alloc(512);
    boot.write('VPS.org demo disk', 3);
    boot.writeUInt16LE(0xaa55, 510);
    await disk.write(boot, 0, boot.length, 0);
    const lines: string[] = [];
    for (let i = 0, length = 0; length < 6 * 1024 * 1024; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      const line = `2025-01-${day} web-server-01 nginx[${1000 + (i % 97)}]: GET /index.html?gen=${generation}&n=${i} 200 ${(i * 7919) % 65536}\n`;
      lines.push(line);
      length += line.length;
    }
    const text = Buffer.from(lines.join(''));
    await disk.write(text, 0, text.length, 1024 * 1024);
    let block = createHash('sha256').update(`demo-${generation}`).digest();
    const binary = Buffer.alloc(3 * 1024 * 1024);
    for (let offset = 0; offset < binary.length; offset += block.length) {
      block = createHash('sha256').update(block).digest();
      block.copy(binary, offset);
    }
    await disk.write(binary, 0, binary.length, 24 * 1024 * 1024);
    await disk.sync();
  } finally {
    await disk.close();
  }
}

/**
 * On an empty database: an account, server 12345 `web-server-01` with a small disk of real data, two real
 * snapshots of it (ids 798 and 801, as on the provider's page) and a token, printed once, so the page's
 * examples run as written. Returns the token, or null when the data dir already holds accounts.
 */
export async function seedDemo(services: Services): Promise<string | null> {
  const { db, store, now } = services;
  if ((await countAccounts(db)) > 0) return null;
  const accountId = await services.accounts.createAccount(DEMO_ACCOUNT);
  const diskPath = path.join(dataPaths(services.config).disks, `${DEMO_SERVER_ID}.img`);
  await createSparseDisk(diskPath, DEMO_DISK_BYTES);
  await insertServer(db, {
    id: DEMO_SERVER_ID,
    accountId,
    name: 'web-server-01',
    host: 'local',
    diskPath,
    diskSizeBytes: DEMO_DISK_BYTES,
    now: now(),
  });
  const snapshots = [
    { id: 798, name: 'weekly-snapshot-2025-01-08', description: 'Weekly snapshot' },
    { id: 801, name: 'pre-migration-snapshot', description: 'Before major migration' },
  ];
  for (const [generation, snapshot] of snapshots.entries()) {
    await writeDemoContent(diskPath, generation);
    const id = await insertSnapshot(db, { ...snapshot, accountId, serverId: DEMO_SERVER_ID, now: now() });
    const { manifest } = await captureDisk({
      store,
      namespace: storeNamespace(DEMO_SERVER_ID),
      snapshotId: String(id),
      diskPath,
    });
    await completeSnapshot(db, id, sizeMbOf(manifest.dataBytes), now());
  }
  return (await services.accounts.createToken(DEMO_ACCOUNT)).token;
}
