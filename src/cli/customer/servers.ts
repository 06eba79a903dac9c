import type { Command } from 'commander';
import { positiveInt } from '../args.ts';
import { readApiConfig } from './config.ts';
import { apiClient, listAll, printJson } from './session.ts';
import { serverDetails, serverTable } from './views.ts';

/** Whether `servers list` should be the customer's listing: an API URL and token are configured. */
export async function apiConfigured(): Promise<boolean> {
  return (await readApiConfig()) !== null;
}

export async function listServersFromApi(options: { json?: boolean }): Promise<void> {
  const client = await apiClient();
  const list = await listAll((page, pageSize) => client.listServers({ page, pageSize }));
  if (options.json) printJson(list);
  else process.stdout.write(serverTable(list.results));
}

/** The customer's `servers show|stop|start` (the `servers` command is shared with the operator's). */
export function registerCustomerServers(servers: Command): void {
  servers
    .command('show <id>')
    .description('show one of your servers (API)')
    .option('--json', "print the API's JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const server = await (await apiClient()).getServer(positiveInt(id));
      if (options.json) printJson(server);
      else process.stdout.write(serverDetails(server));
    });
  for (const action of ['stop', 'start'] as const) {
    servers
      .command(`${action} <id>`)
      .description(action === 'stop' ? 'power a server off (API)' : 'power a server on (API)')
      .option('--json', "print the API's JSON")
      .action(async (id: string, options: { json?: boolean }) => {
        const client = await apiClient();
        const server = await (action === 'stop' ? client.stopServer : client.startServer)(positiveInt(id));
        if (options.json) printJson(server);
        else process.stdout.write(`Server ${server.id} ${server.name} is ${server.status}\n`);
      });
  }
}
