import { type CallDetail, type CallsPage, startOfDay } from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDashboard, connectIngest, getJson, postEvents, signIn, WallboardMirror } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import {
  AdjustableClock,
  createTestStoreLocation,
  startTestServer,
  TEST_STORE_KINDS,
  type TestStoreLocation,
} from '../helpers/testServer.js';

describe.each(TEST_STORE_KINDS)('restart (%s store)', (kind) => {
  let location: TestStoreLocation;

  beforeAll(async () => {
    location = await createTestStoreLocation(kind);
  });
  afterAll(async () => {
    await location?.dispose();
  });

  it('keeps finished calls and closes the calls left live with server_restart at their last event', async () => {
    const f = new EventFactory('rs');
    // The calls are offered a minute ago and the wallboard counts today's: in a day's first minutes, run
    // a few minutes later so that they are today's.
    const clock = new AdjustableClock();
    if (startOfDay(clock.now() - 120_000) !== startOfDay(clock.now())) clock.advance(180_000);
    const t = clock.now() - 60_000;
    const first = await startTestServer({ store: location, clock });
    const events = [
      f.offered('rs-done', t),
      f.answered('rs-done', t + 5_000),
      f.ended('rs-done', t + 30_000, 'agent_hangup'),
      f.offered('rs-abandoned', t),
      f.ended('rs-abandoned', t + 10_000, 'abandoned'),
      f.offered('rs-queued', t + 1_000),
      f.offered('rs-hold', t + 2_000),
      f.answered('rs-hold', t + 3_000),
      f.held('rs-hold', t + 20_000),
    ];
    const posted = await postEvents(first.url, first.ingestKey, events);
    expect((posted.body as { ok: boolean }[]).every((item) => item.ok)).toBe(true);
    expect(first.app.registry.size).toBe(2);
    await first.close();

    const second = await startTestServer({ store: location, clock });
    const controller = await signIn(second.url, 'controller');
    try {
      expect(second.app.registry.size).toBe(0);
      const { body: page } = await getJson<CallsPage>(`${second.url}/api/calls`, controller);
      expect(page.items.map((c) => c.id).sort()).toEqual(['rs-abandoned', 'rs-done', 'rs-hold', 'rs-queued']);
      expect(page.items.find((c) => c.id === 'rs-done')).toMatchObject({
        state: 'ended',
        endReason: 'agent_hangup',
        endedAt: t + 30_000,
      });
      expect(page.items.find((c) => c.id === 'rs-queued')).toMatchObject({
        state: 'ended',
        endReason: 'server_restart',
        endedAt: t + 1_000,
        answeredAt: null,
      });
      // Closed at its last event (the hold began then), so the hold it was in counts as zero, not as downtime.
      expect(page.items.find((c) => c.id === 'rs-hold')).toMatchObject({
        state: 'ended',
        endReason: 'server_restart',
        endedAt: t + 20_000,
        holdSince: null,
        holdMs: 0,
        holdCount: 1,
      });
      const { body: detail } = await getJson<CallDetail>(`${second.url}/api/calls/rs-hold`, controller);
      expect(detail.events.map((e) => e.type)).toEqual([
        'call.offered',
        'call.answered',
        'call.held',
        'call.closed_by_server',
      ]);
      expect(detail.events.at(-1)).toMatchObject({
        at: t + 20_000,
        detail: {
          reason: 'server_restart',
          stateBefore: 'hold',
          explanation: expect.stringMatching(/real end is unknown/),
        },
      });
      expect((await getJson(`${second.url}/api/calls?outcome=live`, controller)).body).toEqual({
        items: [],
        nextCursor: null,
      });
      expect(
        ((await getJson<CallsPage>(`${second.url}/api/calls?outcome=server_restart`, controller)).body.items ?? []).map(
          (c) => c.id,
        ),
      ).toEqual(['rs-hold', 'rs-queued']);

      // The wallboard starts empty, with today's counts from the store.
      const mirror = new WallboardMirror(await connectDashboard(second.url, controller));
      const snapshot = await mirror.join();
      expect(snapshot.calls).toEqual([]);
      expect(snapshot.stats).toMatchObject({
        inProgress: 0,
        waiting: 0,
        offeredToday: 4,
        abandonedToday: 1,
        serviceLevel: { offered: 3, answered: 2, answeredWithinThreshold: 2, abandoned: 1 },
      });
      mirror.client.disconnect();

      // The store remembers event ids and ended calls across the restart.
      const ingest = await connectIngest(second.url, second.ingestKey);
      expect(await ingest.timeout(2_000).emitWithAck('ingest:event', events[8]!)).toEqual({
        ok: true,
        data: { eventId: events[8]!.eventId, duplicate: true },
      });
      expect(await ingest.timeout(2_000).emitWithAck('ingest:event', f.resumed('rs-hold', t + 40_000))).toEqual({
        ok: false,
        error: expect.stringMatching(/already ended/),
      });
      ingest.disconnect();
    } finally {
      await second.close();
    }

    // A third start finds nothing left to close.
    const third = await startTestServer({ store: location, clock });
    // The demo accounts survive the restart; their passwords are new at every start.
    expect(third.users.controller.password).not.toBe(second.users.controller.password);
    const { body: again } = await getJson<CallDetail>(
      `${third.url}/api/calls/rs-hold`,
      await signIn(third.url, 'controller'),
    );
    expect(again.events.filter((e) => e.type === 'call.closed_by_server')).toHaveLength(1);
    await third.close();
  });
});
