import { type Kysely, type Migration, sql } from 'kysely';

/** Screenshot metadata; the images themselves are files under DATA_DIR/screens. */
export const screenshotMigrations: Record<string, Migration> = {
  '0005_screenshots': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('screenshots')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('captured_at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('thumb_width', 'integer', (c) => c.notNull())
        .addColumn('thumb_height', 'integer', (c) => c.notNull())
        .addColumn('file_path', 'text', (c) => c.notNull())
        .addColumn('thumb_path', 'text', (c) => c.notNull())
        .execute();
      // A call's screens in order (call page, tiles' latest); an agent's latest frame (dedupe).
      await db.schema
        .createIndex('screenshots_call_captured')
        .on('screenshots')
        .columns(['call_id', 'captured_at'])
        .execute();
      await db.schema
        .createIndex('screenshots_agent_captured')
        .on('screenshots')
        .columns(['agent_id', 'captured_at'])
        .execute();
      // Retention deletes by age.
      await db.schema.createIndex('screenshots_captured').on('screenshots').columns(['captured_at']).execute();
    },
  },
  // Duplicate uploads store nothing but keep the frame "seen": staleness means no frame received lately.
  '0006_screenshots_last_seen': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('screenshots')
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      // The default only satisfies NOT NULL for existing rows (SQLite); every row gets its capture time.
      await sql`update screenshots set last_seen_at = captured_at`.execute(db);
    },
  },
};
