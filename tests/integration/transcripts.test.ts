import {
  type Ack,
  type Call,
  type CallTranscript,
  TRANSCRIPT_BATCH_MAX_SEGMENTS,
  TRANSCRIPT_INGEST_EVENT,
  TRANSCRIPT_INGEST_PATH,
  type TranscriptBatchItem,
  type TranscriptSegment,
} from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectDashboard,
  connectIngest,
  getJson,
  type IngestClient,
  postEvents,
  signIn,
  type TestSession,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

describe.each(TEST_STORE_KINDS)('transcripts (%s store)', (kind) => {
  let server: TestServer;
  let controller: TestSession;
  let trainer: TestSession;
  let ingestSocket: IngestClient;
  const events = new EventFactory(`tr-${kind}`);
  let n = 0;
  const newCallId = () => `tr-${kind}-call-${++n}`;
  let segmentN = 0;

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' } });
    controller = await signIn(server.url, 'controller');
    trainer = await signIn(server.url, 'trainer');
    ingestSocket = await connectIngest(server.url, server.ingestKey);
  });
  afterAll(async () => {
    ingestSocket?.disconnect();
    await server?.close();
  });

  /** A call offered and answered a minute ago (live), or also ended. */
  async function startCall(end = false): Promise<string> {
    const callId = newCallId();
    const at = Date.now() - 60_000;
    const batch = [events.offered(callId, at), events.answered(callId, at + 5_000)];
    if (end) batch.push(events.ended(callId, at + 50_000));
    const posted = await postEvents(server.url, server.ingestKey, batch);
    expect(posted.status).toBe(200);
    return callId;
  }

  const segment = (callId: string, fields: Partial<TranscriptSegment> = {}): TranscriptSegment => {
    segmentN += 1;
    return {
      segmentId: `${callId}-s${segmentN}`,
      callId,
      speaker: 'caller',
      startMs: segmentN * 1_000,
      endMs: segmentN * 1_000 + 800,
      text: 'Здравствуйте, хочу узнать баланс',
      language: 'ru',
      ...fields,
    };
  };

  async function postTranscripts(
    body: unknown,
    init: { key?: string | null; rawBody?: string } = {},
  ): Promise<{ status: number; body: unknown }> {
    const key = init.key === undefined ? server.ingestKey : init.key;
    const response = await fetch(`${server.url}${TRANSCRIPT_INGEST_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'x-earshot-ingest-key': key }) },
      body: init.rawBody ?? JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const transcriptOf = (callId: string, session = controller) =>
    getJson<CallTranscript>(`${server.url}/api/calls/${encodeURIComponent(callId)}/transcript`, session);

  it('stores segments sent over HTTP and over the socket, and serves them in audio order', async () => {
    const callId = await startCall();
    const late = segment(callId, { startMs: 9_000, endMs: 9_500, speaker: 'agent', text: 'Одну минуту' });
    const early = segment(callId, { startMs: 1_000, endMs: 2_000, text: 'Добрый день' });
    const http = await postTranscripts([late]);
    expect(http).toEqual({ status: 200, body: [{ ok: true, segmentId: late.segmentId, duplicate: false }] });
    const ack: Ack<TranscriptBatchItem[]> = await ingestSocket
      .timeout(5_000)
      .emitWithAck(TRANSCRIPT_INGEST_EVENT, [early]);
    expect(ack).toEqual({ ok: true, data: [{ ok: true, segmentId: early.segmentId, duplicate: false }] });

    const { status, body } = await transcriptOf(callId);
    expect(status).toBe(200);
    expect(body.callId).toBe(callId);
    expect(body.lines).toEqual([
      {
        segmentId: early.segmentId,
        speaker: 'caller',
        startMs: 1_000,
        endMs: 2_000,
        text: 'Добрый день',
        language: 'ru',
      },
      {
        segmentId: late.segmentId,
        speaker: 'agent',
        startMs: 9_000,
        endMs: 9_500,
        text: 'Одну минуту',
        language: 'ru',
      },
    ]);
  });

  it('keeps apart the segments of calls offered in the same second, batch after batch', async () => {
    const at = Date.now() - 30_000;
    const ids = [newCallId(), newCallId()];
    await postEvents(
      server.url,
      server.ingestKey,
      ids.map((callId) => events.offered(callId, at)),
    );
    for (let round = 0; round < 3; round++) {
      const batch = ids.map((callId) => segment(callId, { text: `${callId} реплика ${round}` }));
      const posted = await postTranscripts(batch);
      expect((posted.body as TranscriptBatchItem[]).every((item) => item.ok && !item.duplicate)).toBe(true);
    }
    for (const callId of ids) {
      const { body } = await transcriptOf(callId);
      expect(body.lines.map((l) => l.text)).toEqual([0, 1, 2].map((round) => `${callId} реплика ${round}`));
    }
  });

  it('takes one segment object as a batch of one', async () => {
    const callId = await startCall();
    const one = segment(callId);
    expect(await postTranscripts(one)).toEqual({
      status: 200,
      body: [{ ok: true, segmentId: one.segmentId, duplicate: false }],
    });
  });

  it('acknowledges a repeated segment id as a duplicate and stores it once', async () => {
    const callId = await startCall();
    const first = segment(callId, { text: 'первый' });
    const again = { ...first, text: 'другой текст с тем же id' };
    const batch = await postTranscripts([first, again]);
    expect(batch.body).toEqual([
      { ok: true, segmentId: first.segmentId, duplicate: false },
      { ok: true, segmentId: first.segmentId, duplicate: true },
    ]);
    const later = await postTranscripts([again]);
    expect(later.body).toEqual([{ ok: true, segmentId: first.segmentId, duplicate: true }]);
    const overSocket: Ack<TranscriptBatchItem[]> = await ingestSocket
      .timeout(5_000)
      .emitWithAck(TRANSCRIPT_INGEST_EVENT, [first]);
    expect(overSocket).toEqual({ ok: true, data: [{ ok: true, segmentId: first.segmentId, duplicate: true }] });
    const { body } = await transcriptOf(callId);
    expect(body.lines.map((l) => l.text)).toEqual(['первый']);
  });

  it('refuses bad items one by one, with their index and reason, and stores the rest', async () => {
    const callId = await startCall();
    const good1 = segment(callId, { text: 'первая хорошая' });
    const good2 = segment(callId, { text: 'вторая хорошая' });
    const unknownCall = segment('no-such-call-at-all');
    const batch: unknown[] = [
      good1,
      { ...segment(callId), speaker: 'robot' },
      unknownCall,
      { ...segment(callId), startMs: 5_000, endMs: 4_000 },
      { ...segment(callId), text: 'с\u0000нулём' },
      'not a segment',
      { ...segment(callId), extra: 1 },
      { ...segment(callId), text: '   ' },
      { ...segment(callId), language: 'de' },
      good2,
    ];
    const { status, body } = await postTranscripts(batch);
    expect(status).toBe(200);
    const items = body as TranscriptBatchItem[];
    expect(items).toHaveLength(batch.length);
    expect(items[0]).toEqual({ ok: true, segmentId: good1.segmentId, duplicate: false });
    expect(items[9]).toEqual({ ok: true, segmentId: good2.segmentId, duplicate: false });
    const errors = items.slice(1, 9);
    for (const [i, item] of errors.entries()) {
      expect(item.ok).toBe(false);
      if (item.ok) continue;
      expect(item.index).toBe(i + 1);
    }
    const message = (i: number) => {
      const item = items[i];
      return item && !item.ok ? item.error : '';
    };
    expect(message(1)).toMatch(/segment at index 1: speaker/);
    expect(message(2)).toBe('unknown call no-such-call-at-all: send its call.offered event before its transcript');
    expect(items[2]).toMatchObject({ segmentId: unknownCall.segmentId });
    expect(message(3)).toMatch(/endMs: endMs must not be before startMs/);
    expect(message(4)).toMatch(/NUL characters \(in segment at index 4\.text\)/);
    expect(message(5)).toMatch(/segment at index 5/);
    expect(message(6)).toMatch(/extra/);
    expect(message(7)).toMatch(/text/);
    expect(message(8)).toMatch(/language/);
    const { body: transcript } = await transcriptOf(callId);
    expect(transcript.lines.map((l) => l.text)).toEqual(['первая хорошая', 'вторая хорошая']);
  });

  it('refuses a request that is not a batch as a whole, with a clear error', async () => {
    expect((await postTranscripts([segment('x')], { key: null })).status).toBe(401);
    expect((await postTranscripts([segment('x')], { key: 'wrong-key' })).status).toBe(401);
    const empty = await postTranscripts([]);
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ ok: false, error: expect.stringMatching(/batch/) });
    const tooMany = await postTranscripts(Array.from({ length: TRANSCRIPT_BATCH_MAX_SEGMENTS + 1 }, () => ({})));
    expect(tooMany.status).toBe(400);
    expect((await postTranscripts(undefined, { rawBody: '{"broken": ' })).status).toBe(400);
    expect((await postTranscripts(42)).status).toBe(400);
    expect((await postTranscripts(null)).status).toBe(400);

    const notArray: Ack<TranscriptBatchItem[]> = await ingestSocket
      .timeout(5_000)
      .emitWithAck(TRANSCRIPT_INGEST_EVENT, 'hello' as unknown as TranscriptSegment[]);
    expect(notArray).toMatchObject({ ok: false, error: expect.stringMatching(/batch/) });
  });

  it('keeps a live sentiment on the call as text arrives, and stores the final one when it ends', async () => {
    const callId = await startCall();
    const liveCall = async () =>
      (await getJson<{ call: Call }>(`${server.url}/api/calls/${callId}`, controller)).body.call;
    expect((await liveCall()).sentiment).toBeNull();

    await postTranscripts([segment(callId, { text: 'Здравствуйте, у меня не работает интернет' })]);
    await postTranscripts([segment(callId, { text: 'Это ужасно, вы мне ничего не помогли, я очень недоволен' })]);
    const live = await liveCall();
    expect(live.sentiment).toMatchObject({ label: 'negative', final: false });
    expect((await transcriptOf(callId)).body.sentiment).toEqual(live.sentiment);

    // The call's page hears of the final sentiment when it is stored.
    const dashboard = await connectDashboard(server.url, controller);
    const watched = await dashboard.timeout(5_000).emitWithAck('call:watch', { callId });
    expect(watched.ok).toBe(true);
    const finalAnnounced = new Promise<Call>((resolve) => {
      dashboard.on('call:updated', (call) => {
        if (call.id === callId && call.sentiment?.final) resolve(call);
      });
    });
    await postEvents(server.url, server.ingestKey, [events.ended(callId, Date.now())]);
    const announced = await finalAnnounced;
    dashboard.disconnect();
    expect(announced).toMatchObject({ state: 'ended', sentiment: { label: 'negative', final: true } });
    await vi.waitFor(async () => {
      const { body } = await transcriptOf(callId);
      expect(body.sentiment).toMatchObject({ label: 'negative', final: true });
    });
  });

  it('takes text that arrives after the call ended and recomputes the final sentiment', async () => {
    const callId = await startCall(true);
    await postTranscripts([segment(callId, { text: 'Спасибо большое, вы мне очень помогли, всё отлично' })]);
    const { body } = await transcriptOf(callId);
    expect(body.sentiment).toMatchObject({ label: 'positive', final: true });
  });

  it('answers a call without text with no lines and no sentiment, an unknown one 404, a trainer 403', async () => {
    const callId = await startCall(true);
    expect((await transcriptOf(callId)).body).toEqual({ callId, lines: [], sentiment: null });
    const missing = await transcriptOf('no-such-call');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ ok: false, error: 'no call with id no-such-call' });
    expect((await transcriptOf('bad id!')).status).toBe(400);
    expect((await transcriptOf(callId, trainer)).status).toBe(403);
  });

  it('deletes transcripts past the retention period', async () => {
    const callId = await startCall(true);
    await postTranscripts([segment(callId, { text: 'удаляемая строка' })]);
    const deleted = await server.app.transcripts.retentionTarget().deleteOlderThan(Date.now() + 1_000);
    expect(deleted.transcriptSegments).toBeGreaterThan(0);
    expect((await transcriptOf(callId)).body.lines).toEqual([]);
    const search = await getJson<{ hits: unknown[] }>(`${server.url}/api/search?q=удаляемая`, controller);
    expect(search.body.hits).toEqual([]);
  });
});
