import { useState } from 'preact/hooks';
import type { RestoreResult, Server, Snapshot } from '../../../client/index.ts';
import type { ApiClient } from '../api.ts';
import { formatDate } from '../format.ts';
import { useLanguage } from '../i18n/index.ts';
import type { Part } from '../i18n/parts.ts';
import { newIdempotencyKey } from '../idempotency.ts';
import { Alert } from './alert.tsx';
import { Localized } from './localized.tsx';
import { Ltr } from './ltr.tsx';
import { Modal } from './modal.tsx';

interface Props {
  client: ApiClient;
  server: Server;
  snapshot: Snapshot;
  explain: (error: unknown) => Part;
  onRestored: (result: RestoreResult) => void;
  onClose: () => void;
}

/**
 * Restoring overwrites the whole disk and cannot be undone, so the page's warning is shown in full and
 * the button only wakes up once the server's exact name has been typed (as vpsctl asks on a terminal).
 */
export function RestoreDialog({ client, server, snapshot, explain, onRestored, onClose }: Props) {
  const language = useLanguage();
  const t = language.messages;
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Part>(null);
  // One restore per dialog: pressing Restore again after a lost answer does not queue a second one.
  const [key] = useState(newIdempotencyKey);
  const matches = typed === server.name;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!matches || busy) return;
    setBusy(true);
    setError(null);
    try {
      onRestored(await client.restoreSnapshot(snapshot.id, { idempotencyKey: key }));
    } catch (failure) {
      setError(explain(failure));
      setBusy(false);
    }
  };

  return (
    <Modal titleId="restore-title" title={t.restoreTitle} onClose={onClose} busy={busy}>
      <form class="modal-body" onSubmit={submit} noValidate>
        <p>
          {t.restoreIntro(<Ltr class="strong">{server.name}</Ltr>, <Ltr class="strong">{snapshot.name}</Ltr>)}
        </p>
        <p class="meta">
          <time dateTime={snapshot.created_at}>
            <Localized>{formatDate(language, snapshot.created_at)}</Localized>
          </time>
        </p>
        <Alert kind="warning" title={t.warning} id="restore-warning">
          {t.restoreWarning}
        </Alert>
        <div class="field">
          <label for="restore-confirm">{t.typeToConfirm(<Ltr class="code">{server.name}</Ltr>)}</label>
          <input
            id="restore-confirm"
            dir="ltr"
            autocomplete="off"
            spellcheck={false}
            autofocus
            value={typed}
            onInput={(event) => setTyped(event.currentTarget.value)}
            aria-describedby="restore-warning"
          />
          {typed !== '' && !matches && <p class="hint">{t.confirmMismatch}</p>}
        </div>
        {error && <Alert kind="error">{error}</Alert>}
        <div class="modal-actions">
          <button type="button" class="button button-secondary" onClick={onClose} disabled={busy}>
            {t.cancel}
          </button>
          <button type="submit" class="button button-danger" disabled={!matches || busy}>
            {busy ? t.restoring : t.restore}
          </button>
        </div>
      </form>
    </Modal>
  );
}
