import {
  AUDIO_FRAME_MS,
  AUDIO_SAMPLES_PER_FRAME,
  type AudioFrame,
  type CallSpeech,
  DEAD_AIR_THRESHOLD_MS,
  type LiveSilence,
  OVERTALK_MIN_MS,
  SILENCE_BADGE_MIN_MS,
  type SpeechSegment,
  type WallboardDelta,
} from '@earshot/shared';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVadFixtures } from '../fixtures/speech/fixtures.js';
import { connectAudioAdapter, frameFromSamples, streamRealtime, type TestAudioAdapter } from '../helpers/audio.js';
import {
  apiRequest,
  connectDashboard,
  type DashboardClient,
  joinWallboard,
  pause,
  postEvents,
  signIn,
  type TestSession,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const SILENT_FRAME = new Int16Array(AUDIO_SAMPLES_PER_FRAME);
const AGENT_ID = 'agent-1';

/** The clean fixture: a phrase at [700, 2765) ms, silence, the next phrase at [3365, 4932) ms. */
const clean = loadVadFixtures().find((f) => f.file === 'agent_clean.wav');
if (!clean) throw new Error('tests/fixtures/speech/agent_clean.wav is missing');
const FIRST_PHRASE = clean.speech[0]!;
const SECOND_PHRASE = clean.speech[1]!;

/** Frame `seq` of a side that plays `source[fromMs, toMs)` starting at `atMs` of the call, silence elsewhere. */
function play(seq: number, pieces: { atMs: number; fromMs: number; toMs: number }[]): Int16Array {
  const ms = seq * AUDIO_FRAME_MS;
  for (const piece of pieces) {
    const offset = ms - piece.atMs + piece.fromMs;
    if (ms < piece.atMs || offset + AUDIO_FRAME_MS > piece.toMs) continue;
    const from = (offset * 8000) / 1000;
    return clean!.samples.slice(from, from + AUDIO_SAMPLES_PER_FRAME);
  }
  return SILENT_FRAME;
}

const screenshot = (color: string) =>
  sharp({ create: { width: 320, height: 180, channels: 3, background: color } })
    .png()
    .toBuffer();

async function waitUntil<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

/** Every change of each call's `silence` the wallboard showed, with when it arrived. */
function watchSilences(client: DashboardClient): Map<string, { at: number; silence: LiveSilence | null }[]> {
  const seen = new Map<string, { at: number; silence: LiveSilence | null }[]>();
  client.on('wallboard:delta', (delta: WallboardDelta) => {
    for (const call of delta.upserts) {
      const list = seen.get(call.id) ?? [];
      const last = list.at(-1);
      if (!last || JSON.stringify(last.silence) !== JSON.stringify(call.silence)) {
        list.push({ at: Date.now(), silence: call.silence });
      }
      seen.set(call.id, list);
    }
  });
  return seen;
}

const near = (segment: SpeechSegment | undefined, startMs: number, endMs: number, toleranceMs: number) =>
  segment !== undefined &&
  Math.abs(segment.startMs - startMs) <= toleranceMs &&
  Math.abs(segment.endMs - endMs) <= toleranceMs;

describe('speech analytics live: silence badge, dead air, screen, hold (real-time audio)', () => {
  let server: TestServer;
  let adapter: TestAudioAdapter;
  let wallboard: DashboardClient;
  let controller: TestSession;
  let silences: Map<string, { at: number; silence: LiveSilence | null }[]>;
  const f = new EventFactory('speech-live');

  beforeAll(async () => {
    server = await startTestServer();
    controller = await signIn(server.url, 'controller');
    adapter = await connectAudioAdapter(server.url, server.ingestKey);
    wallboard = await connectDashboard(server.url, controller);
    silences = watchSilences(wallboard);
    await joinWallboard(wallboard);
  });
  afterAll(async () => {
    wallboard?.disconnect();
    adapter?.close();
    await server?.close();
  });

  it('shows a silence backdated to the last speech, dead air on time, screen changes, clears on speech; hold never counts', async () => {
    const now = Date.now();
    const callA = 'speech-dead-air';
    const callB = 'speech-hold';
    for (const callId of [callA, callB]) {
      const posted = await postEvents(server.url, server.ingestKey, [
        f.offered(callId, now - 5_000),
        f.answered(callId, now - 1_000, AGENT_ID),
      ]);
      expect(posted.status).toBe(200);
    }
    // A: the agent's phrase, 12 s of silence, then the caller speaks. B: the agent's phrase, then a hold.
    const callerSpeaksAtMs = FIRST_PHRASE.endMs + 12_000;
    const agentPhrase = { atMs: 0, fromMs: 0, toMs: SECOND_PHRASE.startMs };
    const callerPhrase = {
      atMs: callerSpeaksAtMs - 200,
      fromMs: SECOND_PHRASE.startMs - 200,
      toMs: SECOND_PHRASE.endMs + 200,
    };
    const startedAt = Date.now();
    const streamA = streamRealtime(
      adapter,
      callA,
      (seq) => ({ agent: play(seq, [agentPhrase]), caller: play(seq, [callerPhrase]) }),
      'l16',
    );
    const streamB = streamRealtime(
      adapter,
      callB,
      (seq) => ({ agent: play(seq, [agentPhrase]), caller: SILENT_FRAME }),
      'l16',
    );
    const speechEndA = startedAt + FIRST_PHRASE.endMs;

    // B goes on hold 0.5 s after its phrase (before a silence could show) and comes back 3.5 s later.
    await waitUntil(() => Date.now() >= speechEndA + 500 || undefined, 'the hold time');
    const heldAt = Date.now();
    expect((await postEvents(server.url, server.ingestKey, [f.held(callB, heldAt)])).status).toBe(200);

    // A: the badge appears once the silence is SILENCE_BADGE_MIN_MS long, backdated to the end of the phrase.
    const shown = await waitUntil(() => silences.get(callA)?.find((s) => s.silence !== null), 'the silence badge');
    const silentSince = shown.silence!.silentSince;
    expect(Math.abs(silentSince - speechEndA)).toBeLessThanOrEqual(250);
    expect(shown.at - speechEndA).toBeGreaterThanOrEqual(SILENCE_BADGE_MIN_MS - 250);
    expect(shown.at - speechEndA).toBeLessThanOrEqual(SILENCE_BADGE_MIN_MS + 1_000);
    expect(shown.silence).toMatchObject({ screenChanges: 0, screenSeen: false });

    // The agent works in the CRM meanwhile: two new screens, then the second one again (unchanged).
    const [red, blue] = await Promise.all([screenshot('#aa2222'), screenshot('#2222aa')]);
    await server.app.screenshots.store({ callId: callA, agentId: AGENT_ID, capturedAt: Date.now(), bytes: red });
    await pause(300);
    await server.app.screenshots.store({ callId: callA, agentId: AGENT_ID, capturedAt: Date.now(), bytes: blue });
    await pause(300);
    const again = await server.app.screenshots.store({
      callId: callA,
      agentId: AGENT_ID,
      capturedAt: Date.now(),
      bytes: blue,
    });
    expect(again.duplicate).toBe(true);
    await waitUntil(
      () => silences.get(callA)?.find((s) => s.silence?.screenChanges === 2 && s.silence.screenSeen),
      'the screen changes on the silence',
    );

    // B came back from hold: no silence was shown while on hold, whatever the audio.
    await waitUntil(() => Date.now() >= heldAt + 3_500 || undefined, 'the end of the hold');
    const resumedAt = Date.now();
    expect((await postEvents(server.url, server.ingestKey, [f.resumed(callB, resumedAt)])).status).toBe(200);
    expect(silences.get(callB)?.filter((s) => s.silence !== null) ?? []).toEqual([]);

    // Dead air: the tile raises it when now − silentSince reaches the threshold; the silence is still there then.
    const deadAirAt = silentSince + DEAD_AIR_THRESHOLD_MS;
    expect(Math.abs(deadAirAt - (speechEndA + DEAD_AIR_THRESHOLD_MS))).toBeLessThanOrEqual(1_000);
    await waitUntil(() => Date.now() >= deadAirAt + 100 || undefined, 'the dead-air threshold', 15_000);
    expect(silences.get(callA)?.at(-1)?.silence).toMatchObject({ silentSince, screenChanges: 2, screenSeen: true });

    // B's silence counts from the end of the hold, not from its phrase.
    const afterHold = await waitUntil(() => silences.get(callB)?.find((s) => s.silence !== null), 'B silence');
    expect(Math.abs(afterHold.silence!.silentSince - resumedAt)).toBeLessThanOrEqual(100);
    expect(afterHold.at - resumedAt).toBeLessThanOrEqual(SILENCE_BADGE_MIN_MS + 1_000);

    // A: the caller speaks; the silence clears within a second.
    const callerSpeechAt = startedAt + callerSpeaksAtMs;
    const cleared = await waitUntil(
      () => silences.get(callA)?.find((s) => s.at > shown.at && s.silence === null),
      'the silence to clear',
      15_000,
    );
    expect(cleared.at - callerSpeechAt).toBeLessThanOrEqual(1_000);
    expect(cleared.at).toBeGreaterThanOrEqual(callerSpeechAt);

    // Both calls end; their speech is stored and served.
    await waitUntil(() => Date.now() >= startedAt + callerPhrase.atMs + 2_200 || undefined, 'the end of A');
    const framesA = streamA.stop();
    const framesB = streamB.stop();
    await pause(100);
    const endedAt = Date.now();
    expect(
      (await postEvents(server.url, server.ingestKey, [f.ended(callA, endedAt), f.ended(callB, endedAt)])).status,
    ).toBe(200);
    await server.app.registry.idle();
    await server.app.speech.idle();

    const speechA = await apiRequest<CallSpeech>(`${server.url}/api/calls/${callA}/speech`, { session: controller });
    expect(speechA.status).toBe(200);
    expect(speechA.body).toMatchObject({ callId: callA, live: false });
    const segmentsA = speechA.body.segments;
    expect(
      near(
        segmentsA.find((s) => s.kind === 'agent'),
        FIRST_PHRASE.startMs,
        FIRST_PHRASE.endMs,
        100,
      ),
    ).toBe(true);
    expect(segmentsA.filter((s) => s.kind === 'caller')).toHaveLength(1);
    expect(
      near(
        segmentsA.find((s) => s.kind === 'caller'),
        callerSpeaksAtMs,
        callerSpeaksAtMs + 1567,
        100,
      ),
    ).toBe(true);
    const silenceA = segmentsA.filter((s) => s.kind === 'silence');
    expect(silenceA).toHaveLength(1);
    expect(near(silenceA[0], FIRST_PHRASE.endMs, callerSpeaksAtMs, 100)).toBe(true);
    expect(silenceA[0]?.screenChanged).toBe(true);
    expect(speechA.body.metrics).toMatchObject({
      callId: callA,
      overtalkCount: 0,
      holdCount: 0,
      deadAirCount: 1,
      deadAirStillCount: 0,
      longestSilenceAtMs: silenceA[0]?.startMs,
    });
    const metricsA = speechA.body.metrics!;
    expect(Math.abs(metricsA.durationMs - framesA * AUDIO_FRAME_MS)).toBeLessThanOrEqual(200);
    expect(Math.abs(metricsA.longestSilenceMs - 12_000)).toBeLessThanOrEqual(150);

    const speechB = await apiRequest<CallSpeech>(`${server.url}/api/calls/${callB}/speech`, { session: controller });
    const segmentsB = speechB.body.segments;
    const hold = segmentsB.find((s) => s.kind === 'hold');
    expect(hold).toBeDefined();
    expect(Math.abs(hold!.endMs - hold!.startMs - (resumedAt - heldAt))).toBeLessThanOrEqual(50);
    // No silence lies over the hold; the one after it starts where the hold ended.
    for (const silence of segmentsB.filter((s) => s.kind === 'silence')) {
      expect(silence.endMs <= hold!.startMs || silence.startMs >= hold!.endMs).toBe(true);
    }
    expect(segmentsB.find((s) => s.kind === 'silence' && s.startMs === hold!.endMs)).toBeDefined();
    expect(speechB.body.metrics).toMatchObject({ holdCount: 1, overtalkCount: 0 });
    expect(Math.abs(speechB.body.metrics!.holdMs - (resumedAt - heldAt))).toBeLessThanOrEqual(50);
    expect(Math.abs(speechB.body.metrics!.durationMs - framesB * AUDIO_FRAME_MS)).toBeLessThanOrEqual(200);
  }, 60_000);
});

describe.each(TEST_STORE_KINDS)('speech segments and metrics stored and served (%s store)', (kind) => {
  let server: TestServer;
  let adapter: TestAudioAdapter;
  let controller: TestSession;
  const f = new EventFactory(`speech-${kind}`);

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    controller = await signIn(server.url, 'controller');
    adapter = await connectAudioAdapter(server.url, server.ingestKey);
  });
  afterAll(async () => {
    adapter?.close();
    await server?.close();
  });

  /** Sends a whole call's audio at once (not real time: only the stored result matters here). */
  async function sendCall(callId: string, durationMs: number, sides: (seq: number) => [Int16Array, Int16Array]) {
    const frames: AudioFrame[] = [];
    for (let seq = 0; seq < durationMs / AUDIO_FRAME_MS; seq++) {
      const [agent, caller] = sides(seq);
      frames.push(frameFromSamples(callId, seq, 'both', 'l16', agent, caller));
      if (frames.length === 50) {
        adapter.send(frames.splice(0));
        await pause(2);
      }
    }
    if (frames.length > 0) adapter.send(frames);
    await waitUntil(() => server.app.audio.hub.stats().framesIn >= durationMs / AUDIO_FRAME_MS || undefined, 'frames');
  }

  it('stores overtalk and dead air with a still screen, and answers live, stored, unknown and bad ids', async () => {
    const callId = `speech-stored-${kind}`;
    const t = Date.now();
    await postEvents(server.url, server.ingestKey, [
      f.offered(callId, t - 2_000),
      f.answered(callId, t - 1_000, AGENT_ID),
    ]);
    // Agent: the phrase [700, 2765). Caller: the second phrase from 2000 ms (overtalk), then 11 s of silence.
    const callerAt = 2_000;
    const callerEnd = callerAt + (SECOND_PHRASE.endMs - SECOND_PHRASE.startMs);
    const durationMs = Math.ceil((callerEnd + 12_000) / AUDIO_FRAME_MS) * AUDIO_FRAME_MS;
    const live = await apiRequest<CallSpeech>(`${server.url}/api/calls/${callId}/speech`, { session: controller });
    expect(live.body).toEqual({ callId, live: true, metrics: null, segments: [] });

    const audioStart = Date.now();
    const stillScreen = await screenshot('#777777');
    // A screen captured before the silence and seen again during it, nothing new: the agent is stuck.
    await server.app.screenshots.store({
      callId,
      agentId: AGENT_ID,
      capturedAt: audioStart + 1_000,
      bytes: stillScreen,
    });
    await sendCall(callId, durationMs, (seq) => [
      play(seq, [{ atMs: 0, fromMs: 0, toMs: FIRST_PHRASE.endMs + 100 }]),
      play(seq, [{ atMs: callerAt, fromMs: SECOND_PHRASE.startMs, toMs: SECOND_PHRASE.endMs }]),
    ]);
    const seen = await server.app.screenshots.store({
      callId,
      agentId: AGENT_ID,
      capturedAt: audioStart + callerEnd + 6_000,
      bytes: stillScreen,
    });
    expect(seen.duplicate).toBe(true);
    await postEvents(server.url, server.ingestKey, [f.ended(callId, Date.now())]);
    await server.app.registry.idle();
    await server.app.speech.idle();

    const stored = await apiRequest<CallSpeech>(`${server.url}/api/calls/${callId}/speech`, { session: controller });
    expect(stored.status).toBe(200);
    const { metrics, segments } = stored.body;
    expect(stored.body.live).toBe(false);
    const overtalk = segments.filter((s) => s.kind === 'overtalk');
    expect(overtalk).toHaveLength(1);
    expect(near(overtalk[0], callerAt, FIRST_PHRASE.endMs, 100)).toBe(true);
    expect(overtalk[0]!.endMs - overtalk[0]!.startMs).toBeGreaterThanOrEqual(OVERTALK_MIN_MS);
    const silence = segments.filter((s) => s.kind === 'silence');
    expect(silence).toHaveLength(1);
    expect(near(silence[0], callerEnd, durationMs, 100)).toBe(true);
    expect(silence[0]?.screenChanged).toBe(false);
    expect(metrics).toMatchObject({ overtalkCount: 1, deadAirCount: 1, deadAirStillCount: 1, holdCount: 0, holdMs: 0 });
    expect(metrics!.durationMs).toBe(durationMs);
    expect(metrics!.agentTalkShare + metrics!.callerTalkShare).toBeGreaterThan(0.2);
    // Non-talk share: what neither side covered, of the whole call.
    const talkUnion = FIRST_PHRASE.endMs - FIRST_PHRASE.startMs + (callerEnd - FIRST_PHRASE.endMs);
    expect(Math.abs(metrics!.nonTalkShare - (durationMs - talkUnion) / durationMs)).toBeLessThan(0.02);
    // Segments are in time order.
    expect(segments.map((s) => s.startMs)).toEqual([...segments.map((s) => s.startMs)].sort((a, b) => a - b));

    // The rows the behaviour search reads.
    const still = await server.store.db
      .selectFrom('speech_segments')
      .select(['call_id', 'duration_ms', 'screen_changed', 'at'])
      .where('kind', '=', 'silence')
      .where('screen_changed', '=', 0)
      .where('duration_ms', '>=', DEAD_AIR_THRESHOLD_MS)
      .execute();
    expect(still.map((row) => row.call_id)).toEqual([callId]);
    expect(Math.abs(Number(still[0]!.at) - (audioStart + callerEnd))).toBeLessThanOrEqual(1_000);

    const unknown = await apiRequest<{ error: string }>(`${server.url}/api/calls/no-such-call/speech`, {
      session: controller,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/no call with id no-such-call/);
    const bad = await apiRequest<{ error: string }>(`${server.url}/api/calls/${encodeURIComponent('a b')}/speech`, {
      session: controller,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/call id/);
  });

  it('answers a call that ended without audio with no figures, and deletes speech with the retention period', async () => {
    const callId = `speech-silent-${kind}`;
    const t = Date.now();
    await postEvents(server.url, server.ingestKey, [
      f.offered(callId, t - 3_000),
      f.answered(callId, t - 2_000, AGENT_ID),
      f.ended(callId, t - 1_000),
    ]);
    const answer = await apiRequest<CallSpeech>(`${server.url}/api/calls/${callId}/speech`, { session: controller });
    expect(answer.body).toEqual({ callId, live: false, metrics: null, segments: [] });

    expect(server.app.retention.targetNames()).toContain('speech');
    const before = await server.store.db.selectFrom('call_speech_metrics').select('call_id').execute();
    expect(before.length).toBeGreaterThan(0);
    const deleted = await server.app.speech.retentionTarget().deleteOlderThan(Date.now() + 60_000);
    expect(deleted.callSpeechMetrics).toBe(before.length);
    expect(deleted.speechSegments).toBeGreaterThan(0);
    expect(await server.store.db.selectFrom('speech_segments').select('call_id').execute()).toEqual([]);
  });
});
