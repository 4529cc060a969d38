import { DEFAULT_WALLBOARD_SETTINGS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { talkTimeBuckets } from './talkBuckets.js';
import { makeCall, makeQueued, T0 } from './testCalls.js';

describe('talkTimeBuckets', () => {
  const minute = 60_000;
  const now = T0 + 60 * minute;
  const answeredAgo = (id: string, ms: number) => makeCall({ id, answeredAt: now - ms });

  it('groups answered calls by talk time, the last two bars being the amber and red calls', () => {
    const buckets = talkTimeBuckets(
      [
        answeredAgo('a', 30_000),
        answeredAgo('b', 2 * minute),
        answeredAgo('c', 7 * minute),
        answeredAgo('d', 8 * minute),
        answeredAgo('e', 14 * minute),
        answeredAgo('f', 15 * minute),
        answeredAgo('g', 40 * minute),
        makeQueued('q', now - 5 * minute),
      ],
      now,
      DEFAULT_WALLBOARD_SETTINGS,
    );
    expect(buckets.map((b) => b.label)).toEqual(['<2', '2–4', '4–8', '8–15', '15+']);
    expect(buckets.map((b) => b.count)).toEqual([1, 1, 1, 2, 2]);
    expect(buckets.map((b) => b.severity)).toEqual(['normal', 'normal', 'normal', 'amber', 'red']);
  });

  it('follows the thresholds from the settings', () => {
    const settings = { ...DEFAULT_WALLBOARD_SETTINGS, longCallAmberMs: 6 * minute, longCallRedMs: 10 * minute };
    const buckets = talkTimeBuckets([answeredAgo('a', 7 * minute)], now, settings);
    expect(buckets.map((b) => b.label)).toEqual(['<1.5', '1.5–3', '3–6', '6–10', '10+']);
    expect(buckets[3]?.count).toBe(1);
  });
});
