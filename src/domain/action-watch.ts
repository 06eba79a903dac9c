/**
 * Long polls of actions, answered by one shared check rather than one query per waiting request: every
 * `pollMs` the ids being waited for are looked up together, and `nudge()` (from a worker in this process)
 * checks at once. A worker on another host is seen at the next poll.
 */
export class ActionWatch {
  private readonly waiters = new Map<number, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly finishedAmong: (ids: number[]) => Promise<number[]>,
    private readonly pollMs = 500,
  ) {}

  /** Resolves when the action finishes, or when `signal` aborts (time is up, the client left, shutdown). */
  until(id: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        const set = this.waiters.get(id);
        set?.delete(done);
        if (set?.size === 0) this.waiters.delete(id);
        if (this.waiters.size === 0) this.stopTimer();
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      const set = this.waiters.get(id) ?? new Set<() => void>();
      this.waiters.set(id, set);
      set.add(done);
      this.timer ??= setInterval(() => this.nudge(), this.pollMs);
    });
  }

  /** Looks now; a look already under way is followed by one more, so no finish goes unseen. */
  nudge(): void {
    if (this.waiters.size === 0) return;
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = this.check()
      .catch(() => {
        // The next poll tries again; a waiter's own time limit still ends its wait.
      })
      .finally(() => {
        this.checking = undefined;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Ends every wait now, as at shutdown: each request answers with the action as it stands. */
  releaseAll(): void {
    for (const set of [...this.waiters.values()]) for (const done of [...set]) done();
  }

  private async check(): Promise<void> {
    const ids = [...this.waiters.keys()];
    for (let from = 0; from < ids.length; from += 500) {
      for (const id of await this.finishedAmong(ids.slice(from, from + 500))) {
        for (const done of [...(this.waiters.get(id) ?? [])]) done();
      }
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
