import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Migration, Migrator, SqliteDialect } from 'kysely';
import { auditMigrations } from '../audit/migrations.js';
import type { AuditTables } from '../audit/tables.js';
import { authMigrations } from './migrations.js';
import type { AuthTables } from './tables.js';

/**
 * For unit tests only: a throwaway in-memory SQLite database holding just the auth and audit tables, built
 * by the same migrations production runs. Integration tests use the real store instead.
 */
export async function openAuthTestDatabase(): Promise<Kysely<AuthTables & AuditTables>> {
  const database = new SqliteDatabase(':memory:');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<AuthTables & AuditTables>({ dialect: new SqliteDialect({ database }) });
  const migrations: Record<string, Migration> = { ...authMigrations, ...auditMigrations };
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  if (error) throw error;
  return db;
}
