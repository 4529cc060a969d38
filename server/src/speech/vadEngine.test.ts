import { AUDIO_FRAME_MS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.js';
import { SILERO_STATE_SIZE, type SileroBatchResult, type SileroModel } from './sileroModel.js';
import { VadEngine } from './vadEngine.js';
import type { VadEvent } from './vadStateMachine.js';

/**
 * A stand-in for Silero that makes the engine's bookkeeping visible: each channel's state h[0] counts the
 * windows that channel has had, and the probability is high for its first `speechWindows` windows only. If
 * states were mixed up between the rows of a batch, the counts (and so the speech lengths) would be wrong.
 */
class CountingModel implements SileroModel {
  readonly batches: number[] = [];
  constructor(private readonly speechWindows: number) {}
  async run(windows: Float32Array, batch: number, h: Float32Array, c: Float32Array): Promise<SileroBatchResult> {
    this.batches.push(batch);
    const probabilities = new Float32Array(batch);
    const next = h.slice();
    for (let row = 0; row < batch; row++) {
      const seen = h[row * SILERO_STATE_SIZE] as number;
      probabilities[row] = seen < this.speechWindows ? 0.9 : 0.05;
      next[row * SILERO_STATE_SIZE] = seen + 1;
    }
    expect(windows.length).toBe(batch * 768);
    return { probabilities, h: next, c: c.slice() };
  }
  async release(): Promise<void> {}
}

const LOUD = new Int16Array(160).fill(3_000);
const SILENT = new Int16Array(160);

function collect() {
  const events: VadEvent[] = [];
  return { events, listener: (got: readonly VadEvent[]) => events.push(...got) };
}

describe('VadEngine', () => {
  it('batches channels, keeps each channel its own model state, and decides in order', async () => {
    const model = new CountingModel(8);
    const engine = new VadEngine({ model, inferenceIntervalMs: 3_600_000 });
    const a = collect();
    const b = collect();
    const channelA = engine.open(a.listener);
    const channelB = engine.open(b.listener);
    // B starts 1 s later; both are loud throughout (nothing gated).
    for (let frame = 0; frame < 150; frame++) {
      channelA.pushFrame(LOUD);
      if (frame >= 50) channelB.pushFrame(LOUD);
      if (frame % 4 === 3) await engine.drain();
    }
    await Promise.all([channelA.close(), channelB.close(), engine.drain()]);
    await engine.stop();
    // Speech for its own first 8 windows (800 ms) each, though the model said otherwise to the other channel
    // meanwhile; the loud frames go on through the 300 ms hangover, so the end is 800 + 300 ms.
    const speech = [
      { kind: 'speech_start', startFrame: 0 },
      { kind: 'speech_end', startFrame: 0, endFrame: (800 + 300) / AUDIO_FRAME_MS },
    ];
    expect(a.events).toEqual(speech);
    expect(b.events).toEqual(speech);
    expect(Math.max(...model.batches)).toBe(2);
    expect(engine.stats()).toMatchObject({ channels: 0, queuedBlocks: 0, blocks: 50 });
  });

  it('keeps silent blocks and suspended channels from the model', async () => {
    const model = new CountingModel(1_000);
    const engine = new VadEngine({ model, inferenceIntervalMs: 3_600_000 });
    const quiet = engine.open(() => {});
    const held = engine.open(() => {});
    held.suspended = true;
    for (let frame = 0; frame < 50; frame++) {
      quiet.pushFrame(SILENT);
      held.pushFrame(LOUD);
    }
    await Promise.all([quiet.close(), held.close(), engine.drain()]);
    expect(model.batches).toEqual([]);
    expect(engine.stats()).toMatchObject({ blocks: 20, gatedBlocks: 20, inferredBlocks: 0 });
    expect(quiet.processedFrames).toBe(50);
  });

  it('decides by level when the model fails, and says so once', async () => {
    const failing: SileroModel = {
      run: () => Promise.reject(new Error('worker gone')),
      release: async () => {},
    };
    const logger = createMemoryLogger();
    const engine = new VadEngine({ model: failing, logger, inferenceIntervalMs: 3_600_000 });
    const got = collect();
    const channel = engine.open(got.listener);
    for (let frame = 0; frame < 30; frame++) channel.pushFrame(frame < 20 ? LOUD : SILENT);
    await Promise.all([channel.close(), engine.drain()]);
    expect(got.events).toEqual([
      { kind: 'speech_start', startFrame: 0 },
      { kind: 'speech_end', startFrame: 0, endFrame: 20 },
    ]);
    expect(logger.lines.filter((line) => line.includes('model run failed'))).toHaveLength(1);
  });
});
