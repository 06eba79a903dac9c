import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, errors } from '../domain/errors.ts';
import { EngineError } from '../engine/errors.ts';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  schema?: unknown;
}

const FIELD_MESSAGES: Record<string, Record<string, string>> = {
  name: {
    pattern: 'Must be 1-64 characters of letters, digits, hyphens and underscores.',
    minLength: 'Must be 1-64 characters of letters, digits, hyphens and underscores.',
    maxLength: 'Must be 1-64 characters of letters, digits, hyphens and underscores.',
  },
};

function messageFor(field: string, issue: AjvIssue): string {
  const special = FIELD_MESSAGES[field]?.[issue.keyword];
  if (special) return special;
  switch (issue.keyword) {
    case 'required':
      return 'This field is required.';
    case 'type':
      return `Must be ${articled(String(issue.params.type))}.`;
    case 'minimum':
      return `Must be at least ${issue.params.limit}.`;
    case 'maximum':
      return `Must be at most ${issue.params.limit}.`;
    case 'maxLength':
      return `Must be at most ${issue.params.limit} characters.`;
    case 'minLength':
      return `Must be at least ${issue.params.limit} characters.`;
    case 'anyOf':
      return 'Has the wrong type.';
    default:
      return issue.message ? `${issue.message[0]?.toUpperCase()}${issue.message.slice(1)}.` : 'Is invalid.';
  }
}

function articled(type: string): string {
  const name = type.split(',')[0] ?? type;
  if (name === 'null') return 'null';
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/** Ajv's issues as `{field: [messages]}`; a body that is not an object at all becomes one `body` message. */
export function fieldErrors(issues: AjvIssue[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    let field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'required') {
      field = [field, String(issue.params.missingProperty)].filter(Boolean).join('.');
    }
    if (!field) field = 'body';
    // TypeBox's nullable unions report each branch; the one message that says what is expected is enough.
    if (issue.keyword === 'type' && fields[field]?.length) continue;
    const message =
      field === 'body' && issue.keyword === 'type' ? 'Must be a JSON object.' : messageFor(field, issue);
    const list = fields[field] ?? [];
    if (!list.includes(message)) list.push(message);
    fields[field] = list;
  }
  return fields;
}

function send(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  return reply
    .status(error.status)
    .type('application/json; charset=utf-8')
    .send({ detail: error.message, code: error.code, ...(error.fields ? { errors: error.fields } : {}) });
}

/** The one place that turns any failure into the JSON body of API.md. Internals of a 5xx stay in the log. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: AjvIssue[] }, request, reply) => {
    if (error instanceof AppError) return send(reply, error);
    if (error.validation) return send(reply, errors.invalidRequest(fieldErrors(error.validation)));
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, errors.bodyTooLarge(app.initialConfig.bodyLimit ?? 0));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, errors.unsupportedMediaType(String(request.headers['content-type'] ?? 'none')));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, errors.malformedJson('it could not be parsed.'));
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(
          reply,
          new AppError('bad_request', 400, 'The Content-Length header does not match the body.'),
        );
    }
    if (error instanceof SyntaxError) return send(reply, errors.malformedJson(error.message));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, new AppError('bad_request', error.statusCode, error.message));
    }
    request.log.error(
      { err: error, engineCode: error instanceof EngineError ? error.code : undefined },
      'unhandled',
    );
    return send(reply, errors.internal());
  });
  app.setNotFoundHandler((request, reply) => send(reply, errors.routeNotFound(request.method, request.url)));
}
