import { DEFAULT_WALLBOARD_SETTINGS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { gridColumns, TILE_GAP_PX, TILE_MIN_WIDTH_PX } from './gridLayout.js';
import { tileSeverity } from './severity.js';
import { makeCall, makeQueued, T0 } from './testCalls.js';
import { appendTrendSample, TREND_SAMPLE_INTERVAL_MS, TREND_WINDOW_MS } from './trend.js';

const settings = { ...DEFAULT_WALLBOARD_SETTINGS, longCallAmberMs: 60_000, longCallRedMs: 120_000 };

describe('tileSeverity', () => {
  const call = makeCall({ id: 'a', answeredAt: T0 });

  it('classifies answered calls by talk time against the settings', () => {
    expect(tileSeverity(call, T0 + 59_999, settings)).toBe('normal');
    expect(tileSeverity(call, T0 + 60_000, settings)).toBe('amber');
    expect(tileSeverity(call, T0 + 120_000, settings)).toBe('red');
  });

  it('keeps counting talk time through a hold', () => {
    expect(tileSeverity({ ...call, state: 'hold', holdSince: T0 + 10_000 }, T0 + 130_000, settings)).toBe('red');
  });

  it('classifies queued calls by wait against the service-level threshold (3 min)', () => {
    const queued = makeQueued('q', T0);
    expect(tileSeverity(queued, T0 + 119_999, settings)).toBe('normal');
    expect(tileSeverity(queued, T0 + 120_000, settings)).toBe('amber');
    expect(tileSeverity(queued, T0 + 180_000, settings)).toBe('red');
  });
});

describe('gridColumns', () => {
  it('fits as many minimum-width tiles as the width allows, at least one', () => {
    expect(gridColumns(0)).toBe(1);
    expect(gridColumns(TILE_MIN_WIDTH_PX)).toBe(1);
    const sixWide = 6 + 6 * TILE_MIN_WIDTH_PX + 5 * TILE_GAP_PX;
    expect(gridColumns(sixWide)).toBe(6);
    expect(gridColumns(sixWide - 1)).toBe(5);
  });
});

describe('appendTrendSample', () => {
  it('adds at most one sample per interval and forgets those past the window', () => {
    let samples = appendTrendSample([], T0, { waiting: 1, inProgress: 5 });
    const same = appendTrendSample(samples, T0 + TREND_SAMPLE_INTERVAL_MS - 1, { waiting: 9, inProgress: 9 });
    expect(same).toBe(samples);
    samples = appendTrendSample(samples, T0 + TREND_SAMPLE_INTERVAL_MS, { waiting: 2, inProgress: 6 });
    expect(samples.map((s) => s.waiting)).toEqual([1, 2]);
    samples = appendTrendSample(samples, T0 + TREND_WINDOW_MS + TREND_SAMPLE_INTERVAL_MS, {
      waiting: 3,
      inProgress: 7,
    });
    expect(samples.map((s) => s.waiting)).toEqual([2, 3]);
  });
});
