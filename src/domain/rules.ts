import type { FieldIssue } from './errors.ts';

/** The rules of the Snapshots API that do not depend on where data lives. */
export const SNAPSHOT_LIMIT_PER_SERVER = 5;
export const SNAPSHOT_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const SNAPSHOT_NAME_MAX = 64;
export const DESCRIPTION_MAX = 500;

export const CREATE_MESSAGE =
  'Snapshot is being created. This may take 3-10 minutes depending on server size.';
export const RESTORE_MESSAGE = 'Server is being restored from snapshot. This may take 5-15 minutes.';

/** Characters a description may not hold: C0 controls other than tab and newlines, and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function descriptionProblem(description: string): FieldIssue | null {
  if (!description.isWellFormed()) return { rule: 'lone_surrogate' };
  if (CONTROL.test(description)) return { rule: 'control_characters' };
  return null;
}

/** The chunk-store namespace of a server: one per server, so snapshots never share data across servers. */
export function storeNamespace(serverId: number): string {
  return `server-${serverId}`;
}

export function sizeMbOf(dataBytes: number): number {
  return Math.ceil(dataBytes / (1024 * 1024));
}
