import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  type Ack,
  type CallDetail,
  INGEST_BATCH_MAX_EVENTS,
  type IngestBatchItem,
  type IngestEvent,
  type IngestResult,
} from '@earshot/shared';
import { sql } from 'kysely';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectDashboard,
  connectIngest,
  getJson,
  type IngestClient,
  pause,
  postEvents,
  signIn,
  sortById,
  type TestSession,
  WallboardMirror,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import {
  createTestStoreLocation,
  startTestServer,
  TEST_STORE_KINDS,
  type TestServer,
  type TestStoreLocation,
} from '../helpers/testServer.js';

/** Calls offered and then ended, in full batches sent back to back, by the burst test. */
const BURST_CALLS = 5_000;
/**
 * Far above one chunk's work, below what the burst held the loop for without pauses (1.1–1.7 s on SQLite
 * on the 2-core machine; 0.2–0.45 s with them, most of it decoding the 20 frames that arrive at once).
 */
const BURST_MAX_LOOP_DELAY_MS = 1_000;
/** Deltas that must arrive before the last batch's ack: 17–19 with pauses, 2–3 when the loop was held. */
const BURST_MIN_DELTAS_DURING = 8;
/** Flush often in this file, and wait a few flushes, so a delta that was going to be sent has been. */
const FLUSH_INTERVAL_MS = 50;
const FLUSH_WAIT_MS = 200;

describe.each(TEST_STORE_KINDS)('ingest (%s store)', (kind) => {
  let location: TestStoreLocation;
  let server: TestServer;
  let ingest: IngestClient;
  let mirror: WallboardMirror;
  let controller: TestSession;

  beforeAll(async () => {
    location = await createTestStoreLocation(kind);
    server = await startTestServer({ store: location, flushIntervalMs: FLUSH_INTERVAL_MS });
    controller = await signIn(server.url, 'controller');
    ingest = await connectIngest(server.url, server.ingestKey);
    mirror = new WallboardMirror(await connectDashboard(server.url, controller));
    await mirror.join();
  });
  afterAll(async () => {
    ingest?.disconnect();
    mirror?.client.disconnect();
    await server?.close();
    await location?.dispose();
  });

  const sendEvent = (event: unknown): Promise<Ack<IngestResult>> =>
    ingest.timeout(5_000).emitWithAck('ingest:event', event as IngestEvent);
  const detail = async (callId: string) =>
    (await getJson<CallDetail>(`${server.url}/api/calls/${callId}`, controller)).body;

  /** Everything a refused or repeated event must not change: memory, what a dashboard sees, the store. */
  async function observableState(callIds: string[]) {
    const snapshot = await new Promise<unknown>((resolve) => {
      void (async () => {
        const client = await connectDashboard(server.url, controller);
        const fresh = new WallboardMirror(client);
        const s = await fresh.join();
        client.disconnect();
        resolve({ seq: s.seq, calls: sortById(s.calls), stats: s.stats });
      })();
    });
    return {
      registry: sortById([...server.app.registry.calls()]),
      snapshot,
      store: await Promise.all(callIds.map(detail)),
      mirrorCalls: mirror.sortedCalls(),
    };
  }

  it('acknowledges a repeated event as a duplicate and changes nothing, live or ended', async () => {
    const f = new EventFactory('dup');
    const t = Date.now();
    const offer = f.offered('dup-live', t);
    const answer = f.answered('dup-live', t + 1_000);
    const endedOffer = f.offered('dup-ended', t);
    const abandon = f.ended('dup-ended', t + 2_000, 'abandoned');
    for (const e of [offer, answer, endedOffer, abandon]) expect(await sendEvent(e)).toMatchObject({ ok: true });
    await pause(FLUSH_WAIT_MS);
    const before = await observableState(['dup-live', 'dup-ended']);
    const deltas = mirror.deltas.length;

    // Over the socket, live call (memory) and ended call (store).
    expect(await sendEvent(offer)).toEqual({ ok: true, data: { eventId: offer.eventId, duplicate: true } });
    expect(await sendEvent(abandon)).toEqual({ ok: true, data: { eventId: abandon.eventId, duplicate: true } });
    // Over HTTP, in a batch: both repeats acknowledged.
    const http = await postEvents(server.url, server.ingestKey, [answer, endedOffer]);
    expect(http).toEqual({
      status: 200,
      body: [
        { ok: true, eventId: answer.eventId, duplicate: true },
        { ok: true, eventId: endedOffer.eventId, duplicate: true },
      ],
    });
    // The same id reused for another call is a repeat too (ids are unique at the source), not a new event.
    const reused = { ...f.offered('dup-other', t), eventId: answer.eventId };
    expect(await sendEvent(reused)).toEqual({ ok: true, data: { eventId: answer.eventId, duplicate: true } });

    await pause(FLUSH_WAIT_MS);
    expect(mirror.deltas.length).toBe(deltas);
    expect(await observableState(['dup-live', 'dup-ended'])).toEqual(before);
    expect((await detail('dup-live')).events.map((e) => e.eventId)).toEqual([offer.eventId, answer.eventId]);
    expect((await getJson(`${server.url}/api/calls/dup-other`, controller)).status).toBe(404);
  });

  it('refuses events out of order with a clear reason and leaves registry, snapshot and store unchanged', async () => {
    const f = new EventFactory('ooo');
    const t = Date.now();
    expect(await sendEvent(f.offered('ooo-talk', t))).toMatchObject({ ok: true });
    expect(await sendEvent(f.answered('ooo-talk', t + 10_000))).toMatchObject({ ok: true });
    expect(await sendEvent(f.offered('ooo-end', t))).toMatchObject({ ok: true });
    expect(await sendEvent(f.ended('ooo-end', t + 5_000, 'abandoned'))).toMatchObject({ ok: true });
    await pause(FLUSH_WAIT_MS);
    const before = await observableState(['ooo-talk', 'ooo-end']);
    const deltas = mirror.deltas.length;

    const refusals: [IngestEvent, RegExp][] = [
      [f.answered('ooo-new', t), /unknown call ooo-new: a call must be offered first/],
      [f.held('ooo-end', t + 6_000), /call\.held for call ooo-end, which has already ended/],
      [f.held('ooo-talk', t + 5_000), /earlier than the call's last event/],
      [f.resumed('ooo-talk', t + 11_000), /not valid while the call is talking/],
      [f.offered('ooo-talk', t + 12_000), /already offered/],
      [f.ended('ooo-talk', t + 12_000, 'abandoned'), /abandoned is only valid for a call still in the queue/],
    ];
    for (const [event, reason] of refusals) {
      expect(await sendEvent(event)).toEqual({ ok: false, error: expect.stringMatching(reason) });
    }
    // The same over HTTP, as a batch: each refused with its index, and a good event among them still applies.
    const good = f.held('ooo-talk', t + 20_000);
    const http = await postEvents(server.url, server.ingestKey, [refusals[0]![0], good, refusals[2]![0]]);
    expect(http.status).toBe(200);
    expect(http.body).toEqual([
      { ok: false, index: 0, eventId: refusals[0]![0].eventId, error: expect.stringMatching(/unknown call/) },
      { ok: true, eventId: good.eventId, duplicate: false },
      { ok: false, index: 2, eventId: refusals[2]![0].eventId, error: expect.stringMatching(/earlier than/) },
    ]);
    const resumeAfterHold = f.resumed('ooo-talk', t + 21_000);
    expect(await sendEvent(resumeAfterHold)).toMatchObject({ ok: true });

    // Undo the good ones by comparing only what the refusals could have touched: the ended call and the
    // unknown one, plus everything else in the registry and snapshot except ooo-talk's hold/resume.
    await pause(FLUSH_WAIT_MS);
    const after = await observableState(['ooo-talk', 'ooo-end']);
    expect(after.store[1]).toEqual(before.store[1]);
    expect((await getJson(`${server.url}/api/calls/ooo-new`, controller)).status).toBe(404);
    const talkAfter = after.store[0]!;
    expect(talkAfter.events.map((e) => e.type)).toEqual(['call.offered', 'call.answered', 'call.held', 'call.resumed']);
    expect(talkAfter.call).toMatchObject({ state: 'talking', holdCount: 1, holdMs: 1_000, lastEventAt: t + 21_000 });
    const withoutTalk = (calls: { id: string }[]) => calls.filter((c) => c.id !== 'ooo-talk');
    expect(withoutTalk(after.registry)).toEqual(withoutTalk(before.registry));
    expect(withoutTalk(after.mirrorCalls)).toEqual(withoutTalk(before.mirrorCalls));
    // Only the good events produced deltas, and they carry only ooo-talk.
    const newDeltas = mirror.deltas.slice(deltas);
    expect(newDeltas.flatMap((d) => d.upserts.map((c) => c.id))).toEqual(newDeltas.map(() => 'ooo-talk'));
    expect(newDeltas.flatMap((d) => d.removed)).toEqual([]);
  });

  it('refuses malformed HTTP bodies with 400 naming the problem, and changes nothing', async () => {
    const before = await observableState([]);
    const key = server.ingestKey;
    const f = new EventFactory('bad');
    const t = Date.now();

    const notJson = await postEvents(server.url, key, null, { rawBody: '{"eventId": "x",' });
    expect(notJson).toEqual({ status: 400, body: { ok: false, error: expect.stringMatching(/not valid JSON/) } });

    for (const rawBody of ['42', '"call.offered"', 'null']) {
      const primitive = await postEvents(server.url, key, null, { rawBody });
      expect(primitive).toEqual({
        status: 400,
        body: { ok: false, error: expect.stringMatching(/^expected an event object or an array of events, got /) },
      });
    }

    const notAnEvent = await postEvents(server.url, key, { hello: 'world' });
    expect(notAnEvent.status).toBe(400);
    expect(notAnEvent.body).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid event: /) });

    const wrongTypes = await postEvents(server.url, key, { ...f.offered('bad-1', t), at: 'yesterday', line: '112' });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body).toMatchObject({
      ok: false,
      details: expect.arrayContaining([
        expect.objectContaining({ path: 'at' }),
        expect.objectContaining({ path: 'line' }),
      ]),
    });

    const empty = await postEvents(server.url, key, []);
    expect(empty).toEqual({ status: 400, body: { ok: false, error: expect.stringMatching(/batch is empty/) } });

    const tooMany = await postEvents(
      server.url,
      key,
      Array.from({ length: 501 }, (_, i) => f.offered(`bad-many-${i}`, t)),
    );
    expect(tooMany).toEqual({ status: 400, body: { ok: false, error: expect.stringMatching(/at most 500/) } });

    const textBody = await fetch(`${server.url}/api/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-earshot-ingest-key': key },
      body: 'call.offered c1',
    });
    expect(textBody.status).toBe(400);
    expect(await textBody.json()).toMatchObject({ error: expect.stringMatching(/Content-Type: application\/json/) });

    const huge = await postEvents(server.url, key, null, { rawBody: `["${'x'.repeat(1_100_000)}"]` });
    expect(huge).toEqual({ status: 413, body: { ok: false, error: expect.stringMatching(/too large/) } });

    // A batch with garbage items: those are refused by index, the good one applies.
    const good = f.offered('bad-good', t);
    const mixed = await postEvents(server.url, key, [42, good, { ...f.held('bad-good', t), at: -1 }]);
    expect(mixed.status).toBe(200);
    expect(mixed.body).toEqual([
      { ok: false, index: 0, error: expect.stringMatching(/^invalid event at index 0/) },
      { ok: true, eventId: good.eventId, duplicate: false },
      {
        ok: false,
        index: 2,
        eventId: expect.any(String),
        error: expect.stringMatching(/^invalid event at index 2: at:/),
      },
    ]);
    expect(await sendEvent(f.ended('bad-good', t + 1, 'abandoned'))).toMatchObject({ ok: true });

    await pause(FLUSH_WAIT_MS);
    const after = await observableState([]);
    expect(after.registry).toEqual(before.registry);
    expect(after.mirrorCalls).toEqual(before.mirrorCalls);
  });

  it('survives garbage and missing acks on the sockets, answering what it can', async () => {
    const before = await observableState([]);
    const raw = io(`${server.url}/ingest`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { key: server.ingestKey },
    });
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    // No ack at all, with garbage and with a valid-looking frame.
    raw.emit('ingest:event', 'garbage');
    raw.emit('ingest:event', { type: 'call.offered' });
    raw.emit('ingest:batch', { not: 'an array' });
    raw.emit('ingest:batch');
    raw.emit('no:such-event', 1, 2, 3);
    // Ack in the payload's place.
    const ackOnly = await raw.timeout(2_000).emitWithAck('ingest:event');
    expect(ackOnly).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid event/) });
    const notArray = await raw.timeout(2_000).emitWithAck('ingest:batch', 'x');
    expect(notArray).toEqual({ ok: false, error: 'invalid batch: expected an array of events' });
    const emptyBatch = await raw.timeout(2_000).emitWithAck('ingest:batch', []);
    expect(emptyBatch).toMatchObject({ ok: false, error: expect.stringMatching(/at least one/) });
    const deep = await raw.timeout(2_000).emitWithAck('ingest:event', { eventId: { $gt: '' }, callId: [1], at: 1e30 });
    expect(deep).toMatchObject({ ok: false, details: expect.any(Array) });

    // An untyped dashboard socket, to send what a typed client cannot.
    const dashboard = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: controller.cookie },
    });
    await new Promise<void>((resolve) => dashboard.once('connect', () => resolve()));
    dashboard.emit('wallboard:join');
    dashboard.emit('wallboard:join', 'garbage', 'more');
    dashboard.emit('call:watch', 'not-an-object');
    dashboard.emit('call:unwatch', null);
    const watchNull = await dashboard.timeout(2_000).emitWithAck('call:watch', null);
    expect(watchNull).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid call:watch payload/) });
    const watchUnknown = await dashboard.timeout(2_000).emitWithAck('call:watch', { callId: 'no-such-call' });
    expect(watchUnknown).toEqual({ ok: false, error: 'no call with id no-such-call' });

    await pause(100);
    expect(raw.connected).toBe(true);
    expect(dashboard.connected).toBe(true);
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
    const f = new EventFactory('sock');
    expect(await raw.timeout(2_000).emitWithAck('ingest:event', f.offered('sock-ok', Date.now()))).toMatchObject({
      ok: true,
    });
    expect(
      await raw.timeout(2_000).emitWithAck('ingest:event', f.ended('sock-ok', Date.now() + 1, 'abandoned')),
    ).toMatchObject({
      ok: true,
    });
    raw.disconnect();
    dashboard.disconnect();
    await pause(FLUSH_WAIT_MS);
    expect((await observableState([])).registry).toEqual(before.registry);
  });

  it('refuses a missing or wrong ingest key on HTTP and on the socket', async () => {
    const event = new EventFactory('key').offered('key-1', Date.now());
    expect(await postEvents(server.url, undefined, event)).toEqual({
      status: 401,
      body: { ok: false, error: expect.stringMatching(/missing ingest key/) },
    });
    expect(await postEvents(server.url, `${server.ingestKey}x`, event)).toEqual({
      status: 401,
      body: { ok: false, error: 'invalid ingest key' },
    });
    expect(
      await postEvents(server.url, undefined, event, { headers: { authorization: 'Bearer not-the-key' } }),
    ).toMatchObject({ status: 401 });
    await expect(connectIngest(server.url, 'not-the-key')).rejects.toThrow('invalid ingest key');
    await expect(connectIngest(server.url, '')).rejects.toThrow(/ingest key/);
    expect((await getJson(`${server.url}/api/calls/key-1`, controller)).status).toBe(404);

    const bearer = await postEvents(server.url, undefined, event, {
      headers: { authorization: `Bearer ${server.ingestKey}` },
    });
    expect(bearer).toEqual({ status: 200, body: [{ ok: true, eventId: event.eventId, duplicate: false }] });
    const f = new EventFactory('key2');
    expect(await sendEvent(f.ended('key-1', Date.now() + 1_000, 'abandoned'))).toMatchObject({ ok: true });
  });

  it('applies a large interleaved batch in order per call, calls concurrently', async () => {
    const f = new EventFactory('big');
    const t = Date.now();
    const ids = Array.from({ length: 60 }, (_, i) => `big-${i}`);
    // Round-robin over calls, so each call's events are far apart in the batch.
    const steps: ((id: string, i: number) => IngestEvent)[] = [
      (id) => f.offered(id, t),
      (id, i) => f.answered(id, t + 1_000, `agent-${i % 7}`),
      (id) => f.held(id, t + 2_000),
      (id) => f.resumed(id, t + 2_500),
      (id) => f.ended(id, t + 3_000, 'agent_hangup'),
    ];
    const batch = steps.flatMap((step) => ids.map((id, i) => step(id, i)));
    const result = await ingest.timeout(10_000).emitWithAck('ingest:batch', batch);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.filter((item: IngestBatchItem) => !item.ok)).toEqual([]);
    expect(result.data.map((item: IngestBatchItem) => item.eventId)).toEqual(batch.map((e) => e.eventId));
    const one = await detail('big-42');
    expect(one.call).toMatchObject({ state: 'ended', holdMs: 500, agentId: 'agent-0', endReason: 'agent_hangup' });
    expect(one.events.map((e) => e.type)).toEqual([
      'call.offered',
      'call.answered',
      'call.held',
      'call.resumed',
      'call.ended',
    ]);
    expect(ids.some((id) => server.app.registry.get(id))).toBe(false);
  });

  it('keeps the flush timer and socket reads going while a large burst of batches is ingested', async () => {
    const f = new EventFactory('burst');
    const t = Date.now();
    const ids = Array.from({ length: BURST_CALLS }, (_, i) => `burst-${i}`);
    const batches: IngestEvent[][] = [];
    const offers = ids.map((id) => f.offered(id, t));
    const endings = ids.map((id) => f.ended(id, t + 1_000, 'abandoned'));
    for (const events of [offers, endings]) {
      for (let i = 0; i < events.length; i += INGEST_BATCH_MAX_EVENTS) {
        batches.push(events.slice(i, i + INGEST_BATCH_MAX_EVENTS));
      }
    }
    // The server runs in this process, so this measures its event loop (and the clients', which share it).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const deltaTimes: number[] = [];
    const onDelta = () => deltaTimes.push(performance.now());
    mirror.client.on('wallboard:delta', onDelta);
    loopDelay.enable();
    const ackTimes: number[] = [];
    try {
      const acks = await Promise.all(
        batches.map(async (batch) => {
          const ack = await ingest.timeout(60_000).emitWithAck('ingest:batch', batch);
          ackTimes.push(performance.now());
          return ack;
        }),
      );
      for (const ack of acks) {
        expect(ack.ok).toBe(true);
        if (ack.ok) expect(ack.data.filter((item: IngestBatchItem) => !item.ok)).toEqual([]);
      }
    } finally {
      loopDelay.disable();
      mirror.client.off('wallboard:delta', onDelta);
    }
    const lastAck = Math.max(...ackTimes);
    // Deltas went out while later batches were still being worked off (a held loop sends few until the end).
    expect(deltaTimes.filter((at) => at < lastAck).length).toBeGreaterThanOrEqual(BURST_MIN_DELTAS_DURING);
    // Generous: a chunk of one batch, not the whole burst, is the longest the loop may be held.
    expect(loopDelay.max / 1e6).toBeLessThan(BURST_MAX_LOOP_DELAY_MS);
    expect(ids.some((id) => server.app.registry.get(id))).toBe(false);
  });

  it('stores a batch all or nothing: a store failure mid-way applies none of it; a retry applies it all', async () => {
    const f = new EventFactory('bfail');
    const t = Date.now();
    expect(await sendEvent(f.offered('bfail-1', t))).toMatchObject({ ok: true });
    await mirror.waitFor(() => mirror.calls.has('bfail-1'));
    const before = await observableState(['bfail-1', 'bfail-2']);
    const deltas = mirror.deltas.length;

    const batch = [
      f.answered('bfail-1', t + 1_000),
      f.offered('bfail-2', t + 1_000),
      { type: 'call.held', callId: 'bfail-1' }, // malformed: refused on its own, with its index
      f.held('bfail-1', t + 2_000),
      f.answered('bfail-2', t + 3_000, 'agent-7', 'Agent Seven'),
    ];
    const failingId = (batch[3] as IngestEvent).eventId;
    const db = server.store.db;
    if (kind === 'sqlite') {
      await sql`create trigger fail_one_insert before insert on call_events when new.event_id = ${sql.lit(failingId)} begin select raise(abort, 'simulated disk failure'); end`.execute(
        db,
      );
    } else {
      await sql`create function fail_one_insert() returns trigger language plpgsql as $$ begin raise exception 'simulated disk failure'; end $$`.execute(
        db,
      );
      await sql`create trigger fail_one_insert before insert on call_events for each row when (new.event_id = ${sql.lit(failingId)}) execute function fail_one_insert()`.execute(
        db,
      );
    }
    const failed = await ingest.timeout(5_000).emitWithAck('ingest:batch', batch as IngestEvent[]);
    expect(failed.ok).toBe(true);
    if (!failed.ok) return;
    const storeError = expect.stringMatching(/could not store event .*simulated disk failure.*nothing was changed/);
    expect(failed.data).toEqual([
      { ok: false, index: 0, eventId: (batch[0] as IngestEvent).eventId, error: storeError },
      { ok: false, index: 1, eventId: (batch[1] as IngestEvent).eventId, error: storeError },
      { ok: false, index: 2, error: expect.stringMatching(/event at index 2/) },
      { ok: false, index: 3, eventId: failingId, error: storeError },
      { ok: false, index: 4, eventId: (batch[4] as IngestEvent).eventId, error: storeError },
    ]);
    await pause(FLUSH_WAIT_MS);
    expect(await observableState(['bfail-1', 'bfail-2'])).toEqual(before);
    expect(mirror.deltas.length).toBe(deltas);
    expect((await getJson(`${server.url}/api/calls/bfail-2`, controller)).status).toBe(404);

    await sql`drop trigger fail_one_insert${sql.raw(kind === 'postgres' ? ' on call_events' : '')}`.execute(db);
    const retried = await ingest.timeout(5_000).emitWithAck('ingest:batch', batch as IngestEvent[]);
    expect(retried.ok && retried.data.map((item: IngestBatchItem) => item.ok)).toEqual([true, true, false, true, true]);
    expect(retried.ok && retried.data.filter((item: IngestBatchItem) => item.ok && item.duplicate)).toEqual([]);
    await mirror.waitFor(() => mirror.calls.get('bfail-2')?.state === 'talking');
    expect(mirror.calls.get('bfail-1')).toMatchObject({ state: 'hold', holdCount: 1 });
    expect((await detail('bfail-1')).events.map((e) => e.type)).toEqual(['call.offered', 'call.answered', 'call.held']);
  });

  it('answers a batch event whose id was stored for another call as a duplicate, and applies the rest', async () => {
    const f = new EventFactory('bdup');
    const t = Date.now();
    const done = [f.offered('bdup-old', t), f.ended('bdup-old', t + 1, 'abandoned')];
    expect(await ingest.timeout(5_000).emitWithAck('ingest:batch', done)).toMatchObject({ ok: true });
    // Same id as an event of the ended call, for a live call: only the store knows it is a repeat.
    const offered = f.offered('bdup-new', t + 2);
    const repeat = { ...f.held('bdup-new', t + 4), eventId: (done[1] as IngestEvent).eventId };
    const batch = [offered, f.answered('bdup-new', t + 3), repeat, f.held('bdup-new', t + 5)];
    const result = await ingest.timeout(5_000).emitWithAck('ingest:batch', batch);
    expect(result).toEqual({
      ok: true,
      data: batch.map((event, i) => ({ ok: true, eventId: event.eventId, duplicate: i === 2 })),
    });
    expect((await detail('bdup-new')).events.map((e) => e.type)).toEqual([
      'call.offered',
      'call.answered',
      'call.held',
    ]);
  });

  it('answers an error and leaves memory and store untouched when the store fails; a retry then applies', async () => {
    const f = new EventFactory('fail');
    const t = Date.now();
    expect(await sendEvent(f.offered('fail-1', t))).toMatchObject({ ok: true });
    await mirror.waitFor(() => mirror.calls.has('fail-1'));
    const before = await observableState(['fail-1']);
    const deltas = mirror.deltas.length;

    const db = server.store.db;
    if (kind === 'sqlite') {
      await sql`create trigger fail_inserts before insert on call_events begin select raise(abort, 'simulated disk failure'); end`.execute(
        db,
      );
    } else {
      await sql`create function fail_inserts() returns trigger language plpgsql as $$ begin raise exception 'simulated disk failure'; end $$`.execute(
        db,
      );
      await sql`create trigger fail_inserts before insert on call_events for each row execute function fail_inserts()`.execute(
        db,
      );
    }
    const answer = f.answered('fail-1', t + 1_000);
    const failed = await sendEvent(answer);
    expect(failed).toEqual({
      ok: false,
      error: expect.stringMatching(/could not store event fail-e2: .*simulated disk failure.*nothing was changed/),
    });
    const newCall = await postEvents(server.url, server.ingestKey, f.offered('fail-2', t));
    expect(newCall.body).toEqual([
      { ok: false, index: 0, eventId: expect.any(String), error: expect.stringMatching(/could not store/) },
    ]);
    await pause(FLUSH_WAIT_MS);
    // The call row update was rolled back with the failed event insert: one transaction.
    expect(await observableState(['fail-1'])).toEqual(before);
    expect(mirror.deltas.length).toBe(deltas);
    expect((await getJson(`${server.url}/api/calls/fail-2`, controller)).status).toBe(404);

    await sql`drop trigger fail_inserts${sql.raw(kind === 'postgres' ? ' on call_events' : '')}`.execute(db);
    // Not a duplicate: the failed attempt left no trace.
    expect(await sendEvent(answer)).toEqual({ ok: true, data: { eventId: answer.eventId, duplicate: false } });
    await mirror.waitFor(() => mirror.calls.get('fail-1')?.state === 'talking');
    expect(await sendEvent(f.ended('fail-1', t + 2_000, 'agent_hangup'))).toMatchObject({ ok: true });
  });
});
