import { AUDIO_SAMPLES_PER_FRAME } from '@earshot/shared';
import { levelOfMeanSquare, SILENT_FRAME_DB } from './vadStateMachine.js';

const INT16_TO_FLOAT = 1 / 32768;

/**
 * The per-frame half of a voice-activity channel: each 20 ms frame's level, and the last `windowSamples`
 * samples as floats (the model's window), cut into blocks of `blockFrames`. Pure, and apart from the engine
 * and its model, so the speech worker (speechFrameWorker.ts) runs it off the main thread for live calls; a
 * VadChannel runs its own for frames pushed to it directly. A block goes to `onBlock` with its levels
 * (borrowed: copy what you keep).
 */
export class VadFrameCutter {
  /** The last windowSamples samples as floats, a ring: `ringAt` is where the next sample goes. */
  private readonly ring: Float32Array;
  private ringAt = 0;
  private readonly levels: Float64Array;
  private framesInBlock = 0;

  constructor(
    private readonly blockFrames: number,
    readonly windowSamples: number,
    private readonly onBlock: (levels: Float64Array, cutter: VadFrameCutter) => void,
  ) {
    this.ring = new Float32Array(windowSamples);
    this.levels = new Float64Array(blockFrames);
  }

  /** The next 20 ms frame: the first AUDIO_SAMPLES_PER_FRAME samples of `samples`. */
  pushFrame(samples: Int16Array): void {
    const ring = this.ring;
    let at = this.ringAt;
    let sumOfSquares = 0;
    for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
      const sample = samples[i] as number;
      sumOfSquares += sample * sample;
      ring[at] = sample * INT16_TO_FLOAT;
      at = at + 1 === ring.length ? 0 : at + 1;
    }
    this.ringAt = at;
    this.levels[this.framesInBlock++] = levelOfMeanSquare(sumOfSquares / AUDIO_SAMPLES_PER_FRAME);
    if (this.framesInBlock === this.blockFrames) this.endBlock();
  }

  /** Frames that never arrived: silence, without building buffers for it. */
  pushSilentFrames(count: number): void {
    for (let i = 0; i < count; i++) {
      if (i < Math.ceil(this.windowSamples / AUDIO_SAMPLES_PER_FRAME) + 1) {
        const ring = this.ring;
        let at = this.ringAt;
        for (let s = 0; s < AUDIO_SAMPLES_PER_FRAME; s++) {
          ring[at] = 0;
          at = at + 1 === ring.length ? 0 : at + 1;
        }
        this.ringAt = at;
      }
      this.levels[this.framesInBlock++] = SILENT_FRAME_DB;
      if (this.framesInBlock === this.blockFrames) this.endBlock();
    }
  }

  /** No more audio: a last partial block, if any, goes out now. */
  flush(): void {
    if (this.framesInBlock > 0) this.endBlock();
  }

  /** The last windowSamples samples, oldest first, into `out` from `at`. */
  windowInto(out: Float32Array, at = 0): void {
    const tail = this.ring.length - this.ringAt;
    out.set(this.ring.subarray(this.ringAt), at);
    out.set(this.ring.subarray(0, this.ringAt), at + tail);
  }

  private endBlock(): void {
    const count = this.framesInBlock;
    this.framesInBlock = 0;
    this.onBlock(count === this.blockFrames ? this.levels : this.levels.subarray(0, count), this);
  }
}
