import { useRef, useState } from 'preact/hooks';
import type { CreatedSnapshot, Server } from '../../../client/index.ts';
import { type ApiClient, fieldErrors } from '../api.ts';
import { formatNumber } from '../format.ts';
import { useLanguage } from '../i18n/index.ts';
import type { Part } from '../i18n/parts.ts';
import { newIdempotencyKey } from '../idempotency.ts';
import { DESCRIPTION_MAX, nameIsValid, SNAPSHOT_LIMIT } from '../validation.ts';
import { Alert } from './alert.tsx';

interface Props {
  client: ApiClient;
  server: Server;
  /** Snapshots that count towards the limit (every one that has not failed). */
  activeCount: number;
  stopBusy: boolean;
  explain: (error: unknown) => Part;
  onCreated: (snapshot: CreatedSnapshot) => void;
  onStopServer: () => void;
}

function FieldErrors({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <div id={id}>
      {messages.map((message) => (
        <p class="field-error" key={message}>
          {message}
        </p>
      ))}
    </div>
  );
}

/**
 * The create form. The name is checked as it is typed, with the rule's message under the field, and the
 * button stays off until the API would accept the request; what the API still refuses (the limit reached
 * meanwhile by another client) comes back in its own words, per field where it names one.
 */
export function CreateSnapshotForm(props: Props) {
  const { client, server, activeCount, stopBusy, explain, onCreated, onStopServer } = props;
  const language = useLanguage();
  const t = language.messages;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Part>(null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  // One key per request the customer means: kept while they retry the same name and description.
  const intent = useRef<string | null>(null);

  const nameBad = name !== '' && !nameIsValid(name);
  const atLimit = activeCount >= SNAPSHOT_LIMIT;
  const restoring = server.status === 'restoring';
  const ready = nameIsValid(name) && description.length <= DESCRIPTION_MAX && !busy && !atLimit && !restoring;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    setFields({});
    intent.current ??= newIdempotencyKey();
    try {
      const created = await client.createSnapshot(
        { server_id: server.id, name, ...(description ? { description } : {}) },
        { idempotencyKey: intent.current },
      );
      intent.current = null;
      setName('');
      setDescription('');
      onCreated(created);
    } catch (failure) {
      setError(explain(failure));
      setFields(fieldErrors(failure));
    } finally {
      setBusy(false);
    }
  };

  const otherErrors = Object.entries(fields).filter(([field]) => field !== 'name' && field !== 'description');
  return (
    <form class="create-form" onSubmit={submit} noValidate aria-labelledby="create-title">
      <h3 id="create-title" class="section-title">
        {t.createHeading}
      </h3>
      {server.status === 'running' && !atLimit && (
        <Alert
          kind="note"
          title={t.note}
          action={
            <button type="button" class="button button-secondary" onClick={onStopServer} disabled={stopBusy}>
              <span class="icon icon-stop" aria-hidden="true" />
              {stopBusy ? t.stopping : t.stopServer}
            </button>
          }
        >
          {t.runningAdvice}
        </Alert>
      )}
      {atLimit && (
        <Alert kind="warning" id="limit-reached">
          {t.limitReached(formatNumber(language, SNAPSHOT_LIMIT))}
        </Alert>
      )}
      {restoring && <Alert kind="info">{t.createWhileRestoring}</Alert>}
      {error && (
        <Alert kind="error" onDismiss={() => setError(null)}>
          {error}
          {otherErrors.map(([field, messages]) => (
            <span key={field}> {messages.join(' ')}</span>
          ))}
        </Alert>
      )}
      <fieldset class="form-grid" disabled={atLimit || restoring}>
        <div class="field">
          <label for="snapshot-name">{t.nameLabel}</label>
          <input
            id="snapshot-name"
            name="name"
            dir="ltr"
            autocomplete="off"
            spellcheck={false}
            value={name}
            onInput={(event) => {
              setName(event.currentTarget.value);
              intent.current = null;
              setFields(({ name: _, ...rest }) => rest);
            }}
            aria-invalid={nameBad || fields.name ? true : undefined}
            aria-describedby="snapshot-name-message snapshot-name-errors"
            placeholder="before-update"
          />
          <div aria-live="polite" id="snapshot-name-message">
            {nameBad ? <p class="field-error">{t.nameInvalid}</p> : <p class="hint">{t.nameRule}</p>}
          </div>
          <FieldErrors id="snapshot-name-errors" messages={fields.name} />
        </div>
        <div class="field">
          <label for="snapshot-description">{t.descriptionLabel}</label>
          <textarea
            id="snapshot-description"
            name="description"
            dir="auto"
            rows={2}
            maxLength={DESCRIPTION_MAX}
            value={description}
            onInput={(event) => {
              setDescription(event.currentTarget.value);
              intent.current = null;
              setFields(({ description: _, ...rest }) => rest);
            }}
            aria-invalid={fields.description ? true : undefined}
            aria-describedby="snapshot-description-count snapshot-description-errors"
          />
          <p class="hint" id="snapshot-description-count">
            {t.characters(
              formatNumber(language, description.length),
              formatNumber(language, DESCRIPTION_MAX),
            )}
          </p>
          <FieldErrors id="snapshot-description-errors" messages={fields.description} />
        </div>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={!ready}>
          <span class="icon icon-plus" aria-hidden="true" />
          {busy ? t.creating : t.create}
        </button>
      </div>
    </form>
  );
}
