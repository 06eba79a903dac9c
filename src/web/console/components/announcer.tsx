import { type ComponentChildren, createContext } from 'preact';
import { useCallback, useContext, useRef, useState } from 'preact/hooks';
import type { Part } from '../i18n/parts.ts';

type Announce = (message: Part) => void;

const AnnounceContext = createContext<Announce>(() => {});

/** Tells screen-reader users what changed (a snapshot completed, a restore finished) without moving focus. */
export function useAnnounce(): Announce {
  return useContext(AnnounceContext);
}

/**
 * One polite live region for the whole console. It is emptied and refilled on each message, so the same
 * sentence said twice is read twice.
 */
export function Announcer({ children }: { children: ComponentChildren }) {
  const [message, setMessage] = useState<Part>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const announce = useCallback<Announce>((next) => {
    setMessage(null);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setMessage(next), 50);
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" id="announcer">
        {message}
      </div>
    </AnnounceContext.Provider>
  );
}
