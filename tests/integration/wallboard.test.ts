import { type IngestBatchItem, type IngestEvent, SERVICE_LEVEL_THRESHOLD_MS, startOfDay } from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDashboard,
  connectIngest,
  type IngestClient,
  pause,
  sortById,
  WallboardMirror,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import {
  AdjustableClock,
  createTestStoreLocation,
  startTestServer,
  TEST_STORE_KINDS,
  type TestServer,
  type TestStoreLocation,
} from '../helpers/testServer.js';

async function sendOne(ingest: IngestClient, event: IngestEvent): Promise<void> {
  const result = await ingest.timeout(5_000).emitWithAck('ingest:event', event);
  if (!result.ok || result.data.duplicate)
    throw new Error(`event ${event.eventId} not applied: ${JSON.stringify(result)}`);
}

async function sendBatch(ingest: IngestClient, events: IngestEvent[]): Promise<void> {
  const result = await ingest.timeout(5_000).emitWithAck('ingest:batch', events);
  if (!result.ok) throw new Error(`batch refused: ${result.error}`);
  const refused = result.data.filter((item: IngestBatchItem) => !item.ok);
  if (refused.length > 0) throw new Error(`batch items refused: ${JSON.stringify(refused)}`);
}

describe.each(TEST_STORE_KINDS)('wallboard (%s store)', (kind) => {
  let location: TestStoreLocation;
  let server: TestServer;
  let ingest: IngestClient;
  const clock = new AdjustableClock();

  beforeAll(async () => {
    location = await createTestStoreLocation(kind);
    server = await startTestServer({ store: location, clock });
    ingest = await connectIngest(server.url, server.ingestKey);
  });
  afterAll(async () => {
    ingest?.disconnect();
    await server?.close();
    await location?.dispose();
  });

  it('sends a snapshot, then batched deltas in seq order whose contents rebuild the live state', async () => {
    const mirror = new WallboardMirror(await connectDashboard(server.url));
    const snapshot = await mirror.join();
    expect(snapshot).toMatchObject({ seq: expect.any(Number), calls: [], settings: server.app.settings });
    expect(snapshot.stats).toMatchObject({ inProgress: 0, waiting: 0, offeredToday: 0, oldestWaitingSince: null });

    const f = new EventFactory('wb1');
    const t = clock.now();
    const ids = Array.from({ length: 20 }, (_, i) => `wb1-c${i}`);
    await sendBatch(
      ingest,
      ids.map((id, i) => f.offered(id, t, { line: i % 2 === 0 ? '0890' : '*7777' })),
    );
    await pause(300); // let one flush go out between steps, so several deltas follow each other
    for (const id of ids.slice(0, 10)) await sendOne(ingest, f.answered(id, t + 1_000, `agent-${id}`));
    await sendBatch(ingest, [f.held('wb1-c0', t + 2_000), f.held('wb1-c1', t + 2_000), f.held('wb1-c2', t + 2_000)]);
    await sendOne(ingest, f.resumed('wb1-c0', t + 3_000));
    await sendOne(ingest, f.transferred('wb1-c3', t + 2_500));
    await pause(300);
    await sendBatch(ingest, [
      ...['wb1-c4', 'wb1-c5', 'wb1-c6'].map((id) => f.ended(id, t + 4_000, 'agent_hangup')),
      ...['wb1-c10', 'wb1-c11', 'wb1-c12'].map((id) => f.ended(id, t + 4_000, 'abandoned')),
    ]);

    const registryCalls = () => sortById([...server.app.registry.calls()]);
    await mirror.waitFor(
      () => JSON.stringify(mirror.sortedCalls()) === JSON.stringify(registryCalls()),
      3_000,
      'the mirror to match the registry',
    );
    expect(mirror.gaps).toBe(0);
    const seqs = mirror.deltas.map((d) => d.seq);
    expect(seqs).toEqual(seqs.map((_, i) => snapshot.seq + 1 + i));
    // Batched: far fewer deltas than the 40 events sent.
    expect(mirror.deltas.length).toBeGreaterThanOrEqual(2);
    expect(mirror.deltas.length).toBeLessThan(15);

    const live = ['wb1-c0', 'wb1-c1', 'wb1-c2', 'wb1-c3', 'wb1-c7', 'wb1-c8', 'wb1-c9', ...ids.slice(13)];
    expect(mirror.sortedCalls().map((c) => c.id)).toEqual([...live].sort());
    expect(mirror.calls.get('wb1-c1')).toMatchObject({ state: 'hold', holdSince: t + 2_000, agentId: 'agent-wb1-c1' });
    expect(mirror.calls.get('wb1-c3')).toMatchObject({ state: 'talking', agentId: 'agent-2', transferCount: 1 });
    const removed = mirror.deltas.flatMap((d) => d.removed).sort();
    expect(removed).toEqual(['wb1-c10', 'wb1-c11', 'wb1-c12', 'wb1-c4', 'wb1-c5', 'wb1-c6']);
    expect(mirror.stats).toEqual({
      inProgress: 7,
      waiting: 7,
      oldestWaitingSince: t,
      serviceLevel: { offered: 13, answered: 10, answeredWithinThreshold: 10, abandoned: 3 },
      abandonedToday: 3,
      offeredToday: 20,
    });

    // Quiet: no change, no delta.
    const count = mirror.deltas.length;
    await pause(700);
    expect(mirror.deltas.length).toBe(count);
    mirror.client.disconnect();
  });

  it('resyncs a client that disconnected and came back to the same state a fresh client gets', async () => {
    const mirror = new WallboardMirror(await connectDashboard(server.url));
    await mirror.join();
    const f = new EventFactory('wb2');
    const t = clock.now();
    await sendBatch(ingest, [f.offered('wb2-a', t), f.offered('wb2-b', t), f.offered('wb2-c', t)]);
    await mirror.waitFor(() => mirror.calls.has('wb2-c'));

    mirror.client.disconnect();
    // Missed while away: a change, an end, a new call, and changes to calls of the first test.
    await sendBatch(ingest, [
      f.answered('wb2-a', t + 1_000),
      f.ended('wb2-b', t + 1_000, 'abandoned'),
      f.offered('wb2-d', t + 1_000),
      f.ended('wb1-c7', t + 5_000, 'caller_hangup'),
      f.answered('wb1-c13', t + 5_000),
    ]);
    await pause(400); // the deltas for those went out while the client was away

    mirror.client.connect();
    await new Promise<void>((resolve) => mirror.client.once('connect', () => resolve()));
    const resynced = await mirror.join();
    const fresh = new WallboardMirror(await connectDashboard(server.url));
    const freshSnapshot = await fresh.join();

    expect(resynced.seq).toBe(freshSnapshot.seq);
    expect(mirror.sortedCalls()).toEqual(sortById(freshSnapshot.calls));
    expect(mirror.sortedCalls()).toEqual(sortById([...server.app.registry.calls()]));
    expect(mirror.calls.get('wb2-a')).toMatchObject({ state: 'talking' });
    expect(mirror.calls.has('wb2-b')).toBe(false);
    expect(mirror.calls.has('wb1-c7')).toBe(false);

    // From here on both follow the same deltas to the same state.
    await sendBatch(ingest, [f.ended('wb2-a', t + 9_000, 'agent_hangup'), f.answered('wb2-d', t + 9_000)]);
    await mirror.waitFor(() => !mirror.calls.has('wb2-a'));
    await fresh.waitFor(() => !fresh.calls.has('wb2-a'));
    expect(mirror.sortedCalls()).toEqual(fresh.sortedCalls());
    expect(mirror.seq).toBe(fresh.seq);
    expect(mirror.gaps + fresh.gaps).toBe(0);
    mirror.client.disconnect();
    fresh.client.disconnect();
  });

  it('sends a stats-only delta when a waiting call crosses the service-level threshold', async () => {
    const mirror = new WallboardMirror(await connectDashboard(server.url));
    await mirror.join();
    const f = new EventFactory('wb3');
    // The service level counts today's calls, so a run a few minutes before midnight would see the count
    // reset under it when the clock moves on: start such a run just after midnight instead.
    const crossingAt = clock.now() + SERVICE_LEVEL_THRESHOLD_MS + 60_000;
    if (startOfDay(crossingAt) !== startOfDay(clock.now())) clock.advance(startOfDay(crossingAt) - clock.now() + 1_000);
    // Settle: answer or end what earlier tests left queued, so only the new call can cross the threshold.
    const queued = [...server.app.registry.calls()].filter((c) => c.state === 'queued');
    await sendBatch(
      ingest,
      queued.map((c) => f.answered(c.id, clock.now())),
    );
    await sendOne(ingest, f.offered('wb3-waiting', clock.now()));
    await mirror.waitFor(() => mirror.calls.has('wb3-waiting') && mirror.stats?.waiting === 1);
    const before = mirror.stats!;
    const deltasBefore = mirror.deltas.length;

    clock.advance(SERVICE_LEVEL_THRESHOLD_MS + 1_000);
    await mirror.waitFor(() => mirror.stats?.serviceLevel.offered === before.serviceLevel.offered + 1);
    const statsDelta = mirror.deltas.at(-1)!;
    expect(mirror.deltas.length).toBe(deltasBefore + 1);
    expect(statsDelta).toMatchObject({ upserts: [], removed: [] });
    expect(statsDelta.stats).toMatchObject({
      waiting: 1,
      serviceLevel: { ...before.serviceLevel, offered: before.serviceLevel.offered + 1 },
    });
    mirror.client.disconnect();
  });
});
