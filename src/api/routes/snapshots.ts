import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { CREATE_MESSAGE, RESTORE_MESSAGE } from '../../domain/rules.ts';
import type { SnapshotService } from '../../domain/snapshot-service.ts';
import { callerOf } from '../auth.ts';
import { languageOf } from '../i18n/index.ts';
import {
  CreatedSnapshot,
  CreateSnapshotBody,
  Deleted,
  errorResponses,
  IdempotencyHeaders,
  idempotentResponses,
  PAGE_SIZE_DEFAULT,
  RestoreResult,
  Snapshot,
  SnapshotList,
  SnapshotListQuery,
  SnapshotParams,
} from '../schemas.ts';
import { actionLocation, snapshotBody, snapshotBodyIn, timestamp } from '../serializers.ts';
import { pageBody } from './page-body.ts';

/** The key the client sent, unquoted if it came as a structured-field string (`"…"`). */
function idempotencyOf(header: string | string[] | undefined): { idempotencyKey?: string } {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return {};
  const quoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"');
  return { idempotencyKey: quoted ? value.slice(1, -1) : value };
}

/** The headers of a create or restore: where to follow its action, and whether this is a replay. */
function answered(reply: FastifyReply, result: { actionId: number; replayed: boolean }): FastifyReply {
  reply.header('Location', actionLocation(result.actionId));
  if (result.replayed) reply.header('Idempotent-Replayed', 'true');
  return reply;
}

export const snapshotRoutes: FastifyPluginAsyncTypebox<{ snapshots: SnapshotService }> = async (
  app,
  { snapshots },
) => {
  app.get(
    '/snapshots/',
    {
      schema: {
        operationId: 'listSnapshots',
        summary: 'List all snapshots',
        description: 'Get a list of all snapshots on your servers, newest first.',
        tags: ['snapshots'],
        querystring: SnapshotListQuery,
        response: { 200: SnapshotList, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { server_id, page = 1, page_size = PAGE_SIZE_DEFAULT } = request.query;
      const result = await snapshots.list(callerOf(request).accountId, {
        ...(server_id === undefined ? {} : { serverId: server_id }),
        page,
        pageSize: page_size,
      });
      const language = languageOf(reply);
      return pageBody(request, { page, pageSize: page_size }, result, (s) => snapshotBodyIn(s, language));
    },
  );

  app.post(
    '/snapshots/',
    {
      schema: {
        operationId: 'createSnapshot',
        summary: 'Create a snapshot',
        description:
          "Create a snapshot of a server's current state. Snapshots are point-in-time copies of the entire server. " +
          'At most 5 snapshots per server. Creating a snapshot while the server is running may result in ' +
          'filesystem inconsistencies; for best results, stop the server first.',
        tags: ['snapshots'],
        headers: IdempotencyHeaders,
        body: CreateSnapshotBody,
        response: { 201: CreatedSnapshot, ...errorResponses, ...idempotentResponses },
      },
    },
    async (request, reply) => {
      const { server_id, name, description } = request.body;
      const created = await snapshots.create(
        callerOf(request).accountId,
        { serverId: server_id, name, description: description ?? null },
        idempotencyOf(request.headers['idempotency-key']),
      );
      return answered(reply.status(201), created).send({
        ...snapshotBody(created.snapshot),
        message: CREATE_MESSAGE,
        action_id: created.actionId,
      });
    },
  );

  app.get(
    '/snapshots/:snapshot_id/',
    {
      schema: {
        operationId: 'getSnapshot',
        summary: 'Get a snapshot',
        tags: ['snapshots'],
        params: SnapshotParams,
        response: { 200: Snapshot, ...errorResponses },
      },
    },
    async (request, reply) =>
      snapshotBodyIn(
        await snapshots.get(callerOf(request).accountId, request.params.snapshot_id),
        languageOf(reply),
      ),
  );

  app.post(
    '/snapshots/:snapshot_id/restore/',
    {
      schema: {
        operationId: 'restoreSnapshot',
        summary: 'Restore from a snapshot',
        description:
          'Restore a server to the state captured in a snapshot. This will overwrite all current data on the ' +
          'server and cannot be undone. The server is stopped automatically before restoration begins.',
        tags: ['snapshots'],
        headers: IdempotencyHeaders,
        params: SnapshotParams,
        response: { 200: RestoreResult, ...errorResponses, ...idempotentResponses },
      },
    },
    async (request, reply) => {
      const restoring = await snapshots.restore(
        callerOf(request).accountId,
        request.params.snapshot_id,
        idempotencyOf(request.headers['idempotency-key']),
      );
      const { snapshot, server } = restoring;
      return answered(reply, restoring).send({
        status: 'success' as const,
        message: RESTORE_MESSAGE,
        snapshot: { id: snapshot.id, name: snapshot.name, created_at: timestamp(snapshot.createdAt) },
        server: { id: server.id, name: server.name, status: server.status },
        action_id: restoring.actionId,
      });
    },
  );

  app.delete(
    '/snapshots/:snapshot_id/',
    {
      schema: {
        operationId: 'deleteSnapshot',
        summary: 'Delete a snapshot',
        description: 'Permanently delete a snapshot. This action cannot be undone.',
        tags: ['snapshots'],
        params: SnapshotParams,
        response: { 204: Deleted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { actionId } = await snapshots.delete(callerOf(request).accountId, request.params.snapshot_id);
      return reply.status(204).header('Location', actionLocation(actionId)).send(null);
    },
  );
};
