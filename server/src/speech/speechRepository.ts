import type { CallSpeechMetrics, SpeechSegment } from '@earshot/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/database.js';
import type { CallSpeechMetricsTable, SpeechSegmentsTable } from './tables.js';

/** One ended call's speech as stored, with what places it in time. */
export interface StoredCallSpeech {
  metrics: CallSpeechMetrics;
  segments: SpeechSegment[];
  offeredAt: number;
  endedAt: number;
  audioStartedAt: number;
  deadAirThresholdMs: number;
}

/** Rows per insert: 8 columns each, far below either database's parameter limit. */
const INSERT_CHUNK_ROWS = 500;

/** Reads and writes `speech_segments` and `call_speech_metrics` (layout in tables.ts). */
export class SpeechRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a call's speech, replacing what an earlier attempt stored for it. One transaction. */
  async save(stored: StoredCallSpeech, now: number): Promise<void> {
    const { metrics, segments } = stored;
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('speech_segments').where('call_id', '=', metrics.callId).execute();
      await trx.deleteFrom('call_speech_metrics').where('call_id', '=', metrics.callId).execute();
      await trx
        .insertInto('call_speech_metrics')
        .values({
          call_id: metrics.callId,
          offered_at: stored.offeredAt,
          ended_at: stored.endedAt,
          audio_started_at: stored.audioStartedAt,
          duration_ms: metrics.durationMs,
          agent_talk_ms: metrics.agentTalkMs,
          caller_talk_ms: metrics.callerTalkMs,
          silence_ms: metrics.silenceMs,
          hold_ms: metrics.holdMs,
          agent_talk_share: metrics.agentTalkShare,
          caller_talk_share: metrics.callerTalkShare,
          non_talk_share: metrics.nonTalkShare,
          longest_silence_ms: metrics.longestSilenceMs,
          longest_silence_at_ms: metrics.longestSilenceAtMs,
          overtalk_count: metrics.overtalkCount,
          hold_count: metrics.holdCount,
          dead_air_count: metrics.deadAirCount,
          dead_air_still_count: metrics.deadAirStillCount,
          dead_air_threshold_ms: stored.deadAirThresholdMs,
          created_at: now,
        })
        .execute();
      const rows = segments.map((segment, seq) => ({
        call_id: metrics.callId,
        seq,
        kind: segment.kind,
        start_ms: segment.startMs,
        end_ms: segment.endMs,
        duration_ms: segment.endMs - segment.startMs,
        at: stored.audioStartedAt + segment.startMs,
        screen_changed:
          segment.screenChanged === undefined || segment.screenChanged === null ? null : segment.screenChanged ? 1 : 0,
      }));
      for (let from = 0; from < rows.length; from += INSERT_CHUNK_ROWS) {
        await trx
          .insertInto('speech_segments')
          .values(rows.slice(from, from + INSERT_CHUNK_ROWS))
          .execute();
      }
    });
  }

  async get(callId: string): Promise<{ metrics: CallSpeechMetrics; segments: SpeechSegment[] } | undefined> {
    const row = await this.db
      .selectFrom('call_speech_metrics')
      .selectAll()
      .where('call_id', '=', callId)
      .executeTakeFirst();
    if (!row) return undefined;
    const segments = await this.db
      .selectFrom('speech_segments')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('seq')
      .execute();
    return { metrics: metricsFromRow(row), segments: segments.map(segmentFromRow) };
  }

  /** Deletes the speech of calls offered before the cutoff, in batches; says how many rows of each went. */
  async deleteOfferedBefore(
    cutoff: number,
    batchSize = 500,
  ): Promise<{ callSpeechMetrics: number; speechSegments: number }> {
    let callSpeechMetrics = 0;
    let speechSegments = 0;
    for (;;) {
      const deleted = await this.db.transaction().execute(async (trx) => {
        const ids = (
          await trx
            .selectFrom('call_speech_metrics')
            .select('call_id')
            .where('offered_at', '<', cutoff)
            .orderBy('offered_at')
            .limit(batchSize)
            .execute()
        ).map((row) => row.call_id);
        if (ids.length === 0) return { metrics: 0, segments: 0 };
        const segments = await trx.deleteFrom('speech_segments').where('call_id', 'in', ids).executeTakeFirst();
        const metrics = await trx.deleteFrom('call_speech_metrics').where('call_id', 'in', ids).executeTakeFirst();
        return { metrics: Number(metrics.numDeletedRows), segments: Number(segments.numDeletedRows) };
      });
      callSpeechMetrics += deleted.metrics;
      speechSegments += deleted.segments;
      if (deleted.metrics < batchSize) return { callSpeechMetrics, speechSegments };
    }
  }
}

function metricsFromRow(row: Selectable<CallSpeechMetricsTable>): CallSpeechMetrics {
  return {
    callId: row.call_id,
    durationMs: Number(row.duration_ms),
    agentTalkMs: Number(row.agent_talk_ms),
    callerTalkMs: Number(row.caller_talk_ms),
    silenceMs: Number(row.silence_ms),
    holdMs: Number(row.hold_ms),
    agentTalkShare: Number(row.agent_talk_share),
    callerTalkShare: Number(row.caller_talk_share),
    nonTalkShare: Number(row.non_talk_share),
    longestSilenceMs: Number(row.longest_silence_ms),
    longestSilenceAtMs: row.longest_silence_at_ms === null ? null : Number(row.longest_silence_at_ms),
    overtalkCount: Number(row.overtalk_count),
    holdCount: Number(row.hold_count),
    deadAirCount: Number(row.dead_air_count),
    deadAirStillCount: Number(row.dead_air_still_count),
  };
}

function segmentFromRow(row: Selectable<SpeechSegmentsTable>): SpeechSegment {
  const segment: SpeechSegment = { kind: row.kind, startMs: Number(row.start_ms), endMs: Number(row.end_ms) };
  if (row.kind === 'silence') segment.screenChanged = row.screen_changed === null ? null : row.screen_changed === 1;
  return segment;
}
