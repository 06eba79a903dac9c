import type { Command } from 'commander';
import type { ApiClient, Snapshot } from '../../client/index.ts';
import { positiveInt } from '../args.ts';
import { CliExit } from './exit.ts';
import { ask, requireConfirmable } from './prompt.ts';
import { apiClient, listAll, printJson } from './session.ts';
import { snapshotDetails, snapshotTable } from './views.ts';
import { pollUntil, pollUntilGone, progress, waiting } from './wait.ts';

export const RESTORE_WARNING =
  'Restoring from a snapshot will overwrite all current data on the server. This action cannot be undone. ' +
  'The server will be automatically stopped before restoration begins.';

interface JsonOption {
  json?: boolean;
}

function show(snapshot: Snapshot, options: JsonOption): void {
  if (options.json) printJson(snapshot);
  else process.stdout.write(snapshotDetails(snapshot));
}

async function waitForCapture(client: ApiClient, id: number): Promise<Snapshot> {
  const bar = progress(`snapshot ${id}`);
  const final = await waiting(`snapshot ${id} is still being taken (vpsctl snapshots show ${id})`, () =>
    pollUntil(
      () => client.getSnapshot(id),
      (s) => s.status !== 'in_progress',
      (s) => bar.update(s.status, s.progress),
    ),
  );
  bar.finish(
    final.status === 'failed' ? `failed: ${final.failure_reason ?? 'no reason given'}` : final.status,
  );
  return final;
}

async function confirmRestore(client: ApiClient, id: number): Promise<void> {
  requireConfirmable(`restoring snapshot ${id}`);
  const snapshot = await client.getSnapshot(id);
  process.stderr.write(`${RESTORE_WARNING}\n`);
  const typed = await ask(
    `Type the server's name (${snapshot.server.name}) to restore it from snapshot ${id} "${snapshot.name}": `,
  );
  if (typed !== snapshot.server.name)
    throw new CliExit(1, `the name does not match "${snapshot.server.name}"; nothing was restored`);
}

async function confirmDelete(client: ApiClient, id: number): Promise<void> {
  requireConfirmable(`deleting snapshot ${id}`);
  const snapshot = await client.getSnapshot(id);
  const answer = await ask(
    `Permanently delete snapshot ${id} "${snapshot.name}" of ${snapshot.server.name}? This cannot be undone. [y/N] `,
  );
  if (!/^y(es)?$/i.test(answer ?? '')) throw new CliExit(1, 'not deleted');
}

export function registerSnapshots(program: Command): void {
  const snapshots = program
    .command('snapshots')
    .description('your snapshots, through the API (see `vpsctl login`)');

  snapshots
    .command('list')
    .description('list your snapshots, newest first')
    .option('--server <id>', 'only the snapshots of this server', positiveInt)
    .option('--json', "print the API's JSON")
    .action(async (options: { server?: number } & JsonOption) => {
      const client = await apiClient();
      const list = await listAll((page, pageSize) =>
        client.listSnapshots({
          ...(options.server === undefined ? {} : { serverId: options.server }),
          page,
          pageSize,
        }),
      );
      if (options.json) printJson(list);
      else process.stdout.write(snapshotTable(list.results));
    });

  snapshots
    .command('show <id>')
    .description('show one snapshot')
    .option('--json', "print the API's JSON")
    .action(async (id: string, options: JsonOption) => {
      show(await (await apiClient()).getSnapshot(positiveInt(id)), options);
    });

  snapshots
    .command('create')
    .description(
      "snapshot a server's whole disk (at most 5 per server; stop the server first for consistency)",
    )
    .requiredOption('--server <id>', 'the server', positiveInt)
    .requiredOption('--name <name>', 'letters, digits, hyphens and underscores')
    .option('--description <text>', 'a note kept with the snapshot')
    .option('--wait', 'wait until the snapshot is completed or failed')
    .option('--json', "print the API's JSON")
    .action(
      async (
        options: { server: number; name: string; description?: string; wait?: boolean } & JsonOption,
      ) => {
        const client = await apiClient();
        const created = await client.createSnapshot({
          server_id: options.server,
          name: options.name,
          ...(options.description === undefined ? {} : { description: options.description }),
        });
        if (!options.wait) {
          show(created, options);
          return;
        }
        const final = await waitForCapture(client, created.id);
        show(final, options);
        if (final.status === 'failed') process.exitCode = 1;
      },
    );

  snapshots
    .command('restore <id>')
    .description('overwrite the server’s disk with the snapshot (asks for the server’s name unless --yes)')
    .option('--yes', 'do not ask for confirmation')
    .option('--wait', 'wait until the server is no longer restoring')
    .option('--json', "print the API's JSON")
    .action(async (id: string, options: { yes?: boolean; wait?: boolean } & JsonOption) => {
      const snapshotId = positiveInt(id);
      const client = await apiClient();
      if (!options.yes) await confirmRestore(client, snapshotId);
      // The power state before, to notice a restore that gave up (it leaves the server stopped).
      const before = options.wait
        ? (await client.getServer((await client.getSnapshot(snapshotId)).server.id)).status
        : null;
      const result = await client.restoreSnapshot(snapshotId);
      if (!options.wait) {
        if (options.json) printJson(result);
        else process.stdout.write(`${result.message}\n`);
        return;
      }
      const bar = progress(`server ${result.server.id}`);
      const server = await waiting(
        `server ${result.server.id} is still being restored (vpsctl servers show ${result.server.id})`,
        () =>
          pollUntil(
            () => client.getServer(result.server.id),
            (s) => s.status !== 'restoring',
            (s) => bar.update(s.status),
          ),
      );
      bar.finish(`restored from snapshot ${snapshotId}, ${server.status}`);
      if (before === 'running' && server.status === 'stopped')
        process.stderr.write(
          `vpsctl: the server was running before and is stopped now; check its disk before starting it (vpsctl servers start ${server.id})\n`,
        );
      if (options.json) printJson(server);
      else
        process.stdout.write(
          `Server ${server.id} ${server.name} restored from snapshot ${snapshotId}; ${server.status}\n`,
        );
    });

  snapshots
    .command('delete <id>')
    .description('permanently delete a snapshot (asks y/N unless --yes)')
    .option('--yes', 'do not ask for confirmation')
    .option('--wait', 'wait until the snapshot is gone')
    .action(async (id: string, options: { yes?: boolean; wait?: boolean }) => {
      const snapshotId = positiveInt(id);
      const client = await apiClient();
      if (!options.yes) await confirmDelete(client, snapshotId);
      await client.deleteSnapshot(snapshotId);
      if (options.wait) {
        const bar = progress(`snapshot ${snapshotId}`);
        bar.update('deleting');
        await waiting(`snapshot ${snapshotId} is being deleted`, () =>
          pollUntilGone(() => client.getSnapshot(snapshotId)),
        );
        bar.finish('deleted');
      }
      process.stdout.write(`Snapshot ${snapshotId} deleted\n`);
    });
}
