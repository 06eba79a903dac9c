import createClient, { type Client } from 'openapi-fetch';
import { apiErrorOf } from './api-error.ts';
import type { paths } from './schema.ts';

export { ApiError, type ErrorBody } from './api-error.ts';
export type { components, paths } from './schema.ts';

export type SnapshotList =
  paths['/api/v1/snapshots/']['get']['responses'][200]['content']['application/json'];
export type Snapshot = SnapshotList['results'][number];
export type CreatedSnapshot =
  paths['/api/v1/snapshots/']['post']['responses'][201]['content']['application/json'];
export type CreateSnapshotInput = NonNullable<
  paths['/api/v1/snapshots/']['post']['requestBody']
>['content']['application/json'];
export type RestoreResult =
  paths['/api/v1/snapshots/{snapshot_id}/restore/']['post']['responses'][200]['content']['application/json'];
export type ServerList = paths['/api/v1/servers/']['get']['responses'][200]['content']['application/json'];
export type Server = ServerList['results'][number];
export type ActionList = paths['/api/v1/actions/']['get']['responses'][200]['content']['application/json'];
export type Action = ActionList['results'][number];

export interface ApiClientOptions {
  /** The service's root, e.g. `http://127.0.0.1:8000` (the paths carry `/api/v1/`). */
  baseUrl: string;
  token: string;
  fetch?: (input: Request) => Promise<Response>;
  /** Sent with every call, e.g. `Accept-Language: ps` for error sentences in Pashto. */
  headers?: Record<string, string>;
}

export interface PageOptions {
  page?: number;
  pageSize?: number;
}

/** A key for a create or restore: retried with the same key, the request does its work at most once. */
export interface IdempotencyOptions {
  idempotencyKey?: string;
}

/** What openapi-fetch answers: data on success, else the error body; the response either way. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function unwrap<T>({ data, error, response }: Answer<T>): T {
  if (!response.ok) throw apiErrorOf(response, error);
  return data as T;
}

const keyHeader = (options: IdempotencyOptions) =>
  options.idempotencyKey === undefined ? {} : { 'Idempotency-Key': options.idempotencyKey };

/** The Snapshots API, typed from its own OpenAPI document; each helper throws an ApiError on failure. */
export function createApiClient(options: ApiClientOptions) {
  const raw: Client<paths> = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { ...options.headers, Authorization: `Bearer ${options.token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const page = (p: PageOptions) => ({
    ...(p.page === undefined ? {} : { page: p.page }),
    ...(p.pageSize === undefined ? {} : { page_size: p.pageSize }),
  });
  const snapshotPath = (id: number) => ({ params: { path: { snapshot_id: id } } });
  const serverPath = (id: number) => ({ params: { path: { server_id: id } } });

  return {
    /** The openapi-fetch client itself, for calls the helpers do not cover. */
    raw,
    async listSnapshots(query: { serverId?: number } & PageOptions = {}): Promise<SnapshotList> {
      const filter = query.serverId === undefined ? {} : { server_id: query.serverId };
      return unwrap(
        await raw.GET('/api/v1/snapshots/', { params: { query: { ...filter, ...page(query) } } }),
      );
    },
    async getSnapshot(id: number): Promise<Snapshot> {
      return unwrap(await raw.GET('/api/v1/snapshots/{snapshot_id}/', snapshotPath(id)));
    },
    async createSnapshot(
      input: CreateSnapshotInput,
      options: IdempotencyOptions = {},
    ): Promise<CreatedSnapshot> {
      return unwrap(
        await raw.POST('/api/v1/snapshots/', { body: input, params: { header: keyHeader(options) } }),
      );
    },
    async restoreSnapshot(id: number, options: IdempotencyOptions = {}): Promise<RestoreResult> {
      return unwrap(
        await raw.POST('/api/v1/snapshots/{snapshot_id}/restore/', {
          params: { path: { snapshot_id: id }, header: keyHeader(options) },
        }),
      );
    },
    /** Deletes at once for the caller; the action it answers frees the snapshot's data. */
    async deleteSnapshot(id: number): Promise<{ actionId: number | null }> {
      const answer = await raw.DELETE('/api/v1/snapshots/{snapshot_id}/', snapshotPath(id));
      unwrap(answer);
      const location = answer.response.headers.get('Location') ?? '';
      const actionId = /\/actions\/(\d+)\/$/.exec(location)?.[1];
      return { actionId: actionId === undefined ? null : Number(actionId) };
    },
    async listServers(query: PageOptions = {}): Promise<ServerList> {
      return unwrap(await raw.GET('/api/v1/servers/', { params: { query: page(query) } }));
    },
    async getServer(id: number): Promise<Server> {
      return unwrap(await raw.GET('/api/v1/servers/{server_id}/', serverPath(id)));
    },
    async stopServer(id: number): Promise<Server> {
      return unwrap(await raw.POST('/api/v1/servers/{server_id}/stop/', serverPath(id)));
    },
    async startServer(id: number): Promise<Server> {
      return unwrap(await raw.POST('/api/v1/servers/{server_id}/start/', serverPath(id)));
    },
    /** An action; with `waitSeconds` (up to 60) the answer comes when it finishes or the time is up. */
    async getAction(id: number, options: { waitSeconds?: number } = {}): Promise<Action> {
      return unwrap(
        await raw.GET('/api/v1/actions/{action_id}/', {
          params: {
            path: { action_id: id },
            query: options.waitSeconds === undefined ? {} : { wait: options.waitSeconds },
          },
        }),
      );
    },
    async listActions(
      query: { serverId?: number; snapshotId?: number } & PageOptions = {},
    ): Promise<ActionList> {
      const filter = {
        ...(query.serverId === undefined ? {} : { server_id: query.serverId }),
        ...(query.snapshotId === undefined ? {} : { snapshot_id: query.snapshotId }),
      };
      return unwrap(await raw.GET('/api/v1/actions/', { params: { query: { ...filter, ...page(query) } } }));
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
