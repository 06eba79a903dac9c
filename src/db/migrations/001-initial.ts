import { type ColumnDefinitionBuilder, type Kysely, SqliteAdapter, sql } from 'kysely';

// Frozen in time: a migration never imports application code, so later changes cannot rewrite history.
// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema existed then
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  // The one dialect difference here: SQLite's rowid alias versus a standard identity column.
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const id = (c: ColumnDefinitionBuilder) =>
    sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity();
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('servers')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_before_restore', 'text')
    .addColumn('host', 'text', (c) => c.notNull().defaultTo('local'))
    .addColumn('disk_path', 'text', (c) => c.notNull())
    .addColumn('disk_size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('servers_account_idx').on('servers').columns(['account_id', 'id']).execute();

  await db.schema
    .createTable('snapshots')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('server_id', 'integer', (c) => c.notNull().references('servers.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('size_mb', 'integer')
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .execute();
  // Lists are newest first per account, optionally per server; deleted rows are left out of both.
  await db.schema
    .createIndex('snapshots_account_list_idx')
    .on('snapshots')
    .columns(['account_id', 'created_at', 'id'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('snapshots_server_list_idx')
    .on('snapshots')
    .columns(['server_id', 'created_at', 'id'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', id)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('server_id', 'integer', (c) => c.notNull().references('servers.id'))
    .addColumn('snapshot_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The worker looks only at unfinished jobs; this partial index keeps that set small however long the history.
  await db.schema
    .createIndex('jobs_open_idx')
    .on('jobs')
    .columns(['server_id', 'id'])
    .where(sql.ref('status'), 'in', sql`('queued', 'running')`)
    .execute();
  await db.schema.createIndex('jobs_snapshot_idx').on('jobs').columns(['snapshot_id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['jobs', 'snapshots', 'servers', 'api_tokens', 'accounts']) {
    await db.schema.dropTable(table).execute();
  }
}
