import { useEffect, useState, useSyncExternalStore } from 'react';
import { serverClock } from '../lib/serverClock.js';
import { joinWallboard, leaveWallboard, onConnected, subscribe } from '../socket/socket.js';
import { WallboardSync, type WallboardSyncState } from './wallboardStore.js';

/**
 * The live wallboard for the page that shows it: joins on mount (and on every reconnect), applies deltas in
 * order, resyncs on a gap, and leaves on unmount.
 */
export function useWallboard(): WallboardSyncState {
  const [sync] = useState(
    () =>
      new WallboardSync({
        join: joinWallboard,
        onServerTime: (serverTime, receivedAt) => serverClock.observe(serverTime, receivedAt),
      }),
  );

  useEffect(() => {
    const unsubscribeDelta = subscribe('wallboard:delta', (delta) => sync.handleDelta(delta));
    const unsubscribeSettings = subscribe('settings:updated', (settings) => sync.handleSettings(settings));
    const unsubscribeConnected = onConnected(() => sync.handleConnected());
    return () => {
      unsubscribeDelta();
      unsubscribeSettings();
      unsubscribeConnected();
      sync.stop();
      leaveWallboard();
    };
  }, [sync]);

  return useSyncExternalStore(sync.subscribe, sync.getState, sync.getState);
}
