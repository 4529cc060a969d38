import type { CallEventRecord, SpeechSegment } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import {
  buildRegions,
  lineIndexAt,
  SCREEN_GAP_MIN_MS,
  SKIP_SILENCE_LEAD_IN_MS,
  screenGaps,
  screenIndexAt,
  seekBy,
  skipSilenceTarget,
} from './reviewTimeline.js';

const START = 1_700_000_000_000;
const shot = (offsetMs: number, seenForMs = 0) => ({
  capturedAt: START + offsetMs,
  lastSeenAt: START + offsetMs + seenForMs,
});

describe('screenIndexAt', () => {
  const screens = [shot(0), shot(5_000), shot(10_000)];
  it('is -1 before the first screenshot', () => {
    expect(screenIndexAt(screens, START - 1)).toBe(-1);
    expect(screenIndexAt([], START)).toBe(-1);
  });
  it('picks the one taken at or before the moment', () => {
    expect(screenIndexAt(screens, START)).toBe(0);
    expect(screenIndexAt(screens, START + 4_999)).toBe(0);
    expect(screenIndexAt(screens, START + 5_000)).toBe(1);
    expect(screenIndexAt(screens, START + 60_000)).toBe(2);
  });
  it('agrees with a linear scan on many screenshots', () => {
    const many = Array.from({ length: 1_800 }, (_, i) => shot(i * 2_000 + (i % 3)));
    for (const at of [0, 1, 1_999, 2_000, 2_001, 1_799 * 2_000, 5_000_000]) {
      const linear = many.reduce((best, s, i) => (s.capturedAt <= START + at ? i : best), -1);
      expect(screenIndexAt(many, START + at)).toBe(linear);
    }
  });
});

describe('screenGaps', () => {
  it('is the whole recording without screenshots', () => {
    expect(screenGaps([], START, 60_000)).toEqual([{ startMs: 0, endMs: 60_000 }]);
  });
  it('counts an unchanged frame as covering until it was last seen', () => {
    const screens = [shot(1_000, 40_000), shot(45_000)];
    expect(screenGaps(screens, START, 50_000)).toEqual([]);
  });
  it('finds gaps between, before and after screenshots', () => {
    const screens = [shot(20_000), shot(25_000), shot(60_000)];
    expect(screenGaps(screens, START, 90_000)).toEqual([
      { startMs: 0, endMs: 20_000 },
      { startMs: 25_000, endMs: 60_000 },
      { startMs: 60_000, endMs: 90_000 },
    ]);
  });
  it('ignores stretches shorter than the minimum', () => {
    expect(screenGaps([shot(SCREEN_GAP_MIN_MS - 1)], START, SCREEN_GAP_MIN_MS + 5_000)).toEqual([]);
  });
});

describe('skipSilenceTarget', () => {
  const segments: SpeechSegment[] = [
    { kind: 'agent', startMs: 0, endMs: 3_000 },
    { kind: 'silence', startMs: 3_000, endMs: 4_500 },
    { kind: 'silence', startMs: 6_000, endMs: 12_000 },
    { kind: 'silence', startMs: 12_000, endMs: 20_000 },
    { kind: 'hold', startMs: 30_000, endMs: 60_000 },
  ];
  it('does nothing outside a long silence', () => {
    expect(skipSilenceTarget(segments, 1_000)).toBeNull();
    expect(skipSilenceTarget(segments, 3_500)).toBeNull(); // 1.5 s: too short to skip
    expect(skipSilenceTarget(segments, 40_000)).toBeNull(); // hold is not silence
  });
  it('jumps to just before the end, over back-to-back silences', () => {
    expect(skipSilenceTarget(segments, 6_000)).toBe(20_000 - SKIP_SILENCE_LEAD_IN_MS);
    expect(skipSilenceTarget(segments, 15_000)).toBe(20_000 - SKIP_SILENCE_LEAD_IN_MS);
  });
  it('does not jump again once in the lead-in', () => {
    expect(skipSilenceTarget(segments, 20_000 - SKIP_SILENCE_LEAD_IN_MS)).toBeNull();
  });
});

const event = (eventId: string, type: string, at: number, detail: CallEventRecord['detail']): CallEventRecord => ({
  eventId,
  callId: 'c1',
  type,
  at,
  receivedAt: at,
  detail,
});

describe('buildRegions', () => {
  it('takes silences, overtalk and holds from the segments, not speech', () => {
    const regions = buildRegions(
      [
        { kind: 'agent', startMs: 0, endMs: 2_000 },
        { kind: 'silence', startMs: 2_000, endMs: 9_000, screenChanged: false },
        { kind: 'overtalk', startMs: 9_500, endMs: 10_000 },
        { kind: 'hold', startMs: 11_000, endMs: 20_000 },
      ],
      [],
      START,
      30_000,
    );
    expect(regions.map((r) => [r.kind, r.startMs, r.endMs])).toEqual([
      ['silence', 2_000, 9_000],
      ['overtalk', 9_500, 10_000],
      ['hold', 11_000, 20_000],
    ]);
    expect(regions[0]?.label).toBe('Silence, screen still');
  });

  it('pairs whisper and barge starts with the same person’s stop; listening is not shown', () => {
    const events = [
      event('e1', 'monitor.started', START + 5_000, { mode: 'listen', userId: 'u1', userName: 'Ann' }),
      event('e2', 'monitor.stopped', START + 8_000, { mode: 'listen', userId: 'u1', reason: 'switched' }),
      event('e3', 'monitor.started', START + 8_000, { mode: 'whisper', userId: 'u1', userName: 'Ann' }),
      event('e4', 'monitor.started', START + 9_000, { mode: 'barge', userId: 'u2', userName: 'Bo' }),
      event('e5', 'monitor.stopped', START + 12_000, { mode: 'whisper', userId: 'u1' }),
    ];
    const regions = buildRegions([], events, START, 20_000);
    expect(regions.map((r) => [r.kind, r.startMs, r.endMs, r.label])).toEqual([
      ['whisper', 8_000, 12_000, 'Whisper by Ann'],
      // Never stopped before the recording ended: runs to the end.
      ['barge', 9_000, 20_000, 'Barge-in by Bo'],
    ]);
  });
});

describe('lineIndexAt and seekBy', () => {
  it('finds the line being spoken', () => {
    const lines = [{ startMs: 1_000 }, { startMs: 4_000 }, { startMs: 9_000 }];
    expect(lineIndexAt(lines, 500)).toBe(-1);
    expect(lineIndexAt(lines, 4_000)).toBe(1);
    expect(lineIndexAt(lines, 99_000)).toBe(2);
  });
  it('clamps seeks to the recording', () => {
    expect(seekBy(2_000, -5_000, 60_000)).toBe(0);
    expect(seekBy(58_000, 5_000, 60_000)).toBe(60_000);
    expect(seekBy(10_000, 5_000, 60_000)).toBe(15_000);
  });
});
