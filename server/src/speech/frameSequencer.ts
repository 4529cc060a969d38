import { MAX_JUMP_FRAMES, REORDER_WINDOW_FRAMES } from '../recordings/frameAligner.js';

/** Where one side's frames go, in order: a frame, or a run of frames that never arrived. */
export interface FrameSink {
  pushFrame(samples: Int16Array): void;
  pushSilentFrames(count: number): void;
}

/**
 * Puts one side's frames in order by `seq`, as the recording's FrameAligner does for both sides: a frame may
 * wait up to the reorder window for earlier ones; what never arrives becomes silence once later frames are
 * past the window, so frame i of the output is seq originSeq + i, the recording's timeline. Late frames and
 * repeats are dropped; a frame more than MAX_JUMP_FRAMES ahead too (a broken sender). Pure.
 */
export class FrameSequencer {
  private next: number;
  private highest: number;
  private readonly pending = new Map<number, Int16Array>();

  constructor(
    readonly originSeq: number,
    private readonly sink: FrameSink,
    private readonly window = REORDER_WINDOW_FRAMES,
  ) {
    this.next = originSeq;
    this.highest = originSeq - 1;
  }

  /** Frames handed on so far. */
  get framesOut(): number {
    return this.next - this.originSeq;
  }

  push(seq: number, samples: Int16Array): 'accepted' | 'late' | 'duplicate' | 'too_far_ahead' {
    if (seq < this.next) return 'late';
    if (seq - this.next > MAX_JUMP_FRAMES) return 'too_far_ahead';
    if (seq === this.next && this.pending.size === 0) {
      // In order, nothing waiting: straight through, no copy.
      this.sink.pushFrame(samples);
      this.next += 1;
      if (seq > this.highest) this.highest = seq;
      return 'accepted';
    }
    if (this.pending.has(seq)) return 'duplicate';
    this.pending.set(seq, samples.slice());
    if (seq > this.highest) this.highest = seq;
    this.drain(false);
    return 'accepted';
  }

  /** No more frames: what waits is handed on, gaps as silence. */
  finish(): void {
    this.drain(true);
  }

  private drain(all: boolean): void {
    for (;;) {
      const frame = this.pending.get(this.next);
      if (frame) {
        this.pending.delete(this.next);
        this.sink.pushFrame(frame);
        this.next += 1;
        continue;
      }
      const limit = all ? this.highest + 1 : this.highest - this.window;
      if (this.next >= limit) return;
      let upTo = limit;
      for (const seq of this.pending.keys()) if (seq < upTo) upTo = seq;
      this.sink.pushSilentFrames(upTo - this.next);
      this.next = upTo;
    }
  }
}
