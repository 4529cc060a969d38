import type { ScreenshotMeta } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { mergeScreens } from './callScreens.js';

const shot = (id: string, capturedAt: number): ScreenshotMeta => ({
  id,
  callId: 'c1',
  agentId: 'agent-001',
  capturedAt,
  receivedAt: capturedAt,
  mime: 'image/jpeg',
  width: 1280,
  height: 720,
  bytes: 10,
  contentHash: id,
  thumbWidth: 320,
  thumbHeight: 180,
});

describe('mergeScreens', () => {
  it('keeps each screenshot once, oldest first', () => {
    const merged = mergeScreens([shot('b', 2), shot('a', 1)], [shot('c', 3), shot('a', 1)]);
    expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('puts a late arrival in its place by capture time', () => {
    expect(mergeScreens([shot('a', 1), shot('c', 3)], [shot('b', 2)]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });
});
