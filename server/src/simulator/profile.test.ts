import { describe, expect, it } from 'vitest';
import { HOURLY_VOLUME_FACTORS, hourOfDay, PEAK_VOLUME_FACTOR, volumeFactorAtHour } from './profile.js';

describe('hour-of-day volume profile', () => {
  it('averages 1 over the day, so callsPerHour is the daily mean', () => {
    let integral = 0;
    const steps = 24 * 60;
    for (let i = 0; i < steps; i++) integral += volumeFactorAtHour(((i + 0.5) * 24) / steps) / steps;
    expect(integral).toBeCloseTo(1, 3);
    expect(HOURLY_VOLUME_FACTORS).toHaveLength(24);
  });

  it('is quiet at night, ramps up in the morning and peaks at lunch and in the evening', () => {
    const at = (hour: number) => volumeFactorAtHour(hour + 0.5);
    expect(at(3)).toBeLessThan(0.2);
    expect(at(7)).toBeLessThan(at(9));
    expect(at(13)).toBeGreaterThan(at(15));
    expect(at(19)).toBeGreaterThan(at(16));
    expect(at(19)).toBeGreaterThan(1.6);
    expect(PEAK_VOLUME_FACTOR).toBe(Math.max(...HOURLY_VOLUME_FACTORS));
  });

  it('is continuous, also across midnight', () => {
    for (let hour = 0; hour < 24; hour += 0.25) {
      expect(Math.abs(volumeFactorAtHour(hour + 0.01) - volumeFactorAtHour(hour))).toBeLessThan(0.02);
    }
    expect(volumeFactorAtHour(23.999)).toBeCloseTo(volumeFactorAtHour(0), 2);
    expect(volumeFactorAtHour(24.5)).toBeCloseTo(volumeFactorAtHour(0.5), 10);
  });

  it('reads the local hour of a moment', () => {
    expect(hourOfDay(new Date(2024, 5, 10, 18, 30).getTime())).toBeCloseTo(18.5, 10);
  });
});
