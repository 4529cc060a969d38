import type { AudioFrame } from '@earshot/shared';

/**
 * What live audio hands to the recorder (implemented by recordings/RecordingService). Calls are synchronous
 * and cheap: the recorder decodes, buffers and writes in a worker thread, so ingest never waits on the disk
 * or on the recording's work.
 */
export interface CallRecorder {
  /**
   * A frame of a live call's own audio (channel agent, caller or both) as the platform sent it: µ-law or L16,
   * checked by the parser. `seq` is the 20 ms frame number; the first frame of a call opens its recording.
   * Sides of the same `seq` may arrive in separate frames, in any order. Borrowed: the recorder copies the
   * payload before returning.
   */
  pushFrame(frame: AudioFrame, receivedAt: number): void;
  /**
   * A 20 ms frame of a controller's voice to mix into the recording at its current position: `agent` for a
   * whisper (the agent's side), `both` for a barge.
   */
  pushControllerAudio(callId: string, target: 'agent' | 'both', pcm: Int16Array): void;
  /** The call ended: write what is pending (gaps as silence), fix the header, mark the recording complete. */
  finish(callId: string, endedAt: number): Promise<void>;
}
