import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { ApiClient, CreatedSnapshot, Snapshot } from '../../client/index.ts';
import { positiveInt } from '../args.ts';
import { CliExit } from './exit.ts';
import { ask, requireConfirmable } from './prompt.ts';
import { apiClient, listAll, printJson } from './session.ts';
import { snapshotDetails, snapshotTable } from './views.ts';
import { followAction, patiently, progress, waiting } from './wait.ts';

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

/** Follows the capture's action; answers the snapshot as it ended, or null if it was deleted meanwhile. */
async function waitForCapture(client: ApiClient, created: CreatedSnapshot): Promise<Snapshot | null> {
  const { id } = created;
  const bar = progress(`snapshot ${id}`);
  const action = await waiting(`snapshot ${id} is still being taken (vpsctl snapshots show ${id})`, () =>
    followAction(client, created.action_id, bar),
  );
  if (action.status === 'cancelled') {
    bar.finish('cancelled: the snapshot was deleted before it was complete');
    return null;
  }
  const final = await patiently(() => client.getSnapshot(id));
  bar.finish(
    final.status === 'failed'
      ? `failed: ${final.failure_reason ?? action.error?.detail ?? 'no reason given'}`
      : final.status,
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
        const input = {
          server_id: options.server,
          name: options.name,
          ...(options.description === undefined ? {} : { description: options.description }),
        };
        // One key for every try: a create whose answer was lost is not taken twice when tried again.
        const idempotencyKey = randomUUID();
        const created = await patiently(() => client.createSnapshot(input, { idempotencyKey }));
        if (!options.wait) {
          show(created, options);
          return;
        }
        const final = await waitForCapture(client, created);
        if (final) show(final, options);
        if (final?.status !== 'completed') process.exitCode = 1;
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
      const idempotencyKey = randomUUID();
      const result = await patiently(() => client.restoreSnapshot(snapshotId, { idempotencyKey }));
      if (!options.wait) {
        if (options.json) printJson(result);
        else process.stdout.write(`${result.message}\n`);
        return;
      }
      const serverId = result.server.id;
      const bar = progress(`server ${serverId}`);
      const action = await waiting(
        `server ${serverId} is still being restored (vpsctl servers show ${serverId})`,
        () => followAction(client, result.action_id, bar),
      );
      const server = await patiently(() => client.getServer(serverId));
      if (action.status === 'failed') {
        bar.finish(`failed: ${action.error?.detail ?? 'no reason given'}`);
        process.stderr.write(
          `vpsctl: server ${serverId} is left ${server.status}; check its disk before starting it (vpsctl servers start ${serverId})\n`,
        );
        process.exitCode = 1;
      } else {
        bar.finish(`restored from snapshot ${snapshotId}, ${server.status}`);
      }
      if (options.json) printJson(server);
      else if (action.status !== 'failed')
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
      const { actionId } = await client.deleteSnapshot(snapshotId);
      if (options.wait && actionId !== null) {
        const bar = progress(`snapshot ${snapshotId}`);
        const action = await waiting(`snapshot ${snapshotId} is being deleted`, () =>
          followAction(client, actionId, bar),
        );
        if (action.status === 'failed') {
          bar.finish(`gone, but its data was not freed: ${action.error?.detail ?? 'no reason given'}`);
        } else bar.finish('deleted');
      }
      process.stdout.write(`Snapshot ${snapshotId} deleted\n`);
    });
}
