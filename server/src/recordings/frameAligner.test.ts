import { AUDIO_SAMPLES_PER_FRAME } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import {
  type AlignedOutput,
  CONTROLLER_QUEUE_MAX_FRAMES,
  FrameAligner,
  MAX_JUMP_FRAMES,
  REORDER_WINDOW_FRAMES,
  STEREO_SAMPLES_PER_FRAME,
} from './frameAligner.js';

/** A side whose every sample says which frame and side it is: agent seq + 1, caller -(seq + 1). */
const side = (seq: number, who: 'agent' | 'caller') =>
  new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(who === 'agent' ? seq + 1 : -(seq + 1));

/** Expands the output to one entry per frame: [left, right] of its first sample, 0/0 for silence. */
function frames(outputs: readonly AlignedOutput[]): [number, number][] {
  const result: [number, number][] = [];
  for (const output of outputs) {
    if (output.kind === 'silence') {
      for (let i = 0; i < output.frames; i++) result.push([0, 0]);
    } else {
      expect(output.samples.length).toBe(STEREO_SAMPLES_PER_FRAME);
      result.push([output.samples[0] as number, output.samples[1] as number]);
    }
  }
  return result;
}

const both = (seq: number) => ({ agent: side(seq, 'agent'), caller: side(seq, 'caller') });

describe('FrameAligner', () => {
  it('writes in-order frames carrying both sides at once, agent left and caller right', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    for (let seq = 0; seq < 3; seq++) {
      expect(aligner.push(seq, both(seq), out)).toBe('accepted');
      expect(out).toHaveLength(seq + 1);
    }
    expect(frames(out)).toEqual([
      [1, -1],
      [2, -2],
      [3, -3],
    ]);
    const first = out[0];
    if (first?.kind !== 'frame') throw new Error('expected a frame');
    // Every sample pair, not just the first: interleaved L R L R.
    for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
      expect([first.samples[2 * i], first.samples[2 * i + 1]]).toEqual([1, -1]);
    }
    expect(aligner.counters).toMatchObject({ framesWritten: 3, gapFramesAgent: 0, gapFramesCaller: 0 });
  });

  it('waits for the second side when sides come in separate frames, in either order', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    aligner.push(0, { agent: side(0, 'agent') }, out);
    expect(out).toHaveLength(0);
    aligner.push(0, { caller: side(0, 'caller') }, out);
    aligner.push(1, { caller: side(1, 'caller') }, out);
    expect(out).toHaveLength(1);
    aligner.push(2, { agent: side(2, 'agent') }, out);
    aligner.push(1, { agent: side(1, 'agent') }, out);
    aligner.push(2, { caller: side(2, 'caller') }, out);
    expect(frames(out)).toEqual([
      [1, -1],
      [2, -2],
      [3, -3],
    ]);
    expect(aligner.counters.gapFramesAgent + aligner.counters.gapFramesCaller).toBe(0);
  });

  it('puts frames reordered within the window back in order, with no gaps', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    for (const seq of [1, 0, 3, 2, 5, 4, 6]) aligner.push(seq, both(seq), out);
    expect(frames(out).map(([left]) => left)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The earliest may be up to the window late and still make it.
    const late = new FrameAligner();
    const lateOut: AlignedOutput[] = [];
    for (let seq = 1; seq <= REORDER_WINDOW_FRAMES; seq++) late.push(seq, both(seq), lateOut);
    expect(lateOut).toHaveLength(0);
    expect(late.push(0, both(0), lateOut)).toBe('accepted');
    expect(frames(lateOut).map(([left]) => left)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(late.counters.lateFrames).toBe(0);
  });

  it('fills a lost frame with silence once the window has passed, and counts it per side', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    aligner.push(0, both(0), out);
    // Frame 1 lost entirely, frame 2 lost on the caller side.
    aligner.push(2, { agent: side(2, 'agent') }, out);
    for (let seq = 3; seq <= 1 + REORDER_WINDOW_FRAMES; seq++) aligner.push(seq, both(seq), out);
    // Highest is 6, exactly the window ahead of frame 1: frame 1 is still waited for.
    expect(out).toHaveLength(1);
    aligner.push(7, both(7), out);
    expect(frames(out)).toEqual([
      [1, -1],
      [0, 0],
    ]);
    // Frame 2 goes with the caller side silent once 8 is here; 3 to 8 are whole and follow at once.
    aligner.push(8, both(8), out);
    expect(frames(out)).toEqual([
      [1, -1],
      [0, 0],
      [3, 0],
      [4, -4],
      [5, -5],
      [6, -6],
      [7, -7],
      [8, -8],
      [9, -9],
    ]);
    expect(aligner.counters).toMatchObject({ framesWritten: 9, gapFramesAgent: 1, gapFramesCaller: 2 });
  });

  it('drops and counts frames whose place was already written', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    for (let seq = 0; seq < 3; seq++) aligner.push(seq, both(seq), out);
    expect(aligner.push(1, both(1), out)).toBe('late');
    expect(aligner.push(0, { agent: side(0, 'agent') }, out)).toBe('late');
    expect(aligner.counters.lateFrames).toBe(2);
    expect(out).toHaveLength(3);
    expect(aligner.push(3, { agent: side(3, 'agent') }, out)).toBe('accepted');
    expect(aligner.push(3, { agent: side(9, 'agent') }, out)).toBe('duplicate');
  });

  it('writes what is pending on finish, missing sides as counted silence', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    aligner.push(0, both(0), out);
    aligner.push(1, { agent: side(1, 'agent') }, out);
    aligner.push(3, { caller: side(3, 'caller') }, out);
    expect(out).toHaveLength(1);
    aligner.finish(out);
    expect(frames(out)).toEqual([
      [1, -1],
      [2, 0],
      [0, 0],
      [0, -4],
    ]);
    expect(aligner.counters).toMatchObject({ framesWritten: 4, gapFramesAgent: 2, gapFramesCaller: 2 });
    expect(aligner.pendingFrames).toBe(0);
  });

  it('starts the timeline at seq 0: a first frame at seq 3 is preceded by three silent frames', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    aligner.push(3, both(3), out);
    aligner.finish(out);
    expect(frames(out)).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [4, -4],
    ]);
  });

  it('mixes controller voice into the left channel for a whisper and both for a barge, saturating', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    aligner.pushController('agent', new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(1000));
    aligner.push(0, { agent: new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(32000), caller: side(0, 'caller') }, out);
    aligner.pushController('both', new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(-1000));
    aligner.push(1, { agent: side(1, 'agent'), caller: new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(-32500) }, out);
    aligner.push(2, both(2), out);
    expect(frames(out)).toEqual([
      [32767, -1],
      [2 - 1000, -32768],
      [3, -3],
    ]);
    expect(aligner.counters.controllerFrames).toBe(2);
  });

  it('keeps at most 200 ms of controller voice, dropping the oldest', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    for (let i = 1; i <= CONTROLLER_QUEUE_MAX_FRAMES + 3; i++) {
      aligner.pushController('agent', new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(i * 10));
    }
    const silent = () => ({
      agent: new Int16Array(AUDIO_SAMPLES_PER_FRAME),
      caller: new Int16Array(AUDIO_SAMPLES_PER_FRAME),
    });
    for (let seq = 0; seq < CONTROLLER_QUEUE_MAX_FRAMES + 2; seq++) aligner.push(seq, silent(), out);
    expect(frames(out).map(([left]) => left)).toEqual([40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 0, 0]);
    expect(aligner.counters).toMatchObject({ controllerFrames: 10, controllerFramesDropped: 3 });
  });

  it('mixes queued controller voice into a gap too', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    aligner.push(0, both(0), out);
    aligner.pushController('both', new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(7));
    aligner.push(20, both(20), out);
    expect(frames(out).slice(0, 3)).toEqual([
      [1, -1],
      [7, 7],
      [0, 0],
    ]);
  });

  it('writes a long jump as one silence run and refuses a jump beyond the cap without growing', () => {
    const aligner = new FrameAligner();
    const out: AlignedOutput[] = [];
    aligner.push(0, both(0), out);
    expect(aligner.push(100_000, both(100_000), out)).toBe('accepted');
    expect(out).toHaveLength(2);
    expect(out[1]).toEqual({ kind: 'silence', frames: 100_000 - REORDER_WINDOW_FRAMES - 1 });
    expect(aligner.counters.gapFramesAgent).toBe(100_000 - REORDER_WINDOW_FRAMES - 1);
    const written = aligner.framesWritten;
    expect(aligner.push(written + MAX_JUMP_FRAMES + 1, both(0), out)).toBe('too_far_ahead');
    expect(aligner.counters.refusedFrames).toBe(1);
    expect(aligner.framesWritten).toBe(written);
    expect(aligner.pendingFrames).toBe(1);
    aligner.finish(out);
    expect(aligner.framesWritten).toBe(100_001);
    expect(out.at(-1)?.kind).toBe('frame');
  });

  it('counts output frames from its origin', () => {
    const aligner = new FrameAligner({ originSeq: 1_000_000 });
    const out: AlignedOutput[] = [];
    aligner.push(1_000_000, both(1), out);
    aligner.push(1_000_001, both(2), out);
    expect(aligner.framesWritten).toBe(2);
    expect(aligner.push(999_999, both(0), out)).toBe('late');
  });

  describe('pushStereo (both sides interleaved)', () => {
    const stereo = (seq: number) => {
      const samples = new Int16Array(STEREO_SAMPLES_PER_FRAME);
      for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
        samples[2 * i] = seq + 1;
        samples[2 * i + 1] = -(seq + 1);
      }
      return samples;
    };

    it('hands the frame due next on as it is, without a copy', () => {
      const aligner = new FrameAligner();
      const out: AlignedOutput[] = [];
      const frame = stereo(0);
      expect(aligner.pushStereo(0, frame, out)).toBe('accepted');
      expect(out).toEqual([{ kind: 'frame', samples: frame }]);
      expect(out[0]?.kind === 'frame' && out[0].samples).toBe(frame);
    });

    it('gives the same file as pushing the sides, through reordering, gaps, duplicates, late frames and controller voice', () => {
      // Arrival order: 0, 2, 2 (duplicate), 1, 3, 12 (4–6 become silence as the window passes), 4 (late), 13, 14; 7–11 silence too.
      const arrivals = [0, 2, 2, 1, 3, 12, 4, 13, 14];
      const bySides = new FrameAligner();
      const byStereo = new FrameAligner();
      const outSides: AlignedOutput[] = [];
      const outStereo: AlignedOutput[] = [];
      const outcomes: [string, string][] = [];
      arrivals.forEach((seq, i) => {
        if (i === 4) {
          const voice = new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(100);
          bySides.pushController('both', voice);
          byStereo.pushController('both', voice);
        }
        outcomes.push([bySides.push(seq, both(seq), outSides), byStereo.pushStereo(seq, stereo(seq), outStereo)]);
      });
      bySides.finish(outSides);
      byStereo.finish(outStereo);
      for (const [a, b] of outcomes) expect(b).toBe(a);
      expect(outcomes.map(([a]) => a)).toContain('late');
      expect(outcomes.map(([a]) => a)).toContain('duplicate');
      expect(frames(outStereo)).toEqual(frames(outSides));
      expect(byStereo.counters).toEqual(bySides.counters);
      // The controller's voice landed on frame 3 in both.
      expect(frames(outStereo)[3]).toEqual([104, 96]);
    });
  });
});
