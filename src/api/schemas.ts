import { type Static, Type } from '@sinclair/typebox';
import { ACTION_WAIT_MAX_SECONDS } from '../domain/action-service.ts';
import { ACTION_STATUSES, ACTION_TYPES } from '../domain/actions.ts';
import { FAILURE_CODES } from '../domain/failures.ts';
import { DESCRIPTION_MAX, SNAPSHOT_NAME_PATTERN } from '../domain/rules.ts';

/**
 * The wire contract of API.md, once: Fastify validates requests and serializes responses from these
 * schemas, and the OpenAPI document is generated from them.
 */
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Timestamp = Type.String({ format: 'date-time', examples: ['2025-01-15T18:30:00Z'] });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ErrorBody = Type.Object({
  detail: Type.String(),
  code: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
});

export const SnapshotStatus = Type.Union([
  Type.Literal('in_progress'),
  Type.Literal('completed'),
  Type.Literal('failed'),
]);
export const ServerStatus = Type.Union([
  Type.Literal('running'),
  Type.Literal('stopped'),
  Type.Literal('restoring'),
]);

export const Snapshot = Type.Object({
  id: Id,
  server: Type.Object({ id: Id, name: Type.String() }),
  name: Type.String(),
  status: SnapshotStatus,
  size_mb: Nullable(Type.Integer()),
  created_at: Timestamp,
  description: Nullable(Type.String()),
  progress: Type.Integer({
    minimum: 0,
    maximum: 100,
    description: 'Percent done while in progress; 100 once completed.',
  }),
  failure_reason: Nullable(
    Type.String({ description: 'Why a failed snapshot failed, in the language of Accept-Language.' }),
  ),
});
export type SnapshotBody = Static<typeof Snapshot>;

const pageLinks = {
  next: Nullable(Type.String({ format: 'uri' })),
  previous: Nullable(Type.String({ format: 'uri' })),
};

const pageSnapshot801 = {
  id: 801,
  server: { id: 12345, name: 'web-server-01' },
  name: 'pre-migration-snapshot',
  status: 'completed',
  size_mb: 5120,
  created_at: '2025-01-15T18:30:00Z',
  description: 'Before major migration',
  progress: 100,
  failure_reason: null,
};

export const SnapshotList = Type.Object(
  {
    count: Type.Integer({ minimum: 0, description: 'How many snapshots match, on all pages.' }),
    ...pageLinks,
    results: Type.Array(Snapshot),
  },
  {
    description: 'Snapshot list retrieved successfully',
    examples: [
      {
        count: 2,
        next: null,
        previous: null,
        results: [
          pageSnapshot801,
          {
            ...pageSnapshot801,
            id: 798,
            name: 'weekly-snapshot-2025-01-08',
            size_mb: 4856,
            created_at: '2025-01-08T12:00:00Z',
            description: 'Weekly snapshot',
          },
        ],
      },
    ],
  },
);

const ActionId = Type.Integer({
  minimum: 1,
  description: 'The action that does the work: follow it at GET /api/v1/actions/{action_id}/.',
});

/** Where the action of a create, restore or delete can be followed. */
const locationHeader = {
  Location: Type.String({
    description: 'The action doing the work, e.g. /api/v1/actions/9/',
    examples: ['/api/v1/actions/9/'],
  }),
};

export const CreatedSnapshot = Type.Composite(
  [Snapshot, Type.Object({ message: Type.String(), action_id: ActionId })],
  {
    description: 'Snapshot creation started successfully',
    headers: locationHeader,
    examples: [
      {
        id: 802,
        server: { id: 12345, name: 'web-server-01' },
        name: 'before-update-snapshot',
        status: 'in_progress',
        size_mb: null,
        created_at: '2025-01-16T16:15:00Z',
        description: 'Snapshot before system update',
        progress: 0,
        failure_reason: null,
        message: 'Snapshot is being created. This may take 3-10 minutes depending on server size.',
        action_id: 9,
      },
    ],
  },
);

export const CreateSnapshotBody = Type.Object(
  {
    server_id: Id,
    name: Type.String({ pattern: SNAPSHOT_NAME_PATTERN, minLength: 1, maxLength: 64 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: DESCRIPTION_MAX }))),
  },
  {
    examples: [
      { server_id: 12345, name: 'before-update-snapshot', description: 'Snapshot before system update' },
    ],
  },
);

export const RestoreResult = Type.Object(
  {
    status: Type.Literal('success'),
    message: Type.String(),
    snapshot: Type.Object({ id: Id, name: Type.String(), created_at: Timestamp }),
    server: Type.Object({ id: Id, name: Type.String(), status: ServerStatus }),
    action_id: ActionId,
  },
  {
    description: 'Restoration started successfully',
    headers: locationHeader,
    examples: [
      {
        status: 'success',
        message: 'Server is being restored from snapshot. This may take 5-15 minutes.',
        snapshot: { id: 801, name: 'pre-migration-snapshot', created_at: '2025-01-15T18:30:00Z' },
        server: { id: 12345, name: 'web-server-01', status: 'restoring' },
        action_id: 10,
      },
    ],
  },
);

export const Deleted = Type.Null({ description: 'Deleted; no body.', headers: locationHeader });

/**
 * Idempotency-Key (IETF httpapi draft; Stripe's header): a retry with the same key gets the first answer
 * again and does no work twice. Printable ASCII, at most 255 characters, optionally as a quoted string.
 */
const IDEMPOTENCY_KEY_PATTERN = '^(?:[ -~]{1,255}|"[ -~]{1,255}")$';
export const IdempotencyHeaders = Type.Object({
  'Idempotency-Key': Type.Optional(
    Type.String({
      pattern: IDEMPOTENCY_KEY_PATTERN,
      description:
        'A key of your choosing (a UUID, say), unique per request you mean. A retry with the same key within ' +
        '24 hours returns the first answer (marked `Idempotent-Replayed: true`) and does no work twice; the ' +
        'same key with another request is a 409 `idempotency_key_reused`. Failed requests are not remembered.',
      examples: ['5f1b6c0e-8d2a-4c1e-9a57-3f0c2e9d41b7'],
    }),
  ),
});

const ActionType = Type.Union(ACTION_TYPES.map((t) => Type.Literal(t)));
const ActionStatus = Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s)));
const FailureCode = Type.Union(FAILURE_CODES.map((c) => Type.Literal(c)));

export const Action = Type.Object(
  {
    id: Id,
    type: ActionType,
    status: Type.Unsafe<Static<typeof ActionStatus>>({
      ...ActionStatus,
      description:
        'in_progress until it ends (also while a failed attempt waits to be retried); then completed, ' +
        'failed, or cancelled (a capture whose snapshot was deleted before it finished).',
    }),
    progress: Type.Integer({ minimum: 0, maximum: 100, description: 'Percent done; 100 once completed.' }),
    snapshot_id: Id,
    server_id: Id,
    created_at: Timestamp,
    started_at: Nullable(Timestamp),
    finished_at: Nullable(Timestamp),
    error: Nullable(
      Type.Object(
        { code: FailureCode, detail: Type.String() },
        { description: 'Why it failed, in the language of Accept-Language; null unless failed.' },
      ),
    ),
  },
  {
    description: 'The action',
    examples: [
      {
        id: 9,
        type: 'create_snapshot',
        status: 'completed',
        progress: 100,
        snapshot_id: 802,
        server_id: 12345,
        created_at: '2025-01-16T16:15:00Z',
        started_at: '2025-01-16T16:15:00Z',
        finished_at: '2025-01-16T16:19:42Z',
        error: null,
      },
    ],
  },
);
export type ActionBody = Static<typeof Action>;

export const Server = Type.Object({
  id: Id,
  name: Type.String(),
  status: ServerStatus,
  disk_size_mb: Type.Integer({ minimum: 0 }),
  created_at: Timestamp,
});
export type ServerBody = Static<typeof Server>;

export const ServerList = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  ...pageLinks,
  results: Type.Array(Server),
});

export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 500;
const pageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT })),
};

export const SnapshotListQuery = Type.Object({ server_id: Type.Optional(Id), ...pageQuery });
export const ActionListQuery = Type.Object({
  server_id: Type.Optional(Id),
  snapshot_id: Type.Optional(Id),
  ...pageQuery,
});
export const ActionList = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  ...pageLinks,
  results: Type.Array(Action),
});
export const ActionParams = Type.Object({ action_id: Id });
export const ActionQuery = Type.Object({
  wait: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: ACTION_WAIT_MAX_SECONDS,
      description:
        'Seconds to hold the answer until the action has finished (long poll): the answer comes as soon as ' +
        'it finishes, or with the action still in progress when the time is up.',
    }),
  ),
});
export const PageQuery = Type.Object(pageQuery);
export const SnapshotParams = Type.Object({ snapshot_id: Id });
export const ServerParams = Type.Object({ server_id: Id });

const errorExample = (detail: string, code: string, errors?: Record<string, string[]>) => ({
  detail,
  code,
  ...(errors ? { errors } : {}),
});

const described = (description: string, examples: unknown[]) =>
  Type.Unsafe<Static<typeof ErrorBody>>({
    ...ErrorBody,
    description,
    examples,
  });

/** The error answers every endpoint can give, described as the provider's page describes them. */
export const errorResponses = {
  400: described(
    'Bad Request - invalid parameters, snapshot limit reached, or not allowed in the current state',
    [
      errorExample('The request has invalid parameters.', 'invalid_request', {
        name: ['Must be 1-64 characters of letters, digits, hyphens and underscores.'],
      }),
      errorExample(
        'Server 12345 already has the maximum of 5 snapshots. Delete one before creating another.',
        'snapshot_limit_reached',
      ),
    ],
  ),
  401: described('Unauthorized - the token is missing or invalid', [
    errorExample('Authentication credentials were not provided or are invalid.', 'not_authenticated'),
  ]),
  404: described('Not Found - the server, snapshot or action does not exist', [
    errorExample('Snapshot 801 does not exist.', 'snapshot_not_found'),
  ]),
  413: described('The request body is too large', [
    errorExample('The request body is larger than the limit of 65536 bytes.', 'payload_too_large'),
  ]),
  429: Type.Unsafe<Static<typeof ErrorBody>>({
    ...described(
      'Too Many Requests - the token has used its requests for this minute; RateLimit-Limit, ' +
        'RateLimit-Remaining and RateLimit-Reset (on every answer) and Retry-After say how many and when',
      [errorExample('Too many requests; retry in 42 seconds.', 'rate_limited')],
    ),
    headers: {
      'Retry-After': Type.Integer({ minimum: 1, description: 'Seconds until the token may call again.' }),
      'RateLimit-Limit': Type.Integer({ minimum: 1, description: 'Requests a token may make per minute.' }),
      'RateLimit-Remaining': Type.Integer({ minimum: 0, description: 'Requests left in this minute.' }),
      'RateLimit-Reset': Type.Integer({ minimum: 0, description: 'Seconds until the minute starts over.' }),
    },
  }),
  415: described('The body is not JSON', [
    errorExample(
      'Content-Type text/plain is not supported; send application/json.',
      'unsupported_media_type',
    ),
  ]),
};

/** The extra answer of the routes that take an Idempotency-Key. */
export const idempotentResponses = {
  409: described('Conflict - the Idempotency-Key was already used with a different request', [
    errorExample(
      'This Idempotency-Key was already used with a different request; send a new key for a new request.',
      'idempotency_key_reused',
    ),
  ]),
};
