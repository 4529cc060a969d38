import {
  type Ack,
  type AuditPage,
  type CreatedIngestKey,
  can,
  DASHBOARD_COMMAND_PERMISSIONS,
  type DashboardCommand,
  PERMISSION_NAMES,
  type Permission,
  ROLES,
  type Role,
  type User,
} from '@earshot/shared';
import type { Router } from 'express';
import sharp from 'sharp';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectDashboard,
  type DashboardClient,
  postEvents,
  signIn,
  type TestSession,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

/*
 * The permission matrix: every role, and anonymous, against every /api route and every dashboard socket
 * action. What a caller may do is read from PERMISSIONS (shared/src/auth.ts) through `can`, so the table
 * below says only which permission each route needs. A route the server serves without a row here, or a
 * socket event it handles without one, fails the first test.
 */

type Caller = Role | 'anonymous';
const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

/** Who may call a route: a permission from the shared table, anyone, anyone signed in, or an ingest client. */
type Access = Permission | 'public' | 'signed-in' | 'ingest-key';

interface Attempt {
  path?: string;
  body?: unknown;
  /** Overrides the caller's session (routes that end the session they are called with). */
  session?: TestSession | null;
}

interface RouteRow {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As the router declares it, below /api. */
  route: string;
  access: Access;
  /** The status of an allowed call. */
  ok: number;
  /** A fresh request for one caller; default: the route itself with no body. */
  attempt?: (caller: Caller) => Promise<Attempt>;
}

describe.each(TEST_STORE_KINDS)('permission matrix (%s store)', (kind) => {
  let server: TestServer;
  const sessions = new Map<Role, TestSession>();
  let admin: TestSession;
  let patchTarget: User;
  let screenshotId: string;
  let nextId = 0;
  const f = new EventFactory(`perm-${kind}`);

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' } });
    for (const role of ROLES) sessions.set(role, await signIn(server.url, role));
    admin = sessions.get('admin')!;
    const created = await apiRequest<User>(`${server.url}/api/users`, {
      method: 'POST',
      session: admin,
      body: { username: 'patch-target', displayName: 'Patch target', role: 'agent', password: 'a long passphrase 1' },
    });
    expect(created.status).toBe(201);
    patchTarget = created.body;
    const t = Date.now();
    const seeded = await postEvents(server.url, server.ingestKey, [
      f.offered('perm-call', t),
      f.answered('perm-call', t),
    ]);
    expect(seeded.status).toBe(200);
    const image = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const uploaded = await fetch(`${server.url}/api/screens?callId=perm-call&capturedAt=${t}&agentId=agent-1`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-earshot-ingest-key': server.ingestKey },
      body: new Uint8Array(image),
    });
    expect(uploaded.status).toBe(201);
    screenshotId = ((await uploaded.json()) as { screenshot: { id: string } }).screenshot.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const unique = (prefix: string) => `${prefix}-${kind}-${++nextId}`;

  const ROUTES: RouteRow[] = [
    { method: 'POST', route: '/ingest/events', access: 'ingest-key', ok: 200 },
    {
      method: 'POST',
      route: '/auth/sign-in',
      access: 'public',
      ok: 200,
      attempt: async () => ({ body: server.users.trainer, session: null }),
    },
    {
      method: 'POST',
      route: '/auth/sign-out',
      access: 'public',
      ok: 204,
      // A session of its own, so signing out does not end the one the rest of the matrix uses.
      attempt: async (caller) => ({ session: caller === 'anonymous' ? null : await signIn(server.url, caller) }),
    },
    { method: 'GET', route: '/auth/me', access: 'signed-in', ok: 200 },
    { method: 'GET', route: '/users', access: 'users:manage', ok: 200 },
    {
      method: 'POST',
      route: '/users',
      access: 'users:manage',
      ok: 201,
      attempt: async () => ({
        body: { username: unique('user'), displayName: 'Matrix', role: 'trainer', password: 'matrix passphrase 42' },
      }),
    },
    {
      method: 'PATCH',
      route: '/users/:id',
      access: 'users:manage',
      ok: 200,
      attempt: async () => ({ path: `/api/users/${patchTarget.id}`, body: { displayName: unique('name') } }),
    },
    { method: 'GET', route: '/ingest-keys', access: 'ingest_keys:manage', ok: 200 },
    {
      method: 'POST',
      route: '/ingest-keys',
      access: 'ingest_keys:manage',
      ok: 201,
      attempt: async () => ({ body: { name: unique('key') } }),
    },
    {
      method: 'DELETE',
      route: '/ingest-keys/:id',
      access: 'ingest_keys:manage',
      ok: 200,
      attempt: async () => {
        const created = await apiRequest<CreatedIngestKey>(`${server.url}/api/ingest-keys`, {
          method: 'POST',
          session: admin,
          body: { name: unique('doomed') },
        });
        return { path: `/api/ingest-keys/${created.body.key.id}` };
      },
    },
    { method: 'GET', route: '/audit', access: 'audit:view', ok: 200 },
    { method: 'GET', route: '/audit/export', access: 'audit:view', ok: 200 },
    { method: 'GET', route: '/calls', access: 'calls:view', ok: 200 },
    {
      method: 'GET',
      route: '/calls/:id',
      access: 'calls:view',
      ok: 200,
      attempt: async () => ({ path: '/api/calls/perm-call' }),
    },
    { method: 'GET', route: '/settings', access: 'wallboard:view', ok: 200 },
    // An allowed caller (an agent) gets past the permission check to the query check; the full upload, and
    // uploads with an ingest key, are in screens.test.ts.
    { method: 'POST', route: '/screens', access: 'screens:upload', ok: 400 },
    {
      method: 'GET',
      route: '/screens/:id',
      access: 'screens:view',
      ok: 200,
      attempt: async () => ({ path: `/api/screens/${screenshotId}` }),
    },
    {
      method: 'GET',
      route: '/screens/:id/thumb',
      access: 'screens:view',
      ok: 200,
      attempt: async () => ({ path: `/api/screens/${screenshotId}/thumb` }),
    },
    {
      method: 'GET',
      route: '/calls/:id/screens',
      access: 'screens:view',
      ok: 200,
      attempt: async () => ({ path: '/api/calls/perm-call/screens' }),
    },
    {
      method: 'PUT',
      route: '/settings',
      access: 'settings:manage',
      ok: 200,
      attempt: async () => ({ body: { longCallAmberMs: 480_000, longCallRedMs: 900_000, retentionDays: 90 } }),
    },
  ];

  /** A command's arguments for the matrix; typed over every command, so a new one needs a row to compile. */
  const SOCKET_ACTIONS: Record<DashboardCommand, { payload?: unknown; acks: boolean }> = {
    'wallboard:join': { acks: true },
    'wallboard:leave': { acks: false },
    'call:watch': { payload: { callId: 'perm-call' }, acks: true },
    'call:unwatch': { payload: { callId: 'perm-call' }, acks: false },
    'screens:watch': { payload: { callIds: ['perm-call'] }, acks: true },
    'capture:join': { acks: true },
  };

  function expectedStatus(row: RouteRow, caller: Caller): number {
    if (row.access === 'public') return row.ok;
    // Neither a session nor its role opens the ingest endpoint: only a key does.
    if (row.access === 'ingest-key') return 401;
    if (caller === 'anonymous') return 401;
    if (row.access === 'signed-in') return row.ok;
    return can(caller, row.access) ? row.ok : 403;
  }

  it('has a row for every /api route the server serves and for every dashboard event it handles', async () => {
    const served = listRoutes(server.app.apiRouter);
    const rows = ROUTES.map((row) => `${row.method} ${row.route}`);
    expect(served.sort()).toEqual([...rows].sort());
    // Every permission a row names is one of the shared table's.
    for (const row of ROUTES) {
      if (!['public', 'signed-in', 'ingest-key'].includes(row.access)) {
        expect(PERMISSION_NAMES).toContain(row.access);
      }
    }

    const client = await connectDashboard(server.url, sessions.get('controller')!);
    const serverSocket = server.app.io.of('/').sockets.get(client.id ?? '');
    expect(serverSocket).toBeDefined();
    // Socket.IO listens to 'error' itself; a client cannot send the reserved names.
    const reserved = new Set(['error', 'disconnect', 'disconnecting']);
    const handled = serverSocket!
      .eventNames()
      .map(String)
      .filter((name) => !reserved.has(name));
    expect(handled.sort()).toEqual(Object.keys(DASHBOARD_COMMAND_PERMISSIONS).sort());
    expect(Object.keys(SOCKET_ACTIONS).sort()).toEqual(Object.keys(DASHBOARD_COMMAND_PERMISSIONS).sort());
    client.disconnect();
  });

  it('answers every route for every caller: allowed ones succeed, the rest get 401 or 403 with a reason', async () => {
    const outcomes: { call: string; status: number }[] = [];
    const wanted: { call: string; status: number }[] = [];
    for (const row of ROUTES) {
      for (const caller of CALLERS) {
        const attempt = (await row.attempt?.(caller)) ?? {};
        const session =
          attempt.session !== undefined ? attempt.session : caller === 'anonymous' ? null : sessions.get(caller);
        const response = await apiRequest<{ ok?: boolean; error?: string }>(
          `${server.url}${attempt.path ?? `/api${row.route}`}`,
          {
            method: row.method,
            session: session ?? null,
            ...(attempt.body === undefined ? {} : { body: attempt.body }),
          },
        );
        const call = `${caller} ${row.method} ${row.route}`;
        outcomes.push({ call, status: response.status });
        wanted.push({ call, status: expectedStatus(row, caller) });
        if (response.status === 401 || response.status === 403) {
          expect(response.body, call).toEqual({ ok: false, error: expect.any(String) });
        }
      }
    }
    expect(outcomes).toEqual(wanted);
  });

  it('opens the ingest endpoint to an ingest key alone', async () => {
    const event = f.offered(unique('ingest'), Date.now());
    expect((await postEvents(server.url, server.ingestKey, event)).status).toBe(200);
    const ended = f.ended(event.callId, event.at + 1, 'abandoned');
    expect((await postEvents(server.url, server.ingestKey, ended)).status).toBe(200);
  });

  it('refuses a dashboard socket without a session at connect, and checks every command against the role', async () => {
    await expect(connectDashboard(server.url, null)).rejects.toMatchObject({
      message: 'sign in first',
      data: { code: 'unauthenticated' },
    });
    await expect(
      connectDashboard(server.url, { ...sessions.get('controller')!, cookie: `earshot_session=${'x'.repeat(43)}` }),
    ).rejects.toMatchObject({ message: /session has ended/, data: { code: 'session_expired' } });

    for (const role of ROLES) {
      const client: DashboardClient = await connectDashboard(server.url, sessions.get(role)!);
      for (const [command, action] of Object.entries(SOCKET_ACTIONS) as [
        DashboardCommand,
        (typeof SOCKET_ACTIONS)[DashboardCommand],
      ][]) {
        const permission = DASHBOARD_COMMAND_PERMISSIONS[command];
        const allowed = permission === null || can(role, permission);
        const loose = client as unknown as LooseSocket;
        if (!action.acks) {
          // Fire-and-forget commands have no answer; they must not cost the socket its connection.
          loose.emit(command, action.payload);
          continue;
        }
        const args = action.payload === undefined ? [] : [action.payload];
        const answer = await loose.timeout(5_000).emitWithAck(command, ...args);
        if (allowed) {
          expect({ role, command, ok: answer.ok }).toEqual({ role, command, ok: true });
        } else {
          expect({ role, command, answer }).toEqual({
            role,
            command,
            answer: { ok: false, error: `forbidden: the ${role} role may not do this (needs ${permission})` },
          });
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect({ role, connected: client.connected }).toEqual({ role, connected: true });
      client.disconnect();
    }
  });

  it('keeps /healthz public and minimal', async () => {
    const response = await apiRequest<Record<string, unknown>>(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['liveCalls', 'status', 'store', 'uptimeS']);
  });

  it('sends security headers, needs the CSRF token on cookie writes, and caps bodies on every route', async () => {
    const api = await apiRequest(`${server.url}/api/calls`, { session: sessions.get('controller')! });
    const csp = api.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('x-frame-options')).toBe('DENY');
    expect(api.headers.get('referrer-policy')).toBe('no-referrer');
    expect(api.headers.get('x-powered-by')).toBeNull();

    const settings = { longCallAmberMs: 480_000, longCallRedMs: 900_000, retentionDays: 90 };
    const withoutToken = await apiRequest(`${server.url}/api/settings`, {
      method: 'PUT',
      session: admin,
      body: settings,
      csrf: false,
    });
    expect(withoutToken).toMatchObject({ status: 403, body: { ok: false, error: /x-csrf-token/ } });

    const huge = JSON.stringify({ ...settings, padding: 'x'.repeat(70_000) });
    for (const [method, path] of [
      ['PUT', '/api/settings'],
      ['POST', '/api/auth/sign-in'],
      ['POST', '/api/users'],
      ['POST', '/wallboard'],
      ['DELETE', '/api/ingest-keys/some-key'],
    ] as const) {
      const response = await apiRequest(`${server.url}${path}`, { method, session: admin, rawBody: huge });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 413 });
    }
    // Chunked, with no Content-Length to refuse up front: the body parser counts and stops at the limit.
    const chunked = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob([huge]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('refuses a Socket.IO handshake from a page of another origin, even with a valid cookie', async () => {
    const socket = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: sessions.get('controller')!.cookie, origin: 'http://localhost:1' },
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', () => resolve('refused'));
    });
    socket.disconnect();
    expect(outcome).toBe('refused');
    const sameOrigin = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: sessions.get('controller')!.cookie, origin: server.url },
    });
    await new Promise<void>((resolve, reject) => {
      sameOrigin.once('connect', () => resolve());
      sameOrigin.once('connect_error', reject);
    });
    sameOrigin.disconnect();
  });

  it('records the matrix in the audit log where it should: admin actions, failed and good sign-ins', async () => {
    const page = await apiRequest<AuditPage>(`${server.url}/api/audit?limit=500`, { session: admin });
    const actions = new Set(page.body.items.map((entry) => entry.action));
    for (const action of ['auth.sign_in', 'auth.sign_out', 'user.create', 'user.update', 'ingest_key.revoke']) {
      expect(actions).toContain(action);
    }
  });
});

/** A socket as an untyped client sees it, to send each command by name from the table. */
interface LooseSocket {
  emit(event: string, ...args: unknown[]): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<unknown>> };
}

/** `METHOD /path` of every route in an Express router, walking routers mounted inside it. */
function listRoutes(router: Router, prefix = ''): string[] {
  const routes: string[] = [];
  // Express keeps its stack untyped; these are the fields its Layer and Route objects carry.
  const stack = (router as unknown as { stack: StackLayer[] }).stack;
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) {
        routes.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      }
    } else if (layer.handle && 'stack' in layer.handle) {
      const mountedAt = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      routes.push(...listRoutes(layer.handle as unknown as Router, `${prefix}${mountedAt}`));
    }
  }
  return routes;
}

interface StackLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: object;
  rawPath?: unknown;
}
