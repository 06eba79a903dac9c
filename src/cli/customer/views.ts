import type { Server, Snapshot } from '../../client/index.ts';
import { table } from './table.ts';

const mb = (n: number | null) => (n === null ? '-' : `${n} MB`);

function snapshotStatus(s: Snapshot): string {
  return s.status === 'in_progress' ? `in_progress ${s.progress}%` : s.status;
}

export function snapshotTable(snapshots: Snapshot[]): string {
  return table(
    ['id', 'name', 'server', 'status', 'size', 'created'],
    snapshots.map((s) => [
      String(s.id),
      s.name,
      `${s.server.id} ${s.server.name}`,
      snapshotStatus(s),
      mb(s.size_mb),
      s.created_at,
    ]),
  );
}

export function serverTable(servers: Server[]): string {
  return table(
    ['id', 'name', 'status', 'size', 'created'],
    servers.map((s) => [String(s.id), s.name, s.status, mb(s.disk_size_mb), s.created_at]),
  );
}

function fields(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}\n`).join('');
}

export function snapshotDetails(s: Snapshot): string {
  return fields([
    ['id', String(s.id)],
    ['name', s.name],
    ['server', `${s.server.id} ${s.server.name}`],
    ['status', snapshotStatus(s)],
    ['size', mb(s.size_mb)],
    ['created', s.created_at],
    ['description', s.description ?? '-'],
    ...(s.failure_reason ? ([['failure', s.failure_reason]] as [string, string][]) : []),
  ]);
}

export function serverDetails(s: Server): string {
  return fields([
    ['id', String(s.id)],
    ['name', s.name],
    ['status', s.status],
    ['size', mb(s.disk_size_mb)],
    ['created', s.created_at],
  ]);
}
