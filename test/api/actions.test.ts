/**
 * Actions over real HTTP: every create, restore and delete names the action doing its work (a field and a
 * Location header), GET /actions/{id}/ follows it to its end, `?wait=N` holds the answer until it has
 * finished, failures say why in the caller's language, and another account's actions do not exist.
 */
import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createWorker } from '../../src/main.ts';
import { patchFile, seededBytes } from '../helpers/disk-images.ts';
import { call, type InProcessService, makeAccount, sha256File, startInProcess } from '../helpers/service.ts';
import {
  addServer,
  createSnapshot,
  expectErrorBody,
  type Json,
  MiB,
  settledSnapshot,
  startWithoutWorker,
  TIMESTAMP,
} from './fixtures/api.ts';

const ACTION_KEYS = [
  'created_at',
  'error',
  'finished_at',
  'id',
  'progress',
  'server_id',
  'snapshot_id',
  'started_at',
  'status',
  'type',
];

/** Follows the Location header of an answer, with a long poll. */
async function follow(url: string, token: string, location: string | null, wait = 30): Promise<Json> {
  expect(location).toMatch(/^\/api\/v1\/actions\/\d+\/$/);
  const answer = await call(url, token, 'GET', `${location}?wait=${wait}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

describe('with a worker', () => {
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

  test('create, restore and delete each name their action; a long poll answers once it has finished', async () => {
    const server = await addServer(service, 'alice', { sizeBytes: 16 * MiB, dataBytes: 4 * MiB });
    const original = await sha256File(server.diskPath);

    const created = await call(url, token, 'POST', '/api/v1/snapshots/', {
      server_id: server.id,
      name: 'followed',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/actions/${created.body.action_id}/`);
    const capture = await follow(url, token, created.headers.get('location'));
    expect(Object.keys(capture).sort()).toEqual(ACTION_KEYS);
    expect(capture).toMatchObject({
      id: created.body.action_id,
      type: 'create_snapshot',
      status: 'completed',
      progress: 100,
      snapshot_id: created.body.id,
      server_id: server.id,
      error: null,
    });
    for (const at of [capture.created_at, capture.started_at, capture.finished_at])
      expect(at).toMatch(TIMESTAMP);
    expect(Date.parse(capture.finished_at)).toBeGreaterThanOrEqual(Date.parse(capture.started_at));
    const snapshot = await call(url, token, 'GET', `/api/v1/snapshots/${created.body.id}/`);
    expect(snapshot.body.status, 'the action ends when the snapshot does').toBe('completed');

    await patchFile(server.diskPath, 0, seededBytes(77, 2 * MiB));
    const restored = await call(url, token, 'POST', `/api/v1/snapshots/${created.body.id}/restore/`);
    expect(restored.status, restored.text).toBe(200);
    const restore = await follow(url, token, restored.headers.get('location'));
    expect(restore).toMatchObject({
      id: restored.body.action_id,
      type: 'restore_snapshot',
      status: 'completed',
      snapshot_id: created.body.id,
      server_id: server.id,
      error: null,
    });
    expect(await sha256File(server.diskPath), 'completed means the disk is back').toBe(original);
    const after = await call(url, token, 'GET', `/api/v1/servers/${server.id}/`);
    expect(after.body.status).toBe('running');

    const deleted = await call(url, token, 'DELETE', `/api/v1/snapshots/${created.body.id}/`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const removal = await follow(url, token, deleted.headers.get('location'));
    expect(removal).toMatchObject({
      type: 'delete_snapshot',
      status: 'completed',
      snapshot_id: created.body.id,
      server_id: server.id,
    });

    const listed = await call(url, token, 'GET', `/api/v1/actions/?snapshot_id=${created.body.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.count).toBe(3);
    expect(listed.body.results.map((a: Json) => a.type)).toEqual([
      'delete_snapshot',
      'restore_snapshot',
      'create_snapshot',
    ]);
  });

  test('a failed action says why in words, in the caller’s language, without host paths', async () => {
    const server = await addServer(service, 'alice', { name: 'fails' });
    await rename(server.diskPath, `${server.diskPath}.away`);
    try {
      const created = await createSnapshot(url, token, server.id, 'doomed');
      expect((await settledSnapshot(url, token, created.id)).status).toBe('failed');
      const english = await call(url, token, 'GET', `/api/v1/actions/${created.action_id}/`);
      expect(english.body.status).toBe('failed');
      expect(english.body.error).toEqual({
        code: 'disk_unreadable',
        detail: "The snapshot could not be taken: the server's disk could not be read.",
      });
      expect(english.body.finished_at).toMatch(TIMESTAMP);
      expect(english.text).not.toContain(service.dataDir);
      const pashto = await call(url, token, 'GET', `/api/v1/actions/${created.action_id}/`, undefined, {
        'Accept-Language': 'ps-AF',
      });
      expect(pashto.body.error.code).toBe('disk_unreadable');
      expect(pashto.body.error.detail).toBe('سنیپ شاټ جوړ نه شو: د سرور ډیسک ونه لوستل شو.');
      expect(pashto.headers.get('vary')).toMatch(/Accept-Language/i);

      // The snapshot's own failure_reason says the same, in the same language.
      const path = `/api/v1/snapshots/${created.id}/`;
      const inEnglish = await call(url, token, 'GET', path);
      expect(inEnglish.body.failure_reason).toBe(english.body.error.detail);
      const inPashto = await call(url, token, 'GET', path, undefined, { 'Accept-Language': 'ps' });
      expect(inPashto.body.failure_reason).toBe(pashto.body.error.detail);
      expect(inPashto.headers.get('vary')).toMatch(/Accept-Language/i);
      const listed = await call(url, token, 'GET', `/api/v1/snapshots/?server_id=${server.id}`, undefined, {
        'Accept-Language': 'ps-AF, en;q=0.5',
      });
      expect(listed.body.results[0].failure_reason).toBe(pashto.body.error.detail);
    } finally {
      await rename(`${server.diskPath}.away`, server.diskPath);
    }
  });

  test('another account’s action answers exactly like one that does not exist, and is never listed', async () => {
    const server = await addServer(service, 'alice', { name: 'private' });
    const created = await createSnapshot(url, token, server.id, 'mine');
    const bob = await makeAccount(service, 'bob');
    const theirs = await call(url, bob, 'GET', `/api/v1/actions/${created.action_id}/`);
    const missing = await call(url, bob, 'GET', '/api/v1/actions/2000000000/');
    expectErrorBody(theirs, 404, 'action_not_found');
    expectErrorBody(missing, 404, 'action_not_found');
    expect(theirs.body.detail).toBe(`Action ${created.action_id} does not exist.`);
    const waited = await call(url, bob, 'GET', `/api/v1/actions/${created.action_id}/?wait=5`);
    expectErrorBody(waited, 404, 'action_not_found');
    const list = await call(url, bob, 'GET', '/api/v1/actions/');
    expect(list.body).toEqual({ count: 0, next: null, previous: null, results: [] });
    const byServer = await call(url, bob, 'GET', `/api/v1/actions/?server_id=${server.id}`);
    expect(byServer.body.count).toBe(0);
  });

  test('the list filters by server and pages newest first', async () => {
    const server = await addServer(service, 'alice', { name: 'busy' });
    const ids: number[] = [];
    for (const name of ['a', 'b', 'c'])
      ids.unshift((await createSnapshot(url, token, server.id, name)).action_id);
    const first = await call(url, token, 'GET', `/api/v1/actions/?server_id=${server.id}&page_size=2`);
    expect(first.body.count).toBe(3);
    expect(first.body.results.map((a: Json) => a.id)).toEqual(ids.slice(0, 2));
    expect(first.body.next).toContain('page=2');
    const second = await call(
      url,
      token,
      'GET',
      `/api/v1/actions/?server_id=${server.id}&page=2&page_size=2`,
    );
    expect(second.body.results.map((a: Json) => a.id)).toEqual(ids.slice(2));
  });

  test('bad input is a 400 that says which parameter', async () => {
    for (const query of ['wait=61', 'wait=-1', 'wait=abc', 'wait=1.5', 'wait=1e1']) {
      const answer = await call(url, token, 'GET', `/api/v1/actions/1/?${query}`);
      expectErrorBody(answer, 400, 'invalid_request', ['wait']);
    }
    expectErrorBody(await call(url, token, 'GET', '/api/v1/actions/0/'), 400, 'invalid_request', [
      'action_id',
    ]);
    expectErrorBody(await call(url, token, 'GET', '/api/v1/actions/x/'), 400, 'invalid_request', [
      'action_id',
    ]);
    expectErrorBody(await call(url, token, 'GET', '/api/v1/actions/2000000000/'), 404, 'action_not_found');
    expectErrorBody(await call(url, null, 'GET', '/api/v1/actions/1/'), 401, 'not_authenticated');
    expectErrorBody(await call(url, token, 'GET', '/api/v1/actions/?snapshot_id=0'), 400, 'invalid_request', [
      'snapshot_id',
    ]);
  });
});

describe('long polls while no worker runs', () => {
  let service: InProcessService;
  let url: string;
  let token: string;

  beforeAll(async () => {
    service = await startWithoutWorker();
    url = service.url;
    token = await makeAccount(service, 'carol');
  });
  afterAll(async () => {
    await service?.stop();
  });

  test('?wait=N answers with the action still in progress when the time is up', async () => {
    const server = await addServer(service, 'carol', { name: 'idle' });
    const created = await createSnapshot(url, token, server.id, 'queued');
    const started = Date.now();
    const answer = await call(url, token, 'GET', `/api/v1/actions/${created.action_id}/?wait=1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'in_progress',
      progress: 0,
      started_at: null,
      finished_at: null,
    });
    expect(Date.now() - started, 'the answer was held for the second asked').toBeGreaterThanOrEqual(900);
    const plain = await call(url, token, 'GET', `/api/v1/actions/${created.action_id}/`);
    expect(plain.body.status).toBe('in_progress');
  });

  test('a waiting request is answered when a worker finishes the action', async () => {
    const server = await addServer(service, 'carol', { name: 'later' });
    const created = await createSnapshot(url, token, server.id, 'later');
    const waiting = call(url, token, 'GET', `/api/v1/actions/${created.action_id}/?wait=60`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const worker = createWorker(service.running.services);
    worker.start();
    try {
      const answer = await waiting;
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'completed', progress: 100, error: null });
    } finally {
      await worker.stop();
    }
  });

  test('deleting a snapshot whose capture has not started cancels its action', async () => {
    const server = await addServer(service, 'carol', { name: 'cancelled' });
    const created = await createSnapshot(url, token, server.id, 'never');
    const waiting = call(url, token, 'GET', `/api/v1/actions/${created.action_id}/?wait=60`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const deleted = await call(url, token, 'DELETE', `/api/v1/snapshots/${created.id}/`);
    expect(deleted.status).toBe(204);
    const answer = await waiting;
    expect(answer.body).toMatchObject({ status: 'cancelled', error: null });
    expect(answer.body.finished_at).toMatch(TIMESTAMP);
    const removal = await call(url, token, 'GET', deleted.headers.get('location')!);
    expect(removal.body).toMatchObject({ type: 'delete_snapshot', status: 'in_progress' });
  });
});

test('stopping the service answers the requests still waiting instead of hanging', async () => {
  const service = await startWithoutWorker();
  const token = await makeAccount(service, 'dave');
  const server = await addServer(service, 'dave', { name: 'shutdown' });
  const created = await createSnapshot(service.url, token, server.id, 'pending');
  const waiting = call(service.url, token, 'GET', `/api/v1/actions/${created.action_id}/?wait=60`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  await service.stop();
  const answer = await waiting;
  expect(answer.status).toBe(200);
  expect(answer.body.status).toBe('in_progress');
  expect(Date.now() - started, 'the wait ended with the service, not after 60 s').toBeLessThan(30_000);
});
