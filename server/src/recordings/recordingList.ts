import {
  LONG_SILENCE_FLAG_MS,
  MONITOR_STARTED_EVENT_TYPE,
  parseSearchQuery,
  type RecordingFlag,
  type RecordingListItem,
  type RecordingsPage,
  type RecordingsQuery,
  type SentimentLabel,
} from '@earshot/shared';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { callFromRow } from '../calls/callRepository.js';
import { type CallsCursor, encodeCursor } from '../calls/cursor.js';
import { toFts5Match, toTsQuery } from '../search/queryParser.js';
import type { Database } from '../store/database.js';
import type { StoreKind } from '../store/openStore.js';
import { rowIdRange } from '../transcripts/segmentRowIds.js';
import type { RecordingRepository } from './recordingRepository.js';

/** A monitor.started history entry's detail is JSON text written by JSON.stringify (no spaces). */
const BARGE_DETAIL_PATTERN = '%"mode":"barge"%';

export type RecordingListOutcome = { ok: true; page: RecordingsPage } | { ok: false; field: string; error: string };

export interface RecordingListDeps {
  db: Kysely<Database>;
  kind: StoreKind;
  recordings: RecordingRepository;
}

/**
 * The recordings list (`GET /api/recordings`): finished calls with a finished recording, newest first on
 * (offered_at, id) like the call list, so the walk follows `calls_offered_at_id` (or the index of the
 * agent, line, topic or end-reason filter) and stops after `limit + 1` rows. The other filters are
 * primary-key lookups per row (recordings, call_speech_metrics, call_sentiments) or an EXISTS on the call's
 * history (`call_events_call_seq`); `q` is the transcript search's own match (server/src/search: the same
 * parser, the same FTS5 / tsquery text, the same row-id range for the time filter), computed once as the
 * set of calls with a hit.
 */
export class RecordingList {
  constructor(private readonly deps: RecordingListDeps) {}

  async list(
    query: Omit<RecordingsQuery, 'cursor'>,
    cursor: CallsCursor | null,
    longCallRedMs: number,
  ): Promise<RecordingListOutcome> {
    const parsed = parseSearchQuery(query.q ?? '');
    if (query.q !== undefined && query.q.length > 0 && parsed.terms.length === 0) {
      return { ok: false, field: 'q', error: 'q holds no words (letters or digits) to search for' };
    }
    const rows = await this.select(query, cursor, longCallRedMs).execute();
    const pageRows = rows.slice(0, query.limit);
    const recordings = await this.deps.recordings.getMany(pageRows.map((row) => row.id));
    const items: RecordingListItem[] = [];
    for (const row of pageRows) {
      const recording = recordings.get(row.id);
      if (!recording) continue; // deleted by retention between the two reads
      const sentiment =
        row.sentiment_label === null || row.sentiment_score === null
          ? null
          : { label: row.sentiment_label as SentimentLabel, score: Number(row.sentiment_score), final: true };
      const call = { ...callFromRow(row), sentiment };
      const speech =
        row.longest_silence_ms === null
          ? null
          : {
              longestSilenceMs: Number(row.longest_silence_ms),
              longestSilenceAtMs: row.longest_silence_at_ms === null ? null : Number(row.longest_silence_at_ms),
              deadAirCount: Number(row.dead_air_count),
              deadAirStillCount: Number(row.dead_air_still_count),
              overtalkCount: Number(row.overtalk_count),
            };
      const flags: RecordingFlag[] = [];
      if (call.answeredAt !== null && call.endedAt !== null && call.endedAt - call.answeredAt >= longCallRedMs) {
        flags.push('longCall');
      }
      if (speech && speech.longestSilenceMs >= LONG_SILENCE_FLAG_MS) flags.push('longSilence');
      if (speech && speech.deadAirStillCount > 0) flags.push('deadAirStill');
      // PostgreSQL answers EXISTS with a boolean, SQLite with 0 or 1.
      if (row.barged === true || Number(row.barged) === 1) flags.push('barged');
      if (parsed.terms.length > 0) flags.push('keyword');
      items.push({ call, recording, flags, speech, sentiment });
    }
    const last = pageRows.at(-1);
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor({ offeredAt: Number(last.offered_at), id: last.id }) : null;
    return { ok: true, page: { items, nextCursor, terms: parsed.display } };
  }

  /** The page's query (one row more than asked tells whether another page exists); public for EXPLAIN in tests. */
  select(query: Omit<RecordingsQuery, 'cursor'>, cursor: CallsCursor | null, longCallRedMs: number) {
    const parsed = parseSearchQuery(query.q ?? '');
    const talkTooLong = sql<SqlBool>`(c.answered_at is not null and c.ended_at - c.answered_at >= ${longCallRedMs})`;
    let select = this.deps.db
      .selectFrom('calls as c')
      .innerJoin('recordings as r', 'r.call_id', 'c.id')
      .leftJoin('call_speech_metrics as m', 'm.call_id', 'c.id')
      .leftJoin('call_sentiments as cs', 'cs.call_id', 'c.id')
      .selectAll('c')
      .select([
        'm.longest_silence_ms',
        'm.longest_silence_at_ms',
        'm.dead_air_count',
        'm.dead_air_still_count',
        'm.overtalk_count',
        'cs.label as sentiment_label',
        'cs.score as sentiment_score',
        BARGED.as('barged'),
      ])
      .where('c.state', '=', 'ended')
      .where('r.status', '<>', 'recording');
    if (query.from !== undefined) select = select.where('c.offered_at', '>=', query.from);
    if (query.to !== undefined) select = select.where('c.offered_at', '<=', query.to);
    if (query.agentId !== undefined) select = select.where('c.agent_id', '=', query.agentId);
    if (query.line !== undefined) select = select.where('c.line', '=', query.line);
    if (query.topic !== undefined) select = select.where('c.topic', '=', query.topic);
    if (query.outcome !== undefined) select = select.where('c.end_reason', '=', query.outcome);
    if (query.minDurationS !== undefined) select = select.where('r.duration_ms', '>=', query.minDurationS * 1_000);
    // Up to the end of the last second asked: a 90.4 s call is a 90-second call.
    if (query.maxDurationS !== undefined) select = select.where('r.duration_ms', '<', (query.maxDurationS + 1) * 1_000);
    if (query.sentiment !== undefined) select = select.where('cs.label', '=', query.sentiment);
    if (query.longCall) select = select.where(talkTooLong);
    if (query.longSilence) select = select.where('m.longest_silence_ms', '>=', LONG_SILENCE_FLAG_MS);
    if (query.deadAirStill) select = select.where('m.dead_air_still_count', '>', 0);
    if (query.barged) select = select.where(BARGED);
    if (parsed.terms.length > 0) select = select.where(this.keywordCondition(parsed.terms, query));
    if (cursor) {
      select = select.where((eb) =>
        eb.or([
          eb('c.offered_at', '<', cursor.offeredAt),
          eb.and([eb('c.offered_at', '=', cursor.offeredAt), eb('c.id', '<', cursor.id)]),
        ]),
      );
    }
    return select
      .orderBy('c.offered_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(query.limit + 1);
  }

  /**
   * Calls with a transcript line holding every term: the search's match (SearchService.transcriptRows),
   * narrowed to the offer-time range by row id as it is there.
   */
  private keywordCondition(
    terms: ReturnType<typeof parseSearchQuery>['terms'],
    query: Pick<RecordingsQuery, 'from' | 'to'>,
  ): Expression<SqlBool> {
    const sqlite = this.deps.kind === 'sqlite';
    const match = sqlite
      ? sql`transcript_fts match ${toFts5Match(terms)}`
      : sql`f.body @@ to_tsquery('simple', ${toTsQuery(terms)})`;
    const indexId = sqlite ? sql`f.rowid` : sql`f.id`;
    const ids = rowIdRange(query.from, query.to);
    const range = [
      ...(ids.min === null ? [] : [sql`and ${indexId} >= ${ids.min}`]),
      ...(ids.max === null ? [] : [sql`and ${indexId} <= ${ids.max}`]),
    ];
    return sql<SqlBool>`c.id in (
      select s.call_id from transcript_fts f join transcript_segments s on s.id = ${indexId}
      where ${match} ${range.length > 0 ? sql.join(range, sql` `) : sql``})`;
  }
}

/** The call's history holds a barge (a monitor.started entry in barge mode); found through call_events_call_seq. */
const BARGED = sql<SqlBool>`exists (
  select 1 from call_events e
  where e.call_id = c.id and e.type = ${MONITOR_STARTED_EVENT_TYPE} and e.detail like ${BARGE_DETAIL_PATTERN})`;
