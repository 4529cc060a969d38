import type { Monitor, MonitorMode } from '@earshot/shared';

/** Barge first (everyone hears them), then whisper, then listen; earliest first within a mode. */
const MODE_ORDER: Record<MonitorMode, number> = { barge: 0, whisper: 1, listen: 2 };

export function sortMonitors(monitors: readonly Monitor[]): Monitor[] {
  return [...monitors].sort((a, b) => MODE_ORDER[a.mode] - MODE_ORDER[b.mode] || a.since - b.since);
}

/** A name's first word ("Olga Petrova" → "Olga"), for the tile's narrow chips. */
export function firstName(displayName: string): string {
  const first = displayName.trim().split(/\s+/)[0];
  return first && first.length > 0 ? first : displayName;
}

/** What a tile shows: the first `max` monitors as chips and how many more there are. */
export function tileMonitorChips(monitors: readonly Monitor[], max: number): { shown: Monitor[]; more: number } {
  const sorted = sortMonitors(monitors);
  // Room for `max` chips, or `max − 1` and a "+N".
  const shown = sorted.length <= max ? sorted : sorted.slice(0, Math.max(0, max - 1));
  return { shown, more: sorted.length - shown.length };
}
