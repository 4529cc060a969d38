import type {
  Ack,
  Call,
  ClientToServerEvents,
  IngestClientToServerEvents,
  IngestEvent,
  IngestServerToClientEvents,
  Role,
  ServerToClientEvents,
  SessionInfo,
  User,
  WallboardDelta,
  WallboardSnapshot,
} from '@earshot/shared';
import { INGEST_NAMESPACE } from '@earshot/shared';
import { io, type Socket } from 'socket.io-client';
import { credentialsFor, type TestCredentials } from './testServer.js';

export type DashboardClient = Socket<ServerToClientEvents, ClientToServerEvents>;
export type IngestClient = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;

const CONNECT_TIMEOUT_MS = 5_000;

function waitForConnect(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not connect in time')), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A signed-in user as a test holds it: the cookie to send, the CSRF token for writes, and who it is. */
export interface TestSession {
  /** `earshot_session=<token>`, ready for a `Cookie` header. */
  cookie: string;
  csrfToken: string;
  user: User;
  info: SessionInfo;
}

/**
 * Signs in through `POST /api/auth/sign-in` as one of the demo accounts of the test server at `url`
 * (startTestServer made them) or with explicit credentials; throws with the server's answer on failure.
 */
export async function signIn(url: string, who: Role | TestCredentials): Promise<TestSession> {
  const credentials = typeof who === 'string' ? credentialsFor(url, who) : who;
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: credentials.username, password: credentials.password }),
  });
  if (response.status !== 200) {
    throw new Error(`sign-in as ${credentials.username} failed: ${response.status} ${await response.text()}`);
  }
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('earshot_session='));
  if (!setCookie) throw new Error('sign-in answered 200 without a session cookie');
  const info = (await response.json()) as SessionInfo;
  return { cookie: setCookie.split(';')[0] ?? '', csrfToken: info.csrfToken, user: info.user, info };
}

/**
 * A dashboard connection to "/" (WebSocket only, no reconnection: tests reconnect on purpose), sending
 * the session's cookie. Without a session it signs in as the demo controller first; `null` connects
 * anonymously (which the server refuses: the promise rejects with the connect_error).
 */
export async function connectDashboard(url: string, session?: TestSession | null): Promise<DashboardClient> {
  const signedIn = session === undefined ? await signIn(url, 'controller') : session;
  const socket: DashboardClient = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(signedIn ? { extraHeaders: { cookie: signedIn.cookie } } : {}),
  });
  try {
    await waitForConnect(socket);
  } catch (error) {
    socket.disconnect();
    throw error;
  }
  return socket;
}

/** An ingest connection to INGEST_NAMESPACE with `key`; rejects with the server's reason when refused. */
export async function connectIngest(url: string, key: string): Promise<IngestClient> {
  const socket: IngestClient = io(`${url}${INGEST_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { key },
  });
  await waitForConnect(socket);
  return socket;
}

export async function joinWallboard(client: DashboardClient): Promise<WallboardSnapshot> {
  const result: Ack<WallboardSnapshot> = await client.timeout(5_000).emitWithAck('wallboard:join');
  if (!result.ok) throw new Error(`wallboard:join refused: ${result.error}`);
  return result.data;
}

/** Posts events to the HTTP ingest endpoint; returns status and parsed body. */
export async function postEvents(
  url: string,
  key: string | undefined,
  body: IngestEvent | IngestEvent[] | unknown,
  init: { rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/api/ingest/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'x-earshot-ingest-key': key }),
      ...init.headers,
    },
    body: init.rawBody ?? JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** GETs JSON, as the session's user when one is given (anonymously otherwise). */
export async function getJson<T = unknown>(url: string, session?: TestSession): Promise<{ status: number; body: T }> {
  const response = await fetch(url, session ? { headers: { cookie: session.cookie } } : {});
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * Any API request as the session's user: JSON body, cookie and CSRF token (unless `csrf: false`). The body
 * is parsed as JSON when the answer says it is JSON, else returned as text.
 */
export async function apiRequest<T = unknown>(
  url: string,
  options: {
    method?: string;
    session?: TestSession | null;
    body?: unknown;
    rawBody?: string;
    csrf?: boolean;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] = 'application/json';
  if (options.session) {
    headers.cookie = options.session.cookie;
    if (options.csrf !== false) headers['x-csrf-token'] = options.session.csrfToken;
  }
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: { ...headers, ...options.headers },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  const body = response.headers.get('content-type')?.includes('json') && text.length > 0 ? JSON.parse(text) : text;
  return { status: response.status, body: body as T, headers: response.headers };
}

/**
 * A wallboard as a browser keeps it: starts from a snapshot, applies each delta only when its seq is the
 * next one, and records every delta it saw. `gaps` counts deltas that did not follow on.
 */
export class WallboardMirror {
  readonly calls = new Map<string, Call>();
  readonly deltas: WallboardDelta[] = [];
  seq = -1;
  gaps = 0;
  stats: WallboardSnapshot['stats'] | undefined;
  private waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  constructor(readonly client: DashboardClient) {
    client.on('wallboard:delta', (delta) => {
      this.deltas.push(delta);
      if (this.seq < 0) return; // not joined yet
      if (delta.seq !== this.seq + 1) {
        this.gaps += 1;
        return;
      }
      this.seq = delta.seq;
      for (const call of delta.upserts) this.calls.set(call.id, call);
      for (const id of delta.removed) this.calls.delete(id);
      this.stats = delta.stats;
      this.notify();
    });
  }

  async join(): Promise<WallboardSnapshot> {
    const snapshot = await joinWallboard(this.client);
    this.calls.clear();
    for (const call of snapshot.calls) this.calls.set(call.id, call);
    this.seq = snapshot.seq;
    this.stats = snapshot.stats;
    this.notify();
    return snapshot;
  }

  sortedCalls(): Call[] {
    return [...this.calls.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Resolves once `predicate` holds (checked after each applied delta), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 3_000, what = 'the wallboard state'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.predicate());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

export const sortById = (calls: Call[]): Call[] => [...calls].sort((a, b) => a.id.localeCompare(b.id));
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
