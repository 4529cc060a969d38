import type { Ack, Call, CallDetail, CallEventRecord, CallsPage, User, WallboardSnapshot } from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectDashboard,
  connectIngest,
  type DashboardClient,
  getJson,
  type IngestClient,
  signIn,
  type TestSession,
  WallboardMirror,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const FULL = '+375 29 123-45-67';
const MASKED = '+375 29 ***-**-67';
const SECOND_FULL = '+375 33 765-43-21';
const SECOND_MASKED = '+375 33 ***-**-21';

/** Everything a dashboard socket hears about calls, to search for a number it must never see. */
function recordTraffic(client: DashboardClient): unknown[] {
  const heard: unknown[] = [];
  client.on('wallboard:delta', (delta) => heard.push(delta));
  client.on('call:updated', (call) => heard.push(call));
  client.on('call:event', (event) => heard.push(event));
  return heard;
}

async function watch(client: DashboardClient, callId: string): Promise<Ack<CallDetail>> {
  return client.timeout(5_000).emitWithAck('call:watch', { callId });
}

function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}

describe.each(TEST_STORE_KINDS)('caller-number masking (%s store)', (kind) => {
  let server: TestServer;
  let ingest: IngestClient;
  let controller: TestSession;
  let supervisor: TestSession;
  let admin: TestSession;
  const f = new EventFactory(`mask-${kind}`);
  const t = Date.now();

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' }, flushIntervalMs: 50 });
    [controller, supervisor, admin] = await Promise.all([
      signIn(server.url, 'controller'),
      signIn(server.url, 'supervisor'),
      signIn(server.url, 'admin'),
    ]);
    ingest = await connectIngest(server.url, server.ingestKey);
    const offered = await ingest
      .timeout(5_000)
      .emitWithAck('ingest:event', f.offered('m-1', t, { callerNumber: FULL }));
    expect(offered.ok).toBe(true);
  });
  afterAll(async () => {
    ingest?.disconnect();
    await server?.close();
  });

  it('masks numbers in the API for roles without calls:view_caller_number', async () => {
    const byController = await getJson<CallsPage>(`${server.url}/api/calls`, controller);
    const bySupervisor = await getJson<CallsPage>(`${server.url}/api/calls`, supervisor);
    const byAdmin = await getJson<CallsPage>(`${server.url}/api/calls`, admin);
    expect(byController.body.items.find((c) => c.id === 'm-1')?.callerNumber).toBe(FULL);
    expect(byAdmin.body.items.find((c) => c.id === 'm-1')?.callerNumber).toBe(FULL);
    expect(bySupervisor.body.items.find((c) => c.id === 'm-1')?.callerNumber).toBe(MASKED);
    // Apart from the number, the supervisor sees the same list.
    expect(bySupervisor.body.items.map((c) => ({ ...c, callerNumber: '' }))).toEqual(
      byController.body.items.map((c) => ({ ...c, callerNumber: '' })),
    );

    const detailFull = await getJson<CallDetail>(`${server.url}/api/calls/m-1`, controller);
    const detailMasked = await getJson<CallDetail>(`${server.url}/api/calls/m-1`, supervisor);
    expect(detailFull.body.call.callerNumber).toBe(FULL);
    expect(detailFull.body.events[0]?.detail.callerNumber).toBe(FULL);
    expect(detailMasked.body.call.callerNumber).toBe(MASKED);
    expect(detailMasked.body.events[0]?.detail.callerNumber).toBe(MASKED);
    expect(JSON.stringify(detailMasked.body)).not.toContain('123-45');
  });

  it('masks numbers on the socket: snapshot, deltas, call:watch, call:updated and call:event', async () => {
    const full = new WallboardMirror(await connectDashboard(server.url, controller));
    const masked = new WallboardMirror(await connectDashboard(server.url, supervisor));
    const heardMasked = recordTraffic(masked.client);
    const fullSnapshot = await full.join();
    const maskedSnapshot: WallboardSnapshot = await masked.join();
    expect(fullSnapshot.calls.find((c) => c.id === 'm-1')?.callerNumber).toBe(FULL);
    expect(maskedSnapshot.calls.find((c) => c.id === 'm-1')?.callerNumber).toBe(MASKED);

    const watchedFull = await watch(full.client, 'm-1');
    const watchedMasked = await watch(masked.client, 'm-1');
    expect(watchedFull.ok && watchedFull.data.events[0]?.detail.callerNumber).toBe(FULL);
    expect(watchedMasked.ok && watchedMasked.data.call.callerNumber).toBe(MASKED);
    expect(watchedMasked.ok && watchedMasked.data.events[0]?.detail.callerNumber).toBe(MASKED);

    const updatesFull: Call[] = [];
    const updatesMasked: Call[] = [];
    const eventsMasked: CallEventRecord[] = [];
    full.client.on('call:updated', (call) => updatesFull.push(call));
    masked.client.on('call:updated', (call) => updatesMasked.push(call));
    masked.client.on('call:event', (event) => eventsMasked.push(event));

    // A change to the watched call, and a new call for the wallboard.
    await ingest.timeout(5_000).emitWithAck('ingest:event', f.answered('m-1', t + 1_000));
    await ingest.timeout(5_000).emitWithAck('ingest:event', f.offered('m-2', t + 2_000, { callerNumber: SECOND_FULL }));
    await full.waitFor(() => full.calls.has('m-2') && full.calls.get('m-1')?.state === 'talking');
    await masked.waitFor(() => masked.calls.has('m-2') && masked.calls.get('m-1')?.state === 'talking');
    await until(() => updatesMasked.length > 0 && eventsMasked.length > 0, 'the masked call room');

    expect(full.calls.get('m-2')?.callerNumber).toBe(SECOND_FULL);
    expect(masked.calls.get('m-2')?.callerNumber).toBe(SECOND_MASKED);
    expect(updatesFull.at(-1)).toMatchObject({ id: 'm-1', state: 'talking', callerNumber: FULL });
    expect(updatesMasked.at(-1)).toMatchObject({ id: 'm-1', state: 'talking', callerNumber: MASKED });
    expect(eventsMasked.at(-1)).toMatchObject({ callId: 'm-1', type: 'call.answered' });
    // Both audiences follow the same sequence of deltas.
    expect(masked.seq).toBe(full.seq);
    expect(masked.gaps + full.gaps).toBe(0);
    // Not once did the supervisor's socket carry a whole number.
    const heard = JSON.stringify(heardMasked);
    expect(heard).not.toContain('123-45');
    expect(heard).not.toContain('765-43');
    full.client.disconnect();
    masked.client.disconnect();
  });

  it('follows a role change on live sockets: promoted sees numbers, demoted loses the wallboard', async () => {
    const created = await apiRequest<User>(`${server.url}/api/users`, {
      method: 'POST',
      session: admin,
      body: { username: 'shifty', displayName: 'Shifty', role: 'supervisor', password: 'violet river lamp 42' },
    });
    expect(created.status).toBe(201);
    const shifty = await signIn(server.url, { username: 'shifty', password: 'violet river lamp 42' });
    const mirror = new WallboardMirror(await connectDashboard(server.url, shifty));
    await mirror.join();
    expect(mirror.calls.get('m-2')?.callerNumber).toBe(SECOND_MASKED);

    const promote = await apiRequest(`${server.url}/api/users/${created.body.id}`, {
      method: 'PATCH',
      session: admin,
      body: { role: 'controller' },
    });
    expect(promote.status).toBe(200);
    await ingest.timeout(5_000).emitWithAck('ingest:event', f.answered('m-2', t + 3_000));
    await mirror.waitFor(() => mirror.calls.get('m-2')?.state === 'talking');
    expect(mirror.calls.get('m-2')?.callerNumber).toBe(SECOND_FULL);
    expect(mirror.gaps).toBe(0);

    const demote = await apiRequest(`${server.url}/api/users/${created.body.id}`, {
      method: 'PATCH',
      session: admin,
      body: { role: 'trainer' },
    });
    expect(demote.status).toBe(200);
    const deltasBefore = mirror.deltas.length;
    await ingest.timeout(5_000).emitWithAck('ingest:event', f.held('m-2', t + 4_000));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mirror.deltas.length).toBe(deltasBefore);
    expect(await mirror.client.timeout(5_000).emitWithAck('wallboard:join')).toEqual({
      ok: false,
      error: 'forbidden: the trainer role may not do this (needs wallboard:view)',
    });
    mirror.client.disconnect();
  });
});
