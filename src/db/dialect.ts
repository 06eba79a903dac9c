import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { changeTokenReader } from './connection.ts';
import type { Executor } from './executor.ts';

/**
 * Every difference between the two databases, in one table (no `if (sqlite)` elsewhere). Repositories ask
 * `capabilitiesOf(db)` for the facts they need.
 */
export interface DialectCapabilities {
  name: 'sqlite' | 'postgres';
  /** Row locks that other claimers skip instead of waiting for: `FOR UPDATE SKIP LOCKED`. */
  skipLocked: boolean;
  /** Identity sequences that do not move when a row is inserted with an explicit id. */
  sequencesNeedSync: boolean;
  /** A cheap value that changes whenever any connection commits a change (see readChangeToken). */
  changeToken: boolean;
}

const SQLITE: DialectCapabilities = {
  name: 'sqlite',
  skipLocked: false,
  sequencesNeedSync: false,
  changeToken: true,
};
const POSTGRES: DialectCapabilities = {
  name: 'postgres',
  skipLocked: true,
  sequencesNeedSync: true,
  changeToken: false,
};

// biome-ignore lint/suspicious/noExplicitAny: works on any schema's Kysely instance or transaction
export function capabilitiesOf(db: Kysely<any>): DialectCapabilities {
  return db.getExecutor().adapter instanceof PostgresAdapter ? POSTGRES : SQLITE;
}

/** After an insert with an explicit id, moves the table's sequence past it so generated ids don't collide. */
export async function syncIdSequence(
  db: Executor,
  table: 'servers' | 'snapshots' | 'accounts',
): Promise<void> {
  if (!capabilitiesOf(db).sequencesNeedSync) return;
  await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest((select max(id) from ${sql.table(table)}), 1))`.execute(
    db,
  );
}

/**
 * A value that differs after any committed change to the database, or null where the dialect offers none.
 * SQLite: the changes made on this process's connection (`total_changes()`) and the counter that moves
 * when another connection commits (`data_version`). Reads cached under a token are valid while it holds.
 */
export async function readChangeToken(db: Executor): Promise<string | null> {
  if (!capabilitiesOf(db).changeToken) return null;
  const direct = changeTokenReader(db);
  if (direct) return direct();
  const { rows } = await sql<{
    token: string;
  }>`select total_changes() || ':' || data_version as token from pragma_data_version`.execute(db);
  return rows[0]?.token ?? null;
}
