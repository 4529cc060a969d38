import * as alawmulawModule from 'alawmulaw';
import { z } from 'zod';
import { ExternalIdSchema } from './calls.js';
import type { MonitorMode } from './monitors.js';

/**
 * Live audio: the binary frame format spoken by telephony adapters (ingest), by the server to listening
 * controllers, and by a controller's browser when whispering or barging. Documented in docs/ingest.md.
 *
 * Telephone audio: 8 kHz, 20 ms frames (160 samples per channel), G.711 µ-law or 16-bit linear PCM.
 */
export const AUDIO_SAMPLE_RATE_HZ = 8000;
export const AUDIO_FRAME_MS = 20;
export const AUDIO_SAMPLES_PER_FRAME = (AUDIO_SAMPLE_RATE_HZ * AUDIO_FRAME_MS) / 1000;

/** Version byte of the frame header; a frame with another version is refused. */
export const AUDIO_FRAME_VERSION = 1;
/** Bytes before the call id: version, codec, channel, id length, seq (u32 LE), payload length (u16 LE). */
export const AUDIO_FRAME_FIXED_HEADER_BYTES = 10;
/** A whole message (one WebSocket message may carry frames of many calls) may not exceed this. */
export const AUDIO_MESSAGE_MAX_BYTES = 1024 * 1024;

/** Codec byte: 0 = G.711 µ-law (PCMU), 1 = signed 16-bit little-endian linear PCM (L16). */
export const AUDIO_CODECS = ['pcmu', 'l16'] as const;
export type AudioCodec = (typeof AUDIO_CODECS)[number];

/**
 * Channel byte. From the telephony platform: 0 = agent, 1 = caller, 2 = both (interleaved agent, caller).
 * Controller audio (from a browser, and from the server back to the adapter): 3 = to the agent only
 * (whisper), 4 = to the agent and the caller (barge).
 */
export const AUDIO_CHANNELS = ['agent', 'caller', 'both', 'to_agent', 'to_both'] as const;
export type AudioChannel = (typeof AUDIO_CHANNELS)[number];
/** The channels a call's own audio arrives on. */
export type CallAudioChannel = 'agent' | 'caller' | 'both';
/** The channels controller audio travels on. */
export type ControllerAudioChannel = 'to_agent' | 'to_both';

export function isCallAudioChannel(channel: AudioChannel): channel is CallAudioChannel {
  return channel === 'agent' || channel === 'caller' || channel === 'both';
}

export interface AudioFrame {
  callId: string;
  /** 20 ms frame number since the stream started: frame `seq` covers [seq·20 ms, (seq+1)·20 ms). */
  seq: number;
  codec: AudioCodec;
  channel: AudioChannel;
  /** The samples as sent (µ-law bytes or L16 little-endian), a view into the message. */
  payload: Uint8Array;
}

/** Bytes per sample of a codec. */
export function bytesPerSample(codec: AudioCodec): number {
  return codec === 'pcmu' ? 1 : 2;
}

/** Payload bytes of one 20 ms frame: 160 samples × bytes per sample × 1 or 2 channels. */
export function audioPayloadBytes(codec: AudioCodec, channel: AudioChannel): number {
  return AUDIO_SAMPLES_PER_FRAME * bytesPerSample(codec) * (channel === 'both' ? 2 : 1);
}

const SEQ_MAX = 0xffff_ffff;
const CALL_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** Encodes one frame. Throws on a frame the format cannot carry (a programming error, not input). */
export function encodeAudioFrame(frame: AudioFrame): Uint8Array {
  const id = new TextEncoder().encode(frame.callId);
  if (id.length < 1 || id.length > 128 || !CALL_ID_PATTERN.test(frame.callId)) {
    throw new Error(`call id ${JSON.stringify(frame.callId)} cannot be sent in an audio frame`);
  }
  if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > SEQ_MAX) {
    throw new Error(`seq ${frame.seq} is not an unsigned 32-bit integer`);
  }
  const out = new Uint8Array(AUDIO_FRAME_FIXED_HEADER_BYTES + id.length + frame.payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, AUDIO_FRAME_VERSION);
  view.setUint8(1, AUDIO_CODECS.indexOf(frame.codec));
  view.setUint8(2, AUDIO_CHANNELS.indexOf(frame.channel));
  view.setUint8(3, id.length);
  view.setUint32(4, frame.seq, true);
  view.setUint16(8, frame.payload.length, true);
  out.set(id, AUDIO_FRAME_FIXED_HEADER_BYTES);
  out.set(frame.payload, AUDIO_FRAME_FIXED_HEADER_BYTES + id.length);
  return out;
}

/** Several frames in one message (a gateway carrying many calls sends one message per 20 ms). */
export function encodeAudioMessage(frames: readonly AudioFrame[]): Uint8Array {
  const parts = frames.map(encodeAudioFrame);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A frame that could not be used, with the sentence the sender gets back. */
export interface AudioFrameError {
  /** Position of the frame in its message, from 0. */
  index: number;
  callId?: string;
  seq?: number;
  error: string;
}

export interface ParsedAudioMessage {
  frames: AudioFrame[];
  errors: AudioFrameError[];
}

/**
 * Parses a binary message of one or more frames. A frame whose payload has the wrong size for its codec and
 * channel is refused and skipped (its length field says where the next one starts); a broken header stops
 * the parse, since nothing after it can be trusted.
 */
export function parseAudioMessage(message: Uint8Array): ParsedAudioMessage {
  const frames: AudioFrame[] = [];
  const errors: AudioFrameError[] = [];
  if (message.length === 0) {
    errors.push({ index: 0, error: 'empty audio message: send at least one frame' });
    return { frames, errors };
  }
  if (message.length > AUDIO_MESSAGE_MAX_BYTES) {
    errors.push({
      index: 0,
      error: `audio message of ${message.length} bytes exceeds the ${AUDIO_MESSAGE_MAX_BYTES}-byte limit`,
    });
    return { frames, errors };
  }
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  let offset = 0;
  for (let index = 0; offset < message.length; index++) {
    const frameStart = offset;
    const remaining = message.length - offset;
    if (remaining < AUDIO_FRAME_FIXED_HEADER_BYTES) {
      errors.push({
        index,
        error: `frame ${index} is cut short: ${remaining} bytes left, a header needs at least ${AUDIO_FRAME_FIXED_HEADER_BYTES}`,
      });
      break;
    }
    const version = view.getUint8(offset);
    if (version !== AUDIO_FRAME_VERSION) {
      errors.push({
        index,
        error: `frame ${index} has format version ${version}; this server speaks version ${AUDIO_FRAME_VERSION}`,
      });
      break;
    }
    const codec = AUDIO_CODECS[view.getUint8(offset + 1)];
    const channel = AUDIO_CHANNELS[view.getUint8(offset + 2)];
    const idLength = view.getUint8(offset + 3);
    const seq = view.getUint32(offset + 4, true);
    const payloadLength = view.getUint16(offset + 8, true);
    const idStart = offset + AUDIO_FRAME_FIXED_HEADER_BYTES;
    const payloadStart = idStart + idLength;
    const end = payloadStart + payloadLength;
    if (idLength === 0 || end > message.length) {
      errors.push({
        index,
        seq,
        error:
          idLength === 0
            ? `frame ${index} has an empty call id`
            : `frame ${index} is cut short: header announces ${idLength + payloadLength} bytes of call id and payload, ${message.length - idStart} are left`,
      });
      break;
    }
    offset = end;
    const callId = String.fromCharCode(...message.subarray(idStart, payloadStart));
    if (!CALL_ID_PATTERN.test(callId)) {
      errors.push({ index, seq, error: `frame ${index}: call id may hold letters, digits and . _ : - only` });
      continue;
    }
    if (codec === undefined) {
      errors.push({
        index,
        callId,
        seq,
        error: `frame ${index} of call ${callId}: unknown codec byte ${view.getUint8(frameStart + 1)}; use 0 (PCMU) or 1 (L16)`,
      });
      continue;
    }
    if (channel === undefined) {
      errors.push({
        index,
        callId,
        seq,
        error: `frame ${index} of call ${callId}: unknown channel byte; use 0 agent, 1 caller, 2 both, 3 to agent, 4 to both`,
      });
      continue;
    }
    const expected = audioPayloadBytes(codec, channel);
    if (payloadLength !== expected) {
      errors.push({
        index,
        callId,
        seq,
        error: `frame ${index} of call ${callId}: payload is ${payloadLength} bytes; a 20 ms ${codec.toUpperCase()} frame on channel ${channel} is ${expected} bytes`,
      });
      continue;
    }
    frames.push({ callId, seq, codec, channel, payload: message.subarray(payloadStart, end) });
  }
  return { frames, errors };
}

// alawmulaw ships ES modules (its `module` field, used by Vite) and a UMD bundle (`main`, used by Node), whose
// namespace holds only `default`; take `mulaw` from whichever this runtime loaded.
const { mulaw } =
  'mulaw' in alawmulawModule
    ? alawmulawModule
    : (alawmulawModule as unknown as { default: typeof alawmulawModule }).default;

/** µ-law byte → linear sample, from alawmulaw's decoder once, so decoding a frame is 160 table reads. */
const MULAW_DECODE_TABLE = Int16Array.from({ length: 256 }, (_, byte) => mulaw.decodeSample(byte));
/** Linear sample (offset by 32768) → µ-law byte, 64 KiB built lazily on first encode. */
let mulawEncodeTable: Uint8Array | undefined;

export function decodeMulaw(bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  for (let i = 0; i < bytes.length; i++) out[i] = MULAW_DECODE_TABLE[bytes[i] as number] as number;
  return out;
}

export function encodeMulaw(samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  mulawEncodeTable ??= Uint8Array.from({ length: 65536 }, (_, i) => mulaw.encodeSample(i - 32768));
  for (let i = 0; i < samples.length; i++) out[i] = mulawEncodeTable[(samples[i] as number) + 32768] as number;
  return out;
}

/** The linear samples of one channel of a frame (agent and caller both present for channel `both`). */
export interface FramePcm {
  /** Agent side, or the controller's voice for to_agent/to_both. */
  first: Int16Array;
  /** Caller side, present only for channel `both`. */
  second?: Int16Array;
}

/** Decodes a frame's payload to 16-bit linear samples (µ-law expanded, L16 read little-endian). */
export function decodeFramePcm(frame: Pick<AudioFrame, 'codec' | 'channel' | 'payload'>): FramePcm {
  const { payload } = frame;
  const interleaved = frame.channel === 'both';
  const n = AUDIO_SAMPLES_PER_FRAME;
  const first = new Int16Array(n);
  const second = interleaved ? new Int16Array(n) : undefined;
  const step = interleaved ? 2 : 1;
  if (frame.codec === 'pcmu') {
    for (let i = 0; i < n; i++) {
      first[i] = MULAW_DECODE_TABLE[payload[i * step] as number] as number;
      if (second) second[i] = MULAW_DECODE_TABLE[payload[i * 2 + 1] as number] as number;
    }
  } else {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    for (let i = 0; i < n; i++) {
      first[i] = view.getInt16(i * step * 2, true);
      if (second) second[i] = view.getInt16((i * 2 + 1) * 2, true);
    }
  }
  return second ? { first, second } : { first };
}

/**
 * A `both` frame as interleaved 16-bit samples (agent, caller, agent, …), the recording's own layout: one
 * array and one pass, where decodeFramePcm makes two; `out` may be a scratch array reused frame after
 * frame. The hot path of recording thousands of calls.
 */
export function decodeInterleavedPcm(
  frame: Pick<AudioFrame, 'codec' | 'payload'>,
  out = new Int16Array(AUDIO_SAMPLES_PER_FRAME * 2),
): Int16Array {
  const { payload } = frame;
  const samples = AUDIO_SAMPLES_PER_FRAME * 2;
  if (frame.codec === 'pcmu') return decodeMulaw(payload.subarray(0, samples), out);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let i = 0; i < samples; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/* ---------------------------------------------------------------- WAV ---------------------------------------------------------------- */

/** Canonical PCM WAV header: RIFF, fmt (16 bytes), data. */
export const WAV_HEADER_BYTES = 44;

export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
}

/** Recordings: stereo (agent left, caller right), 8 kHz, 16-bit. */
export const RECORDING_WAV_FORMAT: WavFormat = { sampleRate: AUDIO_SAMPLE_RATE_HZ, channels: 2, bitsPerSample: 16 };
/** Bytes of one 20 ms stereo frame in a recording. */
export const RECORDING_FRAME_BYTES = AUDIO_SAMPLES_PER_FRAME * 2 * 2;

export function wavHeader(format: WavFormat, dataBytes: number): Uint8Array {
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const blockAlign = (format.channels * format.bitsPerSample) / 8;
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, format.bitsPerSample, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

export type ParsedWavHeader = { ok: true; format: WavFormat; dataBytes: number } | { ok: false; error: string };

/** Reads a canonical 44-byte PCM header (the kind Earshot writes). */
export function parseWavHeader(bytes: Uint8Array): ParsedWavHeader {
  if (bytes.length < WAV_HEADER_BYTES) return { ok: false, error: `a WAV header is ${WAV_HEADER_BYTES} bytes` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') return { ok: false, error: 'not a RIFF/WAVE file' };
  if (ascii(12) !== 'fmt ' || view.getUint16(20, true) !== 1) return { ok: false, error: 'not linear PCM' };
  if (ascii(36) !== 'data') return { ok: false, error: 'data chunk does not follow the fmt chunk' };
  return {
    ok: true,
    format: {
      channels: view.getUint16(22, true),
      sampleRate: view.getUint32(24, true),
      bitsPerSample: view.getUint16(34, true),
    },
    dataBytes: view.getUint32(40, true),
  };
}

/* --------------------------------------------------------- listen, whisper, barge --------------------------------------------------------- */

/** Payload of `audio:listen`, `audio:whisper`, `audio:barge` and `audio:leave`. */
export const AudioCommandPayloadSchema = z.object({ callId: ExternalIdSchema });
export type AudioCommandPayload = z.infer<typeof AudioCommandPayloadSchema>;

/** What a controller's browser needs to play and to talk: answered to every audio command that succeeds. */
export interface AudioSession {
  callId: string;
  mode: MonitorMode;
  sampleRate: typeof AUDIO_SAMPLE_RATE_HZ;
  frameMs: typeof AUDIO_FRAME_MS;
  /** Frames to listeners are always µ-law, whatever the platform sent (half the bytes of L16). */
  codec: 'pcmu';
}

/** Sent to a controller whose audio session ended without their asking (call ended, signed out, taken over). */
export interface AudioStopped {
  callId: string;
  reason: 'call_ended' | 'permission_lost' | 'replaced' | 'server_closing';
  message: string;
}

/* ------------------------------------------------------------- recordings ------------------------------------------------------------- */

/**
 * recording: being written now; complete: closed when the call ended; interrupted: closed when the server
 * stopped while the call was live; repaired: found unfinished after a crash, header fixed at start-up.
 */
export const RECORDING_STATUSES = ['recording', 'complete', 'interrupted', 'repaired'] as const;
export const RecordingStatusSchema = z.enum(RECORDING_STATUSES);
export type RecordingStatus = z.infer<typeof RecordingStatusSchema>;

export const RecordingSchema = z.object({
  callId: z.string(),
  status: RecordingStatusSchema,
  /** Epoch ms of the first sample (frame 0): the recording's timeline is the call's. */
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  durationMs: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  channels: z.number().int(),
  sampleRate: z.number().int(),
  bitsPerSample: z.number().int(),
  /** The codec the platform sent (the file is always 16-bit linear PCM). */
  sourceCodec: z.enum(AUDIO_CODECS),
  /** 20 ms frames in the file. */
  frames: z.number().int().nonnegative(),
  /** Frames that never arrived, written as silence, per side. */
  gapFramesAgent: z.number().int().nonnegative(),
  gapFramesCaller: z.number().int().nonnegative(),
  /** Frames that arrived after their place was written (too late to use). */
  lateFrames: z.number().int().nonnegative(),
  /** 20 ms frames of controller audio (whisper or barge) mixed in. */
  controllerFrames: z.number().int().nonnegative(),
});
export type Recording = z.infer<typeof RecordingSchema>;

export const recordingAudioUrl = (callId: string) => `/api/recordings/${encodeURIComponent(callId)}/audio`;
export const recordingMetaUrl = (callId: string) => `/api/recordings/${encodeURIComponent(callId)}`;

/** Path of the audio ingest WebSocket (authenticated with an ingest key, like the event ingest). */
export const AUDIO_INGEST_PATH = '/ingest/audio';
