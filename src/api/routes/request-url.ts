import type { FastifyRequest } from 'fastify';

/** The URL the client asked for, as it would write it; used for the list's next and previous links. */
export function requestUrl(request: FastifyRequest): URL {
  return new URL(request.url, `${request.protocol}://${request.host}`);
}
