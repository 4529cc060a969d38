import type { Logger } from '../logger.js';
import { SILERO_STATE_SIZE, SILERO_WINDOWS_8K, type SileroModel } from './sileroModel.js';
import { VadFrameCutter } from './vadFrameCutter.js';
import {
  DEFAULT_VAD_TUNING,
  SILENT_FRAME_DB,
  type VadEvent,
  VadStateMachine,
  type VadTuning,
} from './vadStateMachine.js';

/** How often queued windows go to the model: short enough for live silence, long enough to batch channels. */
export const VAD_INFERENCE_INTERVAL_MS = 80;
/** Most windows in one model run; more channels make more runs per round. */
export const VAD_MAX_BATCH = 512;
/** Failed runs in a row after which the model is given up for the energy fallback. */
const MAX_CONSECUTIVE_FAILED_RUNS = 10;
/** Rounds per tick: a channel that fell behind catches up by this many windows per tick. */
const MAX_ROUNDS_PER_TICK = 16;
/**
 * After this many blocks the gate kept from the model, the channel's model state is reset: the model never
 * heard that stretch, and a state from before a long pause would colour the next words.
 */
const RESET_STATE_AFTER_GATED_BLOCKS = 3;

export interface VadEngineOptions {
  /** The model, or a promise of it (the server starts before it has loaded; windows wait). */
  model: SileroModel | Promise<SileroModel>;
  tuning?: VadTuning;
  /** Samples per model window, one of SILERO_WINDOWS_8K; the window is the last this-many samples of its block. */
  windowSamples?: (typeof SILERO_WINDOWS_8K)[number];
  inferenceIntervalMs?: number;
  maxBatch?: number;
  logger?: Logger;
}

/** Receives a channel's decisions in order, with how far (in frames) the channel has been decided. */
export type VadListener = (events: readonly VadEvent[], processedFrames: number) => void;

export interface VadEngineStats {
  channels: number;
  blocks: number;
  /** Blocks the energy gate kept from the model. */
  gatedBlocks: number;
  inferredBlocks: number;
  runs: number;
  /** Wall time spent waiting on the model, ms. */
  inferenceMs: number;
  /** Blocks queued now (waiting for the model or for an earlier block). */
  queuedBlocks: number;
  failedRuns: number;
}

interface QueuedBlock {
  levels: Float64Array;
  /** The window for the model; null when the gate (or a suspension) keeps the block from it. */
  window: Float32Array | null;
  probability: number | null;
  state: 'gated' | 'waiting' | 'done';
}

/**
 * Voice activity for many channels with one model: each channel cuts its 20 ms frames into blocks, the energy
 * gate keeps quiet blocks from the model, and a timer sends the first waiting window of every channel to the
 * model in one batch (each channel with its own recurrent state), so one run serves every live call. Results
 * go through each channel's VadStateMachine in order.
 */
export class VadEngine {
  private readonly channels = new Set<VadChannel>();
  private readonly timer: NodeJS.Timeout;
  private model: SileroModel | undefined;
  private modelFailed = false;
  private consecutiveFailures = 0;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  readonly tuning: VadTuning;
  readonly windowSamples: number;
  private readonly maxBatch: number;
  private readonly totals = { blocks: 0, gatedBlocks: 0, inferredBlocks: 0, runs: 0, inferenceMs: 0, failedRuns: 0 };

  constructor(private readonly options: VadEngineOptions) {
    this.tuning = options.tuning ?? DEFAULT_VAD_TUNING;
    this.windowSamples = options.windowSamples ?? 768;
    if (!(SILERO_WINDOWS_8K as readonly number[]).includes(this.windowSamples)) {
      throw new Error(`windowSamples must be one of ${SILERO_WINDOWS_8K.join(', ')} at 8 kHz`);
    }
    this.maxBatch = options.maxBatch ?? VAD_MAX_BATCH;
    Promise.resolve(options.model).then(
      (model) => {
        this.model = model;
      },
      (error: unknown) => {
        // Without the model, levels alone decide (see energyProbability): degraded, never silent.
        this.modelFailed = true;
        options.logger?.error('speech: the voice-activity model could not be loaded; deciding by level alone', {
          error,
        });
      },
    );
    this.timer = setInterval(() => void this.tick(), options.inferenceIntervalMs ?? VAD_INFERENCE_INTERVAL_MS);
    this.timer.unref();
  }

  /** A new channel (one side of one call) whose decisions go to `listener`. */
  open(listener: VadListener): VadChannel {
    const channel = new VadChannel(this, listener);
    this.channels.add(channel);
    return channel;
  }

  stats(): VadEngineStats {
    let queuedBlocks = 0;
    for (const channel of this.channels) queuedBlocks += channel.queueLength;
    return { channels: this.channels.size, queuedBlocks, ...this.totals };
  }

  /** Sends every waiting window to the model now (and again until none waits); resolves when done. */
  async drain(): Promise<void> {
    for (;;) {
      await this.tick();
      let waiting = false;
      for (const channel of this.channels) if (channel.hasWaiting()) waiting = true;
      if (!waiting) return;
      if (!this.model && !this.modelFailed) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Decides what waits, then stops the timer; channels still open take no more inference. */
  async stop(): Promise<void> {
    if (!this.stopped) await this.drain();
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
  }

  /* ----------------------------------------------------------- internals ----------------------------------------------------------- */

  /** @internal */
  countBlock(gated: boolean): void {
    this.totals.blocks += 1;
    if (gated) this.totals.gatedBlocks += 1;
  }

  /** @internal A channel finished closing. */
  forget(channel: VadChannel): void {
    this.channels.delete(channel);
  }

  /** @internal A channel wants its queue looked at soon (closing). */
  soon(): void {
    setImmediate(() => void this.tick());
  }

  private tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.runRounds().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async runRounds(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS_PER_TICK && !this.stopped; round++) {
      const ready: VadChannel[] = [];
      for (const channel of this.channels) if (channel.hasWaiting()) ready.push(channel);
      if (ready.length === 0) return;
      if (this.modelFailed) {
        for (const channel of ready) channel.resolveHead(energyProbability(channel.headLevels(), this.tuning), null);
        continue;
      }
      const model = this.model;
      if (!model) return;
      // Batches of one round are independent (one window per channel): all in flight at once, so the next
      // one is prepared while the model works on this one.
      const batches: Promise<void>[] = [];
      for (let from = 0; from < ready.length; from += this.maxBatch) {
        batches.push(this.runBatch(model, ready.slice(from, from + this.maxBatch)));
      }
      await Promise.all(batches);
    }
  }

  private async runBatch(model: SileroModel, batch: VadChannel[]): Promise<void> {
    const size = batch.length;
    const windows = new Float32Array(size * this.windowSamples);
    const h = new Float32Array(size * SILERO_STATE_SIZE);
    const c = new Float32Array(size * SILERO_STATE_SIZE);
    batch.forEach((channel, i) => {
      channel.fillInputs(windows, h, c, i);
    });
    const startedAt = performance.now();
    try {
      const result = await model.run(windows, size, h, c);
      this.consecutiveFailures = 0;
      this.totals.runs += 1;
      this.totals.inferredBlocks += size;
      batch.forEach((channel, i) => {
        channel.resolveHead(result.probabilities[i] as number, {
          h: result.h.subarray(i * SILERO_STATE_SIZE, (i + 1) * SILERO_STATE_SIZE),
          c: result.c.subarray(i * SILERO_STATE_SIZE, (i + 1) * SILERO_STATE_SIZE),
        });
      });
    } catch (error) {
      this.totals.failedRuns += 1;
      this.consecutiveFailures += 1;
      if (this.consecutiveFailures === 1) {
        this.options.logger?.error('speech: a voice-activity model run failed; its windows are decided by level', {
          error,
          batch: size,
        });
      } else if (this.consecutiveFailures === MAX_CONSECUTIVE_FAILED_RUNS) {
        // A model that keeps failing (its worker died) is given up: levels alone decide from now on.
        this.modelFailed = true;
        this.options.logger?.error('speech: the voice-activity model keeps failing; deciding by level alone', {
          error,
        });
      }
      for (const channel of batch) channel.resolveHead(energyProbability(channel.headLevels(), this.tuning), null);
    } finally {
      this.totals.inferenceMs += performance.now() - startedAt;
    }
  }
}

/** Stand-in for the model when it cannot run: a block with a frame well above the gate is speech. */
function energyProbability(levels: Float64Array, tuning: VadTuning): number {
  let loudest = SILENT_FRAME_DB;
  for (const level of levels) loudest = Math.max(loudest, level);
  return loudest >= tuning.gateDb + 12 ? 1 : 0;
}

/**
 * One channel of audio (one side of a call): frames in order, in; decisions out through its listener. Frames
 * are cut into blocks of `tuning.blockFrames` (here, by pushFrame; or elsewhere, handed in by pushBlock);
 * each block is gated or queued for the model.
 */
export class VadChannel {
  private readonly machine: VadStateMachine;
  private readonly blockFrames: number;
  private readonly windowSamples: number;
  /** Cuts frames pushed here into blocks; made by the first pushFrame (a channel fed blocks never has one). */
  private cutter: VadFrameCutter | undefined;
  private readonly queue: QueuedBlock[] = [];
  private readonly h = new Float32Array(SILERO_STATE_SIZE);
  private readonly c = new Float32Array(SILERO_STATE_SIZE);
  private gatedRun = 0;
  /**
   * Arrays of blocks already decided, reused for the next blocks: a block's levels and window would
   * otherwise be two new arrays per channel every 100 ms (40,000 a second at 2,000 channels), garbage the
   * collector's pauses would make live audio wait for.
   */
  private readonly spareLevels: Float64Array[] = [];
  private readonly spareWindows: Float32Array[] = [];
  private closing: { promise: Promise<void>; resolve: () => void } | undefined;
  private closed = false;
  /** While true (a call on hold) blocks are not shown to the model and count as no speech. */
  suspended = false;

  constructor(
    private readonly engine: VadEngine,
    private readonly listener: VadListener,
  ) {
    this.machine = new VadStateMachine(engine.tuning);
    this.blockFrames = engine.tuning.blockFrames;
    this.windowSamples = engine.windowSamples;
  }

  /** Frames decided so far. */
  get processedFrames(): number {
    return this.machine.processedFrames;
  }

  get speaking(): boolean {
    return this.machine.speaking;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  /** The next 20 ms frame (AUDIO_SAMPLES_PER_FRAME samples). */
  pushFrame(samples: Int16Array): void {
    if (!this.closing) this.ownCutter().pushFrame(samples);
  }

  /** Frames that never arrived: silence, without building buffers for it. */
  pushSilentFrames(count: number): void {
    if (!this.closing) this.ownCutter().pushSilentFrames(count);
  }

  /**
   * A block cut by a VadFrameCutter elsewhere (the speech worker): its frames' levels (`blockFrames` of them,
   * fewer only for a channel's last block) and its window. Both are copied; the caller may reuse them.
   */
  pushBlock(levels: ArrayLike<number>, window: Float32Array): void {
    if (!this.closing) this.endBlock(levels, (out) => out.set(window.subarray(0, this.windowSamples)));
  }

  /**
   * No more audio: the last partial block is decided too, speech in progress ends, the listener hears the
   * last events. Resolves once everything queued has been decided.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    // The cutter's last partial block goes in before the channel stops taking blocks.
    this.cutter?.flush();
    this.closing = { promise, resolve };
    this.drainQueue();
    if (!this.closed) this.engine.soon();
    return promise;
  }

  /* --------------------------------------------------------- engine's side --------------------------------------------------------- */

  /** @internal The first queued block waits for the model. */
  hasWaiting(): boolean {
    return this.queue[0]?.state === 'waiting';
  }

  /** @internal */
  headLevels(): Float64Array {
    return this.queue[0]?.levels ?? new Float64Array(0);
  }

  /** @internal Copies the head window and this channel's states into row `row` of a batch. */
  fillInputs(windows: Float32Array, h: Float32Array, c: Float32Array, row: number): void {
    const head = this.queue[0];
    if (!head?.window) throw new Error('fillInputs on a channel with no window waiting');
    if (this.gatedRun >= RESET_STATE_AFTER_GATED_BLOCKS) {
      this.h.fill(0);
      this.c.fill(0);
    }
    windows.set(head.window, row * this.windowSamples);
    h.set(this.h, row * SILERO_STATE_SIZE);
    c.set(this.c, row * SILERO_STATE_SIZE);
  }

  /** @internal The model answered for the head window (states null when it did not run). */
  resolveHead(probability: number, states: { h: Float32Array; c: Float32Array } | null): void {
    const head = this.queue[0];
    if (head?.state !== 'waiting') return;
    head.probability = probability;
    if (head.window) recycle(this.spareWindows, head.window);
    head.window = null;
    head.state = 'done';
    if (states) {
      this.h.set(states.h);
      this.c.set(states.c);
    }
    this.drainQueue();
  }

  /* ----------------------------------------------------------- internals ----------------------------------------------------------- */

  private ownCutter(): VadFrameCutter {
    this.cutter ??= new VadFrameCutter(this.blockFrames, this.windowSamples, (levels, cutter) =>
      this.endBlock(levels, (out) => cutter.windowInto(out)),
    );
    return this.cutter;
  }

  /** A block's levels are in: gated, or queued with its window (filled only when the model will see it). */
  private endBlock(blockLevels: ArrayLike<number>, fillWindow: (out: Float32Array) => void): void {
    const count = blockLevels.length;
    const levels =
      count === this.blockFrames
        ? (this.spareLevels.pop() ?? new Float64Array(this.blockFrames))
        : new Float64Array(count);
    let loudest = SILENT_FRAME_DB;
    for (let i = 0; i < count; i++) {
      const level = blockLevels[i] as number;
      levels[i] = level;
      loudest = Math.max(loudest, level);
    }
    // Judged with the channel's state as decided so far (blocks may still wait for the model before this one).
    const gated = this.suspended || loudest < this.machine.gateThresholdDb;
    this.engine.countBlock(gated);
    let window: Float32Array | null = null;
    if (!gated) {
      window = this.spareWindows.pop() ?? new Float32Array(this.windowSamples);
      fillWindow(window);
    }
    this.queue.push({ levels, window, probability: null, state: gated ? 'gated' : 'waiting' });
    // Gated blocks behind nothing waiting are decided at once (silence shows without waiting for a tick).
    if (this.queue.length === 1 && gated) this.drainQueue();
  }

  private drainQueue(): void {
    const events: VadEvent[] = [];
    let decided = false;
    while (this.queue.length > 0) {
      const head = this.queue[0] as QueuedBlock;
      if (head.state === 'waiting') break;
      this.queue.shift();
      if (head.state === 'gated') this.gatedRun += 1;
      else this.gatedRun = 0;
      this.machine.pushBlock(head.levels, head.probability, events);
      if (head.levels.length === this.blockFrames) recycle(this.spareLevels, head.levels);
      if (head.window) recycle(this.spareWindows, head.window);
      decided = true;
    }
    const finishing = this.closing !== undefined && this.queue.length === 0 && !this.closed;
    if (finishing) this.machine.flush(events);
    if (decided || events.length > 0) this.listener(events, this.machine.processedFrames);
    if (finishing) {
      this.closed = true;
      this.engine.forget(this);
      this.closing?.resolve();
    }
  }
}

/** Spare arrays kept per channel: enough for the blocks that wait for one model run, no more. */
const SPARE_ARRAYS_MAX = 4;

function recycle<T>(spares: T[], array: T): void {
  if (spares.length < SPARE_ARRAYS_MAX) spares.push(array);
}
