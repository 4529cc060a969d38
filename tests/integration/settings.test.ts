import {
  type AppSettings,
  type AuditPage,
  DEAD_AIR_THRESHOLD_MS,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_WALLBOARD_SETTINGS,
  type UpdateSettings,
} from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, connectDashboard, type DashboardClient, signIn, type TestSession } from '../helpers/clients.js';
import {
  createTestStoreLocation,
  startTestServer,
  TEST_STORE_KINDS,
  type TestServer,
  type TestStoreLocation,
} from '../helpers/testServer.js';

const DEFAULTS: AppSettings = { ...DEFAULT_WALLBOARD_SETTINGS, retentionDays: DEFAULT_RETENTION_DAYS };
const CHANGED: UpdateSettings = {
  longCallAmberMs: 60_000,
  longCallRedMs: 120_000,
  retentionDays: 30,
  deadAirThresholdMs: 15_000,
};

describe.each(TEST_STORE_KINDS)('settings (%s store)', (kind) => {
  let location: TestStoreLocation;
  let server: TestServer;
  let admin: TestSession;
  let supervisor: TestSession;

  beforeAll(async () => {
    location = await createTestStoreLocation(kind);
    server = await startTestServer({ store: location, frontend: { kind: 'none' } });
    admin = await signIn(server.url, 'admin');
    supervisor = await signIn(server.url, 'supervisor');
  });
  afterAll(async () => {
    await server?.close();
    await location?.dispose();
  });

  const put = (body: unknown, session: TestSession = admin) =>
    apiRequest<AppSettings | { ok: false; error: string }>(`${server.url}/api/settings`, {
      method: 'PUT',
      session,
      body,
    });
  const settingsChanges = async () =>
    (await apiRequest<AuditPage>(`${server.url}/api/audit?action=settings.change`, { session: admin })).body.items;

  it('refuses invalid settings with 400 naming the field, and a role without settings:manage with 403', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...CHANGED, longCallAmberMs: 120_000 }, /longCallAmberMs must be smaller than longCallRedMs/],
      [{ ...CHANGED, retentionDays: 0 }, /retentionDays/],
      [{ ...CHANGED, retentionDays: 1.5 }, /retentionDays/],
      [{ ...CHANGED, longCallRedMs: '120000' }, /longCallRedMs/],
      [{ longCallAmberMs: 60_000 }, /longCallRedMs/],
      [{ ...CHANGED, deadAirThresholdMs: 2_999 }, /deadAirThresholdMs/],
      [{ ...CHANGED, deadAirThresholdMs: 120_001 }, /deadAirThresholdMs/],
      [{ ...CHANGED, deadAirThresholdMs: 10_000.5 }, /deadAirThresholdMs/],
      [{ longCallAmberMs: 60_000, longCallRedMs: 120_000, retentionDays: 30 }, /deadAirThresholdMs/],
      [{ ...CHANGED, serviceLevelTargetPct: 50 }, /Unrecognized key/],
      [[], /invalid settings/],
    ];
    for (const [body, error] of cases) {
      const response = await put(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body).toMatchObject({ ok: false, error: expect.stringMatching(error) });
    }
    expect((await put(CHANGED, supervisor)).status).toBe(403);
    expect((await apiRequest(`${server.url}/api/settings`, { method: 'PUT', body: CHANGED })).status).toBe(401);
    expect(await settingsChanges()).toEqual([]);
    expect((await apiRequest(`${server.url}/api/settings`, { session: supervisor })).body).toEqual(DEFAULTS);
  });

  it('applies a change live: answered, audited with before/after, pushed to dashboards, in new snapshots', async () => {
    const viewer: DashboardClient = await connectDashboard(server.url, supervisor);
    // A trainer's socket may not view the wallboard, so it is not told.
    const trainer: DashboardClient = await connectDashboard(server.url, await signIn(server.url, 'trainer'));
    const pushed: AppSettings[] = [];
    const pushedToTrainer: AppSettings[] = [];
    viewer.on('settings:updated', (settings) => pushed.push(settings));
    trainer.on('settings:updated', (settings) => pushedToTrainer.push(settings));

    const response = await put(CHANGED);
    const expected: AppSettings = { ...DEFAULTS, ...CHANGED };
    expect(response).toMatchObject({ status: 200, body: expected });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pushed).toEqual([expected]);
    expect(pushedToTrainer).toEqual([]);

    expect((await apiRequest(`${server.url}/api/settings`, { session: supervisor })).body).toEqual(expected);
    const snapshot = await viewer.timeout(5_000).emitWithAck('wallboard:join');
    expect(snapshot.ok && snapshot.data.settings).toEqual({
      ...DEFAULT_WALLBOARD_SETTINGS,
      longCallAmberMs: 60_000,
      longCallRedMs: 120_000,
      deadAirThresholdMs: 15_000,
    });
    // What the live silence detector reads.
    expect(server.app.settingsService.deadAirThresholdMs()).toBe(15_000);

    const [entry] = await settingsChanges();
    expect(entry).toMatchObject({
      action: 'settings.change',
      username: 'demo.admin',
      role: 'admin',
      ip: '127.0.0.1',
      detail: {
        changed: 'longCallAmberMs,longCallRedMs,retentionDays,deadAirThresholdMs',
        longCallAmberMsBefore: DEFAULTS.longCallAmberMs,
        longCallAmberMsAfter: 60_000,
        longCallRedMsBefore: DEFAULTS.longCallRedMs,
        longCallRedMsAfter: 120_000,
        retentionDaysBefore: DEFAULT_RETENTION_DAYS,
        retentionDaysAfter: 30,
        deadAirThresholdMsBefore: DEAD_AIR_THRESHOLD_MS,
        deadAirThresholdMsAfter: 15_000,
      },
    });

    // Saving the same values again changes nothing: no entry, no push.
    expect((await put(CHANGED)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await settingsChanges()).toHaveLength(1);
    expect(pushed).toHaveLength(1);
    viewer.disconnect();
    trainer.disconnect();
  });

  it('keeps what an admin saved across a restart, over the configured defaults', async () => {
    await server.close();
    server = await startTestServer({ store: location, frontend: { kind: 'none' }, longCallAmberMs: 200_000 });
    const again = await signIn(server.url, 'supervisor');
    expect((await apiRequest(`${server.url}/api/settings`, { session: again })).body).toEqual({
      ...DEFAULTS,
      ...CHANGED,
    });
    admin = await signIn(server.url, 'admin');
  });

  it('starts a store saved before the dead-air threshold existed at its default, keeping the rest', async () => {
    await server.store.db.deleteFrom('settings').where('key', '=', 'deadAirThresholdMs').execute();
    await server.close();
    server = await startTestServer({ store: location, frontend: { kind: 'none' } });
    const again = await signIn(server.url, 'supervisor');
    expect((await apiRequest(`${server.url}/api/settings`, { session: again })).body).toEqual({
      ...DEFAULTS,
      ...CHANGED,
      deadAirThresholdMs: DEAD_AIR_THRESHOLD_MS,
    });
    expect(server.app.settingsService.deadAirThresholdMs()).toBe(DEAD_AIR_THRESHOLD_MS);
    admin = await signIn(server.url, 'admin');
  });
});
