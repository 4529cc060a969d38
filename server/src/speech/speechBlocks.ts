/** What the speech worker (speechFrameWorker.ts) and SpeechService share: its options and its messages' layout. */
import type { SlotRef } from '../audio/frameBatch.js';

export interface SpeechWorkerOptions {
  blockFrames: number;
  windowSamples: number;
}

/**
 * Blocks cut since the last message, in order, in a slot of shared memory (frameBatch.ts, SharedSlots) laid
 * out by speechBlockViews. Block i: `meta[i * stride]` is its channel, `meta[i * stride + 1]` its frame count,
 * then that many levels (stride = 2 + blockFrames); its window is windows[i × windowSamples, …).
 */
export interface SpeechBlocksMessage extends SlotRef {
  type: 'blocks';
  blocks: number;
  /** Blocks a slot holds. */
  capacity: number;
}

/** A slot's two arrays: per block its channel, frame count and levels; and its window. */
export function speechBlockViews(
  buffer: SharedArrayBuffer,
  capacity: number,
  blockFrames: number,
  windowSamples: number,
): { meta: Float64Array; windows: Float32Array } {
  const metaLength = capacity * (2 + blockFrames);
  return {
    meta: new Float64Array(buffer, 0, metaLength),
    windows: new Float32Array(buffer, metaLength * 8, capacity * windowSamples),
  };
}
