/**
 * Idempotency-Key on create and restore, over real HTTP against the real app, worker and database: a retry
 * with the same key gets the first answer again and does no work twice, even when the retries race; the
 * same key with another request is a 409; a failed request is not remembered; keys are per account.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, type InProcessService, makeAccount, startInProcess } from '../helpers/service.ts';
import {
  addServer,
  createSnapshot,
  expectErrorBody,
  type Json,
  settledServer,
  settledSnapshot,
} from './fixtures/api.ts';

let service: InProcessService;
let url: string;
let token: string;

beforeAll(async () => {
  service = await startInProcess();
  url = service.url;
  token = await makeAccount(service, 'alice');
});
afterAll(async () => {
  await service?.stop();
});

const keyed = (key: string) => ({ 'Idempotency-Key': key });
const postSnapshot = (body: object, key: string, as = token) =>
  call(url, as, 'POST', '/api/v1/snapshots/', body, keyed(key));
const postRestore = (path: string, key: string) => call(url, token, 'POST', path, undefined, keyed(key));
let keys = 0;
const newKey = () => `key-${process.pid}-${++keys}`;

async function snapshotsOf(serverId: number, as = token): Promise<Json[]> {
  const answer = await call(url, as, 'GET', `/api/v1/snapshots/?server_id=${serverId}`);
  expect(answer.status).toBe(200);
  return answer.body.results;
}

async function actionsOf(query: string): Promise<Json[]> {
  const answer = await call(url, token, 'GET', `/api/v1/actions/?${query}`);
  expect(answer.status).toBe(200);
  return answer.body.results;
}

describe('create', () => {
  test('a retry with the same key answers the first answer, marked as a replay, and takes one snapshot', async () => {
    const server = await addServer(service, 'alice');
    const key = newKey();
    const body = { server_id: server.id, name: 'once', description: 'only one' };
    const first = await postSnapshot(body, key);
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    await settledSnapshot(url, token, first.body.id);

    const again = await postSnapshot(body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.body, 'the first answer, though the snapshot has completed since').toEqual(first.body);
    expect(again.body.status).toBe('in_progress');

    const snapshots = await snapshotsOf(server.id);
    expect(snapshots.map((s) => s.id)).toEqual([first.body.id]);
    expect(snapshots[0].status).toBe('completed');
    expect((await actionsOf(`server_id=${server.id}`)).length, 'one capture ran').toBe(1);
  });

  test('retries racing each other still take one snapshot', async () => {
    const server = await addServer(service, 'alice');
    const key = newKey();
    const body = { server_id: server.id, name: 'raced' };
    const answers = await Promise.all(Array.from({ length: 12 }, () => postSnapshot(body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.action_id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length).toBe(11);
    expect((await snapshotsOf(server.id)).length).toBe(1);
  });

  test('the same key with another body is a 409 that changes nothing', async () => {
    const server = await addServer(service, 'alice');
    const key = newKey();
    const first = await postSnapshot({ server_id: server.id, name: 'a' }, key);
    expect(first.status).toBe(201);
    for (const other of [
      { server_id: server.id, name: 'b' },
      { server_id: server.id, name: 'a', description: 'now with words' },
    ]) {
      const answer = await postSnapshot(other, key);
      expectErrorBody(answer, 409, 'idempotency_key_reused');
    }
    const pashto = await call(
      url,
      token,
      'POST',
      '/api/v1/snapshots/',
      { server_id: server.id, name: 'b' },
      {
        ...keyed(key),
        'Accept-Language': 'ps',
      },
    );
    expectErrorBody(pashto, 409, 'idempotency_key_reused');
    expect(pashto.body.detail).toMatch(/[\u0600-\u06ff]/);
    expect((await snapshotsOf(server.id)).map((s) => s.id)).toEqual([first.body.id]);
  });

  test('a request that failed is not remembered: the same key works once the cause is gone', async () => {
    const server = await addServer(service, 'alice');
    const made: Json[] = [];
    for (let i = 0; i < 5; i++) made.push(await createSnapshot(url, token, server.id, `fill-${i}`));
    const key = newKey();
    const body = { server_id: server.id, name: 'sixth' };
    const refused = await postSnapshot(body, key);
    expectErrorBody(refused, 400, 'snapshot_limit_reached');
    expect((await call(url, token, 'DELETE', `/api/v1/snapshots/${made[0].id}/`)).status).toBe(204);
    const accepted = await postSnapshot(body, key);
    expect(accepted.status, accepted.text).toBe(201);
    expect(accepted.headers.get('idempotent-replayed')).toBeNull();
  });

  test('keys belong to an account: another account’s same key is its own', async () => {
    const key = newKey();
    const bob = await makeAccount(service, 'bob');
    const mine = await addServer(service, 'alice');
    const theirs = await addServer(service, 'bob');
    const a = await postSnapshot({ server_id: mine.id, name: 'x' }, key);
    const b = await postSnapshot({ server_id: theirs.id, name: 'y' }, key, bob);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.server.id).toBe(theirs.id);
  });

  test('a key sent as a quoted string (RFC 8941) is the same key; a bad key is a 400 naming the header', async () => {
    const server = await addServer(service, 'alice');
    const key = newKey();
    const body = { server_id: server.id, name: 'quoted' };
    const plain = await postSnapshot(body, key);
    const quoted = await postSnapshot(body, `"${key}"`);
    expect(quoted.headers.get('idempotent-replayed')).toBe('true');
    expect(quoted.body.id).toBe(plain.body.id);
    for (const bad of ['x'.repeat(256), 'é-not-ascii']) {
      const answer = await postSnapshot(body, bad);
      expectErrorBody(answer, 400, 'invalid_request', ['idempotency-key']);
    }
    expect((await snapshotsOf(server.id)).length).toBe(1);
  });
});

describe('restore', () => {
  test('a retry with the same key restores once and answers the first answer', async () => {
    const server = await addServer(service, 'alice');
    const snapshot = await createSnapshot(url, token, server.id, 'golden');
    await settledSnapshot(url, token, snapshot.id);
    const key = newKey();
    const path = `/api/v1/snapshots/${snapshot.id}/restore/`;
    const first = await postRestore(path, key);
    expect(first.status, first.text).toBe(200);
    await settledServer(url, token, server.id);
    const again = await postRestore(path, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const restores = (await actionsOf(`snapshot_id=${snapshot.id}`)).filter(
      (a) => a.type === 'restore_snapshot',
    );
    expect(restores.map((a) => a.id)).toEqual([first.body.action_id]);
    const now = await call(url, token, 'GET', `/api/v1/servers/${server.id}/`);
    expect(now.body.status, 'no second restore was started').toBe('running');
  });

  test('the key of a create cannot restore, nor the key of one restore another snapshot', async () => {
    const server = await addServer(service, 'alice');
    const key = newKey();
    const created = await postSnapshot({ server_id: server.id, name: 'k' }, key);
    await settledSnapshot(url, token, created.body.id);
    const crossed = await postRestore(`/api/v1/snapshots/${created.body.id}/restore/`, key);
    expectErrorBody(crossed, 409, 'idempotency_key_reused');
    const other = await createSnapshot(url, token, server.id, 'other');
    await settledSnapshot(url, token, other.id);
    const restoreKey = newKey();
    const first = await postRestore(`/api/v1/snapshots/${created.body.id}/restore/`, restoreKey);
    expect(first.status).toBe(200);
    await settledServer(url, token, server.id);
    const second = await postRestore(`/api/v1/snapshots/${other.id}/restore/`, restoreKey);
    expectErrorBody(second, 409, 'idempotency_key_reused');
    const now = await call(url, token, 'GET', `/api/v1/servers/${server.id}/`);
    expect(now.body.status).toBe('running');
  });
});
