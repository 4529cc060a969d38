import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { sendError } from './errors.js';

/** Random bytes in a response's CSP nonce (128 bits, as CSP3 asks for at least). */
const CSP_NONCE_BYTES = 16;

/**
 * The response's Content-Security-Policy nonce, made fresh for each response by securityHeaders in
 * production: the built dashboard's index.html carries it (frontend.ts) for the inline <style> that
 * wavesurfer.js puts in its shadow DOM. Undefined in development, whose policy allows inline styles.
 */
export function cspNonceOf(res: Response | ServerResponse): string | undefined {
  const locals: Record<string, unknown> | undefined = (res as Response).locals;
  const nonce = locals?.cspNonce;
  return typeof nonce === 'string' ? nonce : undefined;
}

/**
 * The Content-Security-Policy the built dashboard works with (checked in headless Chromium: no violations;
 * tests/browser/review.test.ts fails on one). Scripts, styles, fonts and connections come from this origin
 * only; Socket.IO's WebSocket is same-origin, which `connect-src 'self'` covers. React and recharts set
 * styles through the CSSOM (`element.style`), which CSP does not restrict, so no `'unsafe-inline'` is
 * needed. The one inline <style> (wavesurfer.js's, in its shadow DOM on the review page) is admitted by the
 * response's nonce. `data:` images: the favicon is inline. No `upgrade-insecure-requests`: the demo runs on
 * plain http (behind TLS, HSTS does that job).
 */
const PRODUCTION_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", (_req: IncomingMessage, res: ServerResponse) => `'nonce-${cspNonceOf(res) ?? ''}'`],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
  'upgrade-insecure-requests': null,
};

/**
 * `npm run dev` (Vite in middleware mode) needs more: Vite injects an inline module script (React Refresh's
 * preamble), adds CSS as inline <style> elements, and opens its hot-reload WebSocket. Development only.
 * No nonce here: a nonce in `style-src` would make browsers ignore its `'unsafe-inline'`.
 */
const DEVELOPMENT_CSP = {
  ...PRODUCTION_CSP,
  'script-src': ["'self'", "'unsafe-inline'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'connect-src': ["'self'", 'ws:', 'wss:'],
};

/**
 * helmet's headers (CSP, nosniff, frame denial, referrer policy, HSTS, CORP/COOP) for every response; in
 * production each response gets its own CSP nonce (cspNonceOf).
 */
export function securityHeaders(mode: 'production' | 'development'): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: mode === 'production' ? PRODUCTION_CSP : DEVELOPMENT_CSP,
    },
    // The app's answers never need to be readable from other origins' pages.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    // Nobody frames the dashboard, not even itself (as frame-ancestors 'none' says to newer browsers).
    frameguard: { action: 'deny' },
  });
  if (mode === 'development') return headers;
  return (req, res, next) => {
    res.locals.cspNonce = randomBytes(CSP_NONCE_BYTES).toString('base64');
    headers(req, res, next);
  };
}

/**
 * Refuses a request whose declared body (Content-Length) exceeds the route's limit with 413 before a byte
 * of it is read. Body parsers enforce the same limits on what they read (chunked bodies included); this
 * covers every route, including those that parse nothing.
 */
export function limitRequestBodies(limitFor: (req: Request) => number): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared === undefined) return next();
    const length = Number(declared);
    const limit = limitFor(req);
    if (!Number.isSafeInteger(length) || length < 0) return sendError(res, 400, 'invalid Content-Length header');
    if (length > limit) {
      // The client may still be sending: close once answered rather than read the rest.
      res.set('Connection', 'close');
      return sendError(res, 413, `request body is too large: the limit is ${limit} bytes`);
    }
    next();
  };
}

/**
 * For Socket.IO handshakes: a request from a browser page carries `Origin`, which must name this server
 * (its Host, or X-Forwarded-Host behind a trusted proxy). Clients that are not browsers (ingest adapters,
 * the simulator, tests) send no Origin and are judged by their key or cookie alone.
 */
export function isSameOriginRequest(req: IncomingMessage, trustProxy: boolean | number | string): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const hosts = [req.headers.host];
  const forwarded = req.headers['x-forwarded-host'];
  if (trustProxy !== false && typeof forwarded === 'string') hosts.push(forwarded.split(',')[0]?.trim());
  return hosts.some((host) => host !== undefined && host.toLowerCase() === originHost.toLowerCase());
}

/** Nesting deeper than this is not walked further (JSON bodies are capped in size anyway). */
const MAX_NUL_SCAN_DEPTH = 32;

/**
 * Where in `value` a string holds a NUL character (`body.username`, `query.agentId`), or null. PostgreSQL
 * refuses NUL in text, so such input would otherwise fail deep in the store instead of at the door; no
 * legitimate Earshot input contains one.
 */
export function findNulCharacter(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > MAX_NUL_SCAN_DEPTH) return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}.(key)`;
    const found = findNulCharacter(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** 400 for a request whose path, query or parsed body carries a NUL character or a broken %-encoding. */
export const refuseNulCharacters: RequestHandler = (req, res, next) => {
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(req.path);
  } catch {
    return sendError(res, 400, 'the path holds an invalid %-encoding');
  }
  const where = decodedPath.includes('\u0000')
    ? 'path'
    : (findNulCharacter(req.query, 'query') ?? findNulCharacter(req.body, 'body'));
  if (where) return sendError(res, 400, `text may not contain NUL characters (in ${where})`);
  next();
};
