import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, connectDashboard, joinWallboard, signIn } from '../helpers/clients.js';
import { AdjustableClock, startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const HOUR_MS = 60 * 60_000;

/** Sessions as the wired app enforces them, on HTTP and on live dashboard sockets. */
describe.each(TEST_STORE_KINDS)('sessions in the app (%s store)', (kind) => {
  let server: TestServer;
  const clock = new AdjustableClock();

  beforeAll(async () => {
    server = await startTestServer({ store: kind, clock, frontend: { kind: 'none' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const disconnected = (client: Awaited<ReturnType<typeof connectDashboard>>) =>
    new Promise<string>((resolve) => client.once('disconnect', (reason) => resolve(reason)));

  it('closes the dashboard sockets of a session that signs out', async () => {
    const supervisor = await signIn(server.url, 'supervisor');
    const client = await connectDashboard(server.url, supervisor);
    await joinWallboard(client);
    const closed = disconnected(client);
    expect((await apiRequest(`${server.url}/api/auth/sign-out`, { method: 'POST', session: supervisor })).status).toBe(
      204,
    );
    expect(await closed).toBe('io server disconnect');
    await expect(connectDashboard(server.url, supervisor)).rejects.toMatchObject({ data: { code: 'session_expired' } });
  });

  it('ends a listening socket at its session’s absolute end, and refuses its commands from then on', async () => {
    const controller = await signIn(server.url, 'controller');
    const client = await connectDashboard(server.url, controller);
    await joinWallboard(client);
    const dashboards = [server.app.io.of('/')];
    expect(server.app.auth.closeExpiredSockets(dashboards)).toBe(0);

    clock.advance(24 * HOUR_MS);
    // Before the sweep runs, a command is refused already.
    expect(await client.timeout(5_000).emitWithAck('wallboard:join')).toEqual({
      ok: false,
      error: 'forbidden: your session has ended; sign in again',
    });
    const closed = disconnected(client);
    expect(server.app.auth.closeExpiredSockets(dashboards)).toBe(1);
    expect(await closed).toBe('io server disconnect');
    expect((await apiRequest(`${server.url}/api/calls`, { session: controller })).status).toBe(401);
  });

  it('ends an idle session after a shift (8 h) on HTTP', async () => {
    const admin = await signIn(server.url, 'admin');
    clock.advance(7 * HOUR_MS);
    expect((await apiRequest(`${server.url}/api/auth/me`, { session: admin })).status).toBe(200);
    clock.advance(8 * HOUR_MS + 1);
    expect((await apiRequest(`${server.url}/api/auth/me`, { session: admin })).status).toBe(401);
  });
});
