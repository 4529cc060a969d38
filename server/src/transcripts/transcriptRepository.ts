import type { Sentiment, TranscriptLine, TranscriptSegment } from '@earshot/shared';
import { indexText } from '@earshot/shared';
import { type Insertable, type Kysely, sql } from 'kysely';
import type { Database } from '../store/database.js';
import type { StoreKind } from '../store/openStore.js';
import { rowIdSlot } from './segmentRowIds.js';
import type { TranscriptSegmentsTable } from './tables.js';

/** Ids sent to one `in (…)` list: well under either engine's parameter limit. */
const IN_LIST_MAX = 500;

/** Inserting a batch again after another node took the same ids (PostgreSQL only: SQLite has one writer). */
const ID_RACE_ATTEMPTS = 5;

/** A unique violation on the primary key (not on segment_id, which the insert skips). */
function isPrimaryKeyClash(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'transcript_segments_pkey';
}

function chunks<T>(items: readonly T[], size = IN_LIST_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Transcript segments, their search index and the calls' final sentiment. The index is written in the same
 * transaction as the segments, so a line is searchable exactly when it is stored.
 */
export class TranscriptRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: StoreKind,
  ) {}

  /** The offer time of each of these calls the store knows (live or ended); unknown ones are absent. */
  async callOfferTimes(callIds: readonly string[]): Promise<Map<string, number>> {
    const known = new Map<string, number>();
    for (const ids of chunks([...new Set(callIds)])) {
      const rows = await this.db.selectFrom('calls').select(['id', 'offered_at']).where('id', 'in', ids).execute();
      for (const row of rows) known.set(row.id, Number(row.offered_at));
    }
    return known;
  }

  /** Which of these segment ids are stored already. */
  async storedSegmentIds(segmentIds: readonly string[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (const ids of chunks([...new Set(segmentIds)])) {
      const rows = await this.db
        .selectFrom('transcript_segments')
        .select('segment_id')
        .where('segment_id', 'in', ids)
        .execute();
      for (const row of rows) stored.add(row.segment_id);
    }
    return stored;
  }

  /**
   * Stores new segments and indexes them, in one transaction; `offeredAt` gives each segment's call offer
   * time, which places its row id (segmentRowIds.ts). A segment id stored meanwhile (another node) is
   * skipped, not an error. Returns the segment ids actually inserted.
   */
  async insertSegments(
    segments: readonly TranscriptSegment[],
    offeredAt: ReadonlyMap<string, number>,
    receivedAt: number,
  ): Promise<Set<string>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tryInsertSegments(segments, offeredAt, receivedAt);
      } catch (error) {
        // Two nodes may pick the same free id for calls offered in the same second; the loser tries again.
        if (attempt >= ID_RACE_ATTEMPTS || !isPrimaryKeyClash(error)) throw error;
      }
    }
  }

  private async tryInsertSegments(
    segments: readonly TranscriptSegment[],
    offeredAt: ReadonlyMap<string, number>,
    receivedAt: number,
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    if (segments.length === 0) return inserted;
    await this.db.transaction().execute(async (trx) => {
      // The next free id in each offer second the batch touches.
      const nextId = new Map<number, { next: number; last: number }>();
      const rows: Insertable<TranscriptSegmentsTable>[] = [];
      for (const s of segments) {
        const callOfferedAt = offeredAt.get(s.callId);
        if (callOfferedAt === undefined) throw new Error(`no offer time for call ${s.callId}`);
        const slot = rowIdSlot(callOfferedAt);
        let cursor = nextId.get(slot.first);
        if (!cursor) {
          const top = await trx
            .selectFrom('transcript_segments')
            .select((eb) => eb.fn.max('id').as('max'))
            .where('id', '>=', slot.first)
            .where('id', '<=', slot.last)
            .executeTakeFirst();
          const max = top?.max;
          cursor = { next: max === null || max === undefined ? slot.first : Number(max) + 1, last: slot.last };
          nextId.set(slot.first, cursor);
        }
        if (cursor.next > cursor.last) throw new Error(`too many transcript segments for calls offered in one second`);
        rows.push({
          id: cursor.next,
          segment_id: s.segmentId,
          call_id: s.callId,
          speaker: s.speaker,
          start_ms: s.startMs,
          end_ms: s.endMs,
          text: s.text,
          language: s.language,
          received_at: receivedAt,
        });
        cursor.next += 1;
      }
      const textById = new Map(segments.map((s) => [s.segmentId, s.text]));
      for (const part of chunks(rows, 200)) {
        const stored = await trx
          .insertInto('transcript_segments')
          .values(part)
          .onConflict((oc) => oc.column('segment_id').doNothing())
          .returning(['id', 'segment_id'])
          .execute();
        const entries = stored.map((row) => ({
          id: Number(row.id),
          body: indexText(textById.get(row.segment_id) ?? ''),
        }));
        await insertIndexRows(trx, this.kind, entries);
        for (const row of stored) inserted.add(row.segment_id);
      }
    });
    return inserted;
  }

  /** A call's transcript in audio order. */
  async listLines(callId: string): Promise<TranscriptLine[]> {
    const rows = await this.db
      .selectFrom('transcript_segments')
      .select(['segment_id', 'speaker', 'start_ms', 'end_ms', 'text', 'language'])
      .where('call_id', '=', callId)
      .orderBy('start_ms')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      segmentId: row.segment_id,
      speaker: row.speaker,
      startMs: Number(row.start_ms),
      endMs: Number(row.end_ms),
      text: row.text,
      language: row.language,
    }));
  }

  async finalSentiment(callId: string): Promise<Sentiment | null> {
    const row = await this.db
      .selectFrom('call_sentiments')
      .select(['label', 'score'])
      .where('call_id', '=', callId)
      .executeTakeFirst();
    return row ? { label: row.label, score: Number(row.score), final: true } : null;
  }

  async saveFinalSentiment(callId: string, sentiment: Sentiment, now: number): Promise<void> {
    const values = { call_id: callId, label: sentiment.label, score: sentiment.score, updated_at: now };
    await this.db
      .insertInto('call_sentiments')
      .values(values)
      .onConflict((oc) =>
        oc.column('call_id').doUpdateSet({ label: values.label, score: values.score, updated_at: now }),
      )
      .execute();
  }

  /** Retention: segments (and their index rows) received before the cutoff, and sentiments last set before it. */
  async deleteOlderThan(
    cutoff: number,
    batchSize = 1_000,
  ): Promise<{ transcriptSegments: number; callSentiments: number }> {
    let transcriptSegments = 0;
    for (;;) {
      const deleted = await this.db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('transcript_segments')
          .select('id')
          .where('received_at', '<', cutoff)
          .orderBy('received_at')
          .limit(batchSize)
          .execute();
        const ids = rows.map((row) => Number(row.id));
        if (ids.length === 0) return 0;
        // PostgreSQL's index rows go with their segment (on delete cascade); FTS5's are deleted by rowid.
        if (this.kind === 'sqlite')
          await sql`delete from transcript_fts where rowid in (${sql.join(ids)})`.execute(trx);
        const result = await trx.deleteFrom('transcript_segments').where('id', 'in', ids).executeTakeFirst();
        return Number(result.numDeletedRows);
      });
      transcriptSegments += deleted;
      if (deleted < batchSize) break;
    }
    const sentiments = await this.db.deleteFrom('call_sentiments').where('updated_at', '<', cutoff).executeTakeFirst();
    return { transcriptSegments, callSentiments: Number(sentiments.numDeletedRows) };
  }
}

/** Index rows for stored segments: `body` is the folded search text (searchText.indexText). */
export async function insertIndexRows(
  db: Kysely<Database>,
  kind: StoreKind,
  entries: readonly { id: number; body: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  const values =
    kind === 'sqlite'
      ? sql.join(entries.map((e) => sql`(${e.id}, ${e.body})`))
      : sql.join(entries.map((e) => sql`(${e.id}, to_tsvector('simple', ${e.body}))`));
  const target = kind === 'sqlite' ? sql`transcript_fts (rowid, body)` : sql`transcript_fts (id, body)`;
  await sql`insert into ${target} values ${values}`.execute(db);
}
