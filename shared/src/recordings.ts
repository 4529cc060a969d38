import { z } from 'zod';
import type { Recording } from './audio.js';
import { type Sentiment, SentimentLabelSchema } from './callSignals.js';
import type { Call } from './calls.js';
import { EndReasonSchema, LineSchema, TopicSchema } from './calls.js';

/* ------------------------------------------------------------- waveform peaks ------------------------------------------------------------- */

/**
 * Waveform peaks of a recording (`GET /api/recordings/:callId/peaks`, `application/octet-stream`), computed
 * once on the server so the review page never decodes a whole call in the browser.
 *
 * Layout, all integers little-endian:
 *   0  4 bytes  magic "ESPK"
 *   4  u8       version (1)
 *   5  u8       channels (2: agent left = channel 0, caller right = channel 1)
 *   6  u16      buckets per second (10)
 *   8  u32      bucket count (the last bucket may cover less than a full bucket of audio)
 *   12 u32      duration of the audio, ms
 *   16 …        per channel, one after the other (planar): bucketCount pairs of int8 (min, max)
 *
 * A sample s (int16) maps to int8 as floor(s / 256) for a minimum and ceil(s / 256) for a maximum (clamped
 * to −128…127), so any sound at all shows and true silence is exactly 0 on both.
 *
 * Why 10 buckets per second, int8: a one-hour call is 72,000 B per channel, 144 KB in all (plus 16), which
 * the page fetches and decodes in a few milliseconds; wavesurfer.js draws at most one peak per pixel, and at
 * 10 per second a two-minute window on a 1,200-pixel timeline still has a bucket per pixel, while a whole hour
 * on the same width needs one bucket in 60. 100 ms is finer than what a reviewer looks for on the waveform
 * (a word, a pause, a long silence); the 20 ms detail stays in the audio. int8 is what a canvas a hundred
 * pixels high can show.
 */
export const PEAKS_MAGIC = 'ESPK';
export const PEAKS_FORMAT_VERSION = 1;
export const PEAKS_HEADER_BYTES = 16;
export const PEAKS_BUCKETS_PER_SECOND = 10;
export const PEAKS_CONTENT_TYPE = 'application/octet-stream';

export interface WaveformPeaks {
  bucketsPerSecond: number;
  bucketCount: number;
  durationMs: number;
  /** One entry per channel (agent, caller): `min[i]`, `max[i]` of bucket i, int8 (−128…127). */
  channels: { min: Int8Array; max: Int8Array }[];
}

/** The int8 a sample's minimum is shown as. */
export const peakMinOf = (sample: number) => Math.max(-128, Math.floor(sample / 256));
/** The int8 a sample's maximum is shown as. */
export const peakMaxOf = (sample: number) => Math.min(127, Math.ceil(sample / 256));

export function encodePeaks(peaks: WaveformPeaks): Uint8Array {
  const { bucketCount, channels } = peaks;
  const bytes = new Uint8Array(PEAKS_HEADER_BYTES + channels.length * bucketCount * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = PEAKS_MAGIC.charCodeAt(i);
  view.setUint8(4, PEAKS_FORMAT_VERSION);
  view.setUint8(5, channels.length);
  view.setUint16(6, peaks.bucketsPerSecond, true);
  view.setUint32(8, bucketCount, true);
  view.setUint32(12, peaks.durationMs, true);
  channels.forEach((channel, c) => {
    if (channel.min.length !== bucketCount || channel.max.length !== bucketCount) {
      throw new Error(`channel ${c} has ${channel.min.length}/${channel.max.length} buckets, not ${bucketCount}`);
    }
    const base = PEAKS_HEADER_BYTES + c * bucketCount * 2;
    for (let i = 0; i < bucketCount; i++) {
      view.setInt8(base + 2 * i, channel.min[i] as number);
      view.setInt8(base + 2 * i + 1, channel.max[i] as number);
    }
  });
  return bytes;
}

export type DecodedPeaks = { ok: true; peaks: WaveformPeaks } | { ok: false; error: string };

/** Reads a peaks body; says what is wrong with one that is not (another version, cut short). */
export function decodePeaks(input: ArrayBuffer | Uint8Array): DecodedPeaks {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteLength < PEAKS_HEADER_BYTES) {
    return { ok: false, error: `peaks are at least ${PEAKS_HEADER_BYTES} bytes; got ${bytes.byteLength}` };
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== PEAKS_MAGIC) return { ok: false, error: `not a peaks body (magic ${JSON.stringify(magic)})` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(4);
  if (version !== PEAKS_FORMAT_VERSION) {
    return { ok: false, error: `peaks format version ${version}; this client reads ${PEAKS_FORMAT_VERSION}` };
  }
  const channelCount = view.getUint8(5);
  const bucketsPerSecond = view.getUint16(6, true);
  const bucketCount = view.getUint32(8, true);
  const durationMs = view.getUint32(12, true);
  const expected = PEAKS_HEADER_BYTES + channelCount * bucketCount * 2;
  if (bytes.byteLength !== expected || bucketsPerSecond === 0) {
    return {
      ok: false,
      error: `peaks of ${channelCount} channel(s) × ${bucketCount} buckets are ${expected} bytes; got ${bytes.byteLength}`,
    };
  }
  const channels: WaveformPeaks['channels'] = [];
  for (let c = 0; c < channelCount; c++) {
    const base = PEAKS_HEADER_BYTES + c * bucketCount * 2;
    const min = new Int8Array(bucketCount);
    const max = new Int8Array(bucketCount);
    for (let i = 0; i < bucketCount; i++) {
      min[i] = view.getInt8(base + 2 * i);
      max[i] = view.getInt8(base + 2 * i + 1);
    }
    channels.push({ min, max });
  }
  return { ok: true, peaks: { bucketsPerSecond, bucketCount, durationMs, channels } };
}

/**
 * The peaks as wavesurfer.js takes them (`peaks`, one array per channel, values −1…1): each bucket gives
 * its max then its min, so a bar drawn from the absolute values keeps the louder of the two.
 */
export function peaksForWaveSurfer(peaks: WaveformPeaks): Float32Array[] {
  return peaks.channels.map(({ min, max }) => {
    const out = new Float32Array(peaks.bucketCount * 2);
    for (let i = 0; i < peaks.bucketCount; i++) {
      out[2 * i] = (max[i] as number) / 127;
      out[2 * i + 1] = (min[i] as number) / 128;
    }
    return out;
  });
}

export const recordingPeaksUrl = (callId: string) => `/api/recordings/${encodeURIComponent(callId)}/peaks`;

/* ------------------------------------------------------------- recordings list ------------------------------------------------------------- */

const epochMsParam = z.coerce.number().int().nonnegative();
const flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');
const durationSParam = z.coerce
  .number()
  .int()
  .min(0)
  .max(24 * 3_600);

/** A silence at least this long marks a call as having a long silence in the recordings list. */
export const LONG_SILENCE_FLAG_MS = 10_000;

/** What a row of the recordings list can be flagged with (and filtered by). */
export const RECORDING_FLAGS = ['longCall', 'longSilence', 'deadAirStill', 'barged', 'keyword'] as const;
export type RecordingFlag = (typeof RECORDING_FLAGS)[number];

/**
 * `GET /api/recordings`: finished calls with a recording, newest first (offer time), cursor pages.
 * Filters: offer time range, agent, line, topic, recording duration in seconds, outcome (end reason), final
 * sentiment; flags (each `1`/`true` keeps only the calls that have it): longCall (talk time past the
 * long-call red threshold), longSilence (a silence of LONG_SILENCE_FLAG_MS or more), deadAirStill, barged;
 * `q`: calls whose transcript holds every term (the search box's language: words, "phrases", prefix*).
 */
export const RecordingsQuerySchema = z
  .object({
    from: epochMsParam.optional(),
    to: epochMsParam.optional(),
    agentId: z.string().min(1).max(128).optional(),
    line: LineSchema.optional(),
    topic: TopicSchema.optional(),
    minDurationS: durationSParam.optional(),
    maxDurationS: durationSParam.optional(),
    outcome: EndReasonSchema.optional(),
    sentiment: SentimentLabelSchema.optional(),
    longCall: flag.optional(),
    longSilence: flag.optional(),
    deadAirStill: flag.optional(),
    barged: flag.optional(),
    q: z.string().trim().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be later than to',
    path: ['from'],
  })
  .refine((q) => q.minDurationS === undefined || q.maxDurationS === undefined || q.minDurationS <= q.maxDurationS, {
    message: 'minDurationS must not be larger than maxDurationS',
    path: ['minDurationS'],
  });
export type RecordingsQuery = z.infer<typeof RecordingsQuerySchema>;

/** The speech figures a list row shows (from the call's speech metrics; null before they exist). */
export interface RecordingSpeechSummary {
  longestSilenceMs: number;
  longestSilenceAtMs: number | null;
  deadAirCount: number;
  deadAirStillCount: number;
  overtalkCount: number;
}

export interface RecordingListItem {
  call: Call;
  recording: Recording;
  /** The flags that hold for this call (`keyword` when `q` was given: every row then has a hit). */
  flags: RecordingFlag[];
  speech: RecordingSpeechSummary | null;
  /** The final sentiment, or null without a transcript. */
  sentiment: Sentiment | null;
}

export interface RecordingsPage {
  items: RecordingListItem[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
  /** The words and phrases `q` was read as (empty without q). */
  terms: string[];
}

export const recordingsListUrl = '/api/recordings';
