import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AuditEntry,
  type AuditPage,
  type AuthSocketData,
  type CreatedIngestKey,
  can,
  type IngestKeyInfo,
  PERMISSION_NAMES,
  type Permission,
  ROLES,
  type Role,
  type SessionInfo,
  type User,
} from '@earshot/shared';
import express from 'express';
import { sql } from 'kysely';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog } from '../../server/src/audit/auditLog.js';
import { createAuditRouter } from '../../server/src/audit/routes.js';
import type { DemoCredential } from '../../server/src/auth/bootstrap.js';
import { type Auth, createAuth, requirePermission, socketCan } from '../../server/src/auth/index.js';
import { apiNotFound, errorHandler } from '../../server/src/http/errors.js';
import { createMemoryLogger } from '../../server/src/logger.js';
import { openStore, type Store } from '../../server/src/store/openStore.js';
import {
  AdjustableClock,
  createTestStoreLocation,
  TEST_STORE_KINDS,
  type TestStoreLocation,
} from '../helpers/testServer.js';

const HOUR_MS = 60 * 60_000;

/**
 * A small server built from the auth and audit pieces only, wired as app.ts wires them, plus one test route
 * per permission so every guard meets every role. (The real app's routes are in permissions.test.ts.)
 */
async function startAuthServer(store: Store, clock: AdjustableClock) {
  const db = store.db;
  const logger = createMemoryLogger();
  const audit = createAuditLog({ db, now: () => clock.now() });
  // The whole file signs in from 127.0.0.1; the per-address limit is tested in the unit tests.
  const auth = createAuth({ db, audit, clock, rateLimits: { maxFailuresPerAddress: 1_000 } });

  const app = express();
  app.use('/api', express.json({ limit: 64 * 1024 }));
  app.use('/api', auth.authenticate, auth.csrfProtection);
  app.use('/api', auth.router, createAuditRouter({ audit }));
  // One route per permission, so every role is checked against every guard.
  const guards = new Map(PERMISSION_NAMES.map((permission) => [permission as string, requirePermission(permission)]));
  app.get('/api/guarded/:permission', (req, res) => {
    const guard = guards.get(String(req.params.permission));
    if (!guard) return res.status(404).json({ ok: false, error: 'no such permission' });
    guard(req, res, () => res.json({ ok: true }));
  });
  app.post('/api/guarded-write', requirePermission('wallboard:view'), (_req, res) => {
    res.json({ wrote: true });
  });
  app.use('/api', apiNotFound);
  app.use(errorHandler(logger));

  const httpServer = http.createServer(app);
  const io = new Server<
    { 'test:can': (permission: Permission, ack: (result: { user: User | null; can: boolean }) => void) => void },
    Record<string, never>,
    Record<string, never>,
    AuthSocketData
  >(httpServer, { serveClient: false });
  io.use(auth.socketAuthenticate);
  io.on('connection', (socket) => {
    socket.on('test:can', (permission, ack) =>
      ack({ user: socket.data.user ?? null, can: socketCan(socket, permission, clock.now()) }),
    );
  });
  auth.attachSocketNamespaces([io.of('/')]);

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const { demoCredentials } = await auth.ensureBootstrapUsers({ mode: 'demo', logger });
  return {
    url: `http://127.0.0.1:${port}`,
    auth,
    audit,
    demoCredentials,
    async close() {
      await io.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

interface SignedIn {
  cookie: string;
  csrf: string;
  info: SessionInfo;
}

describe.each(TEST_STORE_KINDS)('auth and audit (%s store)', (kind) => {
  let location: TestStoreLocation;
  let store: Store;
  let server: Awaited<ReturnType<typeof startAuthServer>>;
  let auth: Auth;
  let audit: AuditLog;
  const clock = new AdjustableClock();
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    location = await createTestStoreLocation(kind);
    store = await openStore(location.location);
    server = await startAuthServer(store, clock);
    auth = server.auth;
    audit = server.audit;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
    await store?.close();
    await location?.dispose();
  });

  const credentials = (role: Role): DemoCredential => {
    const found = server.demoCredentials.find((c) => c.role === role);
    if (!found) throw new Error(`no demo account for ${role}`);
    return found;
  };

  async function request(
    method: string,
    path: string,
    options: { body?: unknown; as?: SignedIn; csrf?: string | null; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.as) headers.cookie = options.as.cookie;
    const csrf = options.csrf === undefined ? options.as?.csrf : options.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body: unknown = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body, text };
  }

  async function signIn(username: string, password: string, headers: Record<string, string> = {}): Promise<SignedIn> {
    const response = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('earshot_session='));
    if (!setCookie) throw new Error('no session cookie set');
    const info = (await response.json()) as SessionInfo;
    return { cookie: setCookie.split(';')[0] ?? '', csrf: info.csrfToken, info };
  }

  const signInAs = (role: Role) => signIn(credentials(role).username, credentials(role).password);

  async function auditRows(query: Record<string, string>): Promise<AuditEntry[]> {
    return (await audit.list({ limit: 500, ...query } as Parameters<AuditLog['list']>[0])).items;
  }

  function openSocket(cookie?: string): Promise<ClientSocket> {
    const socket = connectSocket(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(cookie ? { extraHeaders: { cookie } } : {}),
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('signs in: sets an httpOnly SameSite=Lax session cookie, answers the session, audits it', async () => {
    const { username, password } = credentials('controller');
    const before = clock.now();
    const response = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'integration-test' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('earshot_session=')) ?? '';
    expect(cookie).toMatch(/^earshot_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Max-Age=86400/);
    // Plain http here; over https (req.secure) the cookie is Secure as well.
    expect(cookie).not.toMatch(/Secure/);
    const info = (await response.json()) as SessionInfo;
    expect(info.user).toMatchObject({ username, role: 'controller', disabled: false });
    expect(info.permissions).toContain('audio:listen');
    expect(info.permissions).not.toContain('users:manage');
    expect(info.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(info.expiresAt).toBeGreaterThanOrEqual(before + 8 * HOUR_MS);
    expect(info.expiresAt).toBeLessThanOrEqual(clock.now() + 8 * HOUR_MS);

    const [row] = await auditRows({ action: 'auth.sign_in', username });
    expect(row).toMatchObject({
      userId: info.user.id,
      role: 'controller',
      ip: '127.0.0.1',
      userAgent: 'integration-test',
    });
  });

  it('refuses a wrong password or an unknown user alike (401) and audits both', async () => {
    const wrong = await request('POST', '/api/auth/sign-in', {
      body: { username: credentials('trainer').username, password: 'not the password' },
    });
    const unknown = await request('POST', '/api/auth/sign-in', {
      body: { username: 'nobody-here', password: 'not the password' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { ok: false, error: 'wrong username or password' } });
    expect(unknown).toMatchObject({ status: 401, body: wrong.body });
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const failures = await auditRows({ action: 'auth.sign_in_failed' });
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: 'demo.trainer', role: 'trainer', reason: 'wrong password' }),
        expect.objectContaining({ username: 'nobody-here', userId: null, reason: 'unknown username' }),
      ]),
    );
  });

  it('refuses a malformed sign-in with a message naming the field', async () => {
    const response = await request('POST', '/api/auth/sign-in', { body: { username: 'x' } });
    expect(response).toMatchObject({ status: 400, body: { ok: false, error: /password/ } });
  });

  it('rate-limits failed sign-ins per account: 429 with Retry-After, even for the right password', async () => {
    const admin = await signInAs('admin');
    const created = await request('POST', '/api/users', {
      as: admin,
      body: { username: 'target', displayName: 'Target', role: 'supervisor', password: 'violet river lamp 42' },
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      expect(
        (await request('POST', '/api/auth/sign-in', { body: { username: 'target', password: `guess ${i}` } })).status,
      ).toBe(401);
    }
    const blocked = await request('POST', '/api/auth/sign-in', {
      body: { username: 'target', password: 'violet river lamp 42' },
    });
    expect(blocked).toMatchObject({ status: 429, body: { ok: false, error: /too many failed sign-ins/ } });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    const [trip] = await auditRows({ action: 'auth.sign_in_failed', username: 'target' });
    expect(trip?.reason).toMatch(/further tries are refused/);
  });

  it('answers /me with the session, and 401 without one', async () => {
    const supervisor = await signInAs('supervisor');
    const me = await request('GET', '/api/auth/me', { as: supervisor });
    expect(me).toMatchObject({ status: 200, body: { user: { role: 'supervisor' }, csrfToken: supervisor.csrf } });
    expect(await request('GET', '/api/auth/me')).toMatchObject({ status: 401, body: { ok: false } });
  });

  it('signs out: the session ends at once, the cookie is cleared, and it is audited', async () => {
    const trainer = await signInAs('trainer');
    const out = await request('POST', '/api/auth/sign-out', { as: trainer });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/earshot_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await request('GET', '/api/auth/me', { as: trainer })).status).toBe(401);
    const [row] = await auditRows({ action: 'auth.sign_out', username: 'demo.trainer' });
    expect(row?.objectId).toBe(await sessionIdOf(trainer));
  });

  /** The session id recorded at sign-in for this cookie's sign-in (the newest sign-in of that user). */
  async function sessionIdOf(signedIn: SignedIn): Promise<string | null> {
    const [row] = await auditRows({ action: 'auth.sign_in', userId: signedIn.info.user.id });
    return row?.objectId ?? null;
  }

  it('requires the CSRF token on cookie-authenticated writes (403 without or with a wrong one)', async () => {
    const controller = await signInAs('controller');
    expect(await request('POST', '/api/guarded-write', { as: controller, body: {}, csrf: null })).toMatchObject({
      status: 403,
      body: { ok: false, error: /x-csrf-token/ },
    });
    expect(
      (await request('POST', '/api/guarded-write', { as: controller, body: {}, csrf: 'x'.repeat(43) })).status,
    ).toBe(403);
    expect(await request('POST', '/api/guarded-write', { as: controller, body: {} })).toMatchObject({
      status: 200,
      body: { wrote: true },
    });
    // Another session's token is no good either.
    const other = await signInAs('controller');
    expect((await request('POST', '/api/guarded-write', { as: controller, body: {}, csrf: other.csrf })).status).toBe(
      403,
    );
  });

  it('guards every permission: 401 signed out, 403 for roles without it, 200 for roles with it', async () => {
    const sessions = new Map<Role, SignedIn>();
    for (const role of ROLES) sessions.set(role, await signInAs(role));
    for (const permission of PERMISSION_NAMES) {
      expect((await request('GET', `/api/guarded/${permission}`)).status).toBe(401);
      for (const role of ROLES) {
        const { status } = await request('GET', `/api/guarded/${permission}`, { as: sessions.get(role) });
        expect({ permission, role, status }).toEqual({ permission, role, status: can(role, permission) ? 200 : 403 });
      }
    }
    for (const path of ['/api/users', '/api/ingest-keys', '/api/audit', '/api/audit/export']) {
      expect((await request('GET', path)).status).toBe(401);
      expect((await request('GET', path, { as: sessions.get('controller') })).status).toBe(403);
      expect((await request('GET', path, { as: sessions.get('admin') })).status).toBe(200);
    }
  });

  it('refuses a socket without a session cookie and accepts one with it', async () => {
    await expect(openSocket()).rejects.toMatchObject({ message: 'sign in first', data: { code: 'unauthenticated' } });
    await expect(openSocket(`earshot_session=${'x'.repeat(43)}`)).rejects.toMatchObject({
      data: { code: 'session_expired' },
    });
    const controller = await signInAs('controller');
    const socket = await openSocket(controller.cookie);
    const answer = await socket.timeout(5_000).emitWithAck('test:can', 'audio:listen');
    expect(answer).toEqual({ user: controller.info.user, can: true });
    expect(await socket.timeout(5_000).emitWithAck('test:can', 'users:manage')).toMatchObject({ can: false });
  });

  it('closes the sockets of a session when it signs out', async () => {
    const supervisor = await signInAs('supervisor');
    const socket = await openSocket(supervisor.cookie);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    expect((await request('POST', '/api/auth/sign-out', { as: supervisor })).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
  });

  it('lets an admin create and change users; disabling one signs them out everywhere', async () => {
    const admin = await signInAs('admin');
    const created = await request('POST', '/api/users', {
      as: admin,
      body: {
        username: 'newbie',
        displayName: 'Новичок',
        role: 'agent',
        agentId: 'agent-002',
        password: 'first long passphrase',
      },
    });
    expect(created).toMatchObject({ status: 201, body: { username: 'newbie', role: 'agent', agentId: 'agent-002' } });
    const newbieId = (created.body as User).id;
    expect((await request('POST', '/api/users', { as: admin, body: { ...(created.body as object) } })).status).toBe(
      400,
    );
    expect(
      (
        await request('POST', '/api/users', {
          as: admin,
          body: { username: 'newbie', displayName: 'Again', role: 'agent', password: 'first long passphrase' },
        })
      ).status,
    ).toBe(409);

    const newbie = await signIn('newbie', 'first long passphrase');
    const socket = await openSocket(newbie.cookie);
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

    const changed = await request('PATCH', `/api/users/${newbieId}`, { as: admin, body: { role: 'trainer' } });
    expect(changed).toMatchObject({ status: 200, body: { role: 'trainer' } });
    expect(await socket.timeout(5_000).emitWithAck('test:can', 'recordings:play')).toMatchObject({ can: true });

    const disabled = await request('PATCH', `/api/users/${newbieId}`, { as: admin, body: { disabled: true } });
    expect(disabled).toMatchObject({ status: 200, body: { disabled: true } });
    await closed;
    expect((await request('GET', '/api/auth/me', { as: newbie })).status).toBe(401);
    expect(
      await request('POST', '/api/auth/sign-in', { body: { username: 'newbie', password: 'first long passphrase' } }),
    ).toMatchObject({ status: 403, body: { error: /disabled/ } });

    const [update] = await auditRows({ action: 'user.update', username: 'demo.admin' });
    expect(update).toMatchObject({ objectId: newbieId, detail: { disabled: true, disabledBefore: false } });
    const [create] = await auditRows({ action: 'user.create', username: 'demo.admin' });
    expect(create).toMatchObject({ objectId: newbieId, detail: { createdUsername: 'newbie', role: 'agent' } });

    const list = await request('GET', '/api/users', { as: admin });
    expect((list.body as User[]).map((u) => u.username)).toContain('newbie');
    expect(list.text).not.toMatch(/argon2|password/);
    expect((await request('PATCH', '/api/users/no-such-user', { as: admin, body: { role: 'agent' } })).status).toBe(
      404,
    );
    expect((await request('PATCH', `/api/users/${newbieId}`, { as: admin, body: {} })).status).toBe(400);
  });

  it('creates, lists, verifies and revokes ingest keys, showing the secret only once', async () => {
    const admin = await signInAs('admin');
    const created = await request('POST', '/api/ingest-keys', { as: admin, body: { name: 'Asterisk, floor 2' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { key, secret } = created.body as CreatedIngestKey;
    expect(secret).toMatch(/^esk_/);
    expect(key).toMatchObject({ name: 'Asterisk, floor 2', prefix: secret.slice(0, 12), createdBy: 'demo.admin' });

    const list = await request('GET', '/api/ingest-keys', { as: admin });
    expect((list.body as IngestKeyInfo[]).map((k) => k.id)).toContain(key.id);
    expect(list.text).not.toContain(secret);
    expect(await auth.verifyIngestKey(secret)).toEqual({ id: key.id, name: 'Asterisk, floor 2' });
    expect(await auth.verifyIngestKey(`${secret.slice(0, -1)}!`)).toBeNull();

    const revoked = await request('DELETE', `/api/ingest-keys/${key.id}`, { as: admin });
    expect(revoked).toMatchObject({ status: 200, body: { id: key.id, revokedAt: expect.any(Number) } });
    expect(await auth.verifyIngestKey(secret)).toBeNull();
    expect((await request('DELETE', '/api/ingest-keys/no-such-key', { as: admin })).status).toBe(404);
    expect((await request('DELETE', `/api/ingest-keys/${key.id}`, { as: admin, csrf: null })).status).toBe(403);

    const actions = (await auditRows({ username: 'demo.admin' }))
      .filter((e) => e.objectId === key.id)
      .map((e) => e.action);
    expect(actions).toEqual(['ingest_key.revoke', 'ingest_key.create']);
  });

  it('lists the audit log with filters and cursor pages, and refuses a bad filter', async () => {
    const admin = await signInAs('admin');
    const all = await request('GET', '/api/audit?limit=500', { as: admin });
    const items = (all.body as AuditPage).items;
    expect(items.length).toBeGreaterThan(10);

    const first = (await request('GET', '/api/audit?limit=4', { as: admin })).body as AuditPage;
    const second = (await request('GET', `/api/audit?limit=4&cursor=${first.nextCursor}`, { as: admin }))
      .body as AuditPage;
    expect([...first.items, ...second.items]).toEqual(items.slice(0, 8));

    const failed = (await request('GET', '/api/audit?action=auth.sign_in_failed', { as: admin })).body as AuditPage;
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items.every((e) => e.action === 'auth.sign_in_failed')).toBe(true);
    const userId = admin.info.user.id;
    const mine = (await request('GET', `/api/audit?userId=${userId}`, { as: admin })).body as AuditPage;
    expect(mine.items.every((e) => e.userId === userId)).toBe(true);
    const newest = items[0]?.at ?? 0;
    const window = (await request('GET', `/api/audit?from=${newest}&to=${newest}`, { as: admin })).body as AuditPage;
    expect(window.items.every((e) => e.at === newest)).toBe(true);

    expect(await request('GET', '/api/audit?action=audio.snoop', { as: admin })).toMatchObject({
      status: 400,
      body: { ok: false, error: /action/ },
    });
    expect((await request('GET', '/api/audit?from=10&to=5', { as: admin })).status).toBe(400);
  });

  it('exports the audit log as escaped CSV, streamed, and audits the export', async () => {
    const nasty = '=HYPERLINK("http://x"), "quoted"';
    await request('POST', '/api/auth/sign-in', {
      body: { username: 'csv-probe', password: 'wrong' },
      headers: { 'user-agent': nasty },
    });
    const admin = await signInAs('admin');
    const exported = await request('GET', '/api/audit/export?action=auth.sign_in_failed', { as: admin });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="earshot-audit-.*\.csv"$/);
    const lines = exported.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('id,at,user_id,username,role,action,call_id,object_id,ip,user_agent,reason,detail');
    expect(lines.at(-1)).toBe('');
    const failures = await auditRows({ action: 'auth.sign_in_failed' });
    expect(lines.length - 2).toBe(failures.length);
    const probe = lines.find((line) => line.includes('csv-probe'));
    expect(probe).toContain(`"'=HYPERLINK(""http://x""), ""quoted"""`);
    expect(probe).toMatch(/,auth\.sign_in_failed,/);
    expect(probe).toMatch(/,unknown username,/);

    const [exportRow] = await auditRows({ action: 'audit.export' });
    expect(exportRow).toMatchObject({ username: 'demo.admin', detail: { action: 'auth.sign_in_failed' } });
  });

  it('keeps the audit log append-only in the database: UPDATE and DELETE are refused', async () => {
    const before = (await auditRows({})).length;
    await expect(sql`update audit_log set reason = 'rewritten'`.execute(store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
    expect(await auditRows({})).toHaveLength(before);
  });

  it('ends a session idle for a shift (8 h) and clears its cookie', async () => {
    const agent = await signInAs('agent');
    expect(agent.info.user.agentId).toBe('agent-001');
    clock.advance(8 * HOUR_MS - 60_000);
    expect((await request('GET', '/api/auth/me', { as: agent })).status).toBe(200);
    clock.advance(8 * HOUR_MS);
    const expired = await request('GET', '/api/auth/me', { as: agent });
    expect(expired.status).toBe(401);
    expect(expired.headers.getSetCookie().join()).toMatch(/earshot_session=;/);
    await expect(openSocket(agent.cookie)).rejects.toMatchObject({ data: { code: 'session_expired' } });
  });
});
