import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIMELINE_MAX_LABELS, TIMELINE_MAX_TICKS, timelineScale, timelineTicks } from './timelineScale.js';

describe('timelineScale', () => {
  it('spaces a minute by seconds and an hour by minutes', () => {
    expect(timelineScale(60_000)).toEqual({ tickS: 1, labelS: 10 });
    expect(timelineScale(10_000)).toEqual({ tickS: 1, labelS: 1 });
    expect(timelineScale(3_600_000)).toEqual({ tickS: 60, labelS: 600 });
  });

  it('keeps ticks and labels few, and every label on a tick, for any length up to a day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 * 3_600_000 }), (durationMs) => {
        const { tickS, labelS } = timelineScale(durationMs);
        expect(labelS % tickS).toBe(0);
        const ticks = timelineTicks(durationMs);
        expect(ticks.length).toBeLessThanOrEqual(TIMELINE_MAX_TICKS);
        expect(ticks.filter((tick) => tick.labelled).length).toBeLessThanOrEqual(TIMELINE_MAX_LABELS);
        expect(ticks[0]).toEqual({ atS: 0, labelled: true });
        for (const tick of ticks) expect(tick.atS * 1000).toBeLessThan(durationMs);
      }),
    );
  });

  it('puts a tick a minute and a label every ten under an hour', () => {
    const ticks = timelineTicks(3_600_000);
    expect(ticks).toHaveLength(60);
    expect(ticks.filter((tick) => tick.labelled).map((tick) => tick.atS)).toEqual([0, 600, 1200, 1800, 2400, 3000]);
  });
});
