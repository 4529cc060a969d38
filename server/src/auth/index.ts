import type { User } from '@earshot/shared';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/auditLog.js';
import type { AuditTables } from '../audit/tables.js';
import type { Clock } from '../clock.js';
import { type BootstrapOptions, type BootstrapResult, ensureBootstrapUsers } from './bootstrap.js';
import type { SecureCookieSetting } from './cookies.js';
import { createIngestKeyService, type IngestKeyService, type VerifiedIngestKey } from './ingestKeys.js';
import { createAuthenticate, csrfProtection } from './middleware.js';
import { SignInRateLimiter, type SignInRateLimiterOptions } from './rateLimiter.js';
import { createAuthRouter } from './routes.js';
import { createSessionService, type SessionService } from './sessions.js';
import { createSocketAuthenticate, createSocketSessionGuard, type GuardedNamespace } from './socket.js';
import { type AuthTables, authDb } from './tables.js';
import { createUserService, type UserService } from './users.js';

export { requirePermission } from './middleware.js';

/** How often live sockets are checked against their session's absolute end. */
export const SOCKET_EXPIRY_SWEEP_INTERVAL_MS = 60_000;
export { socketCan } from './socket.js';

export interface AuthOptions<D extends AuthTables & AuditTables> {
  db: Kysely<D>;
  audit: AuditLog;
  /** The app's clock; tests move it to expire sessions. */
  clock?: Clock;
  /** `auto` (default): Secure cookies when the request came over HTTPS. */
  secureCookies?: SecureCookieSetting;
  sessionIdleTimeoutMs?: number;
  sessionAbsoluteTimeoutMs?: number;
  rateLimits?: Omit<SignInRateLimiterOptions, 'now'>;
}

/** Everything auth offers the app, built from one database handle and the audit log. */
export function createAuth<D extends AuthTables & AuditTables>(options: AuthOptions<D>) {
  const db = authDb(options.db);
  const clock = options.clock ?? { now: () => Date.now() };
  const now = () => clock.now();
  const secureCookies = options.secureCookies ?? 'auto';
  const users: UserService = createUserService({ db, now });
  const sessions: SessionService = createSessionService({
    db,
    now,
    idleTimeoutMs: options.sessionIdleTimeoutMs,
    absoluteTimeoutMs: options.sessionAbsoluteTimeoutMs,
  });
  const ingestKeys: IngestKeyService = createIngestKeyService({ db, now });
  const rateLimiter = new SignInRateLimiter({ ...options.rateLimits, now });
  const userListeners = new Set<(user: User) => void>();
  const revokedKeyListeners = new Set<(keyId: string) => void>();

  return {
    users,
    sessions,
    ingestKeys,
    rateLimiter,
    /** Express: sets `req.user`/`req.session` from the cookie. Mount on `/api` before every API router. */
    authenticate: createAuthenticate(sessions, secureCookies),
    /** Express: refuses cookie-authenticated writes without the CSRF header. Mount right after `authenticate`. */
    csrfProtection,
    router: createAuthRouter({
      users,
      sessions,
      ingestKeys,
      audit: options.audit,
      rateLimiter,
      secureCookies,
      onUserChanged: (user) => {
        for (const listener of userListeners) listener(user);
      },
      onIngestKeyRevoked: (keyId) => {
        for (const listener of revokedKeyListeners) listener(keyId);
      },
    }),
    /** Socket.IO: `io.use(auth.socketAuthenticate)` on the dashboard namespace (not on /ingest). */
    socketAuthenticate: createSocketAuthenticate(sessions),
    /** Closes sockets of revoked sessions and updates changed users on live sockets of these namespaces. */
    attachSocketNamespaces(namespaces: readonly GuardedNamespace[]): () => void {
      const guard = createSocketSessionGuard(namespaces);
      const stopRevoked = sessions.onRevoked(guard.sessionsRevoked);
      userListeners.add(guard.userChanged);
      const sweep = setInterval(() => guard.sessionsExpired(now()), SOCKET_EXPIRY_SWEEP_INTERVAL_MS);
      sweep.unref();
      return () => {
        clearInterval(sweep);
        stopRevoked();
        userListeners.delete(guard.userChanged);
      };
    },
    /** Closes sockets of these namespaces whose session reached its absolute end (also run every minute). */
    closeExpiredSockets(namespaces: readonly GuardedNamespace[]): number {
      return createSocketSessionGuard(namespaces).sessionsExpired(now());
    },
    /** Calls `listener` after every change an admin makes to a user (after live sockets were updated). */
    onUserChanged(listener: (user: User) => void): () => void {
      userListeners.add(listener);
      return () => {
        userListeners.delete(listener);
      };
    },
    /** Calls `listener` with the id of each ingest key an admin revokes. */
    onIngestKeyRevoked(listener: (keyId: string) => void): () => void {
      revokedKeyListeners.add(listener);
      return () => {
        revokedKeyListeners.delete(listener);
      };
    },
    /** For the ingest path: the key's id and name when it is a live key made by an admin, else null. */
    verifyIngestKey(key: string): Promise<VerifiedIngestKey | null> {
      return ingestKeys.verify(key);
    },
    ensureBootstrapUsers(bootstrap: Omit<BootstrapOptions, 'users'>): Promise<BootstrapResult> {
      return ensureBootstrapUsers({ ...bootstrap, users });
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
