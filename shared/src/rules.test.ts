import { describe, expect, it } from 'vitest';
import { holdTimeMs, queueWaitMs, talkTimeMs } from './calls.js';
import {
  addServiceLevel,
  classifyDuration,
  EMPTY_SERVICE_LEVEL,
  LONG_CALL_AMBER_MS,
  LONG_CALL_RED_MS,
  SERVICE_LEVEL_THRESHOLD_MS,
  serviceLevelContribution,
  serviceLevelPct,
} from './rules.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const base = { offeredAt: T0, answeredAt: null, endReason: null, state: 'queued' } as const;

describe('classifyDuration', () => {
  it('is normal below amber, amber from amber, red from red', () => {
    expect(classifyDuration(LONG_CALL_AMBER_MS - 1, LONG_CALL_AMBER_MS, LONG_CALL_RED_MS)).toBe('normal');
    expect(classifyDuration(LONG_CALL_AMBER_MS, LONG_CALL_AMBER_MS, LONG_CALL_RED_MS)).toBe('amber');
    expect(classifyDuration(LONG_CALL_RED_MS - 1, LONG_CALL_AMBER_MS, LONG_CALL_RED_MS)).toBe('amber');
    expect(classifyDuration(LONG_CALL_RED_MS, LONG_CALL_AMBER_MS, LONG_CALL_RED_MS)).toBe('red');
  });
});

describe('service level (answered within 180 s)', () => {
  const sl = (calls: (typeof base | Record<string, unknown>)[], now: number) =>
    calls
      .map((c) => serviceLevelContribution({ ...base, ...c }, now, SERVICE_LEVEL_THRESHOLD_MS))
      .reduce(addServiceLevel, EMPTY_SERVICE_LEVEL);

  it('counts an answer at exactly 180 s as in time and at 181 s as late', () => {
    const counts = sl(
      [
        { answeredAt: T0 + 180_000, state: 'talking' },
        { answeredAt: T0 + 181_000, state: 'talking' },
      ],
      T0 + 200_000,
    );
    expect(counts).toEqual({ offered: 2, answered: 2, answeredWithinThreshold: 1, abandoned: 0 });
    expect(serviceLevelPct(counts)).toBe(50);
  });

  it('counts abandons against, waits past the threshold against, waits inside it not at all', () => {
    const now = T0 + 200_000;
    const counts = sl(
      [
        { answeredAt: T0 + 10_000, state: 'ended', endReason: 'caller_hangup' },
        { state: 'ended', endReason: 'abandoned' },
        { state: 'queued' }, // waiting 200 s: already missed
        { offeredAt: now - 60_000, state: 'queued' }, // waiting 60 s: not counted yet
      ],
      now,
    );
    expect(counts).toEqual({ offered: 3, answered: 1, answeredWithinThreshold: 1, abandoned: 1 });
  });

  it('has no share before any call counts', () => {
    expect(serviceLevelPct(EMPTY_SERVICE_LEVEL)).toBeNull();
  });
});

describe('durations from timestamps', () => {
  const call = { offeredAt: T0, answeredAt: T0 + 20_000, endedAt: null, holdMs: 5_000, holdSince: T0 + 100_000 };
  it('ticks talk, hold and wait from the moment they began', () => {
    expect(queueWaitMs(call, T0 + 999_000)).toBe(20_000);
    expect(talkTimeMs(call, T0 + 140_000)).toBe(120_000);
    expect(holdTimeMs(call, T0 + 110_000)).toBe(15_000);
    expect(queueWaitMs({ ...call, answeredAt: null }, T0 + 42_000)).toBe(42_000);
  });
});
