import { SCREENSHOT_STALE_MS, type ScreenshotMeta } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { screenshotMetaFixture } from '../lib/screenshotMeta.fixture.js';
import { callSetKey, screenshotAge, withLatest } from './screenThumbs.js';

const meta = (id: string, callId: string, capturedAt: number, lastSeenAt = capturedAt) =>
  screenshotMetaFixture(id, capturedAt, { callId, lastSeenAt, receivedAt: capturedAt + 50 });

describe('screen thumbnails', () => {
  it('keeps the newest screenshot per call', () => {
    const start = new Map<string, ScreenshotMeta>();
    const a = withLatest(start, [meta('s1', 'c1', 1_000), meta('s2', 'c2', 1_000)]);
    const b = withLatest(a, [meta('s3', 'c1', 3_000)]);
    expect(b.get('c1')?.id).toBe('s3');
    const c = withLatest(b, [meta('s0', 'c1', 2_000)]);
    expect(c.get('c1')?.id).toBe('s3');
    expect(c).toBe(b);
  });

  it('returns the same map when nothing changed, so tiles do not re-render', () => {
    const a = withLatest(new Map(), [meta('s1', 'c1', 1_000)]);
    expect(withLatest(a, [meta('s1', 'c1', 1_000)])).toBe(a);
  });

  it('marks a screenshot stale after SCREENSHOT_STALE_MS', () => {
    const shot = meta('s1', 'c1', 10_000);
    expect(screenshotAge(shot, 10_000 + SCREENSHOT_STALE_MS)).toEqual({ ageMs: SCREENSHOT_STALE_MS, stale: false });
    expect(screenshotAge(shot, 10_001 + SCREENSHOT_STALE_MS).stale).toBe(true);
    expect(screenshotAge(shot, 5_000)).toEqual({ ageMs: 0, stale: false });
  });

  it('takes the same frame announced again with a newer lastSeenAt, never an older one', () => {
    const a = withLatest(new Map(), [meta('s1', 'c1', 1_000, 5_000)]);
    const b = withLatest(a, [meta('s1', 'c1', 1_000, 9_000)]);
    expect(b.get('c1')?.lastSeenAt).toBe(9_000);
    expect(withLatest(b, [meta('s1', 'c1', 1_000, 7_000)])).toBe(b);
  });

  it('judges staleness by lastSeenAt: an unchanged screen still being uploaded is not stale', () => {
    const unchanged = meta('s1', 'c1', 10_000, 40_000);
    const now = 10_001 + SCREENSHOT_STALE_MS + 20_000;
    expect(screenshotAge(unchanged, now)).toEqual({ ageMs: now - 40_000, stale: false });
    expect(screenshotAge(unchanged, 40_001 + SCREENSHOT_STALE_MS).stale).toBe(true);
  });

  it('keys a set of calls independently of order', () => {
    expect(callSetKey(['b', 'a'])).toBe(callSetKey(['a', 'b']));
    expect(callSetKey(['a'])).not.toBe(callSetKey(['a', 'b']));
  });
});
