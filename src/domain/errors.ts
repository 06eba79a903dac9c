/**
 * A failure the customer caused or may see, as a value: a stable machine `code`, the HTTP status it maps
 * to, and a sentence for people. Field errors carry one list of messages per field.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const errors = {
  invalidRequest: (fields: Record<string, string[]>) =>
    new AppError('invalid_request', 400, 'The request has invalid parameters.', fields),
  malformedJson: (reason: string) =>
    new AppError('malformed_json', 400, `The request body is not valid JSON: ${reason}`),
  bodyTooLarge: (limit: number) =>
    new AppError('payload_too_large', 413, `The request body is larger than the limit of ${limit} bytes.`),
  unsupportedMediaType: (type: string) =>
    new AppError(
      'unsupported_media_type',
      415,
      `Content-Type ${type} is not supported; send application/json.`,
    ),
  notAuthenticated: () =>
    new AppError('not_authenticated', 401, 'Authentication credentials were not provided or are invalid.'),
  routeNotFound: (method: string, url: string) =>
    new AppError('not_found', 404, `No endpoint answers ${method} ${url}.`),
  serverNotFound: (id: number) => new AppError('server_not_found', 404, `Server ${id} does not exist.`),
  snapshotNotFound: (id: number) => new AppError('snapshot_not_found', 404, `Snapshot ${id} does not exist.`),
  snapshotLimitReached: (serverId: number, limit: number) =>
    new AppError(
      'snapshot_limit_reached',
      400,
      `Server ${serverId} already has the maximum of ${limit} snapshots. Delete one before creating another.`,
    ),
  serverRestoring: (serverId: number) =>
    new AppError(
      'server_restoring',
      400,
      `Server ${serverId} is being restored from a snapshot; wait until the restore has finished.`,
    ),
  snapshotNotRestorable: (id: number, status: string) =>
    new AppError(
      'snapshot_not_restorable',
      400,
      `Snapshot ${id} is ${status.replace('_', ' ')}; only a completed snapshot can be restored.`,
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 429, `Too many requests; retry in ${retryAfterSeconds} seconds.`),
  internal: () =>
    new AppError('internal_error', 500, 'Something went wrong on our side; it has been logged.'),
} as const;
