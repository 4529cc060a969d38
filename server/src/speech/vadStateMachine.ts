import { AUDIO_FRAME_MS } from '@earshot/shared';

/**
 * How one channel's speech is decided. The model (Silero) gives a speech probability per block of frames;
 * the 20 ms frames' energies place the boundaries inside and around those blocks.
 */
export interface VadTuning {
  /** 20 ms frames per block; one model window per block (5 frames: 100 ms, a 768-sample Silero window). */
  blockFrames: number;
  /** A block at or above this probability starts speech (Silero's own default). */
  speechOnProbability: number;
  /** While speaking, blocks at or above this keep it going; below, they count towards the hangover. */
  speechOffProbability: number;
  /** Speech ends after this much time of blocks below `speechOffProbability` (pauses inside a sentence stay inside). */
  hangoverMs: number;
  /** Shorter bursts (a click, a cough) are not speech. */
  minSpeechMs: number;
  /**
   * Blocks whose every frame is below this level (dBFS) are not shown to the model at all: clearly below any
   * speech, they count as no speech.
   */
  gateDb: number;
  /**
   * Outside speech, blocks whose every frame is within this many dB of the channel's noise floor are not
   * shown to the model either (steady line noise above `gateDb`); speech rises well above its noise.
   */
  gateAboveNoiseDb: number;
  /**
   * A frame is voiced (places a boundary) when it is this far above the channel's noise floor, and at least
   * at `voicedMinDb`. Quieter than the gate is allowed: a quiet talker's first consonant is still speech.
   */
  voicedMarginDb: number;
  voicedMinDb: number;
  /** How far back before the block that triggered speech its start may be moved, over (mostly) voiced frames. */
  lookbackFrames: number;
  /** Speech also ends when no frame was voiced for this long, whatever the model says (steady noise it likes). */
  maxQuietInSpeechMs: number;
}

export const DEFAULT_VAD_TUNING: VadTuning = {
  blockFrames: 5,
  speechOnProbability: 0.5,
  speechOffProbability: 0.35,
  hangoverMs: 300,
  minSpeechMs: 100,
  gateDb: -48,
  gateAboveNoiseDb: 6,
  voicedMarginDb: 9,
  voicedMinDb: -60,
  lookbackFrames: 10,
  maxQuietInSpeechMs: 800,
};

/** What a channel's state machine decided: speech started (once it is long enough to count), or ended. */
export type VadEvent =
  | { kind: 'speech_start'; startFrame: number }
  /** `endFrame` is exclusive: speech covers frames [startFrame, endFrame). */
  | { kind: 'speech_end'; startFrame: number; endFrame: number };

/** The level the quietest frames are clamped to (digital silence has no logarithm). */
export const SILENT_FRAME_DB = -90;
/** The noise floor is the quietest of this many recent frames outside speech (1.5 s): minimum statistics. */
const NOISE_FLOOR_FRAMES = 75;
/** Unvoiced frames (60 ms) a start may be moved back across, to voiced frames before them. */
const LOOKBACK_MAX_GAP_FRAMES = 3;
/** Voiced-frame history kept for moving a start back. */
const HISTORY_FRAMES = 64;

function loudest(levelsDb: ArrayLike<number>): number {
  let max = SILENT_FRAME_DB;
  for (let i = 0; i < levelsDb.length; i++) max = Math.max(max, levelsDb[i] as number);
  return max;
}

/** Level of 20 ms of 16-bit samples in dBFS (mean square against full scale), SILENT_FRAME_DB at the least. */
export function frameLevelDb(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  return levelOfMeanSquare(to > from ? sum / (to - from) : 0);
}

/** dBFS of a mean square of 16-bit samples, SILENT_FRAME_DB at the least. */
export function levelOfMeanSquare(meanSquare: number): number {
  if (meanSquare <= 0) return SILENT_FRAME_DB;
  return Math.max(SILENT_FRAME_DB, 10 * Math.log10(meanSquare / (32768 * 32768)));
}

/**
 * One channel's speech / no-speech decision, block by block, in order. Pure: no clock, no model; the caller
 * hands each block's frame levels and the model's probability (null when the energy gate kept the block from
 * the model). Boundaries are frame numbers: speech starts at the first voiced frame of the run that led to it
 * and ends after the last voiced frame, so they are accurate to a frame or two whatever the block size; the
 * decision itself comes a hangover later (the end is then backdated).
 */
export class VadStateMachine {
  /** Frames consumed so far: the next block starts here. */
  private nextFrame = 0;
  /** Levels of the last NOISE_FLOOR_FRAMES frames outside speech, a ring; the floor is their minimum. */
  private readonly quietLevels: number[] = [];
  private quietLevelsAt = 0;
  private noiseFloorDb = SILENT_FRAME_DB;
  /** Levels of the last HISTORY_FRAMES frames, by frame number modulo the size. */
  private readonly history = new Float64Array(HISTORY_FRAMES);
  private inSpeech = false;
  private confirmed = false;
  private startFrame = 0;
  private lastVoicedFrame = -1;
  private quietBlocks = 0;
  /** Where the last speech ended: a new one never starts before it. */
  private lastEndFrame = 0;

  constructor(readonly tuning: VadTuning = DEFAULT_VAD_TUNING) {
    if (tuning.blockFrames < 1 || tuning.blockFrames > HISTORY_FRAMES / 2) {
      throw new Error(`blockFrames must be between 1 and ${HISTORY_FRAMES / 2}`);
    }
  }

  /** Frames decided so far (the channel's audio position, in frames). */
  get processedFrames(): number {
    return this.nextFrame;
  }

  /** Speech going on that is long enough to count (it may still end, backdated, after the hangover). */
  get speaking(): boolean {
    return this.inSpeech && this.confirmed;
  }

  /**
   * The level below which a whole block is kept from the model: the absolute gate, or, outside speech and
   * once the noise floor is known, just above the floor.
   */
  get gateThresholdDb(): number {
    if (this.inSpeech || this.quietLevels.length < NOISE_FLOOR_FRAMES / 3) return this.tuning.gateDb;
    return Math.max(this.tuning.gateDb, this.noiseFloorDb + this.tuning.gateAboveNoiseDb);
  }

  /** The level a frame must reach to count as voiced now. */
  get voicedThresholdDb(): number {
    return Math.max(this.tuning.voicedMinDb, this.noiseFloorDb + this.tuning.voicedMarginDb);
  }

  /**
   * One block: the levels of its frames (dBFS, `blockFrames` of them, fewer only for the last block of a
   * channel) and the model's speech probability, or null for a block the gate kept from the model. Appends
   * what it decided to `out`.
   */
  pushBlock(levelsDb: ArrayLike<number>, probability: number | null, out: VadEvent[]): void {
    const first = this.nextFrame;
    const count = levelsDb.length;
    for (let i = 0; i < count; i++) this.history[(first + i) % HISTORY_FRAMES] = levelsDb[i] as number;
    this.nextFrame += count;
    const p = probability ?? 0;
    const voiced = this.voicedThresholdDb;
    const { tuning } = this;

    if (!this.inSpeech) {
      if (p >= tuning.speechOnProbability && loudest(levelsDb) >= tuning.voicedMinDb) {
        this.begin(first, levelsDb, voiced);
      } else {
        this.trackNoiseFloor(levelsDb);
        return;
      }
    } else if (p >= tuning.speechOffProbability) {
      this.quietBlocks = 0;
      for (let i = 0; i < count; i++) if ((levelsDb[i] as number) >= voiced) this.lastVoicedFrame = first + i;
    } else {
      this.quietBlocks += 1;
      // Speech that trails into a block the model already calls quiet still ends where the sound does.
      for (let i = 0; i < count; i++) {
        if (first + i === this.lastVoicedFrame + 1 && (levelsDb[i] as number) >= voiced) this.lastVoicedFrame += 1;
      }
    }

    if (!this.confirmed && (this.lastVoicedFrame + 1 - this.startFrame) * AUDIO_FRAME_MS >= tuning.minSpeechMs) {
      this.confirmed = true;
      out.push({ kind: 'speech_start', startFrame: this.startFrame });
    }
    const quietMs = this.quietBlocks * tuning.blockFrames * AUDIO_FRAME_MS;
    const sinceVoicedMs = (this.nextFrame - 1 - this.lastVoicedFrame) * AUDIO_FRAME_MS;
    if (quietMs >= tuning.hangoverMs || sinceVoicedMs >= tuning.maxQuietInSpeechMs) this.end(out);
  }

  /** The channel closed: speech in progress ends after its last voiced frame. */
  flush(out: VadEvent[]): void {
    if (this.inSpeech) this.end(out);
  }

  private begin(first: number, levelsDb: ArrayLike<number>, voiced: number): void {
    const count = levelsDb.length;
    let start = -1;
    let last = -1;
    for (let i = 0; i < count; i++) {
      if ((levelsDb[i] as number) < voiced) continue;
      if (start < 0) start = first + i;
      last = first + i;
    }
    if (start < 0) {
      // The model hears speech the levels do not show (a quiet talker in noise): trust it for this block.
      start = first;
      last = first + count - 1;
    }
    if (start === first) {
      // The model often answers a window late: the run of voiced frames just before belongs to this speech.
      const earliest = Math.max(this.lastEndFrame, first - this.tuning.lookbackFrames, this.nextFrame - HISTORY_FRAMES);
      // Short dips (a consonant in noise) do not break the run.
      let gap = 0;
      for (let frame = start - 1; frame >= earliest; frame--) {
        if ((this.history[frame % HISTORY_FRAMES] as number) >= voiced) {
          start = frame;
          gap = 0;
        } else if (++gap > LOOKBACK_MAX_GAP_FRAMES) break;
      }
    }
    this.inSpeech = true;
    this.confirmed = false;
    this.startFrame = start;
    this.lastVoicedFrame = last;
    this.quietBlocks = 0;
  }

  private end(out: VadEvent[]): void {
    const endFrame = this.lastVoicedFrame + 1;
    if (this.confirmed) {
      out.push({ kind: 'speech_end', startFrame: this.startFrame, endFrame });
      this.lastEndFrame = endFrame;
    }
    this.inSpeech = false;
    this.confirmed = false;
    this.quietBlocks = 0;
  }

  /**
   * The floor is the quietest recent frame outside speech: it follows steady line noise up within 1.5 s and
   * ignores the loud frames of speech the model has not called yet (they are never the minimum).
   */
  private trackNoiseFloor(levelsDb: ArrayLike<number>): void {
    for (let i = 0; i < levelsDb.length; i++) {
      if (this.quietLevels.length < NOISE_FLOOR_FRAMES) this.quietLevels.push(levelsDb[i] as number);
      else this.quietLevels[this.quietLevelsAt] = levelsDb[i] as number;
      this.quietLevelsAt = (this.quietLevelsAt + 1) % NOISE_FLOOR_FRAMES;
    }
    let floor = 0;
    for (const level of this.quietLevels) if (level < floor) floor = level;
    this.noiseFloorDb = floor;
  }
}
