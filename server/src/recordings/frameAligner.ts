import { AUDIO_SAMPLES_PER_FRAME } from '@earshot/shared';

/** A frame may wait this many frames (100 ms) for its other side or for an earlier frame before it is written. */
export const REORDER_WINDOW_FRAMES = 5;
/**
 * The furthest a frame may lie ahead of the next frame to write: one hour of 20 ms frames. A frame beyond it
 * is refused (counted, the service logs it) rather than followed by an hour of silence; a sequence number
 * that far off is a broken sender, and one such frame must not cost the recording 115 MB of zeros.
 */
export const MAX_JUMP_FRAMES = 60 * 60 * 50;
/** Controller audio waiting to be mixed in, per call: 10 frames (200 ms); older frames are dropped first. */
export const CONTROLLER_QUEUE_MAX_FRAMES = 10;
/** Samples of one interleaved stereo frame (agent left, caller right). */
export const STEREO_SAMPLES_PER_FRAME = AUDIO_SAMPLES_PER_FRAME * 2;

const INT16_MIN = -32768;
const INT16_MAX = 32767;

/** What the aligner hands on, in file order: one stereo frame, or a run of silent frames (never materialised). */
export type AlignedOutput =
  | { kind: 'frame' /** STEREO_SAMPLES_PER_FRAME interleaved samples, L R L R … */; samples: Int16Array }
  | { kind: 'silence'; frames: number };

export interface FrameSides {
  agent?: Int16Array;
  caller?: Int16Array;
}

/** accepted, or why a frame was dropped. */
export type PushOutcome = 'accepted' | 'late' | 'duplicate' | 'too_far_ahead';

export interface AlignerCounters {
  /** Frames handed on (stereo frames plus silent ones). */
  framesWritten: number;
  gapFramesAgent: number;
  gapFramesCaller: number;
  /** Frames that arrived after their place was written. */
  lateFrames: number;
  /** A frame that brought no side not already here (the first copy is kept). */
  duplicateSides: number;
  /** Frames more than MAX_JUMP_FRAMES ahead. */
  refusedFrames: number;
  controllerFrames: number;
  /** Controller frames dropped because the queue was full. */
  controllerFramesDropped: number;
}

export interface FrameAlignerOptions {
  /** The sequence number of the file's first frame (0 unless the stream began implausibly far in). */
  originSeq?: number;
  reorderWindowFrames?: number;
  maxJumpFrames?: number;
}

interface ControllerFrame {
  target: 'agent' | 'both';
  pcm: Int16Array;
}

/**
 * Puts a call's audio in order: frames carry `seq` (the 20 ms frame number), agent and caller sides may come
 * in separate frames, in any order, late, or never. Frame `written` is handed on as soon as both of its sides
 * are here, or with silence for what is missing once anything more than the reorder window ahead has arrived,
 * so the output's timeline stays the call's: output frame i is seq originSeq + i. Pure: no clock, no I/O.
 */
export class FrameAligner {
  /** The next sequence number to hand on. */
  private written: number;
  /** The highest sequence number received on either side (originSeq − 1 before any). */
  private highest: number;
  /** Frames received and not yet handed on; their seqs lie in [written, highest], at most window + 2 of them. */
  private readonly pending = new Map<number, FrameSides>();
  private readonly controllerQueue: ControllerFrame[] = [];
  private readonly window: number;
  private readonly maxJump: number;
  readonly originSeq: number;
  readonly counters: AlignerCounters = {
    framesWritten: 0,
    gapFramesAgent: 0,
    gapFramesCaller: 0,
    lateFrames: 0,
    duplicateSides: 0,
    refusedFrames: 0,
    controllerFrames: 0,
    controllerFramesDropped: 0,
  };

  constructor(options: FrameAlignerOptions = {}) {
    this.originSeq = options.originSeq ?? 0;
    this.written = this.originSeq;
    this.highest = this.originSeq - 1;
    this.window = options.reorderWindowFrames ?? REORDER_WINDOW_FRAMES;
    this.maxJump = options.maxJumpFrames ?? MAX_JUMP_FRAMES;
  }

  /** Output frames handed on so far (the file's length in frames). */
  get framesWritten(): number {
    return this.written - this.originSeq;
  }

  /** Frames waiting for a side or for earlier frames. */
  get pendingFrames(): number {
    return this.pending.size;
  }

  /**
   * One frame's sides (each AUDIO_SAMPLES_PER_FRAME samples; the caller checks). Appends what can now be
   * written to `out`. The sides are copied: the caller may reuse its arrays.
   */
  push(seq: number, sides: FrameSides, out: AlignedOutput[]): PushOutcome {
    if (seq < this.written) {
      this.counters.lateFrames += 1;
      return 'late';
    }
    if (seq - this.written > this.maxJump) {
      this.counters.refusedFrames += 1;
      return 'too_far_ahead';
    }
    const entry = this.pending.get(seq) ?? {};
    let added = false;
    if (sides.agent && !entry.agent) {
      entry.agent = sides.agent.slice();
      added = true;
    }
    if (sides.caller && !entry.caller) {
      entry.caller = sides.caller.slice();
      added = true;
    }
    if (!added) {
      this.counters.duplicateSides += 1;
      return 'duplicate';
    }
    this.pending.set(seq, entry);
    if (seq > this.highest) this.highest = seq;
    this.drain(out, false);
    return 'accepted';
  }

  /**
   * A frame with both sides interleaved (STEREO_SAMPLES_PER_FRAME samples). The frame due next, with nothing
   * of it pending, is handed on as it is, with no copy: the output then refers to the caller's array (and
   * queued controller voice is mixed into it), so the caller must take the output before reusing it. Any
   * other frame goes the general way (copied). Most frames of a healthy stream take the first path.
   */
  pushStereo(seq: number, interleaved: Int16Array, out: AlignedOutput[]): PushOutcome {
    if (seq !== this.written || this.pending.has(seq)) {
      const agent = new Int16Array(AUDIO_SAMPLES_PER_FRAME);
      const caller = new Int16Array(AUDIO_SAMPLES_PER_FRAME);
      for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
        agent[i] = interleaved[2 * i] as number;
        caller[i] = interleaved[2 * i + 1] as number;
      }
      return this.push(seq, { agent, caller }, out);
    }
    if (seq > this.highest) this.highest = seq;
    this.handOn(interleaved, out);
    this.drain(out, false);
    return 'accepted';
  }

  /** A 20 ms frame of controller voice, mixed into the next frame written (left for whisper, both for barge). */
  pushController(target: 'agent' | 'both', pcm: Int16Array): void {
    if (this.controllerQueue.length >= CONTROLLER_QUEUE_MAX_FRAMES) {
      this.controllerQueue.shift();
      this.counters.controllerFramesDropped += 1;
    }
    this.controllerQueue.push({ target, pcm: pcm.slice() });
  }

  /** The call ended: hands on every pending frame, missing sides as silence (counted as gaps). */
  finish(out: AlignedOutput[]): void {
    this.drain(out, true);
    this.controllerQueue.length = 0;
  }

  private drain(out: AlignedOutput[], all: boolean): void {
    for (;;) {
      const entry = this.pending.get(this.written);
      if (entry?.agent && entry.caller) {
        this.emitFrame(entry, out);
        continue;
      }
      // Exclusive end of what must be written now.
      const limit = all ? this.highest + 1 : this.highest - this.window;
      if (this.written >= limit) return;
      if (entry) {
        this.emitFrame(entry, out);
        continue;
      }
      // Nothing at all for `written`: silence up to the next frame that did arrive, or up to the limit.
      let next = limit;
      for (const seq of this.pending.keys()) if (seq < next) next = seq;
      this.emitSilence(next - this.written, out);
    }
  }

  private emitFrame(entry: FrameSides, out: AlignedOutput[]): void {
    const samples = new Int16Array(STEREO_SAMPLES_PER_FRAME);
    const { agent, caller } = entry;
    if (agent) for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) samples[2 * i] = agent[i] as number;
    else this.counters.gapFramesAgent += 1;
    if (caller) for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) samples[2 * i + 1] = caller[i] as number;
    else this.counters.gapFramesCaller += 1;
    this.pending.delete(this.written);
    this.handOn(samples, out);
  }

  /** Frame `written` leaves, with any queued controller voice mixed in. */
  private handOn(samples: Int16Array, out: AlignedOutput[]): void {
    this.mixController(samples);
    this.written += 1;
    this.counters.framesWritten += 1;
    out.push({ kind: 'frame', samples });
  }

  /** `frames` frames that never arrived on either side; queued controller voice still lands on the first ones. */
  private emitSilence(frames: number, out: AlignedOutput[]): void {
    let left = frames;
    while (left > 0 && this.controllerQueue.length > 0) {
      this.emitFrame({}, out);
      left -= 1;
    }
    if (left === 0) return;
    this.counters.gapFramesAgent += left;
    this.counters.gapFramesCaller += left;
    this.counters.framesWritten += left;
    this.written += left;
    const last = out.at(-1);
    if (last?.kind === 'silence') last.frames += left;
    else out.push({ kind: 'silence', frames: left });
  }

  private mixController(samples: Int16Array): void {
    const voice = this.controllerQueue.shift();
    if (!voice) return;
    this.counters.controllerFrames += 1;
    const { pcm } = voice;
    for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
      const add = pcm[i] ?? 0;
      samples[2 * i] = saturate((samples[2 * i] as number) + add);
      if (voice.target === 'both') samples[2 * i + 1] = saturate((samples[2 * i + 1] as number) + add);
    }
  }
}

function saturate(value: number): number {
  return Math.min(INT16_MAX, Math.max(INT16_MIN, value));
}
