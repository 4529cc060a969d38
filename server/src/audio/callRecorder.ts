import type { AudioCodec } from '@earshot/shared';

/**
 * What live audio hands to the recorder (implemented by recordings/RecordingService). Calls are synchronous
 * and cheap: the recorder buffers and writes in the background, so ingest never waits on the disk.
 */
export interface CallRecorder {
  /**
   * A frame of a live call's own audio, decoded to 16-bit PCM (160 samples per side). `seq` is the 20 ms
   * frame number from the platform; the first frame of a call opens its recording. A frame may carry one
   * side or both; sides of the same `seq` may arrive in separate frames, in any order.
   */
  pushCallAudio(
    callId: string,
    seq: number,
    sides: { agent?: Int16Array; caller?: Int16Array },
    receivedAt: number,
    sourceCodec: AudioCodec,
  ): void;
  /**
   * A frame carrying both sides, interleaved (agent, caller, agent, …: 320 samples). Borrowed: the recorder
   * copies what it keeps before returning, so the caller may reuse the array for the next frame.
   */
  pushStereoCallAudio(
    callId: string,
    seq: number,
    interleaved: Int16Array,
    receivedAt: number,
    sourceCodec: AudioCodec,
  ): void;
  /**
   * A 20 ms frame of a controller's voice to mix into the recording at its current position: `agent` for a
   * whisper (the agent's side), `both` for a barge.
   */
  pushControllerAudio(callId: string, target: 'agent' | 'both', pcm: Int16Array): void;
  /** The call ended: write what is pending (gaps as silence), fix the header, mark the recording complete. */
  finish(callId: string, endedAt: number): Promise<void>;
}
