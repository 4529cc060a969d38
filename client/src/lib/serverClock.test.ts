import { describe, expect, it } from 'vitest';
import { ClockOffsetEstimator } from './serverClock.js';

describe('ClockOffsetEstimator', () => {
  it('is zero before any message', () => {
    expect(new ClockOffsetEstimator().offsetMs()).toBe(0);
  });

  it('takes the least delayed sample: a late message underestimates the offset', () => {
    const clock = new ClockOffsetEstimator();
    // Server 5 s ahead; messages took 40 ms, 10 ms and 300 ms to arrive.
    clock.observe(105_000, 100_040);
    clock.observe(106_000, 101_010);
    clock.observe(107_000, 102_300);
    expect(clock.offsetMs()).toBe(4_990);
  });

  it('handles a server clock behind the browser', () => {
    const clock = new ClockOffsetEstimator();
    clock.observe(97_000, 100_020);
    expect(clock.offsetMs()).toBe(-3_020);
  });

  it('forgets old samples, so a corrected clock is followed', () => {
    const clock = new ClockOffsetEstimator(3);
    clock.observe(110_000, 100_000); // +10 s, then the server clock is corrected to +1 s
    for (let i = 1; i <= 3; i++) clock.observe(100_000 + i * 1_000 + 1_000, 100_000 + i * 1_000);
    expect(clock.offsetMs()).toBe(1_000);
  });
});
