import { useSyncExternalStore } from 'react';

/**
 * Where the recording player on the call page is (ms into the call's audio) while it plays, null when it
 * is not playing. The player writes it; the transcript follows it. One player per page, so one value.
 */
let playheadMs: number | null = null;
const listeners = new Set<() => void>();

export function setPlayheadMs(ms: number | null): void {
  const next = ms === null ? null : Math.max(0, Math.round(ms));
  if (next === playheadMs) return;
  playheadMs = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

const read = () => playheadMs;

export function usePlayheadMs(): number | null {
  return useSyncExternalStore(subscribe, read, read);
}
