import type { JitterStats } from './jitterBuffer.js';

/**
 * Messages between the page and its two audio worklets (structured clones over MessagePort). Type-only,
 * so the worklet bundles stay free of the shared package.
 */

/** Page → playback worklet. */
export type PlaybackCommand =
  | { type: 'frame'; seq: number; agent: Float32Array | null; caller: Float32Array | null }
  /** Forget the stream (another call, or a new session). */
  | { type: 'restart' };

/** Playback worklet → page, about ten times a second. */
export interface PlaybackReport {
  type: 'stats';
  stats: JitterStats;
  /** Peak (0..1) of each side since the previous report, as played (before the volume controls). */
  agentPeak: number;
  callerPeak: number;
}

/** Capture worklet → page: one 20 ms frame of the microphone at 8 kHz, and its peak. */
export interface CaptureFrame {
  type: 'frame';
  samples: Float32Array;
  peak: number;
}

export const PLAYBACK_PROCESSOR_NAME = 'earshot-playback';
export const CAPTURE_PROCESSOR_NAME = 'earshot-capture';
/** Playback reports this often. */
export const PLAYBACK_REPORT_INTERVAL_MS = 100;
