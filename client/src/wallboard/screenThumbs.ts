import { SCREENSHOT_STALE_MS, type ScreenshotMeta } from '@earshot/shared';

/** Wait after the visible tiles changed (scrolling, resizing, calls coming and going) before telling the server. */
export const SCREENS_WATCH_DEBOUNCE_MS = 300;

/**
 * The latest screenshot per call: an older one (a late ack, a reordered message) never replaces a newer one;
 * the same frame announced again replaces it only with a newer lastSeenAt (a duplicate upload: still live).
 */
export function withLatest(
  current: ReadonlyMap<string, ScreenshotMeta>,
  incoming: Iterable<ScreenshotMeta>,
): ReadonlyMap<string, ScreenshotMeta> {
  let next: Map<string, ScreenshotMeta> | null = null;
  for (const meta of incoming) {
    const known = (next ?? current).get(meta.callId);
    if (known && (known.id === meta.id ? known.lastSeenAt >= meta.lastSeenAt : known.capturedAt > meta.capturedAt)) {
      continue;
    }
    next ??= new Map(current);
    next.set(meta.callId, meta);
  }
  return next ?? current;
}

/**
 * How long since the agent's screen was last seen (a new frame or an identical one: lastSeenAt) by the browser's
 * clock, and whether that is too long to trust at a glance. An unchanged screen is not stale.
 */
export function screenshotAge(meta: ScreenshotMeta, now: number): { ageMs: number; stale: boolean } {
  const ageMs = Math.max(0, now - meta.lastSeenAt);
  return { ageMs, stale: ageMs > SCREENSHOT_STALE_MS };
}

/** A stable key for a set of call ids, so an unchanged set is not sent again. */
export function callSetKey(callIds: readonly string[]): string {
  return [...callIds].sort().join('\n');
}
