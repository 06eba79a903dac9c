import { type ApiClient, ApiError, createApiClient } from '../../client/index.ts';
import type { Messages } from './i18n/en.ts';
import type { Lang } from './i18n/index.ts';
import type { Part } from './i18n/parts.ts';

export type { ApiClient };

/**
 * The typed client of the API on this same origin. Accept-Language makes the API write `detail` and the
 * field errors in the console's language; the token goes only to this origin.
 */
export function makeClient(token: string, lang: Lang): ApiClient {
  return createApiClient({ baseUrl: location.origin, token, headers: { 'Accept-Language': lang } });
}

/**
 * What went wrong, in words: the API's own sentence when it answered with its error body, a sentence of
 * the console's when the answer was not the API's (a proxy's 502) or there was no answer at all.
 */
export function errorText(error: unknown, t: Messages): Part {
  if (error instanceof ApiError) {
    // apiErrorOf names a body that was not the API's `http_<status>`; its English sentence is not ours.
    return error.code.startsWith('http_') ? t.badAnswer(String(error.status)) : error.detail;
  }
  // fetch rejects with a TypeError when the request never got an answer (offline, DNS, refused).
  if (error instanceof TypeError) return t.networkError;
  return t.unexpectedError;
}

/** The API's sentences per field of the request, for showing under each field. */
export function fieldErrors(error: unknown): Record<string, string[]> {
  return error instanceof ApiError ? error.errors : {};
}

/** The token is no longer accepted (revoked, or unknown): the session is over. */
export function isUnauthenticated(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 401;
}
