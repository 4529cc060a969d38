import type { CallSpeechMetrics, TranscriptLine } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { formatShare, lineAtMoment, parseMomentMs, talkShareParts, timelineBlocks } from './speechView.js';

describe('moment in the address', () => {
  it('reads whole milliseconds only', () => {
    expect(parseMomentMs('132000')).toBe(132_000);
    expect(parseMomentMs('0')).toBe(0);
    for (const bad of [null, '', '-5', '1.5', '12s', '1e5', ' 5', '9999999999']) expect(parseMomentMs(bad)).toBeNull();
    expect(parseMomentMs(String(13 * 60 * 60_000))).toBeNull();
  });
});

const metrics: CallSpeechMetrics = {
  callId: 'c1',
  durationMs: 200_000,
  agentTalkMs: 90_000,
  callerTalkMs: 70_000,
  silenceMs: 30_000,
  holdMs: 20_000,
  agentTalkShare: 0.45,
  callerTalkShare: 0.35,
  nonTalkShare: 0.15,
  longestSilenceMs: 18_000,
  longestSilenceAtMs: 61_000,
  overtalkCount: 2,
  holdCount: 1,
  deadAirCount: 1,
  deadAirStillCount: 1,
};

describe('speech metrics', () => {
  it('splits the call into agent, caller, non-talk and hold', () => {
    expect(talkShareParts(metrics).map((p) => [p.key, p.share])).toEqual([
      ['agent', 0.45],
      ['caller', 0.35],
      ['silence', 0.15],
      ['hold', 0.1],
    ]);
    expect(talkShareParts({ ...metrics, durationMs: 0 })[3]?.share).toBe(0);
  });

  it('formats shares as whole percent', () => {
    expect(formatShare(0.456)).toBe('46%');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.004)).toBe('<1%');
    expect(formatShare(1.02)).toBe('100%');
    expect(formatShare(Number.NaN)).toBe('0%');
  });

  it('places segments on lanes, marks dead air by the threshold and what the screen did', () => {
    const blocks = timelineBlocks(
      [
        { kind: 'agent', startMs: 0, endMs: 50_000 },
        { kind: 'silence', startMs: 50_000, endMs: 53_000, screenChanged: null },
        { kind: 'silence', startMs: 61_000, endMs: 79_000, screenChanged: false },
        { kind: 'silence', startMs: 90_000, endMs: 102_000, screenChanged: true },
        { kind: 'silence', startMs: 110_000, endMs: 125_000 },
        { kind: 'overtalk', startMs: 130_000, endMs: 130_100 },
        { kind: 'caller', startMs: 190_000, endMs: 250_000 },
        { kind: 'hold', startMs: 140_000, endMs: 140_000 },
      ],
      200_000,
      10_000,
    );
    expect(blocks.map((b) => [b.lane, b.kind, b.deadAir])).toEqual([
      ['agent', 'agent', null],
      ['events', 'silence', null],
      ['events', 'silence', 'stuck'],
      ['events', 'silence', 'working'],
      ['events', 'silence', 'unknown'],
      ['events', 'overtalk', null],
      ['caller', 'caller', null],
    ]);
    expect(blocks[0]).toMatchObject({ leftPct: 0, widthPct: 25 });
    // A 100 ms overtalk still shows; the caller's last words are clipped at the recording's end.
    expect(blocks[5]?.widthPct).toBeGreaterThan(0.05);
    expect(blocks[6]).toMatchObject({ startMs: 190_000, endMs: 200_000, leftPct: 95, widthPct: 5 });
    expect(timelineBlocks([{ kind: 'agent', startMs: 0, endMs: 10 }], 0, 10_000)).toEqual([]);
  });
});

describe('transcript line at a moment', () => {
  const line = (startMs: number): TranscriptLine => ({
    segmentId: `s${startMs}`,
    speaker: 'agent',
    startMs,
    endMs: startMs + 2_000,
    text: 't',
    language: 'ru',
  });
  const lines = [line(1_000), line(5_000), line(9_000), line(20_000)];

  it('is the last line started at or before it', () => {
    expect(lineAtMoment(lines, 0)).toBeNull();
    expect(lineAtMoment(lines, 1_000)).toBe(0);
    expect(lineAtMoment(lines, 8_999)).toBe(1);
    // Inside a silence: the line before it (the question left hanging).
    expect(lineAtMoment(lines, 15_000)).toBe(2);
    expect(lineAtMoment(lines, 99_000)).toBe(3);
    expect(lineAtMoment([], 5)).toBeNull();
  });
});
