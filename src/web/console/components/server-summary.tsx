import type { Server } from '../../../client/index.ts';
import { formatSize } from '../format.ts';
import { useLanguage } from '../i18n/index.ts';
import { isolate, plain } from '../i18n/parts.ts';
import { Localized } from './localized.tsx';
import { Ltr } from './ltr.tsx';
import { type PowerAction, PowerButtons } from './power-buttons.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { StatusBadge } from './status-badge.tsx';

interface Props {
  server: Server;
  powerBusy: PowerAction | null;
  onPower: (action: PowerAction) => void;
  /** Percent of the running restore done, from its action; absent until the first look at it. */
  restoreProgress?: number | undefined;
}

/** The selected server: name, id, disk, status and power; while it is restored, that is said here live. */
export function ServerSummary({ server, powerBusy, onPower, restoreProgress }: Props) {
  const language = useLanguage();
  const t = language.messages;
  return (
    <section class="card server-card" aria-labelledby="server-title" data-status={server.status}>
      <div class="server-head">
        <div class="server-identity">
          <h1 id="server-title" class="server-title">
            <Ltr>{server.name}</Ltr>
          </h1>
          <p class="meta">
            <span>{t.serverId(<Ltr>{server.id}</Ltr>)}</span>
            <span class="meta-sep" aria-hidden="true">
              ·
            </span>
            <span>{t.diskSize(<Localized>{formatSize(language, server.disk_size_mb)}</Localized>)}</span>
          </p>
        </div>
        <div class="server-state">
          <StatusBadge kind="server" status={server.status} />
          <PowerButtons server={server} busy={powerBusy} onPower={onPower} />
        </div>
      </div>
      {server.status === 'restoring' && (
        <div class="restoring-panel">
          <ProgressBar label={plain(t.restoringProgress(isolate(server.name)))} value={restoreProgress} />
          <p class="restoring-text">{t.restoringNotice}</p>
          <p class="hint" id="power-unavailable">
            {t.powerUnavailable}
          </p>
        </div>
      )}
    </section>
  );
}
