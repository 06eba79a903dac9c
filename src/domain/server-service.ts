import type { Db } from '../db/connection.ts';
import { findServer, listServers, lockServer, setServerStatus } from '../db/servers.ts';
import type { HypervisorDriver } from '../hypervisor/driver.ts';
import { errors } from './errors.ts';
import { rowToServer } from './mappers.ts';
import type { Page, PageRequest, Server } from './types.ts';

export class ServerService {
  constructor(private readonly deps: { db: Db; hypervisor: HypervisorDriver }) {}

  async list(accountId: number, page: PageRequest): Promise<Page<Server>> {
    const { count, rows } = await listServers(this.deps.db, accountId, {
      limit: page.pageSize,
      offset: (page.page - 1) * page.pageSize,
    });
    return { count, items: rows.map(rowToServer) };
  }

  async get(accountId: number, id: number): Promise<Server> {
    const row = await findServer(this.deps.db, accountId, id);
    if (!row) throw errors.serverNotFound(id);
    return rowToServer(row);
  }

  /** Powers a server on or off; refused while a restore owns it. Asking for the state it is in is a no-op. */
  async setPower(accountId: number, id: number, power: 'running' | 'stopped'): Promise<Server> {
    const { db, hypervisor } = this.deps;
    return db.transaction().execute(async (trx) => {
      const found = await findServer(trx, accountId, id);
      if (!found) throw errors.serverNotFound(id);
      await lockServer(trx, id);
      const server = (await findServer(trx, accountId, id)) ?? found;
      if (server.status === 'restoring') throw errors.serverRestoring(id);
      if (server.status !== power) {
        const ref = { id, diskPath: server.disk_path };
        await (power === 'running' ? hypervisor.start(ref) : hypervisor.stop(ref));
        await setServerStatus(trx, id, power);
      }
      return rowToServer({ ...server, status: power });
    });
  }
}
