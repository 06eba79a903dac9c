import type { Server } from '../../../client/index.ts';
import { useMessages } from '../i18n/index.ts';
import { Ltr } from './ltr.tsx';

interface Props {
  servers: Server[];
  selectedId: number | null;
  onSelect: (id: number) => void;
}

/** The account's servers, the console's first column (the inline start: left in English, right in Pashto). */
export function ServerList({ servers, selectedId, onSelect }: Props) {
  const t = useMessages();
  return (
    <nav class="sidebar" aria-label={t.mainNavigation}>
      <h2 class="sidebar-title">{t.serversHeading}</h2>
      {servers.length === 0 ? (
        <p class="muted">{t.noServers}</p>
      ) : (
        <ul class="server-list">
          {servers.map((server) => (
            <li key={server.id}>
              <button
                type="button"
                class="server-item"
                aria-current={server.id === selectedId ? 'true' : undefined}
                onClick={() => onSelect(server.id)}
                data-server-id={server.id}
              >
                <span class={`dot dot-${server.status}`} aria-hidden="true" />
                <span class="server-item-text">
                  <Ltr class="server-item-name">{server.name}</Ltr>
                  <span class="server-item-meta">
                    {t.serverStatus[server.status]} · <Ltr>{server.id}</Ltr>
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
