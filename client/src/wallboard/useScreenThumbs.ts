import type { ScreenshotMeta } from '@earshot/shared';
import { useEffect, useState } from 'react';
import { onConnected, subscribe, watchScreens } from '../socket/socket.js';
import { callSetKey, SCREENS_WATCH_DEBOUNCE_MS, withLatest } from './screenThumbs.js';

const NONE: ReadonlyMap<string, ScreenshotMeta> = new Map();

/**
 * The latest screenshot of each visible call: tells the server which tiles are on screen (debounced, and
 * again after every reconnect), takes the answer and then every `screen:captured`. Off when `enabled` is
 * false (a role that may not see screens sends nothing).
 */
export function useScreenThumbs(
  visibleCallIds: readonly string[],
  enabled: boolean,
): ReadonlyMap<string, ScreenshotMeta> {
  const [latest, setLatest] = useState<ReadonlyMap<string, ScreenshotMeta>>(NONE);
  const key = enabled ? callSetKey(visibleCallIds) : '';

  useEffect(() => {
    if (!enabled) return;
    const unsubscribe = subscribe('screen:captured', ({ screenshot }) =>
      setLatest((current) => withLatest(current, [screenshot])),
    );
    return unsubscribe;
  }, [enabled]);

  useEffect(() => {
    if (!enabled) return;
    let active = true;
    const send = () => {
      void watchScreens(key === '' ? [] : key.split('\n')).then((result) => {
        if (!active || !result.ok) return;
        const found = Object.values(result.data).filter((meta): meta is ScreenshotMeta => meta !== null);
        setLatest((current) => withLatest(current, found));
      });
    };
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Rooms do not survive a reconnect: say it again each time the socket connects.
    const unsubscribeConnected = onConnected(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(send, SCREENS_WATCH_DEBOUNCE_MS);
    });
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
      unsubscribeConnected();
    };
  }, [key, enabled]);

  // Leaving the page: no tiles are visible any more.
  useEffect(
    () => () => {
      if (enabled) void watchScreens([]);
    },
    [enabled],
  );

  return latest;
}
