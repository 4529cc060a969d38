/** Level meters: peaks of float audio shown on a −60..0 dBFS scale. */

/** The quietest level a meter shows; below it the meter is empty. */
export const METER_FLOOR_DB = -60;

/** Largest absolute sample of `samples`, at least `previous` (to keep the peak over several blocks). */
export function peakOf(samples: Float32Array, previous = 0): number {
  let peak = previous;
  for (let i = 0; i < samples.length; i++) {
    const magnitude = Math.abs(samples[i] as number);
    if (magnitude > peak) peak = magnitude;
  }
  return peak;
}

/** A peak (0..1) in dBFS, never below METER_FLOOR_DB. */
export function peakToDb(peak: number): number {
  if (!(peak > 0)) return METER_FLOOR_DB;
  return Math.max(METER_FLOOR_DB, Math.min(0, 20 * Math.log10(peak)));
}

/** A peak (0..1) as a meter's fill, 0..100. */
export function peakToMeterPercent(peak: number): number {
  return Math.round(((peakToDb(peak) - METER_FLOOR_DB) / -METER_FLOOR_DB) * 100);
}
