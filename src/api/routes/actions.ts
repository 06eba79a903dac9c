import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { ActionService } from '../../domain/action-service.ts';
import { callerOf } from '../auth.ts';
import { languageOf } from '../i18n/index.ts';
import {
  Action,
  ActionList,
  ActionListQuery,
  ActionParams,
  ActionQuery,
  errorResponses,
  PAGE_SIZE_DEFAULT,
} from '../schemas.ts';
import { actionBody } from '../serializers.ts';
import { pageBody } from './page-body.ts';

/** Aborts when the client goes away before its answer is written: a long poll then stops waiting. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

export const actionRoutes: FastifyPluginAsyncTypebox<{ actions: ActionService }> = async (
  app,
  { actions },
) => {
  // A long poll must not hold the process open at shutdown: every wait answers with the action as it stands.
  app.addHook('preClose', (done) => {
    actions.releaseWaiters();
    done();
  });

  app.get(
    '/actions/',
    {
      schema: {
        operationId: 'listActions',
        summary: 'List actions',
        description:
          'The creates, restores and deletes of your snapshots, newest first, optionally of one server or one ' +
          'snapshot.',
        tags: ['actions'],
        querystring: ActionListQuery,
        response: { 200: ActionList, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { server_id, snapshot_id, page = 1, page_size = PAGE_SIZE_DEFAULT } = request.query;
      const result = await actions.list(callerOf(request).accountId, {
        ...(server_id === undefined ? {} : { serverId: server_id }),
        ...(snapshot_id === undefined ? {} : { snapshotId: snapshot_id }),
        page,
        pageSize: page_size,
      });
      const language = languageOf(reply)();
      return pageBody(request, { page, pageSize: page_size }, result, (action) =>
        actionBody(action, language),
      );
    },
  );

  app.get(
    '/actions/:action_id/',
    {
      schema: {
        operationId: 'getAction',
        summary: 'Get an action',
        description:
          'How a create, restore or delete is going. With `?wait=N` the answer is held until the action has ' +
          'finished or N seconds have passed, so a client need not poll.',
        tags: ['actions'],
        params: ActionParams,
        querystring: ActionQuery,
        response: { 200: Action, ...errorResponses },
      },
    },
    async (request, reply) => {
      const waitMs = (request.query.wait ?? 0) * 1000;
      const action = await actions.get(callerOf(request).accountId, request.params.action_id, {
        waitMs,
        ...(waitMs > 0 ? { signal: clientGone(reply) } : {}),
      });
      return actionBody(action, languageOf(reply)());
    },
  );
};
