import { describe, expect, it } from 'vitest';
import { formatCount, formatDateTime, formatDuration, formatPct } from './time.js';

describe('formatDuration', () => {
  it('shows mm:ss under an hour, flooring to the second', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(999)).toBe('00:00');
    expect(formatDuration(1_000)).toBe('00:01');
    expect(formatDuration(61_500)).toBe('01:01');
    expect(formatDuration(59 * 60_000 + 59_999)).toBe('59:59');
  });

  it('adds hours from an hour on', () => {
    expect(formatDuration(3_600_000)).toBe('1:00:00');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 7_000)).toBe('2:05:07');
  });

  it('treats a negative duration (clock skew) as zero', () => {
    expect(formatDuration(-5_000)).toBe('00:00');
  });
});

describe('formatPct', () => {
  it('shows one decimal, and a dash when there is nothing to measure', () => {
    expect(formatPct(93.456)).toBe('93.5%');
    expect(formatPct(100)).toBe('100.0%');
    expect(formatPct(null)).toBe('—');
  });
});

describe('formatCount', () => {
  it('groups thousands with a narrow space', () => {
    expect(formatCount(5)).toBe('5');
    expect(formatCount(12_345)).toBe('12\u202f345');
  });
});

describe('formatDateTime', () => {
  it('leaves the date out for today and shows it otherwise', () => {
    const now = new Date(2025, 10, 24, 15, 0, 0).getTime();
    expect(formatDateTime(new Date(2025, 10, 24, 9, 5, 3).getTime(), now)).toBe('09:05:03');
    expect(formatDateTime(new Date(2025, 10, 23, 23, 59, 0).getTime(), now)).toBe('23 Nov 23:59:00');
  });
});
