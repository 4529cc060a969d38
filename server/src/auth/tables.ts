import type { Role } from '@earshot/shared';
import type { Kysely } from 'kysely';

/**
 * The auth tables, to merge into the store's `Database` type. Timestamps are epoch milliseconds in BIGINT
 * columns (PostgreSQL may hand them back as strings, so readers pass them through `Number`); flags are
 * 0/1 integers because SQLite has no boolean and better-sqlite3 refuses to bind one.
 */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  agent_id: string | null;
  /** argon2id, PHC string format. */
  password_hash: string;
  disabled: number;
  created_at: number;
}

export interface SessionsTable {
  /** A random id to name the session by (in logs, on sockets); never the token. */
  id: string;
  /** SHA-256 (hex) of the cookie's token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  /** Moved forward by activity; the idle expiry counts from here. */
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface IngestKeysTable {
  id: string;
  name: string;
  /** The key's first characters, shown to tell keys apart. */
  prefix: string;
  /** SHA-256 (hex) of the whole key. */
  key_hash: string;
  created_at: number;
  created_by: string | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuthTables {
  users: UsersTable;
  sessions: SessionsTable;
  ingest_keys: IngestKeysTable;
}

/**
 * Narrows the application's database handle to the auth tables. Kysely's handle is invariant in its table
 * map, so a handle over more tables is not assignable to one over fewer even though every query written
 * against the fewer stays valid; the constraint on `D` is what makes this cast safe.
 */
export function authDb<D extends AuthTables>(db: Kysely<D>): Kysely<AuthTables> {
  return db as unknown as Kysely<AuthTables>;
}
