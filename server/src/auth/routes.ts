import {
  type AuditDetail,
  CreateIngestKeySchema,
  CreateUserSchema,
  parseWith,
  permissionsOf,
  type SessionInfo,
  SignInSchema,
  UpdateUserSchema,
  type User,
} from '@earshot/shared';
import { type ErrorRequestHandler, type Request, Router } from 'express';
import type { z } from 'zod';
import type { AuditLog } from '../audit/auditLog.js';
import { auditActorFromRequest } from '../audit/context.js';
import { sendError } from '../http/errors.js';
import { clearSessionCookie, SESSION_COOKIE_NAME, type SecureCookieSetting, sessionCookieOptions } from './cookies.js';
import { AuthRequestError } from './errors.js';
import type { IngestKeyService } from './ingestKeys.js';
import { requirePermission } from './middleware.js';
import type { SignInRateLimiter } from './rateLimiter.js';
import type { Session, SessionService } from './sessions.js';
import type { UserService } from './users.js';

export interface AuthRouterDeps {
  users: UserService;
  sessions: SessionService;
  ingestKeys: IngestKeyService;
  audit: AuditLog;
  rateLimiter: SignInRateLimiter;
  secureCookies: SecureCookieSetting;
  /** Told about every change an admin makes to a user, so live sockets can follow. */
  onUserChanged?: (user: User) => void;
  /** Told when an admin revokes an ingest key, so connections made with it can be closed. */
  onIngestKeyRevoked?: (keyId: string) => void;
}

const ROUTER_PATHS = ['/auth', '/users', '/ingest-keys'];
const MAX_ID_LENGTH = 128;

const SIGN_IN_FAILURE_REASONS = {
  unknown_user: 'unknown username',
  wrong_password: 'wrong password',
  disabled: 'account disabled',
} as const;

export function sessionInfo(user: User, session: Session): SessionInfo {
  return { user, permissions: permissionsOf(user.role), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/** Parses `input` with `schema` or throws a 400 naming what is wrong. */
function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = parseWith(schema, input, what);
  if (!parsed.ok) throw new AuthRequestError(400, parsed.error, parsed.details);
  return parsed.data;
}

/** User and key ids are UUIDs; anything outside this alphabet is refused before it reaches a query. */
const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

function idParam(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH || !ID_PATTERN.test(id))
    throw new AuthRequestError(400, 'invalid id in the path');
  return id;
}

/** What an admin changed on a user, before and after, for the audit log; never the password itself. */
function describeUserChange(before: User, after: User, passwordChanged: boolean): AuditDetail {
  const detail: AuditDetail = {};
  for (const field of ['displayName', 'role', 'agentId', 'disabled'] as const) {
    if (before[field] !== after[field]) {
      detail[field] = after[field];
      detail[`${field}Before`] = before[field];
    }
  }
  if (passwordChanged) detail.passwordChanged = true;
  return detail;
}

/**
 * Sign-in, sign-out and `me`, plus the admin's users and ingest keys. Mount on `/api`, after
 * `express.json()`, `authenticate` and `csrfProtection`. Refusals have the Ack failure shape;
 * other errors (a bad JSON body, a database failure) go on to the app's error handler.
 */
export function createAuthRouter(deps: AuthRouterDeps): Router {
  const { users, sessions, ingestKeys, audit, rateLimiter, secureCookies } = deps;
  const router = Router();
  router.use(ROUTER_PATHS, (_req, res, next) => {
    // Answers here carry CSRF tokens and once-shown secrets: no cache may keep them.
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.post('/auth/sign-in', async (req, res) => {
    const { username, password } = parseOrRefuse(SignInSchema, req.body, 'sign-in');
    const address = req.ip ?? 'unknown';
    const limit = rateLimiter.check(username, address);
    if (!limit.allowed) {
      const retryAfterS = Math.ceil(limit.retryAfterMs / 1000);
      res.set('Retry-After', String(retryAfterS));
      const minutes = Math.ceil(retryAfterS / 60);
      const whose = limit.scope === 'account' ? 'this account' : 'this address';
      return sendError(res, 429, `too many failed sign-ins for ${whose}; try again in ${minutes} min`);
    }

    const check = await users.verifyCredentials(username, password);
    const actor = { ip: address, userAgent: req.get('user-agent') ?? null };
    if (!check.ok) {
      // A right password for a disabled account is not a guess, so it does not count toward the limit.
      const nowBlocked = check.reason !== 'disabled' && rateLimiter.recordFailure(username, address);
      await audit.record({
        ...actor,
        action: 'auth.sign_in_failed',
        userId: check.user?.id ?? null,
        username: check.user?.username ?? username.toLowerCase(),
        role: check.user?.role ?? null,
        reason: SIGN_IN_FAILURE_REASONS[check.reason] + (nowBlocked ? '; further tries are refused for a while' : ''),
      });
      if (check.reason === 'disabled') return sendError(res, 403, 'this account is disabled; ask an admin');
      return sendError(res, 401, 'wrong username or password');
    }

    rateLimiter.recordSuccess(username);
    // A new sign-in always gets a new session (no fixation): one the browser still held is ended.
    if (req.session) await sessions.revoke(req.session.id);
    await sessions.purgeExpired();
    const { token, session } = await sessions.create(check.user.id, actor);
    await audit.record({
      ...actor,
      action: 'auth.sign_in',
      userId: check.user.id,
      username: check.user.username,
      role: check.user.role,
      objectId: session.id,
    });
    const lifetimeMs = session.absoluteExpiresAt - session.createdAt;
    res.cookie(SESSION_COOKIE_NAME, token, sessionCookieOptions(req, secureCookies, lifetimeMs));
    res.json(sessionInfo(check.user, session));
  });

  router.post('/auth/sign-out', async (req, res) => {
    if (req.session && req.user) {
      await sessions.revoke(req.session.id);
      await audit.record({ ...auditActorFromRequest(req), action: 'auth.sign_out', objectId: req.session.id });
    }
    clearSessionCookie(req, res, secureCookies);
    res.status(204).end();
  });

  router.get('/auth/me', (req, res) => {
    if (!req.user || !req.session) return sendError(res, 401, 'sign in first');
    res.json(sessionInfo(req.user, req.session));
  });

  router.get('/users', requirePermission('users:manage'), async (_req, res) => {
    res.json(await users.list());
  });

  router.post('/users', requirePermission('users:manage'), async (req, res) => {
    const input = parseOrRefuse(CreateUserSchema, req.body, 'user');
    const user = await users.create(input);
    await audit.record({
      ...auditActorFromRequest(req),
      action: 'user.create',
      objectId: user.id,
      detail: { createdUsername: user.username, role: user.role, agentId: user.agentId },
    });
    res.status(201).json(user);
  });

  router.patch('/users/:id', requirePermission('users:manage'), async (req, res) => {
    const id = idParam(req);
    const patch = parseOrRefuse(UpdateUserSchema, req.body, 'user change');
    const { before, after, passwordChanged } = await users.update(id, patch);
    // Disabling ends every session; a new password ends every other one (keeping the admin's own, if theirs).
    if (after.disabled && !before.disabled) await sessions.revokeAllForUser(id);
    else if (passwordChanged) await sessions.revokeAllForUser(id, req.session?.id);
    await audit.record({
      ...auditActorFromRequest(req),
      action: 'user.update',
      objectId: id,
      detail: { changedUsername: after.username, ...describeUserChange(before, after, passwordChanged) },
    });
    deps.onUserChanged?.(after);
    res.json(after);
  });

  router.get('/ingest-keys', requirePermission('ingest_keys:manage'), async (_req, res) => {
    res.json(await ingestKeys.list());
  });

  router.post('/ingest-keys', requirePermission('ingest_keys:manage'), async (req, res) => {
    const { name } = parseOrRefuse(CreateIngestKeySchema, req.body, 'ingest key');
    const created = await ingestKeys.create(name, req.user?.id ?? null);
    await audit.record({
      ...auditActorFromRequest(req),
      action: 'ingest_key.create',
      objectId: created.key.id,
      detail: { name: created.key.name, prefix: created.key.prefix },
    });
    res.status(201).json(created);
  });

  router.delete('/ingest-keys/:id', requirePermission('ingest_keys:manage'), async (req, res) => {
    const id = idParam(req);
    const key = await ingestKeys.revoke(id);
    if (!key) throw new AuthRequestError(404, `no ingest key with id ${id}`);
    await audit.record({
      ...auditActorFromRequest(req),
      action: 'ingest_key.revoke',
      objectId: key.id,
      detail: { name: key.name, prefix: key.prefix },
    });
    deps.onIngestKeyRevoked?.(key.id);
    res.json(key);
  });

  const answerRefusals: ErrorRequestHandler = (error, _req, res, next) => {
    if (error instanceof AuthRequestError) return sendError(res, error.status, error.message, error.details);
    next(error);
  };
  router.use(answerRefusals);
  return router;
}
