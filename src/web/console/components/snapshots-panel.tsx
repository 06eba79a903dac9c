import { useState } from 'preact/hooks';
import type { CreatedSnapshot, RestoreResult, Server, Snapshot } from '../../../client/index.ts';
import type { ApiClient } from '../api.ts';
import { formatNumber } from '../format.ts';
import { useLanguage } from '../i18n/index.ts';
import type { Part } from '../i18n/parts.ts';
import { SNAPSHOT_LIMIT } from '../validation.ts';
import { CreateSnapshotForm } from './create-snapshot-form.tsx';
import { DeleteDialog } from './delete-dialog.tsx';
import { RestoreDialog } from './restore-dialog.tsx';
import { SnapshotTable } from './snapshot-table.tsx';

interface Props {
  client: ApiClient;
  server: Server;
  /** The server's snapshots, or null while the first list is on its way. */
  snapshots: Snapshot[] | null;
  stopBusy: boolean;
  explain: (error: unknown) => Part;
  onStopServer: () => void;
  onCreated: (snapshot: CreatedSnapshot) => void;
  onRestored: (result: RestoreResult) => void;
  onDeleted: (snapshot: Snapshot) => void;
}

/** How many of the five the server uses, as words and as five marks. */
function Quota({ used }: { used: number }) {
  const language = useLanguage();
  const t = language.messages;
  return (
    <div class="quota" id="snapshot-count">
      <span class="quota-marks" aria-hidden="true">
        {Array.from({ length: SNAPSHOT_LIMIT }, (_, index) => (
          <span key={index} class={index < used ? 'quota-mark quota-mark-used' : 'quota-mark'} />
        ))}
      </span>
      <span>{t.snapshotCount(formatNumber(language, used), formatNumber(language, SNAPSHOT_LIMIT))}</span>
    </div>
  );
}

/** The snapshots of the selected server: how many, the create form, the list, and its two dialogs. */
export function SnapshotsPanel(props: Props) {
  const { client, server, snapshots, stopBusy, explain, onStopServer, onCreated, onRestored, onDeleted } =
    props;
  const t = useLanguage().messages;
  const [restoring, setRestoring] = useState<Snapshot | null>(null);
  const [deleting, setDeleting] = useState<Snapshot | null>(null);
  // The limit counts every snapshot that has not failed (API.md).
  const used = snapshots?.filter((s) => s.status !== 'failed').length ?? 0;

  return (
    <section class="card" aria-labelledby="snapshots-title">
      <div class="card-head">
        <div>
          <h2 id="snapshots-title" class="card-title">
            {t.snapshotsHeading}
          </h2>
          <p class="muted card-intro">{t.snapshotsIntro}</p>
        </div>
        {snapshots && <Quota used={used} />}
      </div>
      {snapshots === null ? (
        <p class="muted" aria-busy="true">
          {t.loading}
        </p>
      ) : (
        <>
          <CreateSnapshotForm
            key={server.id}
            client={client}
            server={server}
            activeCount={used}
            stopBusy={stopBusy}
            explain={explain}
            onCreated={onCreated}
            onStopServer={onStopServer}
          />
          <SnapshotTable
            snapshots={snapshots}
            serverRestoring={server.status === 'restoring'}
            onRestore={setRestoring}
            onDelete={setDeleting}
          />
        </>
      )}
      {restoring && (
        <RestoreDialog
          client={client}
          server={server}
          snapshot={restoring}
          explain={explain}
          onClose={() => setRestoring(null)}
          onRestored={(result) => {
            setRestoring(null);
            onRestored(result);
          }}
        />
      )}
      {deleting && (
        <DeleteDialog
          client={client}
          snapshot={deleting}
          explain={explain}
          onClose={() => setDeleting(null)}
          onDeleted={(snapshot) => {
            setDeleting(null);
            onDeleted(snapshot);
          }}
        />
      )}
    </section>
  );
}
