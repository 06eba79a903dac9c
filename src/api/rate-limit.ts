import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../domain/errors.ts';

/** Whose budget a request spends: its token's, or, before a token is known, its address's. */
export function rateLimitKey(request: FastifyRequest): string {
  return request.caller ? `token:${request.caller.tokenId}` : `ip:${request.ip}`;
}

/**
 * At most `perMinute` requests per token per minute (0: no limit) on the routes registered after this
 * in `api`, with the IETF draft `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers
 * and `Retry-After` on a 429, whose body the error handler writes. Runs after the caller is identified
 * (an instance onRequest hook runs before this route-level one) and before a missing token is refused,
 * so token guessing is limited per address.
 */
export async function registerRateLimit(api: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await api.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) =>
      errors.rateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}
