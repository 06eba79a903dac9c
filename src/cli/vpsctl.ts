import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { type Logger, pino } from 'pino';
import { buildApp } from '../api/app.ts';
import { type Config, readConfig } from '../config.ts';
import { findServerById, insertServer, listServers } from '../db/servers.ts';
import { listTokens } from '../db/tokens.ts';
import { createSparseDisk } from '../hypervisor/local-driver.ts';
import { dataPaths, openServices, type Services, startService, startWorker } from '../main.ts';
import { positiveInt } from './args.ts';
import { describeFailure } from './customer/exit.ts';
import { registerLogin } from './customer/login.ts';
import { apiConfigured, listServersFromApi, registerCustomerServers } from './customer/servers.ts';
import { registerSnapshots } from './customer/snapshots.ts';
import { seedDemo } from './demo.ts';
import { parseSize } from './sizes.ts';

/** Operator commands print only their result on stdout (an id, a token); logs stay quiet. */
async function withServices(run: (services: Services) => Promise<unknown>): Promise<void> {
  const config = readConfig();
  const services = await openServices(config, pino({ level: 'warn' }, pino.destination(2)));
  try {
    await run(services);
  } finally {
    await services.close();
  }
}

async function serve(config: Config, options: { demo?: boolean; worker: boolean }): Promise<void> {
  let demoToken: string | null = null;
  const running = await startService(config, {
    worker: options.worker,
    beforeListen: async (services) => {
      if (options.demo) demoToken = await seedDemo(services);
    },
  });
  const log = running.services.logger;
  if (options.demo) {
    if (demoToken) {
      process.stdout.write(
        `\nDemo seeded: server 12345 "web-server-01" with snapshots 798 and 801.\n` +
          `Demo API token (shown once): ${demoToken}\n` +
          `Try: curl -H "Authorization: Bearer ${demoToken}" ${running.url}/api/v1/snapshots/\n\n`,
      );
    } else {
      process.stdout.write(
        `\nThe data dir already holds accounts; no demo seeded. A new token: bin/vpsctl tokens create --account demo\n\n`,
      );
    }
  }
  log.info({ url: running.url, worker: options.worker, dataDir: config.dataDir }, 'listening');
  onShutdown(log, running.stop);
}

/** SIGTERM or SIGINT: stop taking work, hand running jobs back to the queue, close the database, exit. */
function onShutdown(log: Logger, stop: () => Promise<void>): void {
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down: no new requests or jobs; handing back running jobs');
    stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

export function buildCli(): Command {
  const program = new Command('vpsctl').description(
    'Snapshot service of a VPS provider: operator commands, and the customer commands over the API',
  );
  program.showHelpAfterError();
  registerLogin(program);
  registerSnapshots(program);

  program
    .command('serve')
    .description('run the API (and, unless --no-worker, the job worker) on HOST:PORT')
    .option('--demo', 'on an empty data dir, seed the demo account, server 12345 and a token')
    .option('--no-worker', 'run the API alone; jobs are left to `vpsctl worker` processes')
    .action((options: { demo?: boolean; worker: boolean }) => serve(readConfig(), options));

  program
    .command('worker')
    .description('run only the job worker, for the servers on one hypervisor host')
    .option(
      '--host <name>',
      'claim only jobs of servers on this host (default: VPS_WORKER_HOST, else all hosts)',
    )
    .action(async (options: { host?: string }) => {
      const config = readConfig();
      const running = await startWorker(config, options.host ?? config.workerHost);
      onShutdown(running.services.logger, running.stop);
    });

  program
    .command('openapi')
    .description('print the OpenAPI 3.1 document of the API (the one served at /api/v1/openapi.json)')
    .action(async () => {
      // Built on a throwaway data dir: the document depends on the code alone, not on any data.
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vpsctl-openapi-'));
      try {
        const config = readConfig({ ...process.env, VPS_DATA_DIR: dataDir, DATABASE_URL: '', VPS_STORE: '' });
        const services = await openServices(config, pino({ level: 'silent' }));
        const app = await buildApp(services, { bodyLimitBytes: config.bodyLimitBytes, logger: false });
        await app.ready();
        process.stdout.write(`${JSON.stringify(app.swagger(), null, 2)}\n`);
        await app.close();
        await services.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });

  program
    .command('migrate')
    .description('bring the database schema up to date and exit')
    .action(() => withServices(async () => process.stdout.write('database is up to date\n')));

  const accounts = program.command('accounts').description('customer accounts');
  accounts
    .command('create <name>')
    .description('create an account; prints its id')
    .action((name: string) =>
      withServices(async (s) => process.stdout.write(`${await s.accounts.createAccount(name)}\n`)),
    );

  const tokens = program.command('tokens').description('API tokens (stored hashed; shown once)');
  tokens
    .command('create')
    .requiredOption('--account <name>', 'the account the token acts for')
    .description('issue a token; prints only the token')
    .action((options: { account: string }) =>
      withServices(async (s) =>
        process.stdout.write(`${(await s.accounts.createToken(options.account)).token}\n`),
      ),
    );
  tokens
    .command('revoke')
    .option('--id <id>', 'token id (see tokens list)', positiveInt)
    .option('--prefix <prefix>', 'the first 12 characters of the token')
    .description('revoke a token at once')
    .action((options: { id?: number; prefix?: string }) =>
      withServices(async (s) => {
        if (options.id === undefined && options.prefix === undefined)
          throw new Error('give --id or --prefix');
        const n = await s.accounts.revokeToken(options);
        process.stdout.write(`revoked ${n} token${n === 1 ? '' : 's'}\n`);
        if (n === 0) process.exitCode = 1;
      }),
    );
  tokens
    .command('list')
    .description('list tokens (prefix, account, last use), never the tokens themselves')
    .action(() =>
      withServices(async (s) => {
        for (const t of await listTokens(s.db)) {
          const used = t.last_used_at ? new Date(Number(t.last_used_at)).toISOString() : 'never';
          const state = t.revoked_at ? 'revoked' : 'active';
          process.stdout.write(
            `${t.id}\t${t.token_prefix}…\t${t.account_name}\t${state}\tlast used ${used}\n`,
          );
        }
      }),
    );

  const servers = program.command('servers').description('servers whose disks can be snapshotted');
  servers
    .command('create')
    .requiredOption('--account <name>', 'owning account')
    .requiredOption('--name <name>', 'server name')
    .option('--id <id>', 'server id (default: next free)', positiveInt)
    .option('--disk <path>', 'an existing raw disk image')
    .option('--disk-size <size>', 'make a new sparse disk of this size (e.g. 10G)')
    .option('--host <host>', 'hypervisor host the disk lives on', 'local')
    .description('register a server; prints its id')
    .action(
      (options: {
        account: string;
        name: string;
        id?: number;
        disk?: string;
        diskSize?: string;
        host: string;
      }) =>
        withServices(async (s) => {
          if (Boolean(options.disk) === Boolean(options.diskSize))
            throw new Error('give exactly one of --disk or --disk-size');
          const accountId = await s.accounts.accountId(options.account);
          if (options.id !== undefined && (await findServerById(s.db, options.id))) {
            throw new Error(`server id ${options.id} is already taken`);
          }
          let diskPath: string;
          let size: number;
          if (options.disk) {
            diskPath = path.resolve(options.disk);
            const info = await stat(diskPath);
            if (!info.isFile()) throw new Error(`${diskPath} is not a regular file`);
            size = info.size;
          } else {
            size = parseSize(options.diskSize!);
            const name = `${options.id ?? `new-${Date.now()}`}.img`;
            diskPath = path.join(dataPaths(s.config).disks, name);
            await createSparseDisk(diskPath, size);
          }
          const made = !options.disk;
          const row = await insertServer(s.db, {
            ...(options.id === undefined ? {} : { id: options.id }),
            accountId,
            name: options.name,
            host: options.host,
            diskPath,
            diskSizeBytes: size,
            now: s.now(),
          }).catch(async (error: unknown) => {
            // A refused registration leaves nothing behind, not even the disk it made for the server.
            if (made) await rm(diskPath, { force: true });
            throw error;
          });
          process.stdout.write(`${row.id}\n`);
        }),
    );
  servers
    .command('list')
    .description(
      'list your servers through the API when one is configured (vpsctl login); else, or with --db, all servers from the database',
    )
    .option('--db', 'the operator listing from the database, all accounts')
    .option('--json', "with the API: print the API's JSON")
    .action(async (options: { db?: boolean; json?: boolean }) => {
      if (!options.db && (await apiConfigured())) return listServersFromApi(options);
      return withServices(async (s) => {
        const { rows } = await listServers(s.db, undefined, { limit: 1_000_000, offset: 0 });
        for (const r of rows) {
          process.stdout.write(
            `${r.id}\t${r.name}\t${r.status}\taccount ${r.account_id}\t${r.host}\t${r.disk_path}\n`,
          );
        }
      });
    });
  registerCustomerServers(servers);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    process.stderr.write(`${message}\n`);
    process.exitCode = exitCode;
  }
}
