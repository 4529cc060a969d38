import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VAD_TUNING,
  frameLevelDb,
  SILENT_FRAME_DB,
  type VadEvent,
  VadStateMachine,
} from './vadStateMachine.js';

const QUIET = -80;
const LOUD = -25;
const NOISE = -45;

/** Feeds blocks of 5 frames: each a level (all frames) or a list of levels, and the model's probability. */
function run(machine: VadStateMachine, blocks: [number | number[], number | null][]): VadEvent[] {
  const out: VadEvent[] = [];
  for (const [levels, p] of blocks) {
    machine.pushBlock(Array.isArray(levels) ? levels : Array(5).fill(levels), p, out);
  }
  return out;
}
const quiet = (n: number): [number, null][] => Array.from({ length: n }, () => [QUIET, null]);

describe('VadStateMachine', () => {
  it('starts speech at the first voiced frame, even before the block the model called, and ends it after the last', () => {
    const machine = new VadStateMachine();
    const events = run(machine, [
      ...quiet(4),
      // Speech begins at frame 22; the model only answers for the next block.
      [[QUIET, QUIET, LOUD, LOUD, LOUD], 0.2],
      [LOUD, 0.9],
      [LOUD, 0.95],
      // Speech ends after frame 36.
      [[LOUD, LOUD, QUIET, QUIET, QUIET], 0.3],
    ]);
    expect(events).toEqual([{ kind: 'speech_start', startFrame: 22 }]);
    expect(machine.speaking).toBe(true);
    // The hangover (300 ms = 3 quiet blocks) decides the end, backdated to frame 37.
    const later = run(machine, [
      [QUIET, 0.1],
      [QUIET, 0.05],
    ]);
    expect(later).toEqual([{ kind: 'speech_end', startFrame: 22, endFrame: 37 }]);
    expect(machine.speaking).toBe(false);
    expect(machine.processedFrames).toBe(50);
  });

  it('keeps a pause shorter than the hangover inside one utterance', () => {
    const machine = new VadStateMachine();
    const events = run(machine, [
      ...quiet(2),
      [LOUD, 0.9],
      [LOUD, 0.9],
      [QUIET, 0.1], // a 200 ms pause between words
      [QUIET, 0.1],
      [LOUD, 0.9],
      ...quiet(4),
    ]);
    expect(events).toEqual([
      { kind: 'speech_start', startFrame: 10 },
      { kind: 'speech_end', startFrame: 10, endFrame: 35 },
    ]);
  });

  it('never reports a burst shorter than minSpeechMs (a click)', () => {
    const machine = new VadStateMachine();
    const events = run(machine, [...quiet(2), [[QUIET, QUIET, QUIET, LOUD, QUIET], 0.8], ...quiet(4)]);
    expect(DEFAULT_VAD_TUNING.minSpeechMs).toBeGreaterThan(20);
    expect(events).toEqual([]);
  });

  it('counts gated blocks (no model answer) as no speech', () => {
    const machine = new VadStateMachine();
    const events = run(machine, [
      [LOUD, 0.9],
      [LOUD, 0.9],
      [QUIET, null],
      [QUIET, null],
      [QUIET, null],
    ]);
    expect(events).toEqual([
      { kind: 'speech_start', startFrame: 0 },
      { kind: 'speech_end', startFrame: 0, endFrame: 10 },
    ]);
  });

  it('ends speech when nothing was voiced for maxQuietInSpeechMs, whatever the model keeps saying', () => {
    const machine = new VadStateMachine();
    const events = run(machine, [
      [LOUD, 0.9],
      [LOUD, 0.9],
      ...Array.from({ length: 10 }, (): [number, number] => [QUIET, 0.6]),
    ]);
    expect(events.at(-1)).toEqual({ kind: 'speech_end', startFrame: 0, endFrame: 10 });
    expect(machine.speaking).toBe(false);
  });

  it('follows steady line noise: noise around speech does not stretch its boundaries', () => {
    const machine = new VadStateMachine();
    const events = run(machine, [
      ...Array.from({ length: 20 }, (): [number, number] => [NOISE, 0.05]),
      [[NOISE, NOISE, LOUD, LOUD, LOUD], 0.7],
      [LOUD, 0.9],
      [[LOUD, NOISE, NOISE, NOISE, NOISE], 0.2],
      [NOISE, 0.1],
      [NOISE, 0.1],
    ]);
    expect(machine.voicedThresholdDb).toBeGreaterThan(NOISE);
    expect(events).toEqual([
      { kind: 'speech_start', startFrame: 102 },
      { kind: 'speech_end', startFrame: 102, endFrame: 111 },
    ]);
  });

  it('moves a start back over a short dip (a consonant) but not past the last speech', () => {
    const machine = new VadStateMachine();
    const events = run(machine, [
      ...quiet(2),
      [[QUIET, QUIET, LOUD, QUIET, QUIET], 0.1],
      [[LOUD, LOUD, LOUD, LOUD, LOUD], 0.9],
      [LOUD, 0.9],
      ...quiet(3),
    ]);
    expect(events[0]).toEqual({ kind: 'speech_start', startFrame: 12 });
  });

  it('ends speech in progress when the channel closes', () => {
    const machine = new VadStateMachine();
    const out: VadEvent[] = [];
    machine.pushBlock([LOUD, LOUD, LOUD, LOUD, LOUD], 0.9, out);
    machine.pushBlock([LOUD, LOUD, QUIET], 0.9, out);
    machine.flush(out);
    expect(out).toEqual([
      { kind: 'speech_start', startFrame: 0 },
      { kind: 'speech_end', startFrame: 0, endFrame: 7 },
    ]);
  });

  it('measures frame levels in dBFS', () => {
    expect(frameLevelDb(new Int16Array(160))).toBe(SILENT_FRAME_DB);
    expect(frameLevelDb(new Int16Array(160).fill(32767))).toBeCloseTo(0, 3);
    expect(frameLevelDb(new Int16Array(160).fill(328))).toBeCloseTo(-40, 0);
  });
});
