import swagger from '@fastify/swagger';
import swaggerUi, { type FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_TOKEN_KEY } from '../web/console-token.ts';
import { DOCS_CSP } from './security-headers.ts';

const DESCRIPTION = `Manage point-in-time snapshots of your servers for quick recovery. A snapshot holds the server's
whole disk; restoring one makes the disk byte-identical to it.

Every call needs \`Authorization: Bearer <token>\`. Errors are JSON \`{"detail", "code"}\`, with \`errors\`
per field for invalid input. Another account's snapshot or server answers exactly like a missing one (404).
At most 5 snapshots per server.

Send \`Accept-Language: ps\` for error sentences in Pashto; \`code\` is the same in every language. Each token
may make a limited number of requests a minute (1200 unless the operator set otherwise): every answer says where
it stands in \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\`, and past the limit the answer
is 429 \`rate_limited\` with \`Retry-After\`.

Creating, restoring and deleting a snapshot each start an action, named in the answer's \`action_id\` (create,
restore) and its \`Location\` header (all three). \`GET /api/v1/actions/{id}/?wait=30\` answers as soon as the
action has finished (or after 30 seconds), so a client need not poll. Send an \`Idempotency-Key\` with a create
or restore to make retrying it safe: the same key within 24 hours answers the first answer again and does no
work twice.`;

/**
 * "Try it out" sends the token of the console signed in on this browser (the same origin's storage), unless
 * the reader authorised another under Authorize. swagger-ui's initializer script is generated with this
 * function's source in it, so it is written as browser source (no inline script: the CSP stays 'self').
 */
const useConsoleToken = new Function(
  'request',
  `var token = null;
  try { token = sessionStorage.getItem(${JSON.stringify(CONSOLE_TOKEN_KEY)}) || localStorage.getItem(${JSON.stringify(CONSOLE_TOKEN_KEY)}); } catch (e) {}
  if (token && !request.headers.Authorization) request.headers.Authorization = 'Bearer ' + token;
  return request;`,
) as NonNullable<NonNullable<FastifySwaggerUiOptions['uiConfig']>['requestInterceptor']>;

/**
 * The OpenAPI 3.1 document, generated from the same TypeBox schemas that validate requests and serialize
 * responses, served at /api/v1/openapi.json; and an interactive reference at /docs, served from the
 * installed package (no CDN), whose "Try it out" sends the token the reader enters under Authorize.
 * Must be registered before the routes it describes.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'VPS.org Snapshots API',
        version: '1.0.0',
        description: DESCRIPTION,
        license: { name: 'Proprietary', url: 'https://vps.org/terms' },
      },
      servers: [{ url: '/' }],
      tags: [
        { name: 'snapshots', description: 'Point-in-time copies of a server’s whole disk' },
        { name: 'servers', description: 'The servers snapshots are taken of' },
        {
          name: 'actions',
          description: 'Creates, restores and deletes as they run: follow one to its end, or wait for it',
        },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token: vps_…' },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    hideUntagged: true,
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      persistAuthorization: true,
      tryItOutEnabled: true,
      deepLinking: true,
      validatorUrl: null,
      requestInterceptor: useConsoleToken,
    },
    staticCSP: DOCS_CSP,
  });
}
