import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DbTarget {
  /** postgres://… or undefined for the SQLite file below. */
  databaseUrl: string | undefined;
  sqlitePath: string;
}

export function openDatabase(target: DbTarget): Db {
  if (target.databaseUrl) {
    throw new Error('DATABASE_URL (PostgreSQL) is not supported by this build yet; unset it to use SQLite');
  }
  mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
  const sqlite = new SqliteDatabase(target.sqlitePath);
  // WAL lets readers go on while the worker writes; a busy timeout makes a second process wait, not fail.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
