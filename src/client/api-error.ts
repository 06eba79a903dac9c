/** The `{detail, code, errors}` body every error answer of the API carries. */
export interface ErrorBody {
  detail: string;
  code: string;
  errors?: Record<string, string[]>;
}

/** An API call that did not succeed: the HTTP status and what the error body said. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: Record<string, string[]>;

  constructor(status: number, body: ErrorBody) {
    super(`${body.detail} (${body.code})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.detail = body.detail;
    this.errors = body.errors ?? {};
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { detail, code } = value as Record<string, unknown>;
  return typeof detail === 'string' && typeof code === 'string';
}

/** An ApiError from whatever a failed response held; a body that is not the API's own gets a generic one. */
export function apiErrorOf(response: Response, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(response.status, body);
  return new ApiError(response.status, {
    detail: `The API answered ${response.status} ${response.statusText}`.trim(),
    code: `http_${response.status}`,
  });
}
