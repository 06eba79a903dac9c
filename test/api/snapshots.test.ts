/**
 * The Snapshots API and the servers endpoints over real HTTP, against the real app, worker and SQLite
 * file: every status code the page lists for every endpoint, the list's order and pagination, the shape
 * of each answer, and what a snapshot and a restore really do to a server's disk.
 */
import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { patchFile, seededBytes } from '../helpers/disk-images.ts';
import {
  type ApiAnswer,
  call,
  type InProcessService,
  makeAccount,
  sha256File,
  startInProcess,
  vpsctl,
} from '../helpers/service.ts';
import {
  addServer,
  createSnapshot,
  expectErrorBody,
  type Json,
  MiB,
  SNAPSHOT_KEYS,
  settledServer,
  settledSnapshot,
  startWithoutWorker,
  TIMESTAMP,
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

const idsOf = (answer: ApiAnswer): number[] => answer.body.results.map((s: Json) => s.id);
const unusedId = 2_000_000_000;

/** Every route of the API, with ids that exist for the caller (or not: auth comes first either way). */
function routes(snapshotId: number, serverId: number) {
  return [
    { method: 'GET', path: '/api/v1/snapshots/' },
    { method: 'POST', path: '/api/v1/snapshots/', body: { server_id: serverId, name: 'auth-check' } },
    { method: 'GET', path: `/api/v1/snapshots/${snapshotId}/` },
    { method: 'POST', path: `/api/v1/snapshots/${snapshotId}/restore/` },
    { method: 'DELETE', path: `/api/v1/snapshots/${snapshotId}/` },
    { method: 'GET', path: '/api/v1/servers/' },
    { method: 'GET', path: `/api/v1/servers/${serverId}/` },
    { method: 'POST', path: `/api/v1/servers/${serverId}/stop/` },
    { method: 'POST', path: `/api/v1/servers/${serverId}/start/` },
  ] as const;
}

describe('401: missing, malformed, unknown or revoked token', () => {
  let serverId: number;
  let snapshotId: number;

  beforeAll(async () => {
    const server = await addServer(service, 'alice', { name: 'auth-server' });
    serverId = server.id;
    snapshotId = (await createSnapshot(url, token, serverId, 'auth-snap')).id;
    await settledSnapshot(url, token, snapshotId);
  });

  const malformed: [string, (token: string) => Record<string, string>][] = [
    ['no Authorization header', () => ({})],
    ['an empty Authorization header', () => ({ Authorization: '' })],
    ['"Bearer" with no token', () => ({ Authorization: 'Bearer' })],
    ['"Bearer " and spaces', () => ({ Authorization: 'Bearer    ' })],
    ['the token without the Bearer scheme', (t) => ({ Authorization: t })],
    ['the Basic scheme', (t) => ({ Authorization: `Basic ${Buffer.from(`${t}:`).toString('base64')}` })],
    ['the Token scheme', (t) => ({ Authorization: `Token ${t}` })],
    ['two tokens', (t) => ({ Authorization: `Bearer ${t} ${t}` })],
    ['a truncated token', (t) => ({ Authorization: `Bearer ${t.slice(0, -1)}` })],
    ['the token with a character appended', (t) => ({ Authorization: `Bearer ${t}x` })],
    ['an unknown token of the right shape', () => ({ Authorization: `Bearer vps_${'A'.repeat(43)}` })],
    ['the page placeholder', () => ({ Authorization: 'Bearer YOUR_API_TOKEN' })],
  ];

  test.each(malformed)(
    '%s → 401 on every endpoint, with WWW-Authenticate, changing nothing',
    async (_, header) => {
      const before = await call(url, token, 'GET', '/api/v1/snapshots/');
      const serversBefore = await call(url, token, 'GET', '/api/v1/servers/');
      for (const route of routes(snapshotId, serverId)) {
        const answer = await call(
          url,
          null,
          route.method,
          route.path,
          'body' in route ? route.body : undefined,
          {
            ...header(token),
          },
        );
        expectErrorBody(answer, 401, 'not_authenticated');
        expect(answer.headers.get('www-authenticate'), `${route.method} ${route.path}`).toMatch(/^Bearer\b/);
      }
      expect((await call(url, token, 'GET', '/api/v1/snapshots/')).body).toEqual(before.body);
      expect((await call(url, token, 'GET', '/api/v1/servers/')).body).toEqual(serversBefore.body);
    },
  );

  test('a revoked token → 401 at once, on every endpoint; the account’s other token still works', async () => {
    const { accounts } = service.running.services;
    const { token: second } = await accounts.createToken('alice');
    expect((await call(url, second, 'GET', '/api/v1/snapshots/')).status).toBe(200);
    const out = await vpsctl(service.dataDir, 'tokens', 'revoke', '--prefix', second.slice(0, 12));
    expect(out).toBe('revoked 1 token');
    for (const route of routes(snapshotId, serverId)) {
      const answer = await call(
        url,
        second,
        route.method,
        route.path,
        'body' in route ? route.body : undefined,
      );
      expectErrorBody(answer, 401, 'not_authenticated');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    }
    const snapshot = await call(url, token, 'GET', `/api/v1/snapshots/${snapshotId}/`);
    expect(snapshot.status).toBe(200);
    expect(snapshot.body.status).toBe('completed');
    const list = await call(url, token, 'GET', `/api/v1/snapshots/?server_id=${serverId}`);
    expect(idsOf(list)).toEqual([snapshotId]);
  });

  test('a token revoked through the AccountService → 401', async () => {
    const { accounts } = service.running.services;
    const issued = await accounts.createToken('alice');
    expect((await call(url, issued.token, 'GET', '/api/v1/servers/')).status).toBe(200);
    expect(await accounts.revokeToken({ id: issued.id })).toBe(1);
    expectErrorBody(await call(url, issued.token, 'GET', '/api/v1/servers/'), 401, 'not_authenticated');
  });
});

describe('POST /api/v1/snapshots/ — create', () => {
  let server: Awaited<ReturnType<typeof addServer>>;

  beforeAll(async () => {
    server = await addServer(service, 'alice', {
      name: 'create-server',
      sizeBytes: 16 * MiB,
      dataBytes: 4 * MiB,
    });
  });

  test('201 with the page’s fields; it completes with size_mb filled in and progress 100', async () => {
    const answer = await call(url, token, 'POST', '/api/v1/snapshots/', {
      server_id: server.id,
      name: 'before-update_01',
      description: 'Snapshot before system update',
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const created = answer.body;
    expect(Object.keys(created).sort()).toEqual([...SNAPSHOT_KEYS, 'message', 'action_id'].sort());
    expect(answer.headers.get('location')).toBe(`/api/v1/actions/${created.action_id}/`);
    expect(Number.isInteger(created.id)).toBe(true);
    expect(created.server).toEqual({ id: server.id, name: 'create-server' });
    expect(created.name).toBe('before-update_01');
    expect(created.description).toBe('Snapshot before system update');
    expect(created.size_mb).toBeNull();
    expect(created.created_at).toMatch(TIMESTAMP);
    expect(Math.abs(Date.parse(created.created_at) - Date.now())).toBeLessThan(60_000);
    expect(created.message).toBe(
      'Snapshot is being created. This may take 3-10 minutes depending on server size.',
    );
    expect(created.failure_reason).toBeNull();
    // A disk of this size captures in well under a second, so the answer may already see it done.
    expect(['in_progress', 'completed']).toContain(created.status);
    expect(Number.isInteger(created.progress)).toBe(true);

    const done = await settledSnapshot(url, token, created.id);
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(100);
    expect(done.size_mb, 'the disk holds 4 MiB of data').toBe(4);
    expect(done.failure_reason).toBeNull();
    expect(done.created_at).toBe(created.created_at);
    expect(done.name).toBe(created.name);
    expect(done.description).toBe(created.description);
  });

  test('201 without a description: it is null', async () => {
    const created = await createSnapshot(url, token, server.id, 'no-description');
    expect(created.description).toBeNull();
    const fetched = await call(url, token, 'GET', `/api/v1/snapshots/${created.id}/`);
    expect(fetched.body.description).toBeNull();
    const explicit = await call(url, token, 'POST', '/api/v1/snapshots/', {
      server_id: server.id,
      name: 'null-description',
      description: null,
    });
    expect(explicit.status, explicit.text).toBe(201);
    expect(explicit.body.description).toBeNull();
  });

  test('201 without the trailing slash: the body arrives', async () => {
    const answer = await call(url, token, 'POST', '/api/v1/snapshots', {
      server_id: server.id,
      name: 'no-trailing-slash',
      description: 'posted without the slash',
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.name).toBe('no-trailing-slash');
    expect(answer.body.description).toBe('posted without the slash');
    expect(answer.body.server.id).toBe(server.id);
  });

  test('400 for invalid parameters, with errors per field', async () => {
    const before = await call(url, token, 'GET', '/api/v1/snapshots/');
    const errors = expectErrorBody(
      await call(url, token, 'POST', '/api/v1/snapshots/', { server_id: 'x', name: 'bad name!' }),
      400,
      'invalid_request',
      ['server_id', 'name'],
    );
    expect(Object.keys(errors ?? {}).sort()).toEqual(['name', 'server_id']);
    expectErrorBody(
      await call(url, token, 'POST', '/api/v1/snapshots/', { name: 'x' }),
      400,
      'invalid_request',
      ['server_id'],
    );
    const after = await call(url, token, 'GET', '/api/v1/snapshots/');
    expect(after.body.count).toBe(before.body.count);
    expect(idsOf(after)).toEqual(idsOf(before));
  });

  test('404 when the server does not exist', async () => {
    const answer = await call(url, token, 'POST', '/api/v1/snapshots/', { server_id: unusedId, name: 'x' });
    expectErrorBody(answer, 404, 'server_not_found');
    expect(answer.body.detail).toContain(String(unusedId));
  });

  test('400 snapshot_limit_reached at the sixth snapshot of a server', async () => {
    const limited = await addServer(service, 'alice', { name: 'limit-server', dataBytes: 0 });
    for (let i = 0; i < 5; i++) await createSnapshot(url, token, limited.id, `limit-${i}`);
    const answer = await call(url, token, 'POST', '/api/v1/snapshots/', {
      server_id: limited.id,
      name: 'sixth',
    });
    expectErrorBody(answer, 400, 'snapshot_limit_reached');
    const list = await call(url, token, 'GET', `/api/v1/snapshots/?server_id=${limited.id}`);
    expect(list.body.count).toBe(5);
  });
});

describe('GET /api/v1/snapshots/ — list, newest first, paginated', () => {
  let pager: string;
  let first: Awaited<ReturnType<typeof addServer>>;
  let second: Awaited<ReturnType<typeof addServer>>;
  const names: string[] = [];
  const ids: number[] = [];

  beforeAll(async () => {
    pager = await makeAccount(service, 'pager');
    first = await addServer(service, 'pager', { name: 'pager-one', dataBytes: 0 });
    second = await addServer(service, 'pager', { name: 'pager-two', dataBytes: 0 });
    for (let i = 0; i < 7; i++) {
      const name = `page-snap-${i}`;
      const created = await createSnapshot(url, pager, i % 2 === 0 ? first.id : second.id, name);
      names.push(name);
      ids.push(created.id);
    }
    for (const id of ids) await settledSnapshot(url, pager, id);
  });

  test('200 {count, next, previous, results}, newest first, each in the snapshot shape', async () => {
    const answer = await call(url, pager, 'GET', '/api/v1/snapshots/');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(answer.body.count).toBe(7);
    expect(answer.body.next).toBeNull();
    expect(answer.body.previous).toBeNull();
    expect(idsOf(answer)).toEqual([...ids].reverse());
    expect(answer.body.results.map((s: Json) => s.name)).toEqual([...names].reverse());
    const times = answer.body.results.map((s: { created_at: string }) => Date.parse(s.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    for (const snapshot of answer.body.results) {
      expect(Object.keys(snapshot).sort()).toEqual(SNAPSHOT_KEYS);
      expect(snapshot.created_at).toMatch(TIMESTAMP);
      expect(snapshot.status).toBe('completed');
      expect(snapshot.progress).toBe(100);
      expect(Number.isInteger(snapshot.size_mb)).toBe(true);
      expect(snapshot.server.name).toBe(snapshot.server.id === first.id ? 'pager-one' : 'pager-two');
    }
  });

  test('server_id filters; count is what matches', async () => {
    const one = await call(url, pager, 'GET', `/api/v1/snapshots/?server_id=${first.id}`);
    expect(one.status).toBe(200);
    expect(one.body.count).toBe(4);
    expect(idsOf(one)).toEqual(ids.filter((_, i) => i % 2 === 0).reverse());
    const two = await call(url, pager, 'GET', `/api/v1/snapshots/?server_id=${second.id}`);
    expect(two.body.count).toBe(3);
    expect(idsOf(two)).toEqual(ids.filter((_, i) => i % 2 === 1).reverse());
    const none = await call(url, pager, 'GET', `/api/v1/snapshots/?server_id=${unusedId}`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  test('page/page_size paginate; count stays the total; next/previous link the neighbours', async () => {
    const newestFirst = [...ids].reverse();
    const page1 = await call(url, pager, 'GET', '/api/v1/snapshots/?page_size=3');
    expect(page1.status).toBe(200);
    expect(page1.body.count).toBe(7);
    expect(idsOf(page1)).toEqual(newestFirst.slice(0, 3));
    expect(page1.body.previous).toBeNull();
    expect(typeof page1.body.next).toBe('string');
    const next = new URL(page1.body.next);
    expect(next.origin).toBe(new URL(url).origin);
    expect(next.pathname).toBe('/api/v1/snapshots/');
    expect(next.searchParams.get('page')).toBe('2');
    expect(next.searchParams.get('page_size')).toBe('3');

    // Following `next` from the first page visits every snapshot once, in order.
    const seen: number[] = [];
    let link: string | null = `${url}/api/v1/snapshots/?page_size=3`;
    const pages: ApiAnswer[] = [];
    while (link) {
      const answer = await call(link, pager, 'GET', link);
      expect(answer.status).toBe(200);
      expect(answer.body.count).toBe(7);
      pages.push(answer);
      seen.push(...idsOf(answer));
      link = answer.body.next;
      expect(pages.length).toBeLessThan(10);
    }
    expect(pages.map((p) => p.body.results.length)).toEqual([3, 3, 1]);
    expect(seen).toEqual(newestFirst);
    expect(pages[2]?.body.next).toBeNull();
    const back = new URL(pages[2]?.body.previous);
    expect(back.searchParams.get('page')).toBe('2');
    const previous = await call(back.toString(), pager, 'GET', back.toString());
    expect(idsOf(previous)).toEqual(newestFirst.slice(3, 6));

    const page2 = await call(url, pager, 'GET', '/api/v1/snapshots/?page=2&page_size=3');
    expect(idsOf(page2)).toEqual(newestFirst.slice(3, 6));
    expect(new URL(page2.body.previous).searchParams.get('page')).toBe('1');
    expect(new URL(page2.body.next).searchParams.get('page')).toBe('3');

    const beyond = await call(url, pager, 'GET', '/api/v1/snapshots/?page=9&page_size=3');
    expect(beyond.status).toBe(200);
    expect(beyond.body.count).toBe(7);
    expect(beyond.body.results).toEqual([]);
    expect(beyond.body.next).toBeNull();
  });

  test('the filter survives in the page links', async () => {
    const answer = await call(url, pager, 'GET', `/api/v1/snapshots/?server_id=${first.id}&page_size=2`);
    expect(answer.body.count).toBe(4);
    expect(answer.body.results).toHaveLength(2);
    const next = new URL(answer.body.next);
    expect(next.searchParams.get('server_id')).toBe(String(first.id));
    const page2 = await call(next.toString(), pager, 'GET', next.toString());
    expect(page2.body.count).toBe(4);
    expect(idsOf(page2)).toEqual(
      ids
        .filter((_, i) => i % 2 === 0)
        .reverse()
        .slice(2, 4),
    );
    expect(page2.body.next).toBeNull();
  });

  test('without the trailing slash, and with an explicit Content-Type and no body', async () => {
    const plain = await call(url, pager, 'GET', '/api/v1/snapshots');
    expect(plain.status).toBe(200);
    expect(idsOf(plain)).toEqual([...ids].reverse());
    const filtered = await call(url, pager, 'GET', `/api/v1/snapshots?server_id=${second.id}`);
    expect(filtered.body.count).toBe(3);
    const charset = await call(url, pager, 'GET', '/api/v1/snapshots/', undefined, {
      'Content-Type': 'application/json; charset=utf-8',
    });
    expect(charset.status).toBe(200);
  });
});

describe('GET /api/v1/snapshots/{id}/ — one snapshot', () => {
  test('200 in the list item’s shape; the same without the trailing slash; 404 for an unknown id', async () => {
    const server = await addServer(service, 'alice', { name: 'get-server' });
    const created = await createSnapshot(url, token, server.id, 'get-me', 'one snapshot');
    const done = await settledSnapshot(url, token, created.id);
    const answer = await call(url, token, 'GET', `/api/v1/snapshots/${created.id}/`);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(SNAPSHOT_KEYS);
    expect(answer.body).toEqual(done);
    expect(answer.body).toMatchObject({
      id: created.id,
      server: { id: server.id, name: 'get-server' },
      name: 'get-me',
      description: 'one snapshot',
      status: 'completed',
      progress: 100,
      failure_reason: null,
    });
    const list = await call(url, token, 'GET', `/api/v1/snapshots/?server_id=${server.id}`);
    expect(list.body.results).toEqual([answer.body]);
    const bare = await call(url, token, 'GET', `/api/v1/snapshots/${created.id}`);
    expect(bare.status).toBe(200);
    expect(bare.body).toEqual(answer.body);
    const missing = await call(url, token, 'GET', `/api/v1/snapshots/${unusedId}/`);
    expectErrorBody(missing, 404, 'snapshot_not_found');
    expect(missing.body.detail).toContain(String(unusedId));
  });
});

describe('POST /api/v1/snapshots/{id}/restore/', () => {
  test('200 with the page’s body; the disk becomes byte-identical to the snapshot; running → running', async () => {
    const server = await addServer(service, 'alice', {
      name: 'restore-server',
      sizeBytes: 16 * MiB,
      dataBytes: 4 * MiB,
    });
    const original = await sha256File(server.diskPath);
    const created = await createSnapshot(url, token, server.id, 'golden');
    expect((await settledSnapshot(url, token, created.id)).status).toBe('completed');

    await patchFile(server.diskPath, 0, seededBytes(991, 2 * MiB));
    await patchFile(server.diskPath, 10 * MiB, seededBytes(992, 1 * MiB));
    expect(await sha256File(server.diskPath)).not.toBe(original);

    const answer = await call(url, token, 'POST', `/api/v1/snapshots/${created.id}/restore/`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      status: 'success',
      message: 'Server is being restored from snapshot. This may take 5-15 minutes.',
      snapshot: { id: created.id, name: 'golden', created_at: created.created_at },
      server: { id: server.id, name: 'restore-server', status: 'restoring' },
      action_id: expect.any(Number),
    });
    expect(answer.body.action_id).not.toBe(created.action_id);
    expect(answer.headers.get('location')).toBe(`/api/v1/actions/${answer.body.action_id}/`);
    const after = await settledServer(url, token, server.id);
    expect(after.status).toBe('running');
    expect(await sha256File(server.diskPath)).toBe(original);
    const still = await call(url, token, 'GET', `/api/v1/snapshots/${created.id}/`);
    expect(still.body.status, 'a restore leaves the snapshot in place').toBe('completed');
  });

  test('a stopped server stays stopped; no body, no slash and an empty body with Content-Type all work', async () => {
    const server = await addServer(service, 'alice', { name: 'restore-stopped' });
    const created = await createSnapshot(url, token, server.id, 'cold');
    await settledSnapshot(url, token, created.id);
    expect((await call(url, token, 'POST', `/api/v1/servers/${server.id}/stop/`)).body.status).toBe(
      'stopped',
    );

    const empty = await call(url, token, 'POST', `/api/v1/snapshots/${created.id}/restore/`, '');
    expect(empty.status, empty.text).toBe(200);
    expect(empty.body.server.status).toBe('restoring');
    expect((await settledServer(url, token, server.id)).status).toBe('stopped');

    const bare = await call(url, token, 'POST', `/api/v1/snapshots/${created.id}/restore`);
    expect(bare.status, bare.text).toBe(200);
    expect((await settledServer(url, token, server.id)).status).toBe('stopped');

    const objectBody = await call(url, token, 'POST', `/api/v1/snapshots/${created.id}/restore/`, {});
    expect(objectBody.status, objectBody.text).toBe(200);
    expect((await settledServer(url, token, server.id)).status).toBe('stopped');
  });

  test('400 snapshot_not_restorable for a failed snapshot', async () => {
    const server = await addServer(service, 'alice', { name: 'restore-failed' });
    await rename(server.diskPath, `${server.diskPath}.away`);
    const created = await createSnapshot(url, token, server.id, 'doomed');
    const failed = await settledSnapshot(url, token, created.id);
    expect(failed.status).toBe('failed');
    expect(typeof failed.failure_reason).toBe('string');
    expect(failed.failure_reason.length).toBeGreaterThan(0);
    expect(failed.size_mb).toBeNull();
    await rename(`${server.diskPath}.away`, server.diskPath);
    const answer = await call(url, token, 'POST', `/api/v1/snapshots/${created.id}/restore/`);
    expectErrorBody(answer, 400, 'snapshot_not_restorable');
    const after = await call(url, token, 'GET', `/api/v1/servers/${server.id}/`);
    expect(after.body.status).toBe('running');
  });

  test('404 for an unknown snapshot', async () => {
    const answer = await call(url, token, 'POST', `/api/v1/snapshots/${unusedId}/restore/`);
    expectErrorBody(answer, 404, 'snapshot_not_found');
  });
});

describe('DELETE /api/v1/snapshots/{id}/', () => {
  test('204 with no body; gone from GET and the list; a second delete is 404', async () => {
    const server = await addServer(service, 'alice', { name: 'delete-server' });
    const keep = await createSnapshot(url, token, server.id, 'keep');
    const drop = await createSnapshot(url, token, server.id, 'drop');
    await settledSnapshot(url, token, drop.id);
    const answer = await call(url, token, 'DELETE', `/api/v1/snapshots/${drop.id}/`);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expectErrorBody(
      await call(url, token, 'GET', `/api/v1/snapshots/${drop.id}/`),
      404,
      'snapshot_not_found',
    );
    const list = await call(url, token, 'GET', `/api/v1/snapshots/?server_id=${server.id}`);
    expect(idsOf(list)).toEqual([keep.id]);
    expect(list.body.count).toBe(1);
    expectErrorBody(
      await call(url, token, 'DELETE', `/api/v1/snapshots/${drop.id}/`),
      404,
      'snapshot_not_found',
    );
    expectErrorBody(
      await call(url, token, 'POST', `/api/v1/snapshots/${drop.id}/restore/`),
      404,
      'snapshot_not_found',
    );
  });

  test('204 without the trailing slash and with an empty JSON body, right after creation', async () => {
    const server = await addServer(service, 'alice', { name: 'delete-bare' });
    const one = await createSnapshot(url, token, server.id, 'one');
    const two = await createSnapshot(url, token, server.id, 'two');
    const bare = await call(url, token, 'DELETE', `/api/v1/snapshots/${one.id}`);
    expect(bare.status, bare.text).toBe(204);
    const empty = await call(url, token, 'DELETE', `/api/v1/snapshots/${two.id}/`, '');
    expect(empty.status, empty.text).toBe(204);
    const list = await call(url, token, 'GET', `/api/v1/snapshots/?server_id=${server.id}`);
    expect(list.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  test('404 for an unknown snapshot', async () => {
    expectErrorBody(
      await call(url, token, 'DELETE', `/api/v1/snapshots/${unusedId}/`),
      404,
      'snapshot_not_found',
    );
  });
});

describe('servers: GET /servers/, GET /servers/{id}/, POST stop/ and start/', () => {
  let owner: string;
  let one: Awaited<ReturnType<typeof addServer>>;
  let two: Awaited<ReturnType<typeof addServer>>;

  beforeAll(async () => {
    owner = await makeAccount(service, 'server-owner');
    one = await addServer(service, 'server-owner', { name: 'srv-one', sizeBytes: 16 * MiB });
    two = await addServer(service, 'server-owner', { name: 'srv-two', sizeBytes: 8 * MiB });
  });

  test('GET /servers/ lists the caller’s servers with count and links; page_size paginates', async () => {
    const answer = await call(url, owner, 'GET', '/api/v1/servers/');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['count', 'next', 'previous', 'results']);
    expect(answer.body.count).toBe(2);
    expect(answer.body.results).toHaveLength(2);
    const byId = new Map(answer.body.results.map((s: { id: number }) => [s.id, s]));
    for (const [server, size] of [
      [one, 16],
      [two, 8],
    ] as const) {
      const body = byId.get(server.id);
      expect(body).toEqual({
        id: server.id,
        name: server.name,
        status: 'running',
        disk_size_mb: size,
        created_at: expect.stringMatching(TIMESTAMP),
      });
    }
    const paged = await call(url, owner, 'GET', '/api/v1/servers/?page_size=1');
    expect(paged.body.count).toBe(2);
    expect(paged.body.results).toHaveLength(1);
    expect(new URL(paged.body.next).searchParams.get('page')).toBe('2');
    const page2 = await call(url, owner, 'GET', '/api/v1/servers/?page=2&page_size=1');
    expect(page2.body.results).toHaveLength(1);
    expect(page2.body.next).toBeNull();
    expect(page2.body.results[0].id).not.toBe(paged.body.results[0].id);
    const bare = await call(url, owner, 'GET', '/api/v1/servers');
    expect(bare.body).toEqual(answer.body);
  });

  test('GET /servers/{id}/ → 200, with or without the slash; 404 for an unknown id', async () => {
    const answer = await call(url, owner, 'GET', `/api/v1/servers/${one.id}/`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: one.id, name: 'srv-one', status: 'running', disk_size_mb: 16 });
    expect((await call(url, owner, 'GET', `/api/v1/servers/${one.id}`)).body).toEqual(answer.body);
    const missing = await call(url, owner, 'GET', `/api/v1/servers/${unusedId}/`);
    expectErrorBody(missing, 404, 'server_not_found');
  });

  test('stop/ and start/ change the status (and GET shows it); repeating one is harmless', async () => {
    const stopped = await call(url, owner, 'POST', `/api/v1/servers/${two.id}/stop/`);
    expect(stopped.status, stopped.text).toBe(200);
    expect(stopped.body).toMatchObject({ id: two.id, name: 'srv-two', status: 'stopped' });
    expect((await call(url, owner, 'GET', `/api/v1/servers/${two.id}/`)).body.status).toBe('stopped');
    const again = await call(url, owner, 'POST', `/api/v1/servers/${two.id}/stop`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('stopped');
    const started = await call(url, owner, 'POST', `/api/v1/servers/${two.id}/start`, '');
    expect(started.status, started.text).toBe(200);
    expect(started.body.status).toBe('running');
    expect((await call(url, owner, 'GET', `/api/v1/servers/${two.id}/`)).body.status).toBe('running');
    const startedAgain = await call(url, owner, 'POST', `/api/v1/servers/${two.id}/start/`);
    expect(startedAgain.body.status).toBe('running');
    expect((await call(url, owner, 'GET', `/api/v1/servers/${one.id}/`)).body.status).toBe('running');
  });

  test('stop/ and start/ of an unknown server → 404', async () => {
    for (const action of ['stop', 'start']) {
      expectErrorBody(
        await call(url, owner, 'POST', `/api/v1/servers/${unusedId}/${action}/`),
        404,
        'server_not_found',
      );
    }
  });

  test('a snapshot of a stopped server works, and the list shows the server by name', async () => {
    await call(url, owner, 'POST', `/api/v1/servers/${one.id}/stop/`);
    const created = await createSnapshot(url, owner, one.id, 'cold-snapshot');
    const done = await settledSnapshot(url, owner, created.id);
    expect(done.status).toBe('completed');
    expect(done.server).toEqual({ id: one.id, name: 'srv-one' });
    expect((await call(url, owner, 'GET', `/api/v1/servers/${one.id}/`)).body.status).toBe('stopped');
    await call(url, owner, 'POST', `/api/v1/servers/${one.id}/start/`);
  });
});

describe('trailing slash optional on every path', () => {
  test('each route answers the same with and without its trailing slash', async () => {
    const owner = await makeAccount(service, 'slashes');
    const server = await addServer(service, 'slashes', { name: 'slash-server' });
    for (const slash of ['/', '']) {
      const created = await call(url, owner, 'POST', `/api/v1/snapshots${slash}`, {
        server_id: server.id,
        name: `slash${slash ? '-yes' : '-no'}`,
      });
      expect(created.status, `POST /snapshots${slash} ${created.text}`).toBe(201);
      expect(created.body.name).toBe(`slash${slash ? '-yes' : '-no'}`);
      const id = created.body.id;
      await settledSnapshot(url, owner, id);
      const checks: [string, string, number][] = [
        ['GET', `/api/v1/snapshots${slash}`, 200],
        ['GET', `/api/v1/snapshots/${id}${slash}`, 200],
        ['GET', `/api/v1/servers${slash}`, 200],
        ['GET', `/api/v1/servers/${server.id}${slash}`, 200],
        ['POST', `/api/v1/servers/${server.id}/stop${slash}`, 200],
        ['POST', `/api/v1/servers/${server.id}/start${slash}`, 200],
        ['POST', `/api/v1/snapshots/${id}/restore${slash}`, 200],
      ];
      for (const [method, path, status] of checks) {
        const answer = await call(url, owner, method, path);
        expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(status);
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      }
      await settledServer(url, owner, server.id);
      const deleted = await call(url, owner, 'DELETE', `/api/v1/snapshots/${id}${slash}`);
      expect(deleted.status, `DELETE /snapshots/${id}${slash}`).toBe(204);
    }
    const list = await call(url, owner, 'GET', '/api/v1/snapshots/');
    expect(list.body.count).toBe(0);
  });
});

describe('states a worker would move on from (a service without a worker)', () => {
  let idle: InProcessService;
  let owner: string;

  beforeAll(async () => {
    idle = await startWithoutWorker();
    owner = await makeAccount(idle, 'idle');
  });

  afterAll(async () => {
    await idle?.stop();
  });

  test('400 snapshot_not_restorable for a snapshot still in progress', async () => {
    const server = await addServer(idle, 'idle', { name: 'idle-one' });
    const created = await createSnapshot(idle.url, owner, server.id, 'pending');
    expect(created.status).toBe('in_progress');
    expect(created.size_mb).toBeNull();
    expect(created.progress).toBe(0);
    const answer = await call(idle.url, owner, 'POST', `/api/v1/snapshots/${created.id}/restore/`);
    expectErrorBody(answer, 400, 'snapshot_not_restorable');
    expect(answer.body.detail).toContain('in progress');
    expect((await call(idle.url, owner, 'GET', `/api/v1/servers/${server.id}/`)).body.status).toBe('running');
    expect((await call(idle.url, owner, 'GET', `/api/v1/snapshots/${created.id}/`)).body.status).toBe(
      'in_progress',
    );
  });

  test('while a server is restoring: a second restore, a new snapshot, stop and start are 400', async () => {
    const server = await addServer(idle, 'idle', { name: 'idle-two' });
    const created = await createSnapshot(idle.url, owner, server.id, 'base');
    // Without a worker nothing completes it; mark it done the way the capture job would.
    const { db } = idle.running.services;
    await db
      .updateTable('snapshots')
      .set({ status: 'completed', progress: 100, size_mb: 1, completed_at: Date.now() })
      .where('id', '=', created.id)
      .execute();
    const restoring = await call(idle.url, owner, 'POST', `/api/v1/snapshots/${created.id}/restore/`);
    expect(restoring.status, restoring.text).toBe(200);
    expect(restoring.body.server.status).toBe('restoring');
    expect((await call(idle.url, owner, 'GET', `/api/v1/servers/${server.id}/`)).body.status).toBe(
      'restoring',
    );

    const before = await call(idle.url, owner, 'GET', '/api/v1/snapshots/');
    expectErrorBody(
      await call(idle.url, owner, 'POST', `/api/v1/snapshots/${created.id}/restore/`),
      400,
      'server_restoring',
    );
    expectErrorBody(
      await call(idle.url, owner, 'POST', '/api/v1/snapshots/', { server_id: server.id, name: 'during' }),
      400,
      'server_restoring',
    );
    for (const action of ['stop', 'start']) {
      expectErrorBody(
        await call(idle.url, owner, 'POST', `/api/v1/servers/${server.id}/${action}/`),
        400,
        'server_restoring',
      );
    }
    expect((await call(idle.url, owner, 'GET', '/api/v1/snapshots/')).body).toEqual(before.body);
    expect((await call(idle.url, owner, 'GET', `/api/v1/servers/${server.id}/`)).body.status).toBe(
      'restoring',
    );
  });
});
