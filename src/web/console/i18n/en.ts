import { type Part, parts } from './parts.ts';

/**
 * English, the reference catalogue: every other language is typed as `Messages`, so a string missing
 * from it is a compile error. Sentences with values are functions built with `parts`, so each language
 * puts the values where its grammar wants them. The page's own sentences are quoted as the page has them.
 */
export const en = {
  pageTitle: 'Snapshots — VPS.org console',
  brand: 'VPS.org',
  product: 'Cloud console',
  language: 'Language',
  signOut: 'Sign out',
  mainNavigation: 'Your servers',

  signInTitle: 'Sign in',
  signInIntro:
    'Manage server snapshots for quick point-in-time recovery. Snapshots capture the complete state of your server.',
  tokenLabel: 'API token',
  tokenHint: 'Starts with vps_ — your provider gives it to you.',
  tokenStorage:
    'The token is kept only in this browser tab (session storage) and is forgotten when you close the tab.',
  remember: 'Remember on this device',
  rememberHint:
    'Keeps the token in this browser’s local storage until you sign out. Use only on your own device.',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  tokenRequired: 'Enter your API token.',
  signedOutBecause: (detail: Part) => parts`You were signed out: ${detail}`,
  signedOut: 'You are signed out.',

  networkError: 'The service could not be reached. Check your connection and try again.',
  badAnswer: (status: Part) =>
    parts`The service answered with an error (HTTP ${status}). Try again in a moment.`,
  unexpectedError: 'Something went wrong in the console. Reload the page and try again.',
  dismiss: 'Dismiss',
  loading: 'Loading…',

  serversHeading: 'Servers',
  noServers: 'There are no servers on this account yet.',
  serverId: (id: Part) => parts`ID ${id}`,
  diskSize: (size: Part) => parts`${size} disk`,
  serverStatus: { running: 'Running', stopped: 'Stopped', restoring: 'Restoring' },
  stopServer: 'Stop server',
  startServer: 'Start server',
  stopping: 'Stopping…',
  starting: 'Starting…',
  powerUnavailable: 'Power controls are unavailable while the server is being restored.',
  restoringNotice: 'Server is being restored from snapshot. This may take 5-15 minutes.',
  restoringProgress: (server: Part) => parts`Restoring ${server}`,

  snapshotsHeading: 'Snapshots',
  snapshotsIntro: 'Point-in-time copies of the entire server, for quick rollback before risky operations.',
  snapshotCount: (count: Part, limit: Part) => parts`${count} of ${limit} snapshots`,
  noSnapshots: 'This server has no snapshots yet.',
  columnName: 'Name',
  columnStatus: 'Status',
  columnSize: 'Size',
  columnCreated: 'Created',
  columnActions: 'Actions',
  snapshotStatus: { in_progress: 'In progress', completed: 'Completed', failed: 'Failed' },
  progressLabel: (name: Part) => parts`Progress of snapshot ${name}`,
  percentDone: (percent: Part) => parts`${percent} done`,
  failureReason: (reason: Part) => parts`Reason: ${reason}`,
  noSize: '—',
  restore: 'Restore',
  delete: 'Delete',

  createHeading: 'Create snapshot',
  nameLabel: 'Name',
  nameRule: 'Letters, digits, hyphens (-) and underscores (_); 1–\u206064 characters.',
  nameInvalid: 'Use only letters, digits, hyphens (-) and underscores (_), at most 64 characters.',
  descriptionLabel: 'Description (optional)',
  characters: (count: Part, max: Part) => parts`${count} / ${max} characters`,
  create: 'Create snapshot',
  creating: 'Creating…',
  runningAdvice:
    'Creating a snapshot while the server is running may result in filesystem inconsistencies. For best results, stop the server first.',
  note: 'Note',
  limitReached: (limit: Part) =>
    parts`This server has reached the limit of ${limit} snapshots. Delete one before creating another.`,
  createWhileRestoring: 'A snapshot cannot be created while the server is being restored.',

  restoreTitle: 'Restore from snapshot',
  restoreIntro: (server: Part, snapshot: Part) =>
    parts`Restore ${server} to the state captured in snapshot ${snapshot}.`,
  warning: 'Warning',
  restoreWarning:
    'Restoring from a snapshot will overwrite all current data on the server. This action cannot be undone. The server will be automatically stopped before restoration begins.',
  typeToConfirm: (name: Part) => parts`Type the server’s name, ${name}, to confirm`,
  confirmMismatch: 'The name does not match yet.',
  restoring: 'Restoring…',
  cancel: 'Cancel',

  deleteTitle: 'Delete snapshot',
  deleteQuestion: (name: Part) => parts`Permanently delete snapshot ${name}? This action cannot be undone.`,
  deleteInProgress: 'The snapshot is still being created: deleting it stops the capture.',
  deleting: 'Deleting…',

  announceCreateStarted: (name: Part) =>
    parts`Snapshot ${name} is being created. This may take 3-10 minutes depending on server size.`,
  announceCompleted: (name: Part) => parts`Snapshot ${name} is completed.`,
  announceFailed: (name: Part) => parts`Snapshot ${name} failed.`,
  announceDeleted: (name: Part) => parts`Snapshot ${name} was deleted.`,
  announceRestoreStarted: (server: Part) => parts`Server ${server} is being restored from snapshot.`,
  announceServerStatus: (server: Part, status: Part) => parts`Server ${server} is now: ${status}.`,

  monthNames: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  /** The date pattern used when the browser has no date data for the language. */
  dateAt: (year: Part, month: Part, day: Part, time: Part) => parts`${month} ${day}, ${year}, ${time}`,
};

export type Messages = typeof en;
