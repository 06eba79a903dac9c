import { ApiError } from '../../client/index.ts';

export const POLL_INTERVAL_MS = 1000;

/** Shows how a wait goes: a live bar when stderr is a terminal, else one line per change of state. */
export interface Progress {
  update(state: string, percent?: number): void;
  /** Ends the bar (if any) with the final state on its own line. */
  finish(state: string): void;
}

const BAR = 30;

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  let last = '';
  if (stream.isTTY) {
    return {
      update(state, percent) {
        const filled =
          percent === undefined ? 0 : Math.round((Math.min(100, Math.max(0, percent)) / 100) * BAR);
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}]`;
        const pct = percent === undefined ? '' : ` ${String(percent).padStart(3)}%`;
        stream.write(`\r\x1b[2K${label} ${bar}${pct} ${state}`);
      },
      finish(state) {
        stream.write(`\r\x1b[2K${label}: ${state}\n`);
      },
    };
  }
  return {
    update(state) {
      if (state === last) return;
      last = state;
      stream.write(`${label}: ${state}\n`);
    },
    finish(state) {
      if (state !== last) stream.write(`${label}: ${state}\n`);
      last = state;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads `get` about once a second until `done` says so; each reading goes to `seen`. */
export async function pollUntil<T>(
  get: () => Promise<T>,
  done: (value: T) => boolean,
  seen: (value: T) => void,
  intervalMs = POLL_INTERVAL_MS,
): Promise<T> {
  for (;;) {
    const value = await get();
    seen(value);
    if (done(value)) return value;
    await sleep(intervalMs);
  }
}

/** Reads `get` until it answers 404, for a thing being deleted. */
export async function pollUntilGone(
  get: () => Promise<unknown>,
  intervalMs = POLL_INTERVAL_MS,
): Promise<void> {
  for (;;) {
    try {
      await get();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return;
      throw error;
    }
    await sleep(intervalMs);
  }
}
