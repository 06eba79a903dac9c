import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ASSET_PREFIX, consoleBundle } from './build-console.ts';

/**
 * The console loads only its own files and talks only to this service: no inline script or style
 * attribute in markup (Preact sets styles through the CSSOM, which CSP does not govern), no framing.
 * It replaces helmet's `default-src 'none'` for these routes only; API answers keep theirs.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HASHED_NAME = /^[a-z]+-[A-Za-z0-9_-]{8,}\.(js|css|svg|js\.map|css\.map)$/;

function page(reply: FastifyReply): FastifyReply {
  return reply.header('Content-Security-Policy', CONSOLE_CSP);
}

/**
 * The customer web console: GET / is the page, always revalidated so a new deployment is picked up at
 * once; the files it names carry their content hash, so they are cached for a year and never refetched.
 */
export async function registerConsole(app: FastifyInstance): Promise<void> {
  let etag: { html: string; tag: string } | undefined;

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const { html } = await consoleBundle();
    if (etag?.html !== html)
      etag = { html, tag: `"${createHash('sha256').update(html).digest('hex').slice(0, 16)}"` };
    page(reply).header('Cache-Control', 'no-cache').header('ETag', etag.tag);
    if (request.headers['if-none-match'] === etag.tag) return reply.status(304).send();
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.get<{ Params: { file: string } }>(
    `${ASSET_PREFIX}:file`,
    { schema: { hide: true } },
    async (request, reply) => {
      const { file } = request.params;
      const asset = HASHED_NAME.test(file) ? (await consoleBundle()).assets.get(file) : undefined;
      // An old page asking for a file of an earlier build gets the API's own JSON 404, never cached.
      if (!asset) return reply.header('Cache-Control', 'no-store').callNotFound();
      return page(reply)
        .header('Cache-Control', 'public, max-age=31536000, immutable')
        .type(asset.contentType)
        .send(Buffer.from(asset.body.buffer, asset.body.byteOffset, asset.body.byteLength));
    },
  );
}
