import type { Ack, CallDetail, ClientToServerEvents, ServerToClientEvents, WallboardSnapshot } from '@earshot/shared';
import { io, type Socket } from 'socket.io-client';

/**
 * The one module that owns the dashboard's Socket.IO connection. Features never touch the socket directly:
 * they subscribe to server events and to connection changes here and get an unsubscribe function back,
 * and they send commands through the typed helpers below.
 */
export type DashboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** `connecting`: never connected yet; `reconnecting`: was connected and lost it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

/** How long a command waits for the server's acknowledgement before it counts as failed. */
const ACK_TIMEOUT_MS = 10_000;

let socket: DashboardSocket | null = null;
let status: ConnectionStatus = 'connecting';
const statusListeners = new Set<(status: ConnectionStatus) => void>();

function setStatus(next: ConnectionStatus): void {
  if (next === status) return;
  status = next;
  for (const listener of statusListeners) listener(next);
}

/** The connection, opened on first use (same origin as the page). */
function connection(): DashboardSocket {
  if (socket) return socket;
  const created: DashboardSocket = io();
  created.on('connect', () => setStatus('connected'));
  created.on('disconnect', () => setStatus(status === 'connecting' ? 'connecting' : 'reconnecting'));
  socket = created;
  return created;
}

export function connectionStatus(): ConnectionStatus {
  connection();
  return status;
}

/** Calls `listener` on every status change; returns the unsubscribe function. */
export function onConnectionStatus(listener: (status: ConnectionStatus) => void): () => void {
  connection();
  statusListeners.add(listener);
  return () => {
    statusListeners.delete(listener);
  };
}

/**
 * Calls `listener` each time the socket connects, now as well if it already is. Rooms do not survive a
 * lost connection, so this is where features join (and re-join) theirs.
 */
export function onConnected(listener: () => void): () => void {
  const s = connection();
  s.on('connect', listener);
  if (s.connected) listener();
  return () => {
    s.off('connect', listener);
  };
}

/** Subscribes to one server event; returns the unsubscribe function. */
export function subscribe<E extends keyof ServerToClientEvents>(
  event: E,
  handler: ServerToClientEvents[E],
): () => void {
  const s = connection();
  // socket.io's listener typing does not narrow a generic event name; the map above guarantees the match.
  s.on(event, handler as never);
  return () => {
    s.off(event, handler as never);
  };
}

/** A failed acknowledgement when the server did not answer in time or the connection dropped meanwhile. */
function noAnswer(what: string): { ok: false; error: string } {
  return { ok: false, error: `the server did not answer ${what} within ${ACK_TIMEOUT_MS / 1000} s` };
}

/** Joins the wallboard room; the answer is a full snapshot, and deltas follow. Also the way to resync. */
export async function joinWallboard(): Promise<Ack<WallboardSnapshot>> {
  try {
    return await connection().timeout(ACK_TIMEOUT_MS).emitWithAck('wallboard:join');
  } catch {
    return noAnswer('wallboard:join');
  }
}

export function leaveWallboard(): void {
  const s = connection();
  if (s.connected) s.emit('wallboard:leave');
}

/** Starts watching one call: the answer is the call and its history; `call:updated`/`call:event` follow. */
export async function watchCall(callId: string): Promise<Ack<CallDetail>> {
  try {
    return await connection().timeout(ACK_TIMEOUT_MS).emitWithAck('call:watch', { callId });
  } catch {
    return noAnswer('call:watch');
  }
}

export function unwatchCall(callId: string): void {
  const s = connection();
  if (s.connected) s.emit('call:unwatch', { callId });
}
