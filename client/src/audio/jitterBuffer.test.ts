import { describe, expect, it } from 'vitest';
import {
  JITTER_FRAME_MS,
  JITTER_INITIAL_TARGET_MS,
  JITTER_MAX_TARGET_MS,
  JITTER_MIN_TARGET_MS,
  JITTER_STABLE_BEFORE_SHRINK_MS,
  JitterBuffer,
  type PulledFrame,
} from './jitterBuffer.js';

/** A frame whose samples all hold its seq, so what plays can be told apart. */
function frame(seq: number): Float32Array {
  return new Float32Array(160).fill(seq / 1000);
}

function seqOf(pulled: PulledFrame): number | null {
  const samples = pulled.agent ?? pulled.caller;
  return samples ? Math.round((samples[0] as number) * 1000) : null;
}

function pushBoth(buffer: JitterBuffer, seq: number): void {
  buffer.push(seq, 'agent', frame(seq));
  buffer.push(seq, 'caller', frame(seq));
}

const INITIAL_FRAMES = JITTER_INITIAL_TARGET_MS / JITTER_FRAME_MS;

describe('JitterBuffer', () => {
  it('waits for the initial target, then plays frames in order', () => {
    const buffer = new JitterBuffer();
    expect(buffer.pull().kind).toBe('buffering');
    for (let seq = 1000; seq < 1000 + INITIAL_FRAMES - 1; seq++) pushBoth(buffer, seq);
    expect(buffer.pull().kind).toBe('buffering');
    pushBoth(buffer, 1000 + INITIAL_FRAMES - 1);
    expect(buffer.stats().bufferedMs).toBe(JITTER_INITIAL_TARGET_MS);

    const played: (number | null)[] = [];
    for (let seq = 1000 + INITIAL_FRAMES; seq < 1010; seq++) {
      const pulled = buffer.pull();
      expect(pulled.kind).toBe('audio');
      expect(pulled.agent).not.toBeNull();
      expect(pulled.caller).not.toBeNull();
      played.push(seqOf(pulled));
      pushBoth(buffer, seq);
    }
    expect(played).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006]);
    expect(buffer.stats()).toMatchObject({ framesLost: 0, framesLate: 0, underruns: 0, framesPlayed: 7 });
  });

  it('puts reordered frames back in order, and sides that arrive apart together', () => {
    const buffer = new JitterBuffer();
    buffer.push(2, 'agent', frame(2));
    buffer.push(0, 'agent', frame(0)); // before playback began: the stream starts here
    buffer.push(1, 'caller', frame(1));
    buffer.push(0, 'caller', frame(0));
    buffer.push(1, 'agent', frame(1));
    buffer.push(2, 'caller', frame(2));
    const first = buffer.pull();
    expect(first.kind).toBe('audio');
    expect(first.seq).toBe(0);
    buffer.push(4, 'agent', frame(4));
    buffer.push(3, 'agent', frame(3));
    const order = [first, buffer.pull(), buffer.pull(), buffer.pull(), buffer.pull()].map((f) => f.seq);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(buffer.stats()).toMatchObject({ framesLost: 0, framesLate: 0 });
  });

  it('plays a missing frame as silence when later ones are there, and counts it lost', () => {
    const buffer = new JitterBuffer();
    for (const seq of [0, 1, 3, 4]) pushBoth(buffer, seq);
    const kinds = [buffer.pull(), buffer.pull(), buffer.pull(), buffer.pull()].map((f) => [f.kind, f.seq]);
    expect(kinds).toEqual([
      ['audio', 0],
      ['audio', 1],
      ['lost', 2],
      ['audio', 3],
    ]);
    expect(buffer.stats().framesLost).toBe(1);
  });

  it('on underrun plays silence, grows the target and fills up again', () => {
    const buffer = new JitterBuffer();
    for (let seq = 0; seq < INITIAL_FRAMES; seq++) pushBoth(buffer, seq);
    for (let i = 0; i < INITIAL_FRAMES; i++) expect(buffer.pull().kind).toBe('audio');
    const dry = buffer.pull();
    expect(dry).toMatchObject({ kind: 'underrun', agent: null, caller: null });
    let stats = buffer.stats();
    expect(stats.underruns).toBe(1);
    expect(stats.targetMs).toBe(JITTER_INITIAL_TARGET_MS + JITTER_FRAME_MS);
    expect(stats.playing).toBe(false);
    // It waits for the larger target before playing on, from where it stopped (nothing skipped).
    for (let seq = INITIAL_FRAMES; seq < 2 * INITIAL_FRAMES; seq++) {
      pushBoth(buffer, seq);
      expect(buffer.pull().kind).toBe('buffering');
    }
    pushBoth(buffer, 2 * INITIAL_FRAMES);
    const resumed = buffer.pull();
    expect(resumed).toMatchObject({ kind: 'audio', seq: INITIAL_FRAMES });
    stats = buffer.stats();
    expect(stats.framesLost).toBe(0);
    expect(stats.underruns).toBe(1);
  });

  it('counts a frame that comes after its turn as late, drops it and grows the target', () => {
    const buffer = new JitterBuffer();
    for (const seq of [0, 1, 3, 4, 5]) pushBoth(buffer, seq);
    for (let i = 0; i < 4; i++) buffer.pull(); // 0, 1, lost 2, 3
    const before = buffer.stats().targetMs;
    buffer.push(2, 'agent', frame(2));
    const stats = buffer.stats();
    expect(stats.framesLate).toBe(1);
    expect(stats.targetMs).toBe(before + JITTER_FRAME_MS);
    expect(buffer.pull().seq).toBe(4);
  });

  it('keeps its target between the minimum and the maximum', () => {
    const buffer = new JitterBuffer();
    // Starve it again and again: the target climbs to the maximum and no further.
    let seq = 0;
    for (let round = 0; round < 30; round++) {
      while (buffer.pull().kind !== 'audio') pushBoth(buffer, seq++);
      while (buffer.pull().kind !== 'underrun') {}
    }
    expect(buffer.stats().targetMs).toBe(JITTER_MAX_TARGET_MS);

    // Then a long steady stream: the target shrinks one frame per stable period, down to the minimum.
    const stableFrames = JITTER_STABLE_BEFORE_SHRINK_MS / JITTER_FRAME_MS;
    const steps = (JITTER_MAX_TARGET_MS - JITTER_MIN_TARGET_MS) / JITTER_FRAME_MS;
    const targets = new Set<number>();
    for (let i = 0; i < (steps + 3) * stableFrames + 20; i++) {
      pushBoth(buffer, seq++);
      buffer.pull();
      targets.add(buffer.stats().targetMs);
    }
    expect(buffer.stats().targetMs).toBe(JITTER_MIN_TARGET_MS);
    expect(Math.min(...targets)).toBe(JITTER_MIN_TARGET_MS);
    expect(Math.max(...targets)).toBeLessThanOrEqual(JITTER_MAX_TARGET_MS);
    // The delay followed the target down.
    expect(buffer.stats().bufferedMs).toBeLessThanOrEqual(JITTER_MIN_TARGET_MS + JITTER_FRAME_MS);
    expect(buffer.stats().underruns).toBe(30);
  });

  it('does not shrink while jitter needs the room', () => {
    const buffer = new JitterBuffer();
    // Frames arrive in bursts of five every 100 ms: about 40 ms of jitter.
    let seq = 0;
    for (let burst = 0; burst < 400; burst++) {
      for (let i = 0; i < 5; i++) {
        buffer.push(seq, 'agent', frame(seq), burst * 100);
        seq++;
      }
      for (let i = 0; i < 5; i++) buffer.pull();
    }
    const stats = buffer.stats();
    expect(stats.jitterMs).toBeGreaterThan(20);
    expect(stats.targetMs).toBeGreaterThanOrEqual(100);
    expect(stats.targetMs).toBeLessThanOrEqual(JITTER_MAX_TARGET_MS);
  });

  it('drops the oldest audio to catch up when far over its target', () => {
    const buffer = new JitterBuffer();
    let seq = 0;
    for (; seq < INITIAL_FRAMES; seq++) pushBoth(buffer, seq);
    buffer.pull();
    // A stall, then 30 frames at once.
    for (let i = 0; i < 30; i++) pushBoth(buffer, seq++);
    const next = buffer.pull();
    const stats = buffer.stats();
    expect(next.kind).toBe('audio');
    expect(stats.framesDropped).toBeGreaterThan(20);
    expect(stats.bufferedMs).toBeLessThanOrEqual(stats.targetMs);
    // What plays is the newest audio, not the stale head.
    expect(next.seq).toBe(seq - stats.targetMs / JITTER_FRAME_MS);
  });

  it('trims a lasting excess below the catch-up threshold a frame at a time', () => {
    const buffer = new JitterBuffer();
    let seq = 0;
    for (; seq < INITIAL_FRAMES; seq++) pushBoth(buffer, seq);
    buffer.pull();
    // A burst leaves 100 ms more than the target behind: too little to catch up at once, too much to keep.
    for (let i = 0; i < 5; i++) pushBoth(buffer, seq++);
    const { targetMs } = buffer.stats();
    expect(buffer.stats().bufferedMs).toBe(targetMs + 80);
    expect(buffer.stats().framesDropped).toBe(0);
    for (let i = 0; i < 250; i++) {
      pushBoth(buffer, seq++);
      buffer.pull();
    }
    const stats = buffer.stats();
    expect(stats.framesDropped).toBeGreaterThanOrEqual(3);
    expect(stats.bufferedMs).toBeLessThanOrEqual(stats.targetMs + JITTER_FRAME_MS);
    expect(stats.underruns).toBe(0);
  });

  it('starts over when the stream jumps far away (a new stream)', () => {
    const buffer = new JitterBuffer();
    for (let seq = 0; seq < 10; seq++) pushBoth(buffer, seq);
    buffer.pull();
    for (let seq = 50_000; seq < 50_000 + INITIAL_FRAMES; seq++) pushBoth(buffer, seq);
    expect(buffer.pull()).toMatchObject({ kind: 'audio', seq: 50_000 });
  });
});
