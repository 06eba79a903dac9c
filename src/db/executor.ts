import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** A repository function takes either the database or an open transaction as its first argument. */
export type Executor = Kysely<Database> | Transaction<Database>;
