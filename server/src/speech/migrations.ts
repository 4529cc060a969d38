import { type Kysely, type Migration, sql } from 'kysely';

/** Speech segments and per-call metrics (layout in tables.ts). */
export const speechMigrations: Record<string, Migration> = {
  '0008_speech': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('speech_segments')
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        // 1 / 0 / null rather than a boolean: the same on SQLite and PostgreSQL.
        .addColumn('screen_changed', 'integer')
        .addPrimaryKeyConstraint('speech_segments_pk', ['call_id', 'seq'])
        .execute();
      // Behaviour search: silences longer than N, overtalk; by time.
      await db.schema
        .createIndex('speech_segments_kind_duration')
        .on('speech_segments')
        .columns(['kind', 'duration_ms'])
        .execute();
      await db.schema.createIndex('speech_segments_kind_at').on('speech_segments').columns(['kind', 'at']).execute();
      // Dead air while the screen stood still: few rows, found without a scan.
      await db.schema
        .createIndex('speech_segments_still_silence')
        .on('speech_segments')
        .columns(['duration_ms'])
        .where(sql.ref('kind'), '=', 'silence')
        .where(sql.ref('screen_changed'), '=', 0)
        .execute();

      await db.schema
        .createTable('call_speech_metrics')
        .addColumn('call_id', 'text', (c) => c.primaryKey())
        .addColumn('offered_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint', (c) => c.notNull())
        .addColumn('audio_started_at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'bigint', (c) => c.notNull())
        .addColumn('agent_talk_ms', 'bigint', (c) => c.notNull())
        .addColumn('caller_talk_ms', 'bigint', (c) => c.notNull())
        .addColumn('silence_ms', 'bigint', (c) => c.notNull())
        .addColumn('hold_ms', 'bigint', (c) => c.notNull())
        .addColumn('agent_talk_share', 'double precision', (c) => c.notNull())
        .addColumn('caller_talk_share', 'double precision', (c) => c.notNull())
        .addColumn('non_talk_share', 'double precision', (c) => c.notNull())
        .addColumn('longest_silence_ms', 'bigint', (c) => c.notNull())
        .addColumn('longest_silence_at_ms', 'bigint')
        .addColumn('overtalk_count', 'integer', (c) => c.notNull())
        .addColumn('hold_count', 'integer', (c) => c.notNull())
        .addColumn('dead_air_count', 'integer', (c) => c.notNull())
        .addColumn('dead_air_still_count', 'integer', (c) => c.notNull())
        .addColumn('dead_air_threshold_ms', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      for (const column of ['longest_silence_ms', 'overtalk_count', 'dead_air_still_count', 'offered_at']) {
        await db.schema
          .createIndex(`call_speech_metrics_${column}`)
          .on('call_speech_metrics')
          .columns([column])
          .execute();
      }
    },
  },
};
