import { SILENCE_BADGE_MIN_MS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { buildCallSpeech, type CallSpeechInput, complement, intersect, union } from './segments.js';

const base: CallSpeechInput = {
  callId: 'c1',
  durationMs: 30_000,
  talkStartMs: 0,
  agent: [],
  caller: [],
  holds: [],
  screenChanged: () => null,
  deadAirThresholdMs: 10_000,
};

describe('buildCallSpeech', () => {
  it('finds silences (hold excluded, at least the badge length), overtalk, and the metrics', () => {
    const { segments, metrics } = buildCallSpeech({
      ...base,
      agent: [
        { startMs: 1_000, endMs: 3_000 },
        { startMs: 15_000, endMs: 16_000 },
      ],
      caller: [
        { startMs: 2_800, endMs: 4_000 }, // 200 ms overtalk: too short to count
        { startMs: 15_500, endMs: 17_000 }, // 500 ms overtalk
        { startMs: 28_000, endMs: 29_000 },
      ],
      holds: [{ startMs: 20_000, endMs: 26_000 }],
      screenChanged: (startMs) => startMs === 4_000,
    });
    expect(segments.filter((s) => s.kind === 'silence')).toEqual([
      { kind: 'silence', startMs: 4_000, endMs: 15_000, screenChanged: true },
      { kind: 'silence', startMs: 17_000, endMs: 20_000, screenChanged: false },
      { kind: 'silence', startMs: 26_000, endMs: 28_000, screenChanged: false },
    ]);
    expect(segments.filter((s) => s.kind === 'overtalk')).toEqual([
      { kind: 'overtalk', startMs: 15_500, endMs: 16_000 },
    ]);
    expect(segments.filter((s) => s.kind === 'hold')).toEqual([{ kind: 'hold', startMs: 20_000, endMs: 26_000 }]);
    expect(segments.map((s) => s.startMs)).toEqual([...segments.map((s) => s.startMs)].sort((a, b) => a - b));
    expect(metrics).toEqual({
      callId: 'c1',
      durationMs: 30_000,
      agentTalkMs: 3_000,
      callerTalkMs: 3_700,
      // 0–1 s, 4–15 s, 17–20 s, 26–28 s, 29–30 s: everything neither side nor the hold covers.
      silenceMs: 1_000 + 11_000 + 3_000 + 2_000 + 1_000,
      holdMs: 6_000,
      agentTalkShare: 0.1,
      callerTalkShare: 0.1233,
      nonTalkShare: 0.6,
      longestSilenceMs: 11_000,
      longestSilenceAtMs: 4_000,
      overtalkCount: 1,
      holdCount: 1,
      deadAirCount: 1,
      deadAirStillCount: 0,
    });
  });

  it('counts dead air with a still screen at the threshold in force, and nothing before the answer', () => {
    const { segments, metrics } = buildCallSpeech({
      ...base,
      talkStartMs: 5_000,
      agent: [{ startMs: 6_000, endMs: 7_000 }],
      deadAirThresholdMs: 4_000,
      screenChanged: () => false,
    });
    expect(segments.filter((s) => s.kind === 'silence')).toEqual([
      { kind: 'silence', startMs: 7_000, endMs: 30_000, screenChanged: false },
    ]);
    expect(metrics).toMatchObject({ deadAirCount: 1, deadAirStillCount: 1, silenceMs: 1_000 + 23_000 });
  });

  it('answers an empty call with zero shares', () => {
    const { segments, metrics } = buildCallSpeech({ ...base, durationMs: 0 });
    expect(segments).toEqual([]);
    expect(metrics).toMatchObject({ durationMs: 0, agentTalkShare: 0, nonTalkShare: 0, longestSilenceAtMs: null });
  });

  it('does not make a silence of a gap shorter than the badge', () => {
    const { segments } = buildCallSpeech({
      ...base,
      durationMs: 10_000,
      agent: [{ startMs: 0, endMs: 4_000 }],
      caller: [{ startMs: 4_000 + SILENCE_BADGE_MIN_MS - 20, endMs: 10_000 }],
    });
    expect(segments.some((s) => s.kind === 'silence')).toBe(false);
  });
});

describe('interval helpers', () => {
  it('merges, intersects and complements', () => {
    expect(
      union([
        { startMs: 5, endMs: 8 },
        { startMs: 0, endMs: 2 },
        { startMs: 1, endMs: 3 },
        { startMs: 4, endMs: 4 },
      ]),
    ).toEqual([
      { startMs: 0, endMs: 3 },
      { startMs: 5, endMs: 8 },
    ]);
    expect(
      intersect(
        [{ startMs: 0, endMs: 10 }],
        [
          { startMs: 2, endMs: 4 },
          { startMs: 8, endMs: 12 },
        ],
      ),
    ).toEqual([
      { startMs: 2, endMs: 4 },
      { startMs: 8, endMs: 10 },
    ]);
    expect(complement([{ startMs: 2, endMs: 4 }], 0, 6)).toEqual([
      { startMs: 0, endMs: 2 },
      { startMs: 4, endMs: 6 },
    ]);
  });
});
