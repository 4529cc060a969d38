import {
  type Ack,
  type AuditPage,
  type CreatedIngestKey,
  can,
  DASHBOARD_COMMAND_PERMISSIONS,
  type DashboardCommand,
  DEFAULT_SCORECARD,
  DEFAULT_SCORECARD_ID,
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
  /** Roles that hold the permission but an object-level rule refuses here (403). */
  refusedFor?: Role[];
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
    // Finished recordings to play (the recorder takes frames for any call id; the audio hub checks calls):
    // one of a call no trainer coaches, one of the call the demo trainer gets a coaching assignment on.
    const frame = new Int16Array(160);
    for (const callId of ['perm-rec', 'perm-ended']) {
      server.app.recordings.pushCallAudio(callId, 0, { agent: frame, caller: frame }, t, 'pcmu');
      await server.app.recordings.finish(callId, t + 20);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  const unique = (prefix: string) => `${prefix}-${kind}-${++nextId}`;

  /** An ended call, a draft on it by the demo controller (complete answers), and so on: see evaluations.test.ts. */
  const evaluationBody = { callId: 'perm-ended', scorecardId: DEFAULT_SCORECARD_ID, scorecardVersion: 1 };
  const completeAnswers = Object.fromEntries(
    DEFAULT_SCORECARD.sections.flatMap((s) => s.questions.map((q) => [q.id, q.answer.kind === 'scale' ? 1 : 'no'])),
  );
  let endedCall: Promise<void> | undefined;
  async function newDraft(): Promise<{ id: string; moments: { id: string }[] }> {
    endedCall ??= postEvents(server.url, server.ingestKey, [
      f.offered('perm-ended', Date.now() - 120_000),
      f.answered('perm-ended', Date.now() - 110_000),
      f.ended('perm-ended', Date.now() - 10_000, 'caller_hangup'),
    ]).then(() => undefined);
    await endedCall;
    const body = { ...evaluationBody, answers: completeAnswers, moments: [{ atMs: 1_000, text: 'here' }] };
    const created = await apiRequest<Ack<{ id: string; moments: { id: string }[] }>>(`${server.url}/api/evaluations`, {
      method: 'POST',
      session: sessions.get('controller')!,
      body,
    });
    if (!created.body.ok) throw new Error(created.body.error);
    return created.body.data;
  }
  let submitted: Promise<{ id: string; moments: { id: string }[] }> | undefined;
  function submittedEvaluation() {
    submitted ??= newDraft().then(async (draft) => {
      const path = `${server.url}/api/evaluations/${draft.id}/submit`;
      await apiRequest(path, { method: 'POST', session: sessions.get('controller')! });
      return draft;
    });
    return submitted;
  }
  let trainerCoaching: Promise<string> | undefined;
  /**
   * A recording route: a trainer asks for the call they coach (they hear only those); everyone else for a
   * call without coaching.
   */
  const recordingAttempt =
    (suffix: string) =>
    async (caller: Caller): Promise<Attempt> => {
      if (caller !== 'trainer') return { path: `/api/recordings/perm-rec${suffix}` };
      trainerCoaching ??= newCoaching();
      await trainerCoaching;
      return { path: `/api/recordings/perm-ended${suffix}` };
    };
  async function newCoaching(): Promise<string> {
    const evaluation = await submittedEvaluation();
    const created = await apiRequest<Ack<{ id: string }>>(`${server.url}/api/evaluations/${evaluation.id}/coaching`, {
      method: 'POST',
      session: sessions.get('controller')!,
      body: { trainerId: sessions.get('trainer')!.user.id, momentIds: [evaluation.moments[0]!.id] },
    });
    if (!created.body.ok) throw new Error(created.body.error);
    return created.body.data.id;
  }

  const ROUTES: RouteRow[] = [
    { method: 'POST', route: '/ingest/events', access: 'ingest-key', ok: 200 },
    { method: 'POST', route: '/ingest/transcripts', access: 'ingest-key', ok: 200 },
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
    {
      method: 'GET',
      route: '/calls/:id/transcript',
      access: 'calls:view',
      ok: 200,
      attempt: async () => ({ path: '/api/calls/perm-call/transcript' }),
    },
    {
      method: 'GET',
      route: '/calls/:id/speech',
      access: 'calls:view',
      ok: 200,
      attempt: async () => ({ path: '/api/calls/perm-call/speech' }),
    },
    {
      method: 'GET',
      route: '/search',
      access: 'calls:view',
      ok: 200,
      attempt: async () => ({ path: '/api/search?q=%22perm%22+call*' }),
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
      method: 'GET',
      route: '/recordings/:callId',
      access: 'recordings:play',
      ok: 200,
      attempt: recordingAttempt(''),
    },
    {
      method: 'GET',
      route: '/recordings/:callId/audio',
      access: 'recordings:play',
      ok: 200,
      attempt: recordingAttempt('/audio'),
    },
    {
      method: 'GET',
      route: '/recordings/:callId/peaks',
      access: 'recordings:play',
      ok: 200,
      attempt: recordingAttempt('/peaks'),
    },
    // Trainers browse recordings through their coaching queue, not the list.
    { method: 'GET', route: '/recordings', access: 'recordings:play', ok: 200, refusedFor: ['trainer'] },
    { method: 'GET', route: '/scorecards', access: 'evaluations:view', ok: 200 },
    {
      method: 'GET',
      route: '/scorecards/:id',
      access: 'evaluations:view',
      ok: 200,
      attempt: async () => ({ path: `/api/scorecards/${DEFAULT_SCORECARD_ID}` }),
    },
    {
      method: 'POST',
      route: '/scorecards',
      access: 'settings:manage',
      ok: 201,
      attempt: async () => ({ body: { ...DEFAULT_SCORECARD, name: unique('card') } }),
    },
    {
      method: 'PUT',
      route: '/scorecards/:id',
      access: 'settings:manage',
      ok: 200,
      attempt: async () => ({ path: `/api/scorecards/${DEFAULT_SCORECARD_ID}`, body: DEFAULT_SCORECARD }),
    },
    { method: 'GET', route: '/evaluations', access: 'evaluations:view', ok: 200 },
    { method: 'GET', route: '/evaluations/summary', access: 'analytics:view', ok: 200 },
    {
      method: 'GET',
      route: '/evaluations/:id',
      access: 'evaluations:view',
      ok: 200,
      attempt: async () => ({ path: `/api/evaluations/${(await submittedEvaluation()).id}` }),
    },
    {
      method: 'POST',
      route: '/evaluations',
      access: 'evaluations:write',
      ok: 201,
      attempt: async () => {
        await newDraft();
        return { body: evaluationBody };
      },
    },
    {
      method: 'PUT',
      route: '/evaluations/:id',
      access: 'evaluations:write',
      ok: 200,
      attempt: async () => ({ path: `/api/evaluations/${(await newDraft()).id}`, body: evaluationBody }),
    },
    {
      method: 'POST',
      route: '/evaluations/:id/submit',
      access: 'evaluations:write',
      ok: 200,
      attempt: async () => ({ path: `/api/evaluations/${(await newDraft()).id}/submit` }),
    },
    {
      method: 'POST',
      route: '/evaluations/:id/coaching',
      access: 'evaluations:write',
      ok: 201,
      attempt: async () => {
        const evaluation = await submittedEvaluation();
        return {
          path: `/api/evaluations/${evaluation.id}/coaching`,
          body: { trainerId: sessions.get('trainer')!.user.id, momentIds: [evaluation.moments[0]!.id] },
        };
      },
    },
    // Trainers see their own queue (coaching:view_own), the rest of the team everyone's (evaluations:view).
    { method: 'GET', route: '/coaching', access: 'evaluations:view', ok: 200 },
    { method: 'GET', route: '/coaching/trainers', access: 'evaluations:write', ok: 200 },
    {
      method: 'PATCH',
      route: '/coaching/:id',
      access: 'coaching:view_own',
      ok: 200,
      attempt: async () => ({ path: `/api/coaching/${await newCoaching()}`, body: { status: 'done' } }),
    },
    {
      method: 'PUT',
      route: '/settings',
      access: 'settings:manage',
      ok: 200,
      attempt: async () => ({
        body: { longCallAmberMs: 480_000, longCallRedMs: 900_000, retentionDays: 90, deadAirThresholdMs: 10_000 },
      }),
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
    'audio:listen': { payload: { callId: 'perm-call' }, acks: true },
    'audio:whisper': { payload: { callId: 'perm-call' }, acks: true },
    'audio:barge': { payload: { callId: 'perm-call' }, acks: true },
    'audio:leave': { payload: { callId: 'perm-call' }, acks: true },
    // Binary microphone frames have no answer; a role without the permission gets `audio:stopped`.
    'audio:talk': { payload: new Uint8Array([1, 0, 3, 1, 0, 0, 0, 0, 0, 0]), acks: false },
  };

  function expectedStatus(row: RouteRow, caller: Caller): number {
    if (row.access === 'public') return row.ok;
    // Neither a session nor its role opens the ingest endpoint: only a key does.
    if (row.access === 'ingest-key') return 401;
    if (caller === 'anonymous') return 401;
    if (row.access === 'signed-in') return row.ok;
    if (row.refusedFor?.includes(caller)) return 403;
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

  it('lets a trainer hear only the recordings of calls they coach', async () => {
    const trainer = sessions.get('trainer')!;
    const other = await apiRequest<{ ok: boolean; error: string }>(`${server.url}/api/recordings/perm-rec/audio`, {
      session: trainer,
    });
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('call perm-rec is not among your coaching assignments');
    trainerCoaching ??= newCoaching();
    await trainerCoaching;
    const coached = await apiRequest(`${server.url}/api/recordings/perm-ended/audio`, { session: trainer });
    expect(coached.status).toBe(200);
    // A controller is not bound by coaching.
    const controller = await apiRequest(`${server.url}/api/recordings/perm-rec/audio`, {
      session: sessions.get('controller')!,
    });
    expect(controller.status).toBe(200);
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

    const settings = {
      longCallAmberMs: 480_000,
      longCallRedMs: 900_000,
      retentionDays: 90,
      deadAirThresholdMs: 10_000,
    };
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
