import type { CookieOptions, Request, Response } from 'express';

export const SESSION_COOKIE_NAME = 'earshot_session';

/**
 * Reads one cookie from a `Cookie` header (an HTTP request's or a Socket.IO handshake's). Returns the first
 * value under that name, or null. Values are not URL-decoded: ours are base64url and need none.
 */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    let value = part.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value.length > 0 ? value : null;
  }
  return null;
}

/** `auto`: Secure when the request came over HTTPS (behind a proxy, set Express's `trust proxy`). */
export type SecureCookieSetting = 'auto' | boolean;

/**
 * The session cookie: invisible to scripts (HttpOnly), sent with same-site requests and top-level
 * navigations only (SameSite=Lax, so a link into the dashboard from a mail still lands signed in while
 * cross-site forms, fetches and WebSocket handshakes arrive without it), Secure over HTTPS.
 */
export function sessionCookieOptions(req: Request, secure: SecureCookieSetting, maxAgeMs: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure === 'auto' ? req.secure : secure,
    path: '/',
    maxAge: Math.max(0, maxAgeMs),
  };
}

/** Tells the browser to drop the session cookie (same attributes, no lifetime). */
export function clearSessionCookie(req: Request, res: Response, secure: SecureCookieSetting): void {
  const { maxAge: _unused, ...options } = sessionCookieOptions(req, secure, 0);
  res.clearCookie(SESSION_COOKIE_NAME, options);
}
