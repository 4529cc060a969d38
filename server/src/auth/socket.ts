import {
  type AuthSocketData,
  can,
  DASHBOARD_COMMAND_PERMISSIONS,
  type DashboardCommand,
  type Permission,
  type User,
} from '@earshot/shared';
import { readCookie, SESSION_COOKIE_NAME } from './cookies.js';
import type { SessionService } from './sessions.js';

/** The part of a Socket.IO socket the auth code reads and writes. */
export interface AuthSocket {
  handshake: { headers: { cookie?: string | undefined } };
  data: AuthSocketData;
}

/** The error a refused handshake ends with; the client sees `message` and `data.code` in `connect_error`. */
export interface SocketAuthError extends Error {
  data: { code: 'unauthenticated' | 'session_expired' };
}

function socketAuthError(code: SocketAuthError['data']['code'], message: string): SocketAuthError {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * Socket.IO middleware: lets a connection in only with a live session cookie in the handshake, and puts
 * the user on `socket.data`. The cookie is SameSite=Lax, so a handshake started by another site's page
 * arrives without it and is refused here (no cross-site WebSocket hijacking).
 */
export function createSocketAuthenticate(sessions: SessionService) {
  return (socket: AuthSocket, next: (error?: Error) => void): void => {
    const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE_NAME);
    if (token === null) {
      next(socketAuthError('unauthenticated', 'sign in first'));
      return;
    }
    sessions.authenticate(token).then(
      (found) => {
        if (!found) return next(socketAuthError('session_expired', 'your session has ended; sign in again'));
        socket.data.user = found.user;
        socket.data.sessionId = found.session.id;
        socket.data.sessionAbsoluteExpiresAt = found.session.absoluteExpiresAt;
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

/**
 * Whether the socket's user may do `permission` now: signed in, the session not past its absolute end,
 * and the role allows it. Socket handlers ask this before every command.
 */
export function socketCan(socket: AuthSocket, permission: Permission, now = Date.now()): boolean {
  const { user, sessionAbsoluteExpiresAt } = socket.data;
  if (!user || sessionAbsoluteExpiresAt === undefined || now >= sessionAbsoluteExpiresAt) return false;
  return can(user.role, permission);
}

/**
 * The refusal for a dashboard command the socket may not send now (per DASHBOARD_COMMAND_PERMISSIONS), as
 * an Ack failure starting with `forbidden:`; null when it may. Every dashboard handler asks this first.
 */
export function socketCommandRefusal(
  socket: AuthSocket,
  command: DashboardCommand,
  now = Date.now(),
): { ok: false; error: string } | null {
  const { user, sessionAbsoluteExpiresAt } = socket.data;
  if (!user || sessionAbsoluteExpiresAt === undefined || now >= sessionAbsoluteExpiresAt) {
    return { ok: false, error: 'forbidden: your session has ended; sign in again' };
  }
  const permission = DASHBOARD_COMMAND_PERMISSIONS[command];
  if (permission !== null && !can(user.role, permission)) {
    return { ok: false, error: `forbidden: the ${user.role} role may not do this (needs ${permission})` };
  }
  return null;
}

/** What the guard needs of a namespace: its sockets here, each with its auth data and a way to close it. */
export interface GuardedSocket {
  data: AuthSocketData;
  disconnect(close?: boolean): unknown;
}
export interface GuardedNamespace {
  sockets: Map<string, GuardedSocket>;
}

/**
 * Keeps live sockets in step with sessions and users: a revoked session (sign-out, user disabled, password
 * reset) closes its sockets, and a changed user (new role) is updated on them so `socketCan` sees the
 * change at once. Local to this process; with several nodes, use `fetchSockets()` through the adapter.
 */
export function createSocketSessionGuard(namespaces: readonly GuardedNamespace[]) {
  const each = (visit: (socket: GuardedSocket) => void) => {
    for (const namespace of namespaces) for (const socket of namespace.sockets.values()) visit(socket);
  };
  return {
    sessionsRevoked(sessionIds: readonly string[]): void {
      const ended = new Set(sessionIds);
      each((socket) => {
        const { sessionId } = socket.data;
        if (sessionId !== undefined && ended.has(sessionId)) socket.disconnect(true);
      });
    },
    /**
     * Closes sockets whose session reached its absolute end. A socket that only listens (the wallboard
     * room) sends no command to be refused, so this is what ends it; the app runs it every minute.
     */
    sessionsExpired(now: number): number {
      let closed = 0;
      each((socket) => {
        const end = socket.data.sessionAbsoluteExpiresAt;
        if (end !== undefined && now >= end) {
          socket.disconnect(true);
          closed += 1;
        }
      });
      return closed;
    },
    userChanged(user: User): void {
      each((socket) => {
        if (socket.data.user?.id !== user.id) return;
        if (user.disabled) socket.disconnect(true);
        else socket.data.user = user;
      });
    },
  };
}
