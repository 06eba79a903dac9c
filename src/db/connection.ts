import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DbTarget {
  /** postgres://… or undefined for the SQLite file below. */
  databaseUrl: string | undefined;
  sqlitePath: string;
  poolSize?: number;
}

const INT8_OID = 20;

export function openDatabase(target: DbTarget): Db {
  if (target.databaseUrl) return openPostgres(target.databaseUrl, target.poolSize ?? 10);
  mkdirSync(path.dirname(target.sqlitePath), { recursive: true });
  const sqlite = new SqliteDatabase(target.sqlitePath);
  // WAL lets readers go on while the worker writes; a busy timeout makes a second process wait, not fail.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function openPostgres(connectionString: string, max: number): Db {
  // Times and counts are bigint columns; every value we keep fits a double, so read them as numbers
  // (per pool, leaving the process-wide pg type parsers alone).
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary'
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString, max, types });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
