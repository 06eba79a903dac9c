import type { Snapshot } from '../../../client/index.ts';
import { formatDate, formatSize } from '../format.ts';
import { useLanguage } from '../i18n/index.ts';
import { isolate, plain } from '../i18n/parts.ts';
import { Localized } from './localized.tsx';
import { Ltr } from './ltr.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { StatusBadge } from './status-badge.tsx';

interface Props {
  snapshot: Snapshot;
  /** The server is being restored: no other restore may start. */
  serverRestoring: boolean;
  onRestore: (snapshot: Snapshot) => void;
  onDelete: (snapshot: Snapshot) => void;
}

/** One snapshot: its name and description, status (live progress, or why it failed), size, date, actions. */
export function SnapshotRow({ snapshot, serverRestoring, onRestore, onDelete }: Props) {
  const language = useLanguage();
  const t = language.messages;
  const { status } = snapshot;
  return (
    <tr data-snapshot-id={snapshot.id} data-status={status}>
      <td class="cell-name" data-label={t.columnName}>
        <div>
          <Ltr class="snapshot-name" id={`snapshot-${snapshot.id}-name`}>
            {snapshot.name}
          </Ltr>
          {snapshot.description && (
            <span class="snapshot-description">
              <bdi>{snapshot.description}</bdi>
            </span>
          )}
        </div>
      </td>
      <td class="cell-status" data-label={t.columnStatus}>
        <div>
          <StatusBadge kind="snapshot" status={status} />
          {status === 'in_progress' && (
            <ProgressBar value={snapshot.progress} label={plain(t.progressLabel(isolate(snapshot.name)))} />
          )}
          {status === 'failed' && snapshot.failure_reason && (
            <p class="failure-reason">{t.failureReason(<bdi>{snapshot.failure_reason}</bdi>)}</p>
          )}
        </div>
      </td>
      <td class="cell-size" data-label={t.columnSize}>
        <div>
          {snapshot.size_mb === null ? (
            t.noSize
          ) : (
            <Localized>{formatSize(language, snapshot.size_mb)}</Localized>
          )}
        </div>
      </td>
      <td class="cell-created" data-label={t.columnCreated}>
        <div>
          <time dateTime={snapshot.created_at}>
            <Localized>{formatDate(language, snapshot.created_at)}</Localized>
          </time>
        </div>
      </td>
      <td class="cell-actions">
        <div class="row-actions">
          {status !== 'failed' && (
            <button
              type="button"
              class="button button-secondary button-small"
              disabled={status !== 'completed' || serverRestoring}
              onClick={() => onRestore(snapshot)}
              aria-describedby={`snapshot-${snapshot.id}-name`}
            >
              {t.restore}
            </button>
          )}
          <button
            type="button"
            class="button button-danger-quiet button-small"
            onClick={() => onDelete(snapshot)}
          >
            {t.delete}
          </button>
        </div>
      </td>
    </tr>
  );
}
