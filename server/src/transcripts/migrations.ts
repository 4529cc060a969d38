import { type Kysely, type Migration, sql } from 'kysely';

/**
 * True on PostgreSQL, false on SQLite (as the audit migration asks): a function only PostgreSQL has. On
 * SQLite the failed statement changes nothing; on PostgreSQL nothing fails.
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
 * Transcript segments, their full-text index and the calls' final sentiment.
 *
 * The index holds each line's search text (server/src/search/searchText.ts: folded tokens, space-separated),
 * keyed by the segment's row id:
 * - SQLite: an FTS5 table without content of its own (the text is in transcript_segments already), whose rows
 *   can still be deleted (contentless_delete, SQLite 3.43+). unicode61 splits on spaces only here, since the
 *   tokens are folded before; diacritics are left alone (remove_diacritics 0) because the folding decides
 *   them, the same for both engines. Prefix indexes for 2 and 3 characters make short prefixes cheap.
 * - PostgreSQL: a tsvector per segment (to_tsvector('simple', …): no stemming, no stop words) with a GIN
 *   index; deleted with its segment.
 */
export const transcriptMigrations: Record<string, Migration> = {
  '0009_transcripts': {
    async up(db: Kysely<unknown>) {
      const postgres = await isPostgres(db);
      await db.schema
        .createTable('transcript_segments')
        // Chosen by the server (segmentRowIds.ts) so that id order is offer-time order; `integer primary key`
        // is SQLite's rowid itself.
        .addColumn('id', postgres ? 'bigint' : 'integer', (c) => c.primaryKey())
        .addColumn('segment_id', 'text', (c) => c.notNull().unique())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('speaker', 'text', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
      // A call's transcript in order (call page, sentiment); retention deletes by age.
      await db.schema
        .createIndex('transcript_segments_call_start')
        .on('transcript_segments')
        .columns(['call_id', 'start_ms'])
        .execute();
      await db.schema
        .createIndex('transcript_segments_received')
        .on('transcript_segments')
        .columns(['received_at'])
        .execute();

      if (postgres) {
        await sql`
          create table transcript_fts (
            id bigint primary key references transcript_segments (id) on delete cascade,
            body tsvector not null
          )`.execute(db);
        await sql`create index transcript_fts_body on transcript_fts using gin (body)`.execute(db);
      } else {
        await sql`
          create virtual table transcript_fts using fts5(
            body,
            content = '',
            contentless_delete = 1,
            tokenize = 'unicode61 remove_diacritics 0',
            prefix = '2 3'
          )`.execute(db);
      }

      await db.schema
        .createTable('call_sentiments')
        .addColumn('call_id', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The search filter: calls of one label.
      await db.schema
        .createIndex('call_sentiments_label_call')
        .on('call_sentiments')
        .columns(['label', 'call_id'])
        .execute();
      await db.schema.createIndex('call_sentiments_updated').on('call_sentiments').columns(['updated_at']).execute();
    },
  },
};
