import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteHandle,
  type SqliteStatement,
} from 'kysely';
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const token = sqlite
    .prepare("select total_changes() || ':' || data_version from pragma_data_version")
    .pluck();
  changeTokenReaders.set(db, () => String(token.get()));
  return db;
}

/**
 * SQLite's change token read straight from the connection, without a trip through Kysely's queue: it is
 * one counter read, asked for by every cached read. Reading it while a transaction of this connection is
 * open is harmless: that transaction's changes already count, and its commit adds none.
 */
const changeTokenReaders = new WeakMap<object, () => string>();

export function changeTokenReader(db: object): (() => string) | undefined {
  return changeTokenReaders.get(db);
}

/** Enough for every query shape the repositories build; `in (…)` lists of new lengths push out the oldest. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs as much as running a small query, so
 * statements are kept per SQL text and reused (least recently used ones dropped). Safe because the driver
 * holds its single connection for a whole query or stream, so one statement never runs twice at once, and
 * SQLite re-prepares a statement by itself when the schema changes under it.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteHandle {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next();
          if (!oldest.done) statements.delete(oldest.value);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
  };
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
