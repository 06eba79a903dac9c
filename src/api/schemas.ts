import { type Static, Type } from '@sinclair/typebox';
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
  failure_reason: Nullable(Type.String({ description: 'Why a failed snapshot failed.' })),
});
export type SnapshotBody = Static<typeof Snapshot>;

const pageLinks = {
  next: Nullable(Type.String({ format: 'uri' })),
  previous: Nullable(Type.String({ format: 'uri' })),
};

export const SnapshotList = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  ...pageLinks,
  results: Type.Array(Snapshot),
});

export const CreatedSnapshot = Type.Composite([Snapshot, Type.Object({ message: Type.String() })]);

export const CreateSnapshotBody = Type.Object({
  server_id: Id,
  name: Type.String({ pattern: SNAPSHOT_NAME_PATTERN, minLength: 1, maxLength: 64 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: DESCRIPTION_MAX }))),
});

export const RestoreResult = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  snapshot: Type.Object({ id: Id, name: Type.String(), created_at: Timestamp }),
  server: Type.Object({ id: Id, name: Type.String(), status: ServerStatus }),
});

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
export const PageQuery = Type.Object(pageQuery);
export const SnapshotParams = Type.Object({ snapshot_id: Id });
export const ServerParams = Type.Object({ server_id: Id });

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
};
