import type { ActionType } from './actions.ts';
import type { FailureCode } from './failures.ts';
import type { SnapshotStatus } from './types.ts';

/** What each error code says, as values: the sentence is rendered from them in the caller's language. */
export interface ErrorParams {
  invalid_request: Record<string, never>;
  malformed_json: { reason: 'not_utf8' | 'unparseable' };
  payload_too_large: { limit: number };
  unsupported_media_type: { type: string };
  bad_request: { reason: 'content_length' | 'other'; message?: string };
  bad_url: { message: string };
  not_authenticated: Record<string, never>;
  not_found: { method: string; url: string };
  server_not_found: { id: number };
  snapshot_not_found: { id: number };
  action_not_found: { id: number };
  idempotency_key_reused: Record<string, never>;
  snapshot_limit_reached: { serverId: number; limit: number };
  server_restoring: { serverId: number };
  snapshot_not_restorable: { id: number; status: SnapshotStatus };
  rate_limited: { retryAfterSeconds: number };
  internal_error: Record<string, never>;
}
export type ErrorCode = keyof ErrorParams;

/** Why one field is invalid, as a value; each language says it in its own words. */
export type FieldIssue =
  | { rule: 'required' }
  | { rule: 'type'; type: string }
  | { rule: 'minimum' | 'maximum' | 'minLength' | 'maxLength'; limit: number }
  | { rule: 'snapshot_name' }
  | { rule: 'idempotency_key' }
  | { rule: 'json_object' }
  | { rule: 'wrong_type' }
  | { rule: 'lone_surrogate' }
  | { rule: 'control_characters' }
  | { rule: 'invalid'; message?: string };
export type FieldIssues = Record<string, FieldIssue[]>;

/** One language's sentences: one per error code, one per field rule, one per way an action can fail. */
export interface Catalogue {
  errors: { [C in ErrorCode]: (params: ErrorParams[C]) => string };
  field: (issue: FieldIssue) => string;
  failure: (action: ActionType, code: FailureCode) => string;
}

const articled = (type: string): string => {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
};

const ENGLISH_ACTION_FAILED: Record<ActionType, string> = {
  create_snapshot: 'The snapshot could not be taken',
  restore_snapshot: 'The server could not be restored',
  delete_snapshot: "The snapshot's data could not be removed",
};

const ENGLISH_FAILURE: Record<FailureCode, string> = {
  integrity_check_failed: 'stored snapshot data failed its integrity check',
  disk_unreadable: "the server's disk could not be read",
  storage_full: 'the snapshot storage is full',
  worker_died: 'the worker running it stopped unexpectedly, on every attempt',
  stopped: 'it was stopped before it finished',
  internal_error: 'an internal error occurred; support can trace it from the snapshot id',
};

const NAME_RULE = 'Must be 1-64 characters of letters, digits, hyphens and underscores.';

/** The English sentences, which are also each AppError's `message` (what logs show). */
export const english: Catalogue = {
  errors: {
    invalid_request: () => 'The request has invalid parameters.',
    malformed_json: ({ reason }) =>
      `The request body is not valid JSON: ${reason === 'not_utf8' ? 'it is not UTF-8 text.' : 'it could not be parsed.'}`,
    payload_too_large: ({ limit }) => `The request body is larger than the limit of ${limit} bytes.`,
    unsupported_media_type: ({ type }) => `Content-Type ${type} is not supported; send application/json.`,
    bad_request: ({ reason, message }) =>
      reason === 'content_length'
        ? 'The Content-Length header does not match the body.'
        : (message ?? 'The request is not valid.'),
    bad_url: ({ message }) => `The URL is not valid: ${message}`,
    not_authenticated: () => 'Authentication credentials were not provided or are invalid.',
    not_found: ({ method, url }) => `No endpoint answers ${method} ${url}.`,
    server_not_found: ({ id }) => `Server ${id} does not exist.`,
    snapshot_not_found: ({ id }) => `Snapshot ${id} does not exist.`,
    action_not_found: ({ id }) => `Action ${id} does not exist.`,
    idempotency_key_reused: () =>
      'This Idempotency-Key was already used with a different request; send a new key for a new request.',
    snapshot_limit_reached: ({ serverId, limit }) =>
      `Server ${serverId} already has the maximum of ${limit} snapshots. Delete one before creating another.`,
    server_restoring: ({ serverId }) =>
      `Server ${serverId} is being restored from a snapshot; wait until the restore has finished.`,
    snapshot_not_restorable: ({ id, status }) =>
      `Snapshot ${id} is ${status.replace('_', ' ')}; only a completed snapshot can be restored.`,
    rate_limited: ({ retryAfterSeconds }) => `Too many requests; retry in ${retryAfterSeconds} seconds.`,
    internal_error: () => 'Something went wrong on our side; it has been logged.',
  },
  field: (issue) => {
    switch (issue.rule) {
      case 'required':
        return 'This field is required.';
      case 'type':
        return `Must be ${articled(issue.type)}.`;
      case 'minimum':
        return `Must be at least ${issue.limit}.`;
      case 'maximum':
        return `Must be at most ${issue.limit}.`;
      case 'maxLength':
        return `Must be at most ${issue.limit} characters.`;
      case 'minLength':
        return `Must be at least ${issue.limit} characters.`;
      case 'snapshot_name':
        return NAME_RULE;
      case 'idempotency_key':
        return 'Must be 1-255 printable ASCII characters.';
      case 'json_object':
        return 'Must be a JSON object.';
      case 'wrong_type':
        return 'Has the wrong type.';
      case 'lone_surrogate':
        return 'Must be valid Unicode text (it holds a lone surrogate).';
      case 'control_characters':
        return 'Must not contain control characters.';
      case 'invalid':
        return issue.message ? `${issue.message[0]?.toUpperCase()}${issue.message.slice(1)}.` : 'Is invalid.';
    }
  },
  failure: (action, code) => `${ENGLISH_ACTION_FAILED[action]}: ${ENGLISH_FAILURE[code]}.`,
};

/**
 * A failure the customer caused or may see, as a value: a stable machine `code`, the HTTP status it maps
 * to, and the parameters its sentence needs; the error handler renders that sentence in the caller's
 * language. `message` is the English one, for logs.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly status: number,
    readonly params: ErrorParams[C],
    readonly fields?: FieldIssues,
  ) {
    super(render(english, code, params));
    this.name = 'AppError';
  }
}

/** The sentence for an error code in a catalogue's language. */
export function render<C extends ErrorCode>(catalogue: Catalogue, code: C, params: ErrorParams[C]): string {
  const sentence = catalogue.errors[code] as (params: ErrorParams[C]) => string;
  return sentence(params);
}

const none: Record<string, never> = {};

export const errors = {
  invalidRequest: (fields: FieldIssues) => new AppError('invalid_request', 400, none, fields),
  malformedJson: (reason: ErrorParams['malformed_json']['reason']) =>
    new AppError('malformed_json', 400, { reason }),
  bodyTooLarge: (limit: number) => new AppError('payload_too_large', 413, { limit }),
  unsupportedMediaType: (type: string) => new AppError('unsupported_media_type', 415, { type }),
  contentLengthMismatch: () => new AppError('bad_request', 400, { reason: 'content_length' }),
  badRequest: (status: number, message: string) =>
    new AppError('bad_request', status, { reason: 'other', message }),
  badUrl: (status: number, message: string) => new AppError('bad_url', status, { message }),
  notAuthenticated: () => new AppError('not_authenticated', 401, none),
  routeNotFound: (method: string, url: string) => new AppError('not_found', 404, { method, url }),
  serverNotFound: (id: number) => new AppError('server_not_found', 404, { id }),
  snapshotNotFound: (id: number) => new AppError('snapshot_not_found', 404, { id }),
  actionNotFound: (id: number) => new AppError('action_not_found', 404, { id }),
  idempotencyKeyReused: () => new AppError('idempotency_key_reused', 409, none),
  snapshotLimitReached: (serverId: number, limit: number) =>
    new AppError('snapshot_limit_reached', 400, { serverId, limit }),
  serverRestoring: (serverId: number) => new AppError('server_restoring', 400, { serverId }),
  snapshotNotRestorable: (id: number, status: SnapshotStatus) =>
    new AppError('snapshot_not_restorable', 400, { id, status }),
  rateLimited: (retryAfterSeconds: number) => new AppError('rate_limited', 429, { retryAfterSeconds }),
  internal: () => new AppError('internal_error', 500, none),
} as const;
