/** Delay before attempt n+1 after n failed attempts: doubling from `baseMs`, capped so retries keep coming. */
export function backoffMs(attempts: number, baseMs: number, capMs = 5 * 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempts, 20) - 1));
}
