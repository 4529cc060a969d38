import { randomUUID } from 'node:crypto';
import type { User } from '@earshot/shared';
import type { Kysely } from 'kysely';
import type { AuthTables } from './tables.js';
import { randomToken, sha256Hex } from './tokens.js';
import { toUser } from './users.js';

/** A shift: a session nobody used for this long ends. Each use moves the end forward. */
export const SESSION_IDLE_TIMEOUT_MS = 8 * 60 * 60_000;
/** However busy, a session ends this long after sign-in, so a stolen cookie does not live for ever. */
export const SESSION_ABSOLUTE_TIMEOUT_MS = 24 * 60 * 60_000;
/** Activity is written back at most this often, so a busy dashboard does not write on every request. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export interface Session {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** The earlier of the idle and the absolute expiry. */
  expiresAt: number;
  absoluteExpiresAt: number;
}

export interface AuthenticatedSession {
  session: Session;
  user: User;
}

export interface SessionService {
  /** Starts a session; the token goes into the cookie and is never stored. */
  create(
    userId: string,
    client: { ip: string | null; userAgent: string | null },
  ): Promise<{ token: string; session: Session }>;
  /** The live session and its (enabled) user for a cookie token, or null. Moves the idle expiry forward. */
  authenticate(token: string): Promise<AuthenticatedSession | null>;
  revoke(sessionId: string): Promise<boolean>;
  /** Ends every session of a user (disabled, or password changed), optionally keeping one; returns the ids ended. */
  revokeAllForUser(userId: string, keepSessionId?: string): Promise<string[]>;
  /** Deletes expired sessions; returns how many. */
  purgeExpired(): Promise<number>;
  /** Called with the ids of revoked sessions, so live sockets of those sessions can be closed. */
  onRevoked(listener: (sessionIds: string[]) => void): () => void;
}

export interface SessionServiceOptions {
  db: Kysely<AuthTables>;
  now: () => number;
  idleTimeoutMs?: number;
  absoluteTimeoutMs?: number;
}

/** Our tokens are 32 bytes in base64url, 43 characters; anything else in the cookie is not worth a query. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createSessionService({
  db,
  now,
  idleTimeoutMs = SESSION_IDLE_TIMEOUT_MS,
  absoluteTimeoutMs = SESSION_ABSOLUTE_TIMEOUT_MS,
}: SessionServiceOptions): SessionService {
  const listeners = new Set<(sessionIds: string[]) => void>();
  const announce = (ids: string[]) => {
    if (ids.length === 0) return;
    for (const listener of listeners) listener(ids);
  };

  const describe = (row: {
    id: string;
    user_id: string;
    csrf_token: string;
    created_at: number;
    last_seen_at: number;
  }): Session => {
    const createdAt = Number(row.created_at);
    const lastSeenAt = Number(row.last_seen_at);
    const absoluteExpiresAt = createdAt + absoluteTimeoutMs;
    return {
      id: row.id,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      createdAt,
      lastSeenAt,
      absoluteExpiresAt,
      expiresAt: Math.min(lastSeenAt + idleTimeoutMs, absoluteExpiresAt),
    };
  };

  return {
    async create(userId, client) {
      const token = randomToken();
      const at = now();
      const row = {
        id: randomUUID(),
        token_hash: sha256Hex(token),
        user_id: userId,
        csrf_token: randomToken(),
        created_at: at,
        last_seen_at: at,
        ip: client.ip,
        user_agent: client.userAgent?.slice(0, 512) ?? null,
      };
      await db.insertInto('sessions').values(row).execute();
      return { token, session: describe(row) };
    },

    async authenticate(token) {
      if (!TOKEN_PATTERN.test(token)) return null;
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id',
          'sessions.user_id',
          'sessions.csrf_token',
          'sessions.created_at',
          'sessions.last_seen_at',
          'users.username',
          'users.display_name',
          'users.role',
          'users.agent_id',
          'users.disabled',
        ])
        .where('sessions.token_hash', '=', sha256Hex(token))
        .executeTakeFirst();
      if (!row) return null;
      const at = now();
      const session = describe(row);
      const user = toUser({ ...row, id: row.user_id });
      if (at >= session.expiresAt || user.disabled) {
        await db.deleteFrom('sessions').where('id', '=', session.id).execute();
        return null;
      }
      if (at - session.lastSeenAt >= SESSION_TOUCH_INTERVAL_MS) {
        await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', session.id).execute();
        return { session: describe({ ...row, last_seen_at: at }), user };
      }
      return { session, user };
    },

    async revoke(sessionId) {
      const result = await db.deleteFrom('sessions').where('id', '=', sessionId).executeTakeFirst();
      const revoked = Number(result.numDeletedRows) > 0;
      if (revoked) announce([sessionId]);
      return revoked;
    },

    async revokeAllForUser(userId, keepSessionId) {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepSessionId !== undefined) query = query.where('id', '!=', keepSessionId);
      const rows = await query.returning('id').execute();
      const ids = rows.map((row) => row.id);
      announce(ids);
      return ids;
    },

    async purgeExpired() {
      const at = now();
      const result = await db
        .deleteFrom('sessions')
        .where((eb) =>
          eb.or([eb('last_seen_at', '<=', at - idleTimeoutMs), eb('created_at', '<=', at - absoluteTimeoutMs)]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
