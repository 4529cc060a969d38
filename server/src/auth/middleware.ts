import { can, ExternalIdSchema, type Permission, parseWith, type User } from '@earshot/shared';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from '../http/errors.js';
import { clearSessionCookie, readCookie, SESSION_COOKIE_NAME, type SecureCookieSetting } from './cookies.js';
import type { Session, SessionService } from './sessions.js';
import { secretsEqual } from './tokens.js';

declare global {
  // Express's own extension point for request properties: a namespace is how its types declare them.
  namespace Express {
    interface Request {
      /** The signed-in user, set by `authenticate`; absent when the request carries no live session. */
      user?: User;
      /** The session the request's cookie belongs to, set by `authenticate`. */
      session?: Session;
    }
  }
}

/** The header a signed-in client echoes its session's CSRF token in, on every write. */
export const CSRF_HEADER = 'x-csrf-token';

/** Methods that change something; these need the CSRF token when the request rides on the cookie. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Writes that are exempt from the CSRF check. Signing in has no session yet to hold a token; it still cannot
 * be forged cross-site because it takes only `application/json`, which a cross-site form cannot send and a
 * cross-site fetch can only send after a CORS preflight the server does not grant.
 */
const CSRF_EXEMPT_PATHS = new Set(['/api/auth/sign-in']);

/**
 * Reads the session cookie and, when it names a live session of an enabled user, sets `req.user` and
 * `req.session`. Never refuses by itself: routes decide with `requirePermission`. A cookie that names no
 * live session is cleared so the browser stops sending it.
 */
export function createAuthenticate(sessions: SessionService, secureCookies: SecureCookieSetting): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE_NAME);
    if (token === null) return next();
    const found = await sessions.authenticate(token);
    if (found) {
      req.user = found.user;
      req.session = found.session;
    } else {
      clearSessionCookie(req, res, secureCookies);
    }
    next();
  };
}

/**
 * Refuses a cookie-authenticated write without the session's CSRF token in `x-csrf-token` (403). Requests
 * without a session pass through: they are not riding on a cookie, and the route's permission check
 * refuses them if they need one. Mount after `authenticate`.
 */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  if (!req.session || !UNSAFE_METHODS.has(req.method) || CSRF_EXEMPT_PATHS.has(requestPath(req))) {
    next();
    return;
  }
  const given = req.get(CSRF_HEADER);
  if (!given || !secretsEqual(req.session.csrfToken, given)) {
    sendError(
      res,
      403,
      `missing or wrong ${CSRF_HEADER} header: send the csrfToken from GET /api/auth/me with every write`,
    );
    return;
  }
  next();
}

/** The path as the client sent it, whatever the router the middleware is mounted on. */
function requestPath(req: Request): string {
  const url = req.originalUrl;
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** 401 when nobody is signed in, 403 when the signed-in role may not do `permission`. */
export function requirePermission(permission: Permission): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return sendError(res, 401, 'sign in first');
    if (!can(req.user.role, permission)) {
      return sendError(res, 403, `the ${req.user.role} role may not do this (needs ${permission})`);
    }
    next();
  };
}

/** Whether a trainer has a coaching assignment on a call (the evaluations domain answers it). */
export type CoachedCallCheck = (trainerId: string, callId: string) => Promise<boolean>;

/**
 * A call's own data (`:id` is the call): `permission`, or, for a trainer, a coaching assignment on that
 * call. Trainers review the moments handed to them with the call's history, speech and transcript, and
 * see no other call. Without `coached`, the same as `requirePermission`.
 */
export function requireCallPermission(permission: Permission, coached?: CoachedCallCheck): RequestHandler {
  const plain = requirePermission(permission);
  if (!coached) return plain;
  return async (req, res, next) => {
    const user = req.user;
    if (!user || can(user.role, permission) || !can(user.role, 'coaching:view_own')) return plain(req, res, next);
    const callId = parseWith(ExternalIdSchema, req.params.id, 'call id');
    if (!callId.ok) return sendError(res, 400, callId.error, callId.details);
    if (await coached(user.id, callId.data)) return next();
    return sendError(res, 403, `call ${callId.data} is not among your coaching assignments`);
  };
}
