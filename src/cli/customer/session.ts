import { type ApiClient, createApiClient } from '../../client/index.ts';
import { type ApiConfig, readApiConfig } from './config.ts';
import { CliExit } from './exit.ts';

/** A client for the configured API, or a message saying how to configure one. */
export async function apiClient(): Promise<ApiClient> {
  const config = await readApiConfig();
  if (!config)
    throw new CliExit(1, 'no API configured: run `vpsctl login` (or set VPS_API_URL and VPS_API_TOKEN)');
  return clientFor(config);
}

export function clientFor(config: ApiConfig): ApiClient {
  return createApiClient({ baseUrl: config.url, token: config.token });
}

const PAGE = 500;

/** Every item of a paginated list, in the list's shape, read page by page. */
export async function listAll<T>(
  read: (page: number, pageSize: number) => Promise<{ count: number; results: T[] }>,
): Promise<{ count: number; next: null; previous: null; results: T[] }> {
  const results: T[] = [];
  for (let page = 1; ; page++) {
    const answer = await read(page, PAGE);
    results.push(...answer.results);
    if (answer.results.length < PAGE || results.length >= answer.count)
      return { count: answer.count, next: null, previous: null, results };
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
