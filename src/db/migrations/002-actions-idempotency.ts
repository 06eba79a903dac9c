import { type Kysely, sql } from 'kysely';

// Frozen in time, like 001: no imports from application code.
// biome-ignore lint/suspicious/noExplicitAny: migrations run against whatever schema existed then
type AnyDb = Kysely<any>;

/**
 * Jobs become the customer's actions: when one first started and finished, and, for a failure, a code the
 * customer is told in words (the raw error stays in last_error for operators). Idempotency keys remember
 * the first answer to a create or restore so a retry with the same key does no work twice.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('started_at', 'bigint').execute();
  await db.schema.alterTable('jobs').addColumn('finished_at', 'bigint').execute();
  await db.schema.alterTable('jobs').addColumn('failure_code', 'text').execute();
  // A failed snapshot's reason as a code too, so it can be said in the caller's language.
  await db.schema.alterTable('snapshots').addColumn('failure_code', 'text').execute();
  await db
    .updateTable('jobs')
    .set({ finished_at: sql.ref('updated_at') })
    .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
    .execute();
  await db
    .updateTable('jobs')
    .set({ started_at: sql.ref('created_at') })
    .where('attempts', '>', 0)
    .execute();
  // A server's actions, newest first (the open-jobs index covers only unfinished ones).
  await db.schema.createIndex('jobs_server_idx').on('jobs').columns(['server_id', 'id']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_age_idx')
    .on('idempotency_keys')
    .columns(['account_id', 'created_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropIndex('jobs_server_idx').execute();
  await db.schema.alterTable('snapshots').dropColumn('failure_code').execute();
  for (const column of ['failure_code', 'finished_at', 'started_at']) {
    await db.schema.alterTable('jobs').dropColumn(column).execute();
  }
}
