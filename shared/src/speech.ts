import { z } from 'zod';
import { type Sentiment, SentimentLabelSchema } from './callSignals.js';
import { ExternalIdSchema, LineSchema, TopicSchema } from './calls.js';

/**
 * Speech analytics: who spoke when (voice activity per channel), silences and overtalk, transcripts from
 * the platform's recogniser, sentiment, and search across all of it. Times inside a call are offsets in
 * its audio (`ms` since frame 0 of the recording, the same timeline as the recording's WAV), so a hit can
 * open the recording at its moment; `Recording.startedAt + offsetMs` is the wall-clock time.
 */

/* ------------------------------------------------------------ voice activity ------------------------------------------------------------ */

/** A silence (neither side speaking, not on hold) longer than this shows on the tile as a ticking badge. */
export const SILENCE_BADGE_MIN_MS = 2_000;
/** Default dead-air alert threshold: a silence this long raises the alert (admins may change it). */
export const DEAD_AIR_THRESHOLD_MS = 10_000;
export const DEAD_AIR_THRESHOLD_MIN_MS = 3_000;
export const DEAD_AIR_THRESHOLD_MAX_MS = 120_000;

/** Speaking on both sides at once for at least this long counts as one overtalk. */
export const OVERTALK_MIN_MS = 300;

export const SPEECH_SEGMENT_KINDS = ['agent', 'caller', 'silence', 'overtalk', 'hold'] as const;
export type SpeechSegmentKind = (typeof SPEECH_SEGMENT_KINDS)[number];

/**
 * One stretch on the call's audio timeline: `agent`/`caller` speaking (one segment per utterance, the two
 * may overlap), `silence` (neither speaking, not on hold, at least SILENCE_BADGE_MIN_MS), `overtalk` (both
 * speaking), `hold`. For a silence, `screenChanged` says whether the agent's screen changed during it
 * (working in the CRM) or not (stuck): null when no screenshots were taken then.
 */
export interface SpeechSegment {
  kind: SpeechSegmentKind;
  startMs: number;
  endMs: number;
  screenChanged?: boolean | null;
}

/** Per-call figures after the call, from its segments (shares are of the call's recorded duration). */
export interface CallSpeechMetrics {
  callId: string;
  durationMs: number;
  agentTalkMs: number;
  callerTalkMs: number;
  /** Neither side speaking, hold excluded. */
  silenceMs: number;
  holdMs: number;
  agentTalkShare: number;
  callerTalkShare: number;
  /** (duration − agent talk ∪ caller talk − hold) / duration. */
  nonTalkShare: number;
  longestSilenceMs: number;
  /** Where the longest silence started (offset), or null without one. */
  longestSilenceAtMs: number | null;
  overtalkCount: number;
  holdCount: number;
  /** Silences past the dead-air threshold, and how many of them with the screen standing still. */
  deadAirCount: number;
  deadAirStillCount: number;
}

/* -------------------------------------------------------------- transcripts -------------------------------------------------------------- */

export const TRANSCRIPT_LANGUAGES = ['ru', 'uk', 'be', 'en'] as const;
export const TranscriptLanguageSchema = z.enum(TRANSCRIPT_LANGUAGES);
export type TranscriptLanguage = z.infer<typeof TranscriptLanguageSchema>;

export const SpeakerSchema = z.enum(['agent', 'caller']);
export type Speaker = z.infer<typeof SpeakerSchema>;

export const TRANSCRIPT_TEXT_MAX_CHARS = 2_000;
/** A transcript segment's offsets may not go past this (a 12-hour call). */
const OFFSET_MAX_MS = 12 * 60 * 60_000;

/**
 * One recognised utterance, sent by the telephony platform's speech recogniser (or the simulator, which
 * knows what it played) through the ingest protocol. `segmentId` is unique per segment at the source; a
 * repeat is acknowledged and ignored. Offsets are in the call's audio (ms since frame 0).
 */
export const TranscriptSegmentSchema = z
  .object({
    segmentId: ExternalIdSchema,
    callId: ExternalIdSchema,
    speaker: SpeakerSchema,
    startMs: z.number().int().min(0).max(OFFSET_MAX_MS),
    endMs: z.number().int().min(0).max(OFFSET_MAX_MS),
    text: z.string().trim().min(1).max(TRANSCRIPT_TEXT_MAX_CHARS),
    language: TranscriptLanguageSchema,
  })
  .strict()
  .refine((s) => s.endMs >= s.startMs, { message: 'endMs must not be before startMs', path: ['endMs'] });
export type TranscriptSegment = z.infer<typeof TranscriptSegmentSchema>;

export const TRANSCRIPT_BATCH_MAX_SEGMENTS = 500;
export const TranscriptBatchSchema = z.array(z.unknown()).min(1).max(TRANSCRIPT_BATCH_MAX_SEGMENTS);

/** Socket event on the ingest namespace: a batch of segments, acknowledged per segment. */
export const TRANSCRIPT_INGEST_EVENT = 'ingest:transcript';
/** The same over HTTP (ingest key header, JSON array body). */
export const TRANSCRIPT_INGEST_PATH = '/api/ingest/transcripts';

export type TranscriptBatchItem =
  | { ok: true; segmentId: string; duplicate: boolean }
  | { ok: false; index: number; segmentId?: string; error: string };

/** A stored transcript line, as the call page shows it (`GET /api/calls/:id/transcript`). */
export interface TranscriptLine {
  segmentId: string;
  speaker: Speaker;
  startMs: number;
  endMs: number;
  text: string;
  language: TranscriptLanguage;
}

/** `GET /api/calls/:id/transcript` (permission `calls:view`): the lines in order and the call's sentiment. */
export interface CallTranscript {
  callId: string;
  lines: TranscriptLine[];
  /** Live while the call runs (final false), final after it ends; null before any text. */
  sentiment: Sentiment | null;
}

/**
 * `GET /api/calls/:id/speech` (permission `calls:view`): the segments and metrics, stored when the call ends.
 * While the call is live, both are null/empty and `live` is true.
 */
export interface CallSpeech {
  callId: string;
  live: boolean;
  metrics: CallSpeechMetrics | null;
  segments: SpeechSegment[];
}

/* ---------------------------------------------------------------- search ---------------------------------------------------------------- */

const epochMsParam = z.coerce.number().int().nonnegative();
const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');

/**
 * `GET /api/search`: words, "exact phrases" and prefix* in transcripts, and/or behaviour (silence longer
 * than N s, overtalk, dead air with a still screen), within a time range, agent, line, topic. At least one
 * of `q` and the behaviour filters. `q` is free text: search-engine syntax in it is read as words, never
 * passed to the engine.
 */
export const SearchQuerySchema = z
  .object({
    q: z.string().trim().max(200).optional(),
    minSilenceS: z.coerce.number().int().min(1).max(3_600).optional(),
    overtalk: flag.optional(),
    deadAirStill: flag.optional(),
    sentiment: SentimentLabelSchema.optional(),
    from: epochMsParam.optional(),
    to: epochMsParam.optional(),
    agentId: z.string().min(1).max(128).optional(),
    line: LineSchema.optional(),
    topic: TopicSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be later than to',
    path: ['from'],
  });
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

/** One hit: a transcript line, or a behaviour (a silence, an overtalk) at its moment in the call. */
export interface SearchHit {
  callId: string;
  kind: 'transcript' | 'silence' | 'overtalk' | 'dead_air';
  /** Offset in the call's audio where the hit happens: open the recording here. */
  atMs: number;
  endMs: number;
  /** Transcript hits: the line, with the matched words between « and ». */
  snippet: string | null;
  speaker: Speaker | null;
  /** Wall-clock time of the moment (recording start + atMs), or null without a recording. */
  at: number | null;
  agentName: string | null;
  line: string;
  topic: string;
  offeredAt: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** The words and phrases the query was read as (what was searched), for the page to show. */
  terms: string[];
  tookMs: number;
}

/** Address of the call page at a moment of its recording (the review timeline takes the same parameter). */
export const callMomentPath = (callId: string, atMs: number) =>
  `/calls/${encodeURIComponent(callId)}?t=${Math.max(0, Math.round(atMs))}`;

/**
 * Address of the review timeline at a moment of the call's recording: where search hits and coaching open.
 * `words` (the search's terms) are marked in the transcript and on the timeline there.
 */
export const reviewMomentPath = (callId: string, atMs: number, words?: readonly string[]) => {
  const params = new URLSearchParams({ t: String(Math.max(0, Math.round(atMs))) });
  if (words && words.length > 0) params.set('q', words.join(' '));
  return `/calls/${encodeURIComponent(callId)}/review?${params.toString()}`;
};
