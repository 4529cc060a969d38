import { useNow } from './ticker.js';

/**
 * Estimates how far the server's clock is ahead of the browser's from the `serverTime` stamped on
 * snapshots and deltas. A message is always a little late, so each sample underestimates the offset by its
 * travel time; the largest of the recent samples is the least delayed one (the NTP "minimum delay" idea).
 * Keeping only recent samples lets the estimate follow a clock that is corrected while the page is open.
 */
export class ClockOffsetEstimator {
  private readonly samples: number[] = [];

  constructor(private readonly maxSamples = 20) {}

  /** Records one message: the server's time in it and the browser's time when it arrived. */
  observe(serverTime: number, receivedAt: number): void {
    this.samples.push(serverTime - receivedAt);
    if (this.samples.length > this.maxSamples) this.samples.shift();
  }

  /** Milliseconds to add to the browser's clock to get the server's; 0 before any sample. */
  offsetMs(): number {
    if (this.samples.length === 0) return 0;
    return Math.max(...this.samples);
  }
}

/** The one estimate the whole page shares. */
export const serverClock = new ClockOffsetEstimator();

/** The server's "now", refreshed every second: what timers compare `answeredAt` and friends against. */
export function useServerNow(): number {
  return useNow() + serverClock.offsetMs();
}
