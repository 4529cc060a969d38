import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { migrateToLatest } from './migrations.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The open store: a typed query builder over one of two dialects, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  kind: StoreKind;
  close(): Promise<void>;
}

export type StoreLocation =
  | { kind: 'sqlite' /** a file path, or ':memory:' for a throwaway store */; filename: string }
  | { kind: 'postgres'; url: string };

/** SQLite waits this long for a lock held by another connection before giving up. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const PG_INT8_OID = 20;
const PG_POOL_MAX_CONNECTIONS = 10;

/** Where the configuration says the store lives: PostgreSQL when a URL is set, else SQLite under DATA_DIR. */
export function storeLocationFromConfig(config: { databaseUrl: string | null; dataDir: string }): StoreLocation {
  if (config.databaseUrl) return { kind: 'postgres', url: config.databaseUrl };
  return { kind: 'sqlite', filename: path.join(config.dataDir, 'earshot.db') };
}

/** Opens the store and brings its schema up to date. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const store = location.kind === 'sqlite' ? openSqlite(location.filename) : openPostgres(location.url);
  try {
    // Fail here, with the location named, rather than on the first request.
    await sql`select 1`.execute(store.db);
    await migrateToLatest(store.db as unknown as Kysely<unknown>);
  } catch (error) {
    await store.close().catch(() => {});
    const where = location.kind === 'sqlite' ? location.filename : redactPassword(location.url);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not open the ${location.kind} store at ${where}: ${reason}`, { cause: error });
  }
  return store;
}

function openSqlite(filename: string): Store {
  if (filename !== ':memory:') mkdirSync(path.dirname(filename), { recursive: true });
  const database = new SqliteDatabase(filename);
  // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes in WAL mode.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, kind: 'sqlite', close: () => db.destroy() };
}

function openPostgres(url: string): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: PG_POOL_MAX_CONNECTIONS,
    // Our bigint columns hold epoch milliseconds, far inside Number's exact range; read them as numbers.
    // Set per pool rather than globally so other pg users in the process are not affected.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

export function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
