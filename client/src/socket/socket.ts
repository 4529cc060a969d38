import type {
  Ack,
  AudioSession,
  CallDetail,
  CaptureState,
  ClientToServerEvents,
  MonitorMode,
  ScreenshotMeta,
  ServerToClientEvents,
  WallboardSnapshot,
} from '@earshot/shared';
import { io, type Socket } from 'socket.io-client';

/**
 * The one module that owns the dashboard's Socket.IO connection. Features never touch the socket directly:
 * they subscribe to server events and to connection changes here and get an unsubscribe function back,
 * and they send commands through the typed helpers below.
 */
export type DashboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** `connecting`: not connected yet (or signed out); `reconnecting`: was connected and lost it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

/** How long a command waits for the server's acknowledgement before it counts as failed. */
const ACK_TIMEOUT_MS = 10_000;
/** Wait before trying again after the server refused the handshake for a reason other than the session. */
const REFUSED_RETRY_DELAY_MS = 5_000;

/** The codes the server's handshake check gives in `connect_error`'s `data.code` (server/src/auth/socket.ts). */
const SESSION_REFUSAL_CODES = new Set(['unauthenticated', 'session_expired']);

let socket: DashboardSocket | null = null;
let status: ConnectionStatus = 'connecting';
/** Whether the signed-in part of the app wants a connection (between openSocket and closeSocket). */
let wanted = false;
let refusedRetry: ReturnType<typeof setTimeout> | null = null;
const statusListeners = new Set<(status: ConnectionStatus) => void>();
const sessionProblemListeners = new Set<(problem: SessionProblem) => void>();

/**
 * `refused`: the handshake was refused for want of a live session (the session is over);
 * `kicked`: the server closed the connection (it does so when a session is revoked, but not only then);
 * `forbidden`: a command was refused for the role (which an admin may have changed meanwhile).
 */
export type SessionProblem = 'refused' | 'kicked' | 'forbidden';

/** The server's refusals of a command for want of permission start with this (server/src/auth/socket.ts). */
const FORBIDDEN_PREFIX = 'forbidden:';

/** Passes an acknowledgement through, telling the session layer when it was a refusal for the role. */
function noticeRefusal<T>(result: Ack<T>): Ack<T> {
  if (!result.ok && result.error.startsWith(FORBIDDEN_PREFIX)) reportSessionProblem('forbidden');
  return result;
}

function setStatus(next: ConnectionStatus): void {
  if (next === status) return;
  status = next;
  for (const listener of statusListeners) listener(next);
}

function reportSessionProblem(problem: SessionProblem): void {
  for (const listener of sessionProblemListeners) listener(problem);
}

/** Whether a `connect_error` is the server's "no live session" refusal. */
export function isSessionRefusal(error: Error): boolean {
  const code = (error as Error & { data?: { code?: unknown } }).data?.code;
  return typeof code === 'string' && SESSION_REFUSAL_CODES.has(code);
}

/**
 * The connection (same origin as the page, so the session cookie rides along). It is created idle and
 * connects only when `openSocket` says a session exists: a handshake without one would only be refused.
 */
function connection(): DashboardSocket {
  if (socket) return socket;
  const created: DashboardSocket = io({ autoConnect: false, withCredentials: true });
  created.on('connect', () => setStatus('connected'));
  created.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') {
      setStatus('connecting');
      return;
    }
    setStatus(status === 'connecting' ? 'connecting' : 'reconnecting');
    // The client does not reconnect by itself after the server closed the connection.
    if (reason === 'io server disconnect') reportSessionProblem('kicked');
  });
  created.on('connect_error', (error) => {
    // While `active`, the client retries by itself (the server is unreachable); otherwise it was refused.
    if (created.active) return;
    if (isSessionRefusal(error)) {
      reportSessionProblem('refused');
      return;
    }
    refusedRetry ??= setTimeout(() => {
      refusedRetry = null;
      if (wanted && !created.connected) created.connect();
    }, REFUSED_RETRY_DELAY_MS);
  });
  socket = created;
  return created;
}

/** Connects (the handshake carries the session cookie). Called when a session starts or is confirmed. */
export function openSocket(): void {
  wanted = true;
  const s = connection();
  if (!s.connected && !s.active) s.connect();
}

/** Disconnects, e.g. on sign-out; room memberships are gone, features re-join on the next connect. */
export function closeSocket(): void {
  wanted = false;
  if (refusedRetry) clearTimeout(refusedRetry);
  refusedRetry = null;
  socket?.disconnect();
  setStatus('connecting');
}

/** Told when the socket suggests the session is over; the session layer checks and acts. */
export function onSessionProblem(listener: (problem: SessionProblem) => void): () => void {
  sessionProblemListeners.add(listener);
  return () => {
    sessionProblemListeners.delete(listener);
  };
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
    return noticeRefusal(await connection().timeout(ACK_TIMEOUT_MS).emitWithAck('wallboard:join'));
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
    return noticeRefusal(await connection().timeout(ACK_TIMEOUT_MS).emitWithAck('call:watch', { callId }));
  } catch {
    return noAnswer('call:watch');
  }
}

export function unwatchCall(callId: string): void {
  const s = connection();
  if (s.connected) s.emit('call:unwatch', { callId });
}

/**
 * Tells the server which calls' tiles are on screen now (replacing the previous set); the answer is the
 * latest screenshot of each, and newer ones follow as `screen:captured`.
 */
export async function watchScreens(callIds: string[]): Promise<Ack<Record<string, ScreenshotMeta | null>>> {
  try {
    return noticeRefusal(await connection().timeout(ACK_TIMEOUT_MS).emitWithAck('screens:watch', { callIds }));
  } catch {
    return noAnswer('screens:watch');
  }
}

/** The capture page joins its agent's room: the answer is the current CaptureState; `capture:state` follows. */
export async function joinCapture(): Promise<Ack<CaptureState>> {
  try {
    return noticeRefusal(await connection().timeout(ACK_TIMEOUT_MS).emitWithAck('capture:join'));
  } catch {
    return noAnswer('capture:join');
  }
}

const AUDIO_COMMANDS = { listen: 'audio:listen', whisper: 'audio:whisper', barge: 'audio:barge' } as const;

/**
 * Takes a live call's audio in a mode (listen, whisper, barge); also switches mode. The answer says what
 * to play and how to talk; a refusal carries the server's sentence. Frames follow as `audio:frame`.
 */
export async function takeAudio(callId: string, mode: MonitorMode): Promise<Ack<AudioSession>> {
  try {
    return noticeRefusal(await connection().timeout(ACK_TIMEOUT_MS).emitWithAck(AUDIO_COMMANDS[mode], { callId }));
  } catch {
    return noAnswer(AUDIO_COMMANDS[mode]);
  }
}

/** Leaves a call's audio (the server stops sending frames and takes the controller off the call's list). */
export async function leaveAudio(callId: string): Promise<Ack<null>> {
  const s = connection();
  // A lost connection has left the audio already (the server ends the session on disconnect).
  if (!s.connected) return { ok: true, data: null };
  try {
    return await s.timeout(ACK_TIMEOUT_MS).emitWithAck('audio:leave', { callId });
  } catch {
    return noAnswer('audio:leave');
  }
}

/**
 * Sends one 20 ms frame of the controller's voice. Dropped (false) while disconnected: Socket.IO would
 * otherwise queue it and play stale speech in a burst after reconnecting.
 */
export function sendTalkFrame(frame: Uint8Array): boolean {
  const s = connection();
  if (!s.connected) return false;
  s.emit('audio:talk', frame);
  return true;
}
