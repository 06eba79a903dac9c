import type { Snapshot } from '../../../client/index.ts';
import { useMessages } from '../i18n/index.ts';
import { SnapshotRow } from './snapshot-row.tsx';

interface Props {
  snapshots: Snapshot[];
  serverRestoring: boolean;
  onRestore: (snapshot: Snapshot) => void;
  onDelete: (snapshot: Snapshot) => void;
}

/** The server's snapshots, newest first as the API lists them; on a phone each row becomes a card. */
export function SnapshotTable({ snapshots, serverRestoring, onRestore, onDelete }: Props) {
  const t = useMessages();
  if (snapshots.length === 0) return <p class="empty">{t.noSnapshots}</p>;
  return (
    <table class="snapshot-table">
      <thead>
        <tr>
          <th scope="col">{t.columnName}</th>
          <th scope="col">{t.columnStatus}</th>
          <th scope="col">{t.columnSize}</th>
          <th scope="col">{t.columnCreated}</th>
          <th scope="col">
            <span class="visually-hidden">{t.columnActions}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {snapshots.map((snapshot) => (
          <SnapshotRow
            key={snapshot.id}
            snapshot={snapshot}
            serverRestoring={serverRestoring}
            onRestore={onRestore}
            onDelete={onDelete}
          />
        ))}
      </tbody>
    </table>
  );
}
