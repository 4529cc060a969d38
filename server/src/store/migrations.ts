import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { auditMigrations } from '../audit/migrations.js';
import { authMigrations } from '../auth/migrations.js';
import { evaluationMigrations } from '../evaluations/migrations.js';
import { recordingMigrations } from '../recordings/migrations.js';
import { screenshotMigrations } from '../screens/migrations.js';
import { speechMigrations } from '../speech/migrations.js';
import { transcriptMigrations } from '../transcripts/migrations.js';

/**
 * Versioned migrations, kept in code so they ship with the server and run at start. Names sort in the
 * order they apply. Each one must work on SQLite and PostgreSQL alike; never edit one that has shipped,
 * add the next instead. `Kysely<unknown>`: a migration sees the schema as it was then, not today's types.
 */
const migrations: Record<string, Migration> = {
  '0001_calls_events_agents': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('calls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('line', 'text', (c) => c.notNull())
        .addColumn('caller_number', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('offered_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('end_reason', 'text')
        .addColumn('agent_id', 'text')
        .addColumn('agent_name', 'text')
        .addColumn('hold_since', 'bigint')
        .addColumn('hold_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('hold_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('transfer_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_event_at', 'bigint', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The call list pages newest first on (offered_at, id); each filter gets an index led by its column.
      await db.schema.createIndex('calls_offered_at_id').on('calls').columns(['offered_at', 'id']).execute();
      await db.schema.createIndex('calls_agent_offered').on('calls').columns(['agent_id', 'offered_at']).execute();
      await db.schema.createIndex('calls_line_offered').on('calls').columns(['line', 'offered_at']).execute();
      await db.schema.createIndex('calls_topic_offered').on('calls').columns(['topic', 'offered_at']).execute();
      await db.schema
        .createIndex('calls_end_reason_offered')
        .on('calls')
        .columns(['end_reason', 'offered_at'])
        .execute();
      // Live calls are few; a partial index finds them (outcome=live, closing calls at start) without a scan.
      await db.schema
        .createIndex('calls_live_offered')
        .on('calls')
        .columns(['offered_at'])
        .where(sql.ref('state'), '<>', 'ended')
        .execute();

      await db.schema
        .createTable('call_events')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('call_id', 'text', (c) => c.notNull().references('calls.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('call_events_call_seq')
        .on('call_events')
        .columns(['call_id', 'seq'])
        .unique()
        .execute();

      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

/** Settings an admin changed (`PUT /api/settings`); unset ones fall back to the configuration. */
const settingsMigrations: Record<string, Migration> = {
  '0004_settings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
    },
  },
};

/**
 * Every domain's migrations, in the order their names sort: core, auth (0002), audit (0003), settings (0004),
 * screenshots (0005, 0006), recordings (0007).
 */
export const ALL_MIGRATIONS: Record<string, Migration> = {
  ...migrations,
  ...authMigrations,
  ...auditMigrations,
  ...settingsMigrations,
  ...screenshotMigrations,
  ...recordingMigrations,
  ...speechMigrations,
  ...transcriptMigrations,
  ...evaluationMigrations,
};

const provider: MigrationProvider = {
  getMigrations: async () => ALL_MIGRATIONS,
};

/** Brings the schema up to date; throws naming the migration that failed. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const which = failed ? ` (migration ${failed.migrationName})` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration failed${which}: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
