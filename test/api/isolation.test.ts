/**
 * Two accounts on one service. Account B must not be able to tell A's servers and snapshots from ids that
 * do not exist: the same status and the same body (apart from the id in the message) for every endpoint,
 * whatever state A's object is in, and A's objects are untouched afterwards.
 */
import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiAnswer,
  call,
  type InProcessService,
  makeAccount,
  sha256File,
  startInProcess,
} from '../helpers/service.ts';
import {
  addServer,
  createSnapshot,
  expectErrorBody,
  type Json,
  settledSnapshot,
  type TestServer,
} from './fixtures/api.ts';

let service: InProcessService;
let url: string;
let alice: string;
let bob: string;
let aServer: TestServer;
let aFull: TestServer;
let aBroken: TestServer;
let bServer: TestServer;
let aSnapshot: number;
let aFailed: number;
let bSnapshot: number;
let missingServer: number;
let missingSnapshot: number;

let aliceBefore: { snapshots: Json; servers: Json; disk: string };

async function aliceView() {
  return {
    snapshots: (await call(url, alice, 'GET', '/api/v1/snapshots/')).body,
    servers: (await call(url, alice, 'GET', '/api/v1/servers/')).body,
    disk: await sha256File(aServer.diskPath),
  };
}

beforeAll(async () => {
  service = await startInProcess({ VPS_JOB_MAX_ATTEMPTS: '1' });
  url = service.url;
  alice = await makeAccount(service, 'alice');
  bob = await makeAccount(service, 'bob');
  aServer = await addServer(service, 'alice', { name: 'alice-web' });
  aFull = await addServer(service, 'alice', { name: 'alice-full', dataBytes: 0 });
  aBroken = await addServer(service, 'alice', { name: 'alice-broken' });
  bServer = await addServer(service, 'bob', { name: 'bob-web' });

  aSnapshot = (await createSnapshot(url, alice, aServer.id, 'alice-snap', 'private')).id;
  for (let i = 0; i < 5; i++) await createSnapshot(url, alice, aFull.id, `full-${i}`);
  await rename(aBroken.diskPath, `${aBroken.diskPath}.away`);
  aFailed = (await createSnapshot(url, alice, aBroken.id, 'alice-failed')).id;
  bSnapshot = (await createSnapshot(url, bob, bServer.id, 'bob-snap')).id;

  const all = await call(url, alice, 'GET', '/api/v1/snapshots/');
  for (const snapshot of all.body.results) await settledSnapshot(url, alice, snapshot.id);
  expect((await settledSnapshot(url, alice, aFailed)).status).toBe('failed');
  await settledSnapshot(url, bob, bSnapshot);
  // Ids above every row of either account.
  missingServer = Math.max(aServer.id, aFull.id, aBroken.id, bServer.id) + 1000;
  missingSnapshot = Math.max(aSnapshot, aFailed, bSnapshot) + 1000;
  aliceBefore = await aliceView();
});

afterAll(async () => {
  await service?.stop();
});

/** Status, content type and body, with the one id the request named replaced by a placeholder. */
function normalised(answer: ApiAnswer, id: number) {
  const body = structuredClone(answer.body);
  if (body && typeof body.detail === 'string') body.detail = body.detail.replaceAll(String(id), '<id>');
  return { status: answer.status, type: answer.headers.get('content-type'), body };
}

async function expectSameAsMissing(
  request: (id: number) => Promise<ApiAnswer>,
  othersId: number,
  missingId: number,
  expectedStatus: number,
  expectedCode: string,
) {
  const others = await request(othersId);
  const missing = await request(missingId);
  expectErrorBody(missing, expectedStatus, expectedCode);
  expectErrorBody(others, expectedStatus, expectedCode);
  expect(normalised(others, othersId)).toEqual(normalised(missing, missingId));
  expect(others.headers.get('www-authenticate')).toBeNull();
}

describe("B asks for A's snapshots: answered exactly as for missing ones", () => {
  const cases: [string, (id: number) => string, string][] = [
    ['GET /snapshots/{id}/', (id) => `/api/v1/snapshots/${id}/`, 'GET'],
    ['POST /snapshots/{id}/restore/', (id) => `/api/v1/snapshots/${id}/restore/`, 'POST'],
    ['DELETE /snapshots/{id}/', (id) => `/api/v1/snapshots/${id}/`, 'DELETE'],
  ];

  test.each(cases)('%s of a completed snapshot of A → 404 like a missing id', async (_, path, method) => {
    await expectSameAsMissing(
      (id) => call(url, bob, method, path(id)),
      aSnapshot,
      missingSnapshot,
      404,
      'snapshot_not_found',
    );
  });

  test.each(cases)('%s of a failed snapshot of A → 404 like a missing id', async (_, path, method) => {
    await expectSameAsMissing(
      (id) => call(url, bob, method, path(id)),
      aFailed,
      missingSnapshot,
      404,
      'snapshot_not_found',
    );
  });

  test('the same without trailing slashes', async () => {
    for (const [, path, method] of cases) {
      await expectSameAsMissing(
        (id) => call(url, bob, method, path(id).replace(/\/$/, '')),
        aSnapshot,
        missingSnapshot,
        404,
        'snapshot_not_found',
      );
    }
  });
});

describe("B asks for A's servers: answered exactly as for missing ones", () => {
  const cases: [string, (id: number) => string, string][] = [
    ['GET /servers/{id}/', (id) => `/api/v1/servers/${id}/`, 'GET'],
    ['POST /servers/{id}/stop/', (id) => `/api/v1/servers/${id}/stop/`, 'POST'],
    ['POST /servers/{id}/start/', (id) => `/api/v1/servers/${id}/start/`, 'POST'],
  ];

  test.each(cases)('%s → 404 like a missing id', async (_, path, method) => {
    for (const server of [aServer, aFull, aBroken]) {
      await expectSameAsMissing(
        (id) => call(url, bob, method, path(id)),
        server.id,
        missingServer,
        404,
        'server_not_found',
      );
    }
  });

  test("POST /snapshots/ with A's server_id → 404 like a missing server (also when A's server is full)", async () => {
    for (const server of [aServer, aFull, aBroken]) {
      await expectSameAsMissing(
        (id) => call(url, bob, 'POST', '/api/v1/snapshots/', { server_id: id, name: 'intruder' }),
        server.id,
        missingServer,
        404,
        'server_not_found',
      );
    }
    // A's own view of the full server is the limit, so the 404 above is not the limit leaking through.
    expectErrorBody(
      await call(url, alice, 'POST', '/api/v1/snapshots/', { server_id: aFull.id, name: 'sixth' }),
      400,
      'snapshot_limit_reached',
    );
  });
});

describe("B's lists", () => {
  test("B's list filtered by A's server_id equals the list filtered by a server that does not exist", async () => {
    for (const server of [aServer, aFull, aBroken]) {
      const others = await call(url, bob, 'GET', `/api/v1/snapshots/?server_id=${server.id}`);
      const missing = await call(url, bob, 'GET', `/api/v1/snapshots/?server_id=${missingServer}`);
      expect(others.status).toBe(200);
      expect(others.body).toEqual(missing.body);
      expect(others.body).toEqual({ count: 0, next: null, previous: null, results: [] });
      const paged = await call(url, bob, 'GET', `/api/v1/snapshots/?server_id=${server.id}&page_size=1`);
      expect(paged.body.count).toBe(0);
      expect(paged.body.results).toEqual([]);
    }
  });

  test('B sees only its own snapshots and servers', async () => {
    const snapshots = await call(url, bob, 'GET', '/api/v1/snapshots/');
    expect(snapshots.body.count).toBe(1);
    expect(snapshots.body.results.map((s: { id: number }) => s.id)).toEqual([bSnapshot]);
    expect(snapshots.body.results[0].server).toEqual({ id: bServer.id, name: 'bob-web' });
    const servers = await call(url, bob, 'GET', '/api/v1/servers/');
    expect(servers.body.count).toBe(1);
    expect(servers.body.results.map((s: { id: number }) => s.id)).toEqual([bServer.id]);
    const own = await call(url, bob, 'GET', `/api/v1/snapshots/?server_id=${bServer.id}`);
    expect(own.body.count).toBe(1);
  });

  test('A does not see B’s objects either', async () => {
    const snapshots = await call(url, alice, 'GET', '/api/v1/snapshots/');
    expect(snapshots.body.results.map((s: { id: number }) => s.id)).not.toContain(bSnapshot);
    expect((await call(url, alice, 'GET', `/api/v1/snapshots/${bSnapshot}/`)).status).toBe(404);
    expect((await call(url, alice, 'GET', `/api/v1/servers/${bServer.id}/`)).status).toBe(404);
  });
});

describe("A's objects afterwards", () => {
  test('unchanged: the same lists, the same disk, servers still running; A can still use them', async () => {
    const after = await aliceView();
    expect(after.snapshots).toEqual(aliceBefore.snapshots);
    expect(after.servers).toEqual(aliceBefore.servers);
    expect(after.disk).toBe(aliceBefore.disk);
    for (const server of after.servers.results) expect(server.status).toBe('running');
    const snapshot = await call(url, alice, 'GET', `/api/v1/snapshots/${aSnapshot}/`);
    expect(snapshot.body).toMatchObject({ status: 'completed', name: 'alice-snap', description: 'private' });
    const full = await call(url, alice, 'GET', `/api/v1/snapshots/?server_id=${aFull.id}`);
    expect(full.body.count).toBe(5);
    expect(full.body.results.some((s: { name: string }) => s.name === 'intruder')).toBe(false);
    const bobs = await call(url, bob, 'GET', '/api/v1/snapshots/');
    expect(bobs.body.results.some((s: { name: string }) => s.name === 'intruder')).toBe(false);
  });
});
