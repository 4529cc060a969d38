import type { SentimentLabel, Speaker, TranscriptLanguage } from '@earshot/shared';

/**
 * One recognised utterance of a call (TranscriptSegment as stored). Its search index lives beside it, keyed
 * by `id`, in a table the query builder does not type because it differs by engine (transcripts/migrations.ts):
 * an FTS5 virtual table on SQLite, a tsvector table with a GIN index on PostgreSQL.
 */
export interface TranscriptSegmentsTable {
  /** Orders segments by their call's offer time (segmentRowIds.ts); the search index's key. */
  id: number;
  /** The source's id, unique: a repeat is acknowledged and ignored. */
  segment_id: string;
  call_id: string;
  speaker: Speaker;
  /** Offsets in the call's audio (ms since frame 0 of its recording). */
  start_ms: number;
  end_ms: number;
  text: string;
  language: TranscriptLanguage;
  /** Epoch ms the server stored it; retention deletes by it. */
  received_at: number;
}

/** A call's final sentiment, computed from its whole transcript when it ended (the search filter reads it). */
export interface CallSentimentsTable {
  call_id: string;
  label: SentimentLabel;
  /** −1 (negative) to +1 (positive). */
  score: number;
  updated_at: number;
}

export interface TranscriptTables {
  transcript_segments: TranscriptSegmentsTable;
  call_sentiments: CallSentimentsTable;
}
