/** An HTTP answer that was not a success, with the server's own sentence when it gave one. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    /** From a `Retry-After` header (seconds), e.g. on 429 after too many failed sign-ins. */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }
}

/** The request never got an answer: the server is down or the network is gone. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /**
   * A 401 here is an expected answer the caller handles itself (a wrong password, "not signed in yet"),
   * not a sign that the session ended.
   */
  unauthorizedIsAnswer?: boolean;
}

/** The header the server wants the session's CSRF token in, on every cookie-authenticated write. */
export const CSRF_HEADER = 'x-csrf-token';

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();
const forbiddenListeners = new Set<() => void>();

/** Set from the session (`GET /api/auth/me` or sign-in); cleared on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Told about every 401 nobody expected: the session ended (expired, revoked, signed out elsewhere). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

/**
 * Told about every 403: the role may have changed since the session was read (an admin changed it), so
 * the session layer reads it again and the menus follow.
 */
export function onForbidden(listener: () => void): () => void {
  forbiddenListeners.add(listener);
  return () => {
    forbiddenListeners.delete(listener);
  };
}

/** Reads a `Retry-After` header given in seconds (the only form our server sends); null otherwise. */
export function parseRetryAfterS(header: string | null): number | null {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return null;
  return Number(header.trim());
}

async function request<T>(method: string, path: string, body: unknown, options: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const raw = body instanceof Blob;
  if (raw) headers['content-type'] = body.type || 'application/octet-stream';
  else if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      signal: options.signal ?? null,
      ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError('could not reach the server; check the connection and try again');
  }
  const answer: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && !options.unauthorizedIsAnswer) {
      for (const listener of unauthorizedListeners) listener();
    }
    if (response.status === 403) for (const listener of forbiddenListeners) listener();
    const message =
      typeof answer === 'object' && answer !== null && 'error' in answer && typeof answer.error === 'string'
        ? answer.error
        : `${response.status} ${response.statusText}`;
    throw new HttpError(response.status, message, parseRetryAfterS(response.headers.get('retry-after')));
  }
  return answer as T;
}

/** GETs JSON from the API; a non-2xx answer throws HttpError carrying the server's `error` text. */
export function getJson<T>(path: string, options: AbortSignal | RequestOptions = {}): Promise<T> {
  return request<T>('GET', path, undefined, options instanceof AbortSignal ? { signal: options } : options);
}

/** Sends a write (with the CSRF token) and returns the JSON answer, or null for 204 No Content. */
export function sendJson<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  return request<T>(method, path, body, options);
}

/** POSTs raw bytes (Content-Type from the blob, with the CSRF token) and returns the JSON answer. */
export function sendBlob<T>(path: string, blob: Blob, options: RequestOptions = {}): Promise<T> {
  return request<T>('POST', path, blob, options);
}

/** A sentence for any error a request can end with, for showing next to what failed. */
export function errorMessage(error: unknown): string {
  if (error instanceof HttpError || error instanceof NetworkError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
