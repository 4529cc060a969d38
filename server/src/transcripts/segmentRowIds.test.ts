import { describe, expect, it } from 'vitest';
import { ROWID_COUNTER_BITS, rowIdRange, rowIdSlot } from './segmentRowIds.js';

describe('transcript segment row ids', () => {
  const t = Date.UTC(2026, 4, 1, 12, 0, 0);

  it('orders by the offer second, with room for a counter within it', () => {
    const a = rowIdSlot(t);
    const sameSecond = rowIdSlot(t + 999);
    const next = rowIdSlot(t + 1_000);
    expect(sameSecond).toEqual(a);
    expect(a.last - a.first + 1).toBe(2 ** ROWID_COUNTER_BITS);
    expect(next.first).toBe(a.last + 1);
  });

  it('stays exact as a JS number for centuries', () => {
    expect(Number.isSafeInteger(rowIdSlot(Date.UTC(2200, 0, 1)).last)).toBe(true);
  });

  it('turns an offer-time range into an id range that holds every id of it', () => {
    const range = rowIdRange(t + 500, t + 10_500);
    expect(range.min).toBe(rowIdSlot(t).first);
    expect(range.max).toBe(rowIdSlot(t + 10_000).last);
    expect(rowIdRange(undefined, undefined)).toEqual({ min: null, max: null });
    expect(rowIdRange(0, Number.MAX_SAFE_INTEGER)).toEqual({ min: 0, max: Number.MAX_SAFE_INTEGER });
  });
});
