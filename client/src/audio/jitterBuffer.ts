/**
 * The playback jitter buffer for a call's live audio: 20 ms frames of two sides (agent, caller) that arrive
 * unevenly, possibly out of order, and with the sides of one frame apart, are played out one frame at a time
 * in seq order. Pure: no Web Audio, no clock of its own (the caller passes arrival times), so it runs in the
 * playback worklet and in unit tests alike.
 *
 * The target delay starts at JITTER_INITIAL_TARGET_MS and adapts between JITTER_MIN_TARGET_MS and
 * JITTER_MAX_TARGET_MS: it grows on an underrun, on a frame arriving after its turn, and when the measured
 * arrival jitter (RFC 3550's estimator) needs more room; it shrinks one frame at a time after
 * JITTER_STABLE_BEFORE_SHRINK_MS without trouble. Audio piled up far past the target is dropped at once, so
 * a stall on the network never turns into seconds of lag.
 */

export const JITTER_FRAME_MS = 20;
export const JITTER_SAMPLES_PER_FRAME = 160;
export const JITTER_INITIAL_TARGET_MS = 60;
export const JITTER_MIN_TARGET_MS = 40;
export const JITTER_MAX_TARGET_MS = 200;
/** Added to the target on each underrun or late frame. */
export const JITTER_GROW_STEP_MS = JITTER_FRAME_MS;
/** Without an underrun or a late frame for this long, the target shrinks by one frame. */
export const JITTER_STABLE_BEFORE_SHRINK_MS = 5_000;
/**
 * Over each window this long, when even the lowest fill was more than one frame past the target (a burst
 * after a stall left extra delay behind), one frame is dropped: lasting excess delay melts away gently.
 */
export const JITTER_TRIM_WINDOW_MS = 1_000;
/** Buffered audio more than this past the target is dropped at once, down to the target. */
export const JITTER_CATCH_UP_EXCESS_MS = 120;
/** A frame this many frames away from the playhead belongs to a new stream (restart, long pause): start over. */
export const JITTER_RESYNC_FRAMES = 100;
/** Room kept for jitter: the target is at least this many times the jitter estimate, plus one frame. */
const JITTER_ESTIMATE_FACTOR = 3;

export type AudioSide = 'agent' | 'caller';

export interface JitterStats {
  /** Side frames pushed (a `both` frame counts once per side). */
  framesReceived: number;
  /** Frames played out with at least one side present. */
  framesPlayed: number;
  /** Frames whose turn came while none of their sides had arrived but later ones had (played as silence). */
  framesLost: number;
  /** Side frames that arrived after their turn (thrown away). */
  framesLate: number;
  /** Received frames dropped to catch up with the target. */
  framesDropped: number;
  /** Times the buffer ran dry while playing. */
  underruns: number;
  targetMs: number;
  /** Audio between the playhead and the newest frame, gaps included. */
  bufferedMs: number;
  /** Arrival jitter estimate (RFC 3550), 0 without arrival times. */
  jitterMs: number;
  /** False while filling up to the target (at the start and after an underrun). */
  playing: boolean;
}

/** What one pull gives: `audio` (a frame, sides that did not arrive are null), or silence and why. */
export type PullKind = 'audio' | 'lost' | 'underrun' | 'buffering';
export interface PulledFrame {
  kind: PullKind;
  seq: number | null;
  agent: Float32Array | null;
  caller: Float32Array | null;
}

interface Slot {
  agent: Float32Array | null;
  caller: Float32Array | null;
}

export interface JitterBufferOptions {
  initialTargetMs?: number;
  minTargetMs?: number;
  maxTargetMs?: number;
}

const SILENCE: PulledFrame = { kind: 'buffering', seq: null, agent: null, caller: null };

export class JitterBuffer {
  private readonly minTargetFrames: number;
  private readonly maxTargetFrames: number;
  private readonly initialTargetFrames: number;
  private targetFrames: number;
  private readonly slots = new Map<number, Slot>();
  /** The next seq to play; null before the first frame. */
  private playhead: number | null = null;
  /** Newest seq held. */
  private newest = -1;
  private filling = true;
  /** Whether anything was played since the start (before that, an earlier frame may still move the playhead back). */
  private anchored = false;
  private stableMs = 0;
  private trimWindowMs = 0;
  /** The lowest fill seen at a pull in this trim window, in frames. */
  private lowestDepthInWindow = Number.POSITIVE_INFINITY;
  /** RFC 3550 jitter estimate and the previous frame's transit, in ms. */
  private jitterEstimateMs = 0;
  private previousTransitMs: number | null = null;
  private counters = {
    framesReceived: 0,
    framesPlayed: 0,
    framesLost: 0,
    framesLate: 0,
    framesDropped: 0,
    underruns: 0,
  };

  constructor(options: JitterBufferOptions = {}) {
    this.minTargetFrames = Math.ceil((options.minTargetMs ?? JITTER_MIN_TARGET_MS) / JITTER_FRAME_MS);
    this.maxTargetFrames = Math.floor((options.maxTargetMs ?? JITTER_MAX_TARGET_MS) / JITTER_FRAME_MS);
    this.initialTargetFrames = this.clampTarget(
      Math.round((options.initialTargetMs ?? JITTER_INITIAL_TARGET_MS) / JITTER_FRAME_MS),
    );
    this.targetFrames = this.initialTargetFrames;
  }

  /**
   * One side of one frame. `arrivalMs` (any monotonic clock) feeds the jitter estimate; leave it out and
   * the buffer adapts on underruns and late frames alone.
   */
  push(seq: number, side: AudioSide, samples: Float32Array, arrivalMs?: number): void {
    this.counters.framesReceived += 1;
    if (this.playhead !== null && Math.abs(seq - this.playhead) > JITTER_RESYNC_FRAMES + this.maxTargetFrames) {
      this.restart();
    }
    if (arrivalMs !== undefined) this.measureJitter(seq, arrivalMs);
    if (this.playhead !== null && seq < this.playhead) {
      if (!this.anchored) {
        // Reordered before playback began: start from the earlier frame.
        this.playhead = seq;
      } else {
        this.counters.framesLate += 1;
        this.grow();
        return;
      }
    }
    this.playhead ??= seq;
    let slot = this.slots.get(seq);
    if (!slot) {
      slot = { agent: null, caller: null };
      this.slots.set(seq, slot);
    }
    slot[side] = samples;
    if (seq > this.newest) this.newest = seq;
  }

  /** The next 20 ms to play. Silence comes as null sides with the reason in `kind`. */
  pull(): PulledFrame {
    if (this.playhead === null) return SILENCE;
    if (this.filling) {
      if (this.depthFrames() < this.targetFrames) return { ...SILENCE, seq: this.playhead };
      this.filling = false;
      this.anchored = true;
    }
    this.catchUp();
    this.lowestDepthInWindow = Math.min(this.lowestDepthInWindow, this.depthFrames());
    const seq = this.playhead;
    const slot = this.slots.get(seq);
    if (slot) {
      this.slots.delete(seq);
      this.playhead = seq + 1;
      this.counters.framesPlayed += 1;
      this.noteStable();
      return { kind: 'audio', seq, agent: slot.agent, caller: slot.caller };
    }
    if (this.newest > seq) {
      this.playhead = seq + 1;
      this.counters.framesLost += 1;
      this.noteStable();
      return { kind: 'lost', seq, agent: null, caller: null };
    }
    // Dry: play silence, wait for the target again, and keep more from now on.
    this.counters.underruns += 1;
    this.filling = true;
    this.grow();
    return { kind: 'underrun', seq, agent: null, caller: null };
  }

  stats(): JitterStats {
    return {
      ...this.counters,
      targetMs: this.targetFrames * JITTER_FRAME_MS,
      bufferedMs: this.depthFrames() * JITTER_FRAME_MS,
      jitterMs: Math.round(this.jitterEstimateMs * 10) / 10,
      playing: this.playhead !== null && !this.filling,
    };
  }

  /** Forgets the stream (counters stay): the next frame starts a new one at the initial target. */
  restart(): void {
    this.slots.clear();
    this.playhead = null;
    this.newest = -1;
    this.filling = true;
    this.anchored = false;
    this.stableMs = 0;
    this.trimWindowMs = 0;
    this.lowestDepthInWindow = Number.POSITIVE_INFINITY;
    this.previousTransitMs = null;
    this.jitterEstimateMs = 0;
    this.targetFrames = this.initialTargetFrames;
  }

  /** Frames from the playhead to the newest one held, gaps included. */
  private depthFrames(): number {
    if (this.playhead === null) return 0;
    return Math.max(0, this.newest - this.playhead + 1);
  }

  private clampTarget(frames: number): number {
    return Math.min(this.maxTargetFrames, Math.max(this.minTargetFrames, frames));
  }

  private grow(): void {
    this.targetFrames = this.clampTarget(this.targetFrames + JITTER_GROW_STEP_MS / JITTER_FRAME_MS);
    this.stableMs = 0;
    this.trimWindowMs = 0;
    this.lowestDepthInWindow = Number.POSITIVE_INFINITY;
  }

  /** The smallest target the measured jitter allows. */
  private jitterFloorFrames(): number {
    return Math.ceil((JITTER_ESTIMATE_FACTOR * this.jitterEstimateMs) / JITTER_FRAME_MS) + 1;
  }

  private measureJitter(seq: number, arrivalMs: number): void {
    const transitMs = arrivalMs - seq * JITTER_FRAME_MS;
    if (this.previousTransitMs !== null) {
      const difference = Math.abs(transitMs - this.previousTransitMs);
      this.jitterEstimateMs += (difference - this.jitterEstimateMs) / 16;
    }
    this.previousTransitMs = transitMs;
    const floor = this.clampTarget(this.jitterFloorFrames());
    if (floor > this.targetFrames) {
      this.targetFrames = floor;
      this.stableMs = 0;
    }
  }

  /** A frame played without trouble: after long enough, shrink the target and the delay by one frame. */
  private noteStable(): void {
    this.trimWindowMs += JITTER_FRAME_MS;
    if (this.trimWindowMs >= JITTER_TRIM_WINDOW_MS) {
      if (this.lowestDepthInWindow > this.targetFrames) this.dropHead();
      this.trimWindowMs = 0;
      this.lowestDepthInWindow = Number.POSITIVE_INFINITY;
    }
    this.stableMs += JITTER_FRAME_MS;
    if (this.stableMs < JITTER_STABLE_BEFORE_SHRINK_MS) return;
    this.stableMs = 0;
    const shrunk = this.clampTarget(Math.max(this.targetFrames - 1, this.jitterFloorFrames()));
    if (shrunk >= this.targetFrames) return;
    this.targetFrames = shrunk;
    // The delay follows by one frame: skip the oldest one when more than the new target is held.
    if (this.depthFrames() > this.targetFrames) this.dropHead();
  }

  /** Far over the target (after a stall): drop the oldest audio down to the target. */
  private catchUp(): void {
    const excessFrames = this.depthFrames() - this.targetFrames;
    if (excessFrames * JITTER_FRAME_MS <= JITTER_CATCH_UP_EXCESS_MS) return;
    for (let i = 0; i < excessFrames; i++) this.dropHead();
  }

  private dropHead(): void {
    if (this.playhead === null) return;
    if (this.slots.delete(this.playhead)) this.counters.framesDropped += 1;
    this.playhead += 1;
  }
}
