import { type Action, type ApiClient, ApiError } from '../../client/index.ts';

const POLL_INTERVAL_MS = 1000;

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

/** A failure worth another try while waiting: the API busy, restarting or out of reach for a moment. */
function transient(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 429 || error.status >= 500;
  return error instanceof TypeError && error.message === 'fetch failed';
}

const TRIES = 10;

/**
 * `get`, tried again (up to 10 times in a row, backing off) while it fails for a transient reason. Safe for
 * a create or restore only when it carries an Idempotency-Key.
 */
export async function patiently<T>(get: () => Promise<T>, intervalMs = POLL_INTERVAL_MS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await get();
    } catch (error) {
      if (!transient(error) || attempt >= TRIES) throw error;
      await sleep(intervalMs * Math.min(attempt, 5));
    }
  }
}

/** Runs a wait; Ctrl-C ends only the waiting, saying that the work goes on and how to follow it. */
export async function waiting<T>(note: string, wait: () => Promise<T>): Promise<T> {
  const onInterrupt = () => {
    process.stderr.write(`\nvpsctl: stopped waiting; ${note}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await wait();
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/**
 * Follows an action to its end with long polls: a second each on a terminal, so the bar moves, else up to
 * 25 seconds each, so a script waiting for a long restore makes few requests.
 */
export async function followAction(
  client: ApiClient,
  id: number,
  bar: Progress,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<Action> {
  const waitSeconds = stream.isTTY ? 1 : 25;
  for (;;) {
    const action = await patiently(() => client.getAction(id, { waitSeconds }));
    bar.update(action.status.replace('_', ' '), action.progress);
    if (action.status !== 'in_progress') return action;
  }
}
