import type { AuditAction, Role } from '@earshot/shared';
import type { Generated, Kysely } from 'kysely';

/**
 * The append-only audit log, to merge into the store's `Database` type. `id` grows with every insert, so
 * it orders the log and serves as the pagination cursor; `at` is epoch milliseconds. Database triggers
 * refuse UPDATE and DELETE on this table, and no code path issues one.
 */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  user_id: string | null;
  username: string | null;
  role: Role | null;
  action: AuditAction;
  call_id: string | null;
  object_id: string | null;
  ip: string | null;
  user_agent: string | null;
  reason: string | null;
  /** JSON object text (TEXT on both dialects, so the same code reads it back). */
  detail: string;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}

/** Narrows the application's database handle to the audit table (see `authDb` in auth/tables.ts for why). */
export function auditDb<D extends AuditTables>(db: Kysely<D>): Kysely<AuditTables> {
  return db as unknown as Kysely<AuditTables>;
}
