import { useEffect, useRef, useState } from 'preact/hooks';

function isVisible(): boolean {
  return document.visibilityState !== 'hidden';
}

/**
 * Calls `tick` every `intervalMs` while `active` and the tab is visible, one call at a time (the next
 * waits for the previous answer, so a slow API is never asked twice at once). A hidden tab costs the
 * API nothing; when it shows again, one tick catches up at once.
 */
export function usePolling(active: boolean, tick: () => Promise<void>, intervalMs = 1000): void {
  const latest = useRef(tick);
  latest.current = tick;
  const [visible, setVisible] = useState(isVisible);

  useEffect(() => {
    const onChange = () => {
      const now = isVisible();
      setVisible(now);
      if (now) latest.current().catch(() => {});
    };
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);

  useEffect(() => {
    if (!active || !visible) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      await latest.current().catch(() => {});
      if (!stopped) timer = setTimeout(loop, intervalMs);
    };
    timer = setTimeout(loop, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, visible, intervalMs]);
}
