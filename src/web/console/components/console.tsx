import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Action, Server, Snapshot } from '../../../client/index.ts';
import { type ApiClient, errorText, isUnauthenticated } from '../api.ts';
import { usePolling } from '../hooks/use-polling.ts';
import { useStatusChanges } from '../hooks/use-status-changes.ts';
import { useMessages } from '../i18n/index.ts';
import type { Part } from '../i18n/parts.ts';
import { Alert } from './alert.tsx';
import { useAnnounce } from './announcer.tsx';
import { Ltr } from './ltr.tsx';
import type { PowerAction } from './power-buttons.tsx';
import { ServerList } from './server-list.tsx';
import { ServerSummary } from './server-summary.tsx';
import { SnapshotsPanel } from './snapshots-panel.tsx';

interface Props {
  client: ApiClient;
  /** The token stopped working (revoked, expired): back to sign-in with the API's reason. */
  onSessionEnded: (reason: Part) => void;
}

/** The server a #server-N address names, so a reload stays on the same server. */
function serverFromAddress(): number | null {
  const match = /^#server-(\d+)$/.exec(location.hash);
  return match?.[1] ? Number(match[1]) : null;
}

/** The server's restore still running, if any: its newest action, when that is a restore in progress. */
async function runningRestore(client: ApiClient, serverId: number): Promise<Action | null> {
  const [newest] = (await client.listActions({ serverId, pageSize: 1 })).results;
  return newest?.type === 'restore_snapshot' && newest.status === 'in_progress' ? newest : null;
}

/**
 * The signed-in console: the servers, the selected one's snapshots, and every action on them. It asks
 * the API about once a second only while something moves (a capture in progress, a server restoring)
 * and the tab is visible; otherwise it asks only after the customer acts.
 */
export function Console({ client, onSessionEnded }: Props) {
  const t = useMessages();
  const announce = useAnnounce();
  const [servers, setServers] = useState<Server[] | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(serverFromAddress);
  const [snapshots, setSnapshots] = useState<{ serverId: number; list: Snapshot[] } | null>(null);
  // How far the selected server's restore has come, from its action; null when none is running.
  const [restore, setRestore] = useState<{ serverId: number; progress: number } | null>(null);
  const [error, setError] = useState<Part>(null);
  const [powerBusy, setPowerBusy] = useState<PowerAction | null>(null);
  const selected = useRef(selectedId);
  selected.current = selectedId;

  const refresh = useCallback(async () => {
    const serverId = selected.current;
    try {
      const [serverList, snapshotList, restoreAction] = await Promise.all([
        client.listServers({ pageSize: 500 }),
        serverId === null ? null : client.listSnapshots({ serverId, pageSize: 500 }),
        serverId === null ? null : runningRestore(client, serverId),
      ]);
      const known = serverList.results.some((server) => server.id === serverId);
      setServers(serverList.results);
      setError(null);
      if (!known) {
        setSelectedId(serverList.results[0]?.id ?? null);
      } else if (snapshotList && serverId !== null && serverId === selected.current) {
        setSnapshots({ serverId, list: snapshotList.results });
        setRestore(restoreAction ? { serverId, progress: restoreAction.progress } : null);
      }
    } catch (failure) {
      if (isUnauthenticated(failure)) onSessionEnded(failure.detail);
      else setError(errorText(failure, t));
    }
  }, [client, t, onSessionEnded]);

  // After a refused action the console's picture was probably stale (another client acted): look again.
  const explain = useCallback(
    (failure: unknown): Part => {
      if (isUnauthenticated(failure)) onSessionEnded(failure.detail);
      else refresh();
      return errorText(failure, t);
    },
    [refresh, t, onSessionEnded],
  );

  useEffect(() => {
    refresh();
  }, [refresh, selectedId]);

  const server = servers?.find((s) => s.id === selectedId) ?? null;
  const list = snapshots && snapshots.serverId === selectedId ? snapshots.list : null;
  const moving =
    (servers?.some((s) => s.status === 'restoring') ?? false) ||
    (list?.some((s) => s.status === 'in_progress') ?? false);
  usePolling(moving, refresh, 1000);

  const say = useMemo(
    () => ({
      snapshotCompleted: (s: Snapshot) => t.announceCompleted(<Ltr>{s.name}</Ltr>),
      snapshotFailed: (s: Snapshot) => t.announceFailed(<Ltr>{s.name}</Ltr>),
      serverStatus: (s: Server) => t.announceServerStatus(<Ltr>{s.name}</Ltr>, t.serverStatus[s.status]),
    }),
    [t],
  );
  useStatusChanges(servers, list, say, announce);

  const select = (id: number) => {
    history.replaceState(null, '', `#server-${id}`);
    setSelectedId(id);
  };

  const updateServer = (next: Pick<Server, 'id' | 'status'>) =>
    setServers((all) => all?.map((s) => (s.id === next.id ? { ...s, status: next.status } : s)) ?? all);

  const power = async (action: PowerAction) => {
    if (!server) return;
    setPowerBusy(action);
    try {
      updateServer(
        action === 'stop' ? await client.stopServer(server.id) : await client.startServer(server.id),
      );
    } catch (failure) {
      setError(explain(failure));
    } finally {
      setPowerBusy(null);
    }
  };

  if (servers === null) {
    return (
      <div class="page-message">
        {error ? <Alert kind="error">{error}</Alert> : <p class="muted">{t.loading}</p>}
      </div>
    );
  }

  return (
    <div class="layout">
      <ServerList servers={servers} selectedId={selectedId} onSelect={select} />
      <div class="content" id="content">
        {error && (
          <Alert kind="error" onDismiss={() => setError(null)}>
            {error}
          </Alert>
        )}
        {server && (
          <>
            <ServerSummary
              server={server}
              powerBusy={powerBusy}
              onPower={power}
              restoreProgress={restore?.serverId === server.id ? restore.progress : undefined}
            />
            <SnapshotsPanel
              client={client}
              server={server}
              snapshots={list}
              stopBusy={powerBusy !== null}
              explain={explain}
              onStopServer={() => power('stop')}
              onCreated={(created) => {
                setSnapshots((current) =>
                  current && current.serverId === created.server.id
                    ? { ...current, list: [created, ...current.list] }
                    : current,
                );
                announce(t.announceCreateStarted(<Ltr>{created.name}</Ltr>));
                refresh();
              }}
              onRestored={(result) => {
                updateServer(result.server);
                announce(t.announceRestoreStarted(<Ltr>{result.server.name}</Ltr>));
                refresh();
              }}
              onDeleted={(deleted) => {
                setSnapshots((current) =>
                  current ? { ...current, list: current.list.filter((s) => s.id !== deleted.id) } : current,
                );
                announce(t.announceDeleted(<Ltr>{deleted.name}</Ltr>));
                refresh();
              }}
            />
          </>
        )}
      </div>
    </div>
  );
}
