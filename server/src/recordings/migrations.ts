import { type Kysely, type Migration, sql } from 'kysely';

/** Recording metadata; the audio itself is a WAV file under DATA_DIR/recordings. */
export const recordingMigrations: Record<string, Migration> = {
  '0007_recordings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('recordings')
        .addColumn('call_id', 'text', (c) => c.primaryKey())
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('frames', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('duration_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        // A day-long call is 1.4 GB; bigint keeps any size exact on PostgreSQL.
        .addColumn('size_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('channels', 'integer', (c) => c.notNull())
        .addColumn('sample_rate', 'integer', (c) => c.notNull())
        .addColumn('bits_per_sample', 'integer', (c) => c.notNull())
        .addColumn('source_codec', 'text', (c) => c.notNull())
        .addColumn('gap_frames_agent', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('gap_frames_caller', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('late_frames', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('controller_frames', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // Retention deletes by end time.
      await db.schema.createIndex('recordings_ended_at').on('recordings').columns(['ended_at']).execute();
      // Start-up repair looks for unfinished recordings: few, found without a scan.
      await db.schema
        .createIndex('recordings_unfinished')
        .on('recordings')
        .columns(['started_at'])
        .where(sql.ref('status'), '=', 'recording')
        .execute();
    },
  },
};
