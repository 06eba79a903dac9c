import type { Server, Snapshot } from '../../../client/index.ts';
import { useMessages } from '../i18n/index.ts';

type Status = Server['status'] | Snapshot['status'];

/** A status in words with a coloured dot; the colour repeats the word, it never replaces it. */
export function StatusBadge({ kind, status }: { kind: 'server' | 'snapshot'; status: Status }) {
  const t = useMessages();
  const label =
    kind === 'server'
      ? t.serverStatus[status as Server['status']]
      : t.snapshotStatus[status as Snapshot['status']];
  return (
    <span class={`badge badge-${status}`} data-status={status}>
      <span class="badge-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
