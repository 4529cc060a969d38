import { type Kysely, type Migration, sql } from 'kysely';

/**
 * True on PostgreSQL, false on SQLite. Asked with a function only PostgreSQL has: on SQLite the failed
 * statement leaves the connection as it was, while on PostgreSQL (whose migrations run in a transaction)
 * nothing fails at all.
 */
async function isPostgres(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select version()`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * The audit log, in the store's migration list after the auth migration. The id is an
 * auto-incrementing integer (an identity column on PostgreSQL, SQLite's rowid alias) so that it orders the
 * log; triggers refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE), so even a mistaken query cannot rewrite
 * history. Removing old entries, if a retention rule ever asks for it, would be a deliberate migration.
 */
export const auditMigrations: Record<string, Migration> = {
  '0003_audit_log': {
    async up(db: Kysely<unknown>) {
      const postgres = await isPostgres(db);
      await db.schema
        .createTable('audit_log')
        .addColumn('id', postgres ? 'bigint' : 'integer', (c) =>
          postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('username', 'text')
        .addColumn('role', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text')
        .addColumn('object_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('reason', 'text')
        .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      // Pages run newest first by id; each filter gets an index that also serves that order.
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
      await db.schema.createIndex('audit_log_user_id').on('audit_log').columns(['user_id', 'id']).execute();
      await db.schema.createIndex('audit_log_username').on('audit_log').columns(['username', 'id']).execute();
      await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
      await db.schema.createIndex('audit_log_call_id').on('audit_log').columns(['call_id', 'id']).execute();

      if (postgres) {
        await sql`
          create function audit_log_append_only() returns trigger language plpgsql as $$
          begin
            raise exception 'audit_log is append-only: % refused', tg_op;
          end
          $$`.execute(db);
        await sql`
          create trigger audit_log_no_update_delete before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
        await sql`
          create trigger audit_log_no_truncate before truncate on audit_log
          for each statement execute function audit_log_append_only()`.execute(db);
      } else {
        await sql`
          create trigger audit_log_no_update before update on audit_log
          begin select raise(abort, 'audit_log is append-only: UPDATE refused'); end`.execute(db);
        await sql`
          create trigger audit_log_no_delete before delete on audit_log
          begin select raise(abort, 'audit_log is append-only: DELETE refused'); end`.execute(db);
      }
    },
  },
};
