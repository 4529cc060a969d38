import { describe, expect, it } from 'vitest';
import { MAX_JUMP_FRAMES } from '../recordings/frameAligner.js';
import { FrameSequencer, type FrameSink } from './frameSequencer.js';

/** A sink that writes down what it got: frame markers (the first sample) and silent runs. */
function recorder(): FrameSink & { got: (number | string)[] } {
  const got: (number | string)[] = [];
  return {
    got,
    pushFrame: (samples) => got.push(samples[0] as number),
    pushSilentFrames: (count) => got.push(`silence×${count}`),
  };
}
const frame = (marker: number) => new Int16Array(160).fill(marker);

describe('FrameSequencer', () => {
  it('passes frames in order, waits for a late one within the window, and fills what never came with silence', () => {
    const sink = recorder();
    const sequencer = new FrameSequencer(0, sink, 2);
    sequencer.push(0, frame(10));
    sequencer.push(2, frame(12)); // 1 is late
    sequencer.push(1, frame(11));
    expect(sink.got).toEqual([10, 11, 12]);
    // 3 never comes: once 6 is here (past the window), it becomes silence.
    sequencer.push(4, frame(14));
    sequencer.push(5, frame(15));
    expect(sink.got).toEqual([10, 11, 12]);
    sequencer.push(6, frame(16));
    expect(sink.got).toEqual([10, 11, 12, 'silence×1', 14, 15, 16]);
    expect(sequencer.push(2, frame(99))).toBe('late');
    sequencer.push(8, frame(18));
    expect(sequencer.push(8, frame(99))).toBe('duplicate');
    expect(sequencer.push(MAX_JUMP_FRAMES + 100, frame(99))).toBe('too_far_ahead');
    sequencer.push(9, frame(19));
    sequencer.finish();
    expect(sink.got).toEqual([10, 11, 12, 'silence×1', 14, 15, 16, 'silence×1', 18, 19]);
    expect(sequencer.framesOut).toBe(10);
  });

  it('copies a frame that waits (the caller may reuse its array)', () => {
    const sink = recorder();
    const sequencer = new FrameSequencer(0, sink);
    const reused = frame(7);
    sequencer.push(1, reused);
    reused.fill(0);
    sequencer.push(0, frame(6));
    expect(sink.got).toEqual([6, 7]);
  });
});
