/**
 * The page's limit of 5 snapshots per server, under concurrent requests: exactly five creations win,
 * the rest are told why; failed snapshots do not count; deleting one frees its slot.
 */
import { rename } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiAnswer,
  call,
  type InProcessService,
  makeAccount,
  startInProcess,
  waitFor,
} from '../helpers/service.ts';
import {
  addServer,
  createSnapshot,
  expectErrorBody,
  settledSnapshot,
  startWithoutWorker,
} from './fixtures/api.ts';

let service: InProcessService;
let url: string;
let token: string;

beforeAll(async () => {
  service = await startInProcess({ VPS_JOB_MAX_ATTEMPTS: '2' });
  url = service.url;
  token = await makeAccount(service, 'limits');
});

afterAll(async () => {
  await service?.stop();
});

function burst(serverId: number, n: number, prefix: string): Promise<ApiAnswer[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      call(url, token, 'POST', '/api/v1/snapshots/', { server_id: serverId, name: `${prefix}-${i}` }),
    ),
  );
}

const listOf = (serverId: number) => call(url, token, 'GET', `/api/v1/snapshots/?server_id=${serverId}`);

describe('at most 5 snapshots per server', () => {
  test('20 concurrent POST /snapshots/ on one server: exactly 5 × 201 and 15 × 400 snapshot_limit_reached', async () => {
    const server = await addServer(service, 'limits', { name: 'burst-server' });
    const answers = await burst(server.id, 20, 'burst');
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(5).fill(201), ...Array(15).fill(400)]);
    for (const answer of refused) {
      expectErrorBody(answer, 400, 'snapshot_limit_reached');
      expect(answer.body.detail).toContain(String(server.id));
    }
    const createdIds = created.map((a) => a.body.id as number);
    expect(new Set(createdIds).size).toBe(5);

    const list = await listOf(server.id);
    expect(list.body.count).toBe(5);
    expect(list.body.results).toHaveLength(5);
    expect(list.body.results.map((s: { id: number }) => s.id).sort()).toEqual([...createdIds].sort());
    for (const id of createdIds) expect((await settledSnapshot(url, token, id)).status).toBe('completed');
    expect((await listOf(server.id)).body.count).toBe(5);

    // Deleting one frees exactly one slot.
    const deleted = await call(url, token, 'DELETE', `/api/v1/snapshots/${createdIds[0]}/`);
    expect(deleted.status).toBe(204);
    const again = await burst(server.id, 6, 'refill');
    expect(again.map((a) => a.status).sort()).toEqual([201, 400, 400, 400, 400, 400]);
    for (const answer of again.filter((a) => a.status !== 201)) {
      expectErrorBody(answer, 400, 'snapshot_limit_reached');
    }
    expect((await listOf(server.id)).body.count).toBe(5);
  });

  test('the limit is per server: concurrent bursts on two servers give each exactly 5', async () => {
    const one = await addServer(service, 'limits', { name: 'pair-one', dataBytes: 0 });
    const two = await addServer(service, 'limits', { name: 'pair-two', dataBytes: 0 });
    const [a, b] = await Promise.all([burst(one.id, 10, 'pair'), burst(two.id, 10, 'pair')]);
    for (const answers of [a, b]) {
      expect(answers.filter((x) => x.status === 201)).toHaveLength(5);
      expect(answers.filter((x) => x.status === 400)).toHaveLength(5);
    }
    expect((await listOf(one.id)).body.count).toBe(5);
    expect((await listOf(two.id)).body.count).toBe(5);
  });

  test('a failed snapshot does not count; deleting it frees nothing; deleting a live one does', async () => {
    const server = await addServer(service, 'limits', { name: 'flaky-server' });
    await rename(server.diskPath, `${server.diskPath}.away`);
    const doomed = await createSnapshot(url, token, server.id, 'doomed');
    const failed = await waitFor('the capture of a missing disk to fail', async () => {
      const answer = await call(url, token, 'GET', `/api/v1/snapshots/${doomed.id}/`);
      return answer.body.status === 'failed' ? answer.body : null;
    });
    expect(typeof failed.failure_reason).toBe('string');
    expect(failed.failure_reason.length).toBeGreaterThan(0);
    expect(failed.size_mb).toBeNull();
    await rename(`${server.diskPath}.away`, server.diskPath);

    const answers = await burst(server.id, 8, 'after-failure');
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(3);
    for (const answer of answers.filter((a) => a.status === 400)) {
      expectErrorBody(answer, 400, 'snapshot_limit_reached');
    }
    const list = await listOf(server.id);
    expect(list.body.count, 'five live snapshots and the failed one').toBe(6);
    expect(list.body.results.filter((s: { status: string }) => s.status === 'failed')).toHaveLength(1);

    // Deleting the failed snapshot does not make room: it never took any.
    expect((await call(url, token, 'DELETE', `/api/v1/snapshots/${doomed.id}/`)).status).toBe(204);
    expectErrorBody(
      await call(url, token, 'POST', '/api/v1/snapshots/', { server_id: server.id, name: 'still-full' }),
      400,
      'snapshot_limit_reached',
    );

    const live = answers.find((a) => a.status === 201)!.body.id;
    expect((await call(url, token, 'DELETE', `/api/v1/snapshots/${live}/`)).status).toBe(204);
    await createSnapshot(url, token, server.id, 'freed-slot');
    expectErrorBody(
      await call(url, token, 'POST', '/api/v1/snapshots/', { server_id: server.id, name: 'over' }),
      400,
      'snapshot_limit_reached',
    );
    expect((await listOf(server.id)).body.count).toBe(5);
  });
});

describe('one restore at a time per server', () => {
  test('10 concurrent restores of one server: exactly one 200, nine 400 server_restoring', async () => {
    // Without a worker the first restore stays in progress, so the race is only between the requests.
    const idle = await startWithoutWorker();
    try {
      const owner = await makeAccount(idle, 'racer');
      const server = await addServer(idle, 'racer', { name: 'race-server' });
      const created = await createSnapshot(idle.url, owner, server.id, 'race-base');
      await idle.running.services.db
        .updateTable('snapshots')
        .set({ status: 'completed', progress: 100, size_mb: 1, completed_at: Date.now() })
        .where('id', '=', created.id)
        .execute();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          call(idle.url, owner, 'POST', `/api/v1/snapshots/${created.id}/restore/`),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(9).fill(400)]);
      for (const answer of answers.filter((a) => a.status === 400)) {
        expectErrorBody(answer, 400, 'server_restoring');
      }
      const jobs = await idle.running.services.db
        .selectFrom('jobs')
        .select('id')
        .where('type', '=', 'restore')
        .where('server_id', '=', server.id)
        .execute();
      expect(jobs, 'exactly one restore was queued').toHaveLength(1);
    } finally {
      await idle.stop();
    }
  });
});
