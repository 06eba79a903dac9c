import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * What the /docs page may load, all from this service (swagger-ui is served from the installed package,
 * with no inline scripts): its scripts, styles, images, and the OpenAPI document and "Try it out" calls.
 * No `upgrade-insecure-requests`, so a reference served over plain HTTP inside a network still loads.
 */
export const DOCS_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  // The one inline style swagger-ui renders: the colours of its logo's SVG, allowed by its hash only.
  'style-src': ["'self'", "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Helmet's security headers on every answer, with a CSP for JSON that allows nothing at all: an API
 * answer is never a page. The /docs routes replace it with DOCS_CSP (swagger-ui's `staticCSP`).
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
}
