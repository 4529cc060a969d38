import type { AudioCodec, RecordingStatus } from '@earshot/shared';

/**
 * One call's recording: a stereo WAV under DATA_DIR (agent left, caller right). Inserted when the first frame
 * opens it, updated when it is finished, interrupted or repaired; never per frame.
 */
export interface RecordingsTable {
  call_id: string;
  /** Relative to DATA_DIR, `/`-separated: `recordings/<yyyy-mm-dd>/<uuid>.wav` (call ids never reach a path). */
  file: string;
  status: RecordingStatus;
  /** Epoch ms of the file's first sample. */
  started_at: number;
  ended_at: number | null;
  /** 20 ms frames in the file. */
  frames: number;
  duration_ms: number;
  /** The file's size, header included. */
  size_bytes: number;
  channels: number;
  sample_rate: number;
  bits_per_sample: number;
  source_codec: AudioCodec;
  gap_frames_agent: number;
  gap_frames_caller: number;
  late_frames: number;
  controller_frames: number;
  created_at: number;
  updated_at: number;
}

export interface RecordingTables {
  recordings: RecordingsTable;
}
