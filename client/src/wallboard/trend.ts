import type { WallboardStats } from '@earshot/shared';

/** One point of the header's small trend chart. */
export interface TrendSample {
  at: number;
  waiting: number;
  inProgress: number;
}

/** Keep a point at most this often, and this much history: enough to see a queue building up. */
export const TREND_SAMPLE_INTERVAL_MS = 10_000;
export const TREND_WINDOW_MS = 30 * 60_000;

/**
 * Adds a sample from the latest stats unless the last one is too recent; drops samples older than the
 * window. Returns the same array when nothing changed, so React can skip the chart.
 */
export function appendTrendSample(
  samples: readonly TrendSample[],
  at: number,
  stats: Pick<WallboardStats, 'waiting' | 'inProgress'>,
): readonly TrendSample[] {
  const last = samples[samples.length - 1];
  if (last && at - last.at < TREND_SAMPLE_INTERVAL_MS) return samples;
  const fresh = samples.filter((s) => at - s.at <= TREND_WINDOW_MS);
  fresh.push({ at, waiting: stats.waiting, inProgress: stats.inProgress });
  return fresh;
}
