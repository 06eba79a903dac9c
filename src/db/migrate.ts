import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { capabilitiesOf } from './dialect.ts';
import * as initial from './migrations/001-initial.ts';
import * as actionsIdempotency from './migrations/002-actions-idempotency.ts';
import type { Database } from './schema.ts';

/** Listed by hand rather than read from a folder, so the set of migrations is fixed at build time. */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-actions-idempotency': actionsIdempotency,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export class MigrationFailed extends Error {}

/**
 * Brings the schema up to date. Kysely's migrator takes a lock table, so processes starting together
 * apply each migration once; a database migrated by a newer release is refused rather than guessed at.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  if (capabilitiesOf(db).name !== 'postgres') return migrate(db);
  // Kysely's lock table is created by the first migrator to run; two processes creating it at the same
  // moment can collide in PostgreSQL's catalog, so the whole run is serialised by an advisory lock.
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
    try {
      return await migrate(connection);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}

/**
 * An arbitrary constant naming this application's migration lock among PostgreSQL advisory locks. Whoever
 * drops a schema of this application in a database where others migrate (the tests do) takes it too:
 * Kysely's migrator looks through every schema's tables, and one dropped under it fails the migration.
 */
export const MIGRATION_LOCK = 736_174_221;

async function migrate(db: Kysely<Database>): Promise<string[]> {
  // On PostgreSQL the bookkeeping tables live in the schema the connection works in (its search_path),
  // not wherever another schema of the same database happens to have them.
  const schema =
    capabilitiesOf(db).name === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const known = new Set(Object.keys(migrations));
    const applied = await migrator.getMigrations().catch(() => []);
    const newer = applied.some((m) => !known.has(m.name));
    const hint = newer ? ' (the database was migrated by a newer release; upgrade this one)' : '';
    throw new MigrationFailed(
      `database migration failed${hint}: ${(error as Error).message ?? String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
