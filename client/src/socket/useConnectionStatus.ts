import { useSyncExternalStore } from 'react';
import { type ConnectionStatus, connectionStatus, onConnectionStatus } from './socket.js';

function subscribe(onChange: () => void): () => void {
  return onConnectionStatus(onChange);
}

/** The socket's connection status, re-rendering on change. */
export function useConnectionStatus(): ConnectionStatus {
  return useSyncExternalStore(subscribe, connectionStatus, connectionStatus);
}
