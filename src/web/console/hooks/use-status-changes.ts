import { useEffect, useRef } from 'preact/hooks';
import type { Server, Snapshot } from '../../../client/index.ts';
import type { Part } from '../i18n/parts.ts';

interface Watched {
  id: number;
  status: string;
}

/**
 * Calls `onChange` for each object whose status changed since the last list (the same id seen before
 * with another status), so the console can say "snapshot … is completed" when polling notices it.
 */
function useChanges<T extends Watched>(items: T[] | null, onChange: (item: T, before: string) => void) {
  const previous = useRef(new Map<number, string>());
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (!items) return;
    for (const item of items) {
      const before = previous.current.get(item.id);
      if (before !== undefined && before !== item.status) latest.current(item, before);
    }
    previous.current = new Map(items.map((item) => [item.id, item.status]));
  }, [items]);
}

export interface StatusSentences {
  snapshotCompleted: (snapshot: Snapshot) => Part;
  snapshotFailed: (snapshot: Snapshot) => Part;
  serverStatus: (server: Server) => Part;
}

/** Announces what changed: a capture completed or failed, a restore over, a server stopped or started. */
export function useStatusChanges(
  servers: Server[] | null,
  snapshots: Snapshot[] | null,
  say: StatusSentences,
  announce: (message: Part) => void,
): void {
  useChanges(snapshots, (snapshot, before) => {
    if (before !== 'in_progress') return;
    if (snapshot.status === 'completed') announce(say.snapshotCompleted(snapshot));
    if (snapshot.status === 'failed') announce(say.snapshotFailed(snapshot));
  });
  // A restore's start is announced by the action itself, with more to say than the new status.
  useChanges(servers, (server) => {
    if (server.status !== 'restoring') announce(say.serverStatus(server));
  });
}
