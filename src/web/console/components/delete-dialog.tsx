import { useState } from 'preact/hooks';
import type { Snapshot } from '../../../client/index.ts';
import type { ApiClient } from '../api.ts';
import { useMessages } from '../i18n/index.ts';
import type { Part } from '../i18n/parts.ts';
import { Alert } from './alert.tsx';
import { Ltr } from './ltr.tsx';
import { Modal } from './modal.tsx';

interface Props {
  client: ApiClient;
  snapshot: Snapshot;
  explain: (error: unknown) => Part;
  onDeleted: (snapshot: Snapshot) => void;
  onClose: () => void;
}

/** Deleting is permanent: the dialog says so in the page's words, and Cancel has the focus. */
export function DeleteDialog({ client, snapshot, explain, onDeleted, onClose }: Props) {
  const t = useMessages();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Part>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await client.deleteSnapshot(snapshot.id);
      onDeleted(snapshot);
    } catch (failure) {
      setError(explain(failure));
      setBusy(false);
    }
  };

  return (
    <Modal titleId="delete-title" title={t.deleteTitle} onClose={onClose} busy={busy}>
      <form class="modal-body" onSubmit={submit} noValidate>
        <p>{t.deleteQuestion(<Ltr class="strong">{snapshot.name}</Ltr>)}</p>
        {snapshot.status === 'in_progress' && <Alert kind="info">{t.deleteInProgress}</Alert>}
        {error && <Alert kind="error">{error}</Alert>}
        <div class="modal-actions">
          <button type="button" class="button button-secondary" onClick={onClose} disabled={busy} autofocus>
            {t.cancel}
          </button>
          <button type="submit" class="button button-danger" disabled={busy}>
            {busy ? t.deleting : t.delete}
          </button>
        </div>
      </form>
    </Modal>
  );
}
