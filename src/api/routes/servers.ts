import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerService } from '../../domain/server-service.ts';
import { callerOf } from '../auth.ts';
import {
  errorResponses,
  PAGE_SIZE_DEFAULT,
  PageQuery,
  Server,
  ServerList,
  ServerParams,
} from '../schemas.ts';
import { serverBody } from '../serializers.ts';
import { pageBody } from './page-body.ts';

export const serverRoutes: FastifyPluginAsyncTypebox<{ servers: ServerService }> = async (
  app,
  { servers },
) => {
  app.get(
    '/servers/',
    {
      schema: {
        operationId: 'listServers',
        summary: 'List your servers',
        tags: ['servers'],
        querystring: PageQuery,
        response: { 200: ServerList, ...errorResponses },
      },
    },
    async (request) => {
      const { page = 1, page_size = PAGE_SIZE_DEFAULT } = request.query;
      const result = await servers.list(callerOf(request).accountId, { page, pageSize: page_size });
      return pageBody(request, { page, pageSize: page_size }, result, serverBody);
    },
  );

  app.get(
    '/servers/:server_id/',
    {
      schema: {
        operationId: 'getServer',
        summary: 'Get a server',
        tags: ['servers'],
        params: ServerParams,
        response: { 200: Server, ...errorResponses },
      },
    },
    async (request) => serverBody(await servers.get(callerOf(request).accountId, request.params.server_id)),
  );

  for (const [action, power] of [
    ['stop', 'stopped'],
    ['start', 'running'],
  ] as const) {
    app.post(
      `/servers/:server_id/${action}/`,
      {
        schema: {
          operationId: action === 'stop' ? 'stopServer' : 'startServer',
          summary: action === 'stop' ? 'Power a server off' : 'Power a server on',
          description:
            action === 'stop'
              ? 'Stop the server, for example before taking a consistent snapshot.'
              : undefined,
          tags: ['servers'],
          params: ServerParams,
          response: { 200: Server, ...errorResponses },
        },
      },
      async (request) =>
        serverBody(await servers.setPower(callerOf(request).accountId, request.params.server_id, power)),
    );
  }
};
