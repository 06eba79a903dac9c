import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errors } from '../domain/errors.ts';
import { EngineError } from '../engine/errors.ts';
import { type AjvIssue, fieldIssues } from './field-issues.ts';
import { errorBody, negotiateLanguage } from './i18n/index.ts';

/** Sends an AppError as the JSON body of API.md, its sentences in the language the caller asked for. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const language = negotiateLanguage(request.headers['accept-language']);
  if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  return reply
    .status(error.status)
    .header('Content-Language', language)
    .header('Vary', 'Accept-Language')
    .type('application/json; charset=utf-8')
    .send(errorBody(error, language));
}

function toAppError(
  app: FastifyInstance,
  request: FastifyRequest,
  error: FastifyError & { validation?: AjvIssue[] },
): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) return errors.invalidRequest(fieldIssues(error.validation));
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(app.initialConfig.bodyLimit ?? 0);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(String(request.headers['content-type'] ?? 'none'));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.malformedJson('unparseable');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.contentLengthMismatch();
  }
  if (error instanceof SyntaxError) return errors.malformedJson('unparseable');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return errors.badRequest(error.statusCode, error.message);
  }
  request.log.error(
    { err: error, engineCode: error instanceof EngineError ? error.code : undefined },
    'unhandled',
  );
  return errors.internal();
}

/** The one place that turns any failure into the JSON body of API.md. Internals of a 5xx stay in the log. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: AjvIssue[] }, request, reply) =>
    sendError(request, reply, toAppError(app, request, error)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, errors.routeNotFound(request.method, request.url)),
  );
}
