import { useSyncExternalStore } from 'react';

/**
 * One shared one-second ticker for every timer on screen: tiles, header and call page all read the same
 * `now`, so they flip together and a grid of thousands of tiles costs one interval, not one per tile.
 * It runs only while something listens and aligns its ticks to the wall-clock second.
 */
const TICK_INTERVAL_MS = 1000;

const listeners = new Set<() => void>();
let currentNow = Date.now();
let timer: ReturnType<typeof setTimeout> | null = null;

function scheduleNextTick(): void {
  const untilNextSecondMs = TICK_INTERVAL_MS - (Date.now() % TICK_INTERVAL_MS);
  timer = setTimeout(tick, untilNextSecondMs);
}

function tick(): void {
  currentNow = Date.now();
  for (const listener of listeners) listener();
  scheduleNextTick();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    currentNow = Date.now();
    scheduleNextTick();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

function getNow(): number {
  return currentNow;
}

/** The browser's clock, refreshed once a second for every component that uses it. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow, getNow);
}
