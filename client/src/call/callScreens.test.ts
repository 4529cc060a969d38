import type { ScreenshotMeta } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { screenshotMetaFixture } from '../lib/screenshotMeta.fixture.js';
import { mergeScreens, unchangedUntil } from './callScreens.js';

const shot = (id: string, capturedAt: number, lastSeenAt = capturedAt) =>
  screenshotMetaFixture(id, capturedAt, { lastSeenAt, mime: 'image/jpeg', bytes: 10 });

describe('mergeScreens', () => {
  it('keeps each screenshot once, oldest first', () => {
    const merged = mergeScreens([shot('b', 2), shot('a', 1)], [shot('c', 3), shot('a', 1)]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('puts a late arrival in its place by capture time', () => {
    expect(mergeScreens([shot('a', 1), shot('c', 3)], [shot('b', 2)]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('an unchanged screen (duplicate uploads)', () => {
  it('keeps the newer lastSeenAt of the same frame, whichever order they arrive in', () => {
    expect(mergeScreens([shot('a', 1_000, 5_000)], [shot('a', 1_000, 9_000)])[0]?.lastSeenAt).toBe(9_000);
    expect(mergeScreens([shot('a', 1_000, 9_000)], [shot('a', 1_000, 5_000)])[0]?.lastSeenAt).toBe(9_000);
  });

  it('says "unchanged until" only when the frame was seen again more than a second after its capture', () => {
    expect(unchangedUntil(shot('a', 1_000))).toBeNull();
    expect(unchangedUntil(shot('a', 1_000, 2_000))).toBeNull();
    expect(unchangedUntil(shot('a', 1_000, 17_000))).toBe(17_000);
  });
});
