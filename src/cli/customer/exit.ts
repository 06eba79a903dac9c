import { ApiError } from '../../client/index.ts';

/** Ends the command with this exit code and message, without a stack trace. */
export class CliExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.name = 'CliExit';
    this.exitCode = exitCode;
  }
}

/** What a failed command prints on stderr, and the exit code it ends with. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof ApiError) {
    const hint = error.status === 401 ? '\nvpsctl: check the token, or run `vpsctl login`' : '';
    return { message: `vpsctl: ${error.detail} (${error.code})${hint}`, exitCode: 1 };
  }
  if (error instanceof CliExit) return { message: `vpsctl: ${error.message}`, exitCode: error.exitCode };
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { message: `vpsctl: cannot reach the API${cause}`, exitCode: 1 };
  }
  return { message: `vpsctl: ${error instanceof Error ? error.message : String(error)}`, exitCode: 1 };
}
