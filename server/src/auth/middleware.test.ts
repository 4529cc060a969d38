import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { csrfProtection, requirePermission } from './middleware.js';
import type { Session } from './sessions.js';
import { secretsEqual } from './tokens.js';

const session: Session = {
  id: 's1',
  userId: 'u1',
  csrfToken: 'the-csrf-token-of-this-session-0123456789ab',
  createdAt: 0,
  lastSeenAt: 0,
  expiresAt: 1,
  absoluteExpiresAt: 1,
};

/** The few request fields the middleware reads, and a response that remembers what it was told. */
function exchange(req: { method: string; url?: string; csrf?: string; session?: Session; role?: 'admin' | 'agent' }) {
  const headers: Record<string, string> = req.csrf === undefined ? {} : { 'x-csrf-token': req.csrf };
  const request = {
    method: req.method,
    originalUrl: req.url ?? '/api/users?x=1',
    session: req.session,
    user: req.role && { id: 'u1', username: 'u', displayName: 'U', role: req.role, agentId: null, disabled: false },
    get: (name: string) => headers[name.toLowerCase()],
  } as unknown as Request;
  const outcome: { status?: number; body?: unknown; passed: boolean } = { passed: false };
  const response = {
    status(code: number) {
      outcome.status = code;
      return this;
    },
    json(body: unknown) {
      outcome.body = body;
      return this;
    },
  } as unknown as Response;
  const next = () => {
    outcome.passed = true;
  };
  return { request, response, outcome, next };
}

describe('csrfProtection', () => {
  it('lets a cookie-authenticated write through with the session token', () => {
    const x = exchange({ method: 'PATCH', session, csrf: session.csrfToken });
    csrfProtection(x.request, x.response, x.next);
    expect(x.outcome).toEqual({ passed: true });
  });

  it('refuses a cookie-authenticated write without the token or with another one (403)', () => {
    for (const csrf of [undefined, '', 'the-csrf-token-of-this-session-0123456789ac', 'short']) {
      const x = exchange({ method: 'POST', session, csrf });
      csrfProtection(x.request, x.response, x.next);
      expect(x.outcome).toMatchObject({ passed: false, status: 403, body: { ok: false, error: /x-csrf-token/ } });
    }
  });

  it('does not ask for a token on reads, without a session, or at sign-in', () => {
    for (const req of [
      { method: 'GET', session },
      { method: 'DELETE' },
      { method: 'POST', session, url: '/api/auth/sign-in' },
    ]) {
      const x = exchange(req);
      csrfProtection(x.request, x.response, x.next);
      expect(x.outcome.passed).toBe(true);
    }
  });

  it('does not exempt a path that merely starts like sign-in', () => {
    const x = exchange({ method: 'POST', session, url: '/api/auth/sign-in-as-someone-else' });
    csrfProtection(x.request, x.response, x.next);
    expect(x.outcome.status).toBe(403);
  });
});

describe('requirePermission', () => {
  it('answers 401 without a user, 403 for a role without the permission, and passes otherwise', () => {
    const guard = requirePermission('users:manage');
    const anonymous = exchange({ method: 'GET' });
    guard(anonymous.request, anonymous.response, anonymous.next);
    expect(anonymous.outcome).toMatchObject({ status: 401, passed: false });
    const agent = exchange({ method: 'GET', role: 'agent' });
    guard(agent.request, agent.response, agent.next);
    expect(agent.outcome).toMatchObject({ status: 403, passed: false, body: { error: /users:manage/ } });
    const admin = exchange({ method: 'GET', role: 'admin' });
    guard(admin.request, admin.response, admin.next);
    expect(admin.outcome).toEqual({ passed: true });
  });
});

describe('secretsEqual', () => {
  it('is true only for identical strings, whatever the lengths', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('abc', '')).toBe(false);
  });
});
