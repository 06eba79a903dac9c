import type { FastifyRequest } from 'fastify';
import type { AccountService, Caller } from '../domain/account-service.ts';
import { errors } from '../domain/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/** Resolves `Authorization: Bearer <token>` to the caller's account, or leaves `caller` null. */
export function identify(accounts: AccountService) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    request.caller = match?.[1] ? await accounts.authenticate(match[1]) : null;
  };
}

/** Answers 401 to a request without a valid token, before its body is read. */
export async function requireCaller(request: FastifyRequest): Promise<void> {
  if (!request.caller) throw errors.notAuthenticated();
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw errors.notAuthenticated();
  return request.caller;
}
