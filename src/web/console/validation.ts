/**
 * The API's rules for a new snapshot, checked as the customer types so the button only sends what the
 * API accepts. They copy src/domain/rules.ts (the console bundles no server code); test/web checks
 * that the two stay the same.
 */
export const SNAPSHOT_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const DESCRIPTION_MAX = 500;
export const SNAPSHOT_LIMIT = 5;

export function nameIsValid(name: string): boolean {
  return SNAPSHOT_NAME.test(name);
}
