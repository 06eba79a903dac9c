import type { Server } from '../../../client/index.ts';
import { useMessages } from '../i18n/index.ts';

export type PowerAction = 'stop' | 'start';

interface Props {
  server: Server;
  /** The power action under way, if any. */
  busy: PowerAction | null;
  onPower: (action: PowerAction) => void;
}

/**
 * Start and stop, each enabled only when it means something; both are off while the server is being
 * restored (the restore owns the power state then, and puts it back when it ends).
 */
export function PowerButtons({ server, busy, onPower }: Props) {
  const t = useMessages();
  const restoring = server.status === 'restoring';
  return (
    <div class="power-buttons">
      <button
        type="button"
        class="button button-secondary"
        disabled={restoring || busy !== null || server.status !== 'stopped'}
        onClick={() => onPower('start')}
        aria-describedby={restoring ? 'power-unavailable' : undefined}
      >
        <span class="icon icon-start" aria-hidden="true" />
        {busy === 'start' ? t.starting : t.startServer}
      </button>
      <button
        type="button"
        class="button button-secondary"
        disabled={restoring || busy !== null || server.status !== 'running'}
        onClick={() => onPower('stop')}
        aria-describedby={restoring ? 'power-unavailable' : undefined}
      >
        <span class="icon icon-stop" aria-hidden="true" />
        {busy === 'stop' ? t.stopping : t.stopServer}
      </button>
    </div>
  );
}
