import { startOfDay } from '@earshot/shared';

const HOUR_MS = 3_600_000;

/**
 * Relative call volume for each hour of the day (local time at the server), taken at the middle of the hour.
 * The hotline is 24/7: a quiet night, a morning ramp, a lunch peak, a dip in the afternoon, the evening peak
 * when people are home from work, then a decline. Only the shape matters; it is normalised below.
 */
const RAW_HOURLY_VOLUME = [
  0.3, 0.18, 0.12, 0.1, 0.1, 0.15, 0.35, 0.65, 1.05, 1.35, 1.45, 1.5, 1.7, 1.75, 1.45, 1.35, 1.35, 1.5, 1.75, 1.8, 1.5,
  1.05, 0.7, 0.45,
] as const;

const RAW_MEAN = RAW_HOURLY_VOLUME.reduce((sum, value) => sum + value, 0) / RAW_HOURLY_VOLUME.length;

/**
 * Hourly factors normalised to a mean of 1, so `callsPerHour × factor` is the arrival rate at that hour and
 * `callsPerHour` is the mean over the day (a day brings `24 × callsPerHour` calls).
 */
export const HOURLY_VOLUME_FACTORS: readonly number[] = RAW_HOURLY_VOLUME.map((value) => value / RAW_MEAN);

/** The highest factor of the day: the thinning bound for the arrival process. */
export const PEAK_VOLUME_FACTOR = Math.max(...HOURLY_VOLUME_FACTORS);

/**
 * The volume factor at a fractional hour of the day (0 ≤ hour < 24), linear between hour midpoints and
 * wrapping around midnight, so the rate never jumps on the hour. The mean over the day stays exactly 1.
 */
export function volumeFactorAtHour(hour: number): number {
  const position = (((hour - 0.5) % 24) + 24) % 24;
  const index = Math.floor(position);
  const fraction = position - index;
  const from = HOURLY_VOLUME_FACTORS[index % 24] ?? 1;
  const to = HOURLY_VOLUME_FACTORS[(index + 1) % 24] ?? 1;
  return from + (to - from) * fraction;
}

/** Fractional hour of the local day at `epochMs` (the same "local" as the wallboard's today). */
export function hourOfDay(epochMs: number): number {
  return (epochMs - startOfDay(epochMs)) / HOUR_MS;
}

/** Arrival rate in calls per hour at the simulated moment `epochMs`. */
export function callsPerHourAt(epochMs: number, meanCallsPerHour: number): number {
  return meanCallsPerHour * volumeFactorAtHour(hourOfDay(epochMs));
}
