import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '../../src/client/index.ts';
import { type InProcessService, makeAccount, startInProcess } from '../helpers/service.ts';

let service: InProcessService;
let token: string;

beforeAll(async () => {
  service = await startInProcess();
  token = await makeAccount(service, 'acme');
});

afterAll(async () => {
  await service?.stop();
});

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('createApiClient', () => {
  it('sends the token through the given fetch and returns the typed bodies', async () => {
    const seen: string[] = [];
    const client = createApiClient({
      baseUrl: `${service.url}/`,
      token,
      fetch: (request) => {
        seen.push(
          `${request.method} ${new URL(request.url).pathname} ${request.headers.get('authorization')}`,
        );
        return fetch(request);
      },
    });
    const servers = await client.listServers({ pageSize: 1 });
    expect(servers).toEqual({ count: 0, next: null, previous: null, results: [] });
    const snapshots = await client.listSnapshots();
    expect(snapshots.count).toBe(0);
    expect(seen).toEqual([`GET /api/v1/servers/ Bearer ${token}`, `GET /api/v1/snapshots/ Bearer ${token}`]);
  });

  it('throws an ApiError with the status, code, detail and field errors of the body', async () => {
    const client = createApiClient({ baseUrl: service.url, token });
    const invalid = await failure(client.createSnapshot({ server_id: 1, name: 'not valid!' }));
    expect(invalid.status).toBe(400);
    expect(invalid.code).toBe('invalid_request');
    expect(invalid.detail).toEqual(expect.any(String));
    expect(Object.keys(invalid.errors)).toContain('name');
    expect(invalid.message).toBe(`${invalid.detail} (invalid_request)`);

    const missing = await failure(client.getSnapshot(424242));
    expect(missing).toMatchObject({ status: 404, code: 'snapshot_not_found', errors: {} });
    expect((await failure(client.stopServer(424242))).status).toBe(404);
    expect((await failure(client.deleteSnapshot(424242))).status).toBe(404);

    const stranger = createApiClient({ baseUrl: service.url, token: 'vps_unknown' });
    expect(await failure(stranger.listServers())).toMatchObject({ status: 401, code: 'not_authenticated' });
  });
});
