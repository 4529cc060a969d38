import type { SpeechSegmentKind } from '@earshot/shared';

/**
 * A call's speech after it ended (migration 0008_speech), written once when the call ends, from the live
 * voice-activity results. Offsets (`*_ms` of a moment) are in the call's audio: ms since frame 0 of its
 * recording; `at` columns are the wall clock (audio start + offset). Deleted with the retention period,
 * counted from the call's offer like the call itself.
 *
 * speech_segments: one row per segment, `seq` orders them within the call (by start).
 *   kind            agent | caller | silence | overtalk | hold
 *   start_ms/end_ms offsets; duration_ms = end_ms − start_ms
 *   at              epoch ms of start_ms
 *   screen_changed  silences only: 1 the agent's screen changed during it (working), 0 screenshots came and
 *                   none was new (stuck), null no screenshot then (or not a silence)
 *   indexes: primary key (call_id, seq); (kind, duration_ms) for "silence longer than N", "overtalk";
 *            (kind, at) for time ranges; speech_segments_still_silence (duration_ms) where kind = 'silence'
 *            and screen_changed = 0, for "dead air with a still screen" (duration_ms >= the threshold).
 *
 * call_speech_metrics: one row per call, the CallSpeechMetrics figures plus when and at what threshold.
 *   indexes: primary key call_id; longest_silence_ms; overtalk_count; dead_air_still_count; offered_at
 *            (retention, time ranges).
 */
export interface SpeechSegmentsTable {
  call_id: string;
  seq: number;
  kind: SpeechSegmentKind;
  start_ms: number;
  end_ms: number;
  duration_ms: number;
  at: number;
  screen_changed: number | null;
}

export interface CallSpeechMetricsTable {
  call_id: string;
  /** The call's offer time (as `calls.offered_at`): retention counts from here. */
  offered_at: number;
  ended_at: number;
  /** Epoch ms of the audio's frame 0 (the recording's start). */
  audio_started_at: number;
  duration_ms: number;
  agent_talk_ms: number;
  caller_talk_ms: number;
  silence_ms: number;
  hold_ms: number;
  agent_talk_share: number;
  caller_talk_share: number;
  non_talk_share: number;
  longest_silence_ms: number;
  longest_silence_at_ms: number | null;
  overtalk_count: number;
  hold_count: number;
  dead_air_count: number;
  dead_air_still_count: number;
  /** The dead-air threshold the two counts above were made with. */
  dead_air_threshold_ms: number;
  created_at: number;
}

export interface SpeechTables {
  speech_segments: SpeechSegmentsTable;
  call_speech_metrics: CallSpeechMetricsTable;
}
