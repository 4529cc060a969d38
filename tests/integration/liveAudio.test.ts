import {
  type Ack,
  AUDIO_SAMPLES_PER_FRAME,
  type AudioFrame,
  type AudioSession,
  type AudioStopped,
  type CallDetail,
  decodeMulaw,
  encodeAudioFrame,
  encodeMulaw,
  MONITOR_STARTED_EVENT_TYPE,
  MONITOR_STOPPED_EVENT_TYPE,
  parseAudioMessage,
  recordingAudioUrl,
} from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAudioAdapter,
  frameFromSamples,
  parseStereoWav,
  rms,
  signInExtraUser,
  type TestAudioAdapter,
  toneSamples,
} from '../helpers/audio.js';
import {
  connectDashboard,
  type DashboardClient,
  joinWallboard,
  pause,
  postEvents,
  signIn,
  type TestSession,
} from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

const SILENCE = new Int16Array(AUDIO_SAMPLES_PER_FRAME);

/** Collects the frames a dashboard socket receives, parsed. */
function collectFrames(client: DashboardClient): AudioFrame[] {
  const frames: AudioFrame[] = [];
  client.on('audio:frame', (bytes) => {
    frames.push(...parseAudioMessage(new Uint8Array(bytes as ArrayBuffer)).frames);
  });
  return frames;
}

async function waitUntil<T>(check: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

const command = (client: DashboardClient, name: 'audio:listen' | 'audio:whisper' | 'audio:barge', callId: string) =>
  client.timeout(5_000).emitWithAck(name, { callId }) as Promise<Ack<AudioSession>>;

describe('live audio: ingest, listen, whisper, barge', () => {
  let server: TestServer;
  let controller: TestSession;
  let adapter: TestAudioAdapter;
  const f = new EventFactory('live-audio');
  let n = 0;
  const t0 = Date.now() - 60_000;

  /** A live, answered call. */
  async function startCall(): Promise<string> {
    const callId = `la-${++n}`;
    const posted = await postEvents(server.url, server.ingestKey, [
      f.offered(callId, t0),
      f.answered(callId, t0 + 1_000),
    ]);
    expect(posted.status).toBe(200);
    return callId;
  }

  async function endCall(callId: string): Promise<void> {
    const posted = await postEvents(server.url, server.ingestKey, [f.ended(callId, Date.now(), 'caller_hangup')]);
    expect(posted.status).toBe(200);
  }

  beforeAll(async () => {
    server = await startTestServer();
    controller = await signIn(server.url, 'controller');
    adapter = await connectAudioAdapter(server.url, server.ingestKey);
  });
  afterAll(async () => {
    adapter?.close();
    await server?.close();
  });

  it('refuses an adapter without a valid ingest key with HTTP 401 and a sentence', async () => {
    await expect(connectAudioAdapter(server.url, null)).rejects.toMatchObject({
      status: 401,
      body: expect.stringContaining('missing ingest key'),
    });
    await expect(connectAudioAdapter(server.url, 'not-the-key')).rejects.toMatchObject({
      status: 401,
      body: expect.stringContaining('invalid ingest key'),
    });
  });

  it('answers bad frames with clear errors and keeps the connection', async () => {
    const callId = await startCall();
    const before = adapter.refusals.length;
    // Wrong size: 150 bytes of µ-law on one channel (a 20 ms frame is 160).
    adapter.sendRaw(
      encodeAudioFrame({ callId, seq: 0, codec: 'pcmu', channel: 'agent', payload: new Uint8Array(150) }),
    );
    adapter.send([frameFromSamples('la-nobody', 0, 'agent', 'pcmu', SILENCE)]);
    adapter.send([frameFromSamples(callId, 1, 'to_both', 'pcmu', SILENCE)]);
    adapter.sendRaw('hello');
    adapter.sendRaw(new Uint8Array([9, 0, 0, 1, 0, 0, 0, 0, 0, 0, 65]));
    const refusals = await adapter.waitFor(
      () => (adapter.refusals.length >= before + 5 ? adapter.refusals.slice(before) : undefined),
      'five refusals',
    );
    const errors = refusals.map((r) => r.error);
    expect(errors).toContainEqual(
      expect.stringMatching(/payload is 150 bytes; a 20 ms PCMU frame on channel agent is 160 bytes/),
    );
    expect(errors).toContainEqual(expect.stringMatching(/unknown call la-nobody: send call.offered/));
    expect(errors).toContainEqual(expect.stringMatching(/channel to_both carries a controller's voice/));
    expect(errors).toContainEqual(expect.stringMatching(/send audio as binary/));
    expect(errors).toContainEqual(expect.stringMatching(/format version 9/));

    await endCall(callId);
    const afterEnd = adapter.refusals.length;
    adapter.send([frameFromSamples(callId, 2, 'agent', 'pcmu', SILENCE)]);
    const ended = await adapter.waitFor(() => adapter.refusals[afterEnd], 'a refusal for the ended call');
    expect(ended.error).toMatch(new RegExp(`call ${callId} has ended`));
    expect(adapter.ws.readyState).toBe(adapter.ws.OPEN);
  });

  it('sends a listener every frame in order, µ-law whatever the platform sent', async () => {
    const callId = await startCall();
    const listener = await connectDashboard(server.url, controller);
    const received = collectFrames(listener);
    const answer = await command(listener, 'audio:listen', callId);
    expect(answer).toEqual({
      ok: true,
      data: { callId, mode: 'listen', sampleRate: 8000, frameMs: 20, codec: 'pcmu' },
    });
    // 25 PCMU frames on both channels, then 25 L16 frames of the agent alone.
    const sent: { agent: Int16Array; caller?: Int16Array }[] = [];
    for (let seq = 0; seq < 50; seq++) {
      const agent = toneSamples(seq, 440);
      if (seq < 25) {
        const caller = toneSamples(seq, 660);
        adapter.send([frameFromSamples(callId, seq, 'both', 'pcmu', agent, caller)]);
        sent.push({ agent, caller });
      } else {
        adapter.send([frameFromSamples(callId, seq, 'agent', 'l16', agent)]);
        sent.push({ agent });
      }
    }
    await waitUntil(() => received.length >= 50, '50 frames at the listener');
    expect(received.map((frame) => frame.seq)).toEqual([...Array(50).keys()]);
    expect(received.every((frame) => frame.codec === 'pcmu' && frame.callId === callId)).toBe(true);
    const first = received[0]!;
    expect(first.channel).toBe('both');
    expect(first.payload).toEqual(frameFromSamples(callId, 0, 'both', 'pcmu', sent[0]!.agent, sent[0]!.caller).payload);
    const l16 = received[30]!;
    expect(l16.channel).toBe('agent');
    // The server encoded the linear samples to µ-law, exactly as the shared encoder does.
    expect(l16.payload).toEqual(encodeMulaw(sent[30]!.agent));
    expect(Math.abs((decodeMulaw(l16.payload)[40] as number) - (sent[30]!.agent[40] as number))).toBeLessThan(300);
    listener.disconnect();
    await endCall(callId);
  });

  it('drops frames for a listener whose connection is backed up without delaying the others', async () => {
    const callId = await startCall();
    const fast = await connectDashboard(server.url, controller);
    const slow = await connectDashboard(server.url, controller);
    const fastFrames = collectFrames(fast);
    expect((await command(fast, 'audio:listen', callId)).ok).toBe(true);
    expect((await command(slow, 'audio:listen', callId)).ok).toBe(true);
    // The slow controller's machine stops reading: its TCP window fills and the server's writes back up.
    const rawSocket = (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket;
    rawSocket.pause();

    const payload = frameFromSamples(callId, 0, 'both', 'pcmu', toneSamples(0, 440), toneSamples(0, 660)).payload;
    let seq = 0;
    const statsBefore = server.app.audio.hub.stats();
    // Send bursts until the server has dropped frames for the slow listener (its buffers are a few MB).
    while (server.app.audio.hub.stats().listenerFramesDropped === statsBefore.listenerFramesDropped && seq < 400_000) {
      const frames: AudioFrame[] = [];
      // Bursts of 50 frames (1 s of audio): a platform catching up, faster than real time.
      for (let i = 0; i < 50; i++) frames.push({ callId, seq: seq++, codec: 'pcmu', channel: 'both', payload });
      adapter.send(frames);
      await waitUntil(() => fastFrames.length >= seq - 50 || undefined, 'the fast listener to keep up', 10_000);
    }
    await waitUntil(() => fastFrames.length === seq || undefined, 'every frame at the fast listener', 10_000);
    expect(server.app.audio.hub.stats().listenerFramesDropped).toBeGreaterThan(statsBefore.listenerFramesDropped);
    // The fast listener got every frame, in order.
    expect(fastFrames.every((frame, i) => frame.seq === i)).toBe(true);
    fast.disconnect();
    slow.disconnect();
    await endCall(callId);
  });

  it('shows who listens, whispers and barges; refuses a second barge; records every start and stop', async () => {
    const callId = await startCall();
    const supervisor = await connectDashboard(server.url, await signIn(server.url, 'supervisor'));
    await joinWallboard(supervisor);
    const deltas: { upserts: { id: string; monitors: { displayName: string; mode: string }[] }[] }[] = [];
    supervisor.on('wallboard:delta', (delta) => deltas.push(delta));

    const anna = await connectDashboard(server.url, controller);
    const annaStops: AudioStopped[] = [];
    anna.on('audio:stopped', (stopped) => annaStops.push(stopped));
    const bob = await connectDashboard(server.url, await signInExtraUser(server, 'controller', 'bob.second'));
    expect((await command(anna, 'audio:listen', callId)).ok).toBe(true);
    expect((await command(anna, 'audio:barge', callId)).ok).toBe(true);
    expect((await command(bob, 'audio:listen', callId)).ok).toBe(true);
    const refused = await command(bob, 'audio:barge', callId);
    expect(refused).toEqual({
      ok: false,
      error: `${controller.user.displayName} is already barging in on this call; only one controller can barge in at a time`,
    });
    expect((await command(bob, 'audio:whisper', callId)).ok).toBe(true);

    const live = server.app.registry.get(callId);
    expect(live?.monitors.map((m) => [m.displayName, m.mode]).sort()).toEqual(
      [
        [controller.user.displayName, 'barge'],
        ['Extra controller bob.second', 'whisper'],
      ].sort(),
    );
    // The call page's HTTP answer carries them too: a page merging it with the socket's must not lose them.
    const detail = (await (
      await fetch(`${server.url}/api/calls/${callId}`, { headers: { cookie: controller.cookie } })
    ).json()) as CallDetail;
    expect(detail.call.monitors.map((m) => m.mode).sort()).toEqual(['barge', 'whisper']);
    // The wallboard shows it to everyone of the quality team.
    await waitUntil(
      () =>
        deltas.some((delta) =>
          delta.upserts.some((call) => call.id === callId && call.monitors.some((m) => m.mode === 'whisper')),
        ),
      'a wallboard delta with the whisper',
    );

    // Anna's microphone reaches the adapter as frames to both sides; Bob's as frames to the agent only.
    const voice = frameFromSamples(callId, 0, 'to_both', 'pcmu', toneSamples(0, 1_000, 12_000));
    const whisper = frameFromSamples(callId, 0, 'to_agent', 'pcmu', toneSamples(0, 1_500, 12_000));
    const controllerBefore = adapter.controllerFrames.length;
    // The call needs audio from the platform first: that connection is where controller audio goes back.
    for (let seq = 0; seq < 20; seq++) {
      adapter.send([frameFromSamples(callId, seq, 'both', 'pcmu', SILENCE, SILENCE)]);
      if (seq >= 5) {
        anna.emit('audio:talk', encodeAudioFrame({ ...voice, seq }));
        bob.emit('audio:talk', encodeAudioFrame({ ...whisper, seq }));
      }
      await pause(20);
    }
    const back = await adapter.waitFor(
      () =>
        adapter.controllerFrames.length >= controllerBefore + 30
          ? adapter.controllerFrames.slice(controllerBefore)
          : undefined,
      '30 controller frames back at the adapter',
    );
    expect(back.filter((frame) => frame.channel === 'to_both')).toHaveLength(15);
    expect(back.filter((frame) => frame.channel === 'to_agent')).toHaveLength(15);

    await endCall(callId);
    await waitUntil(() => annaStops[0], 'audio:stopped for Anna');
    expect(annaStops[0]).toMatchObject({ callId, reason: 'call_ended' });

    // Every start and stop is in the call's history, with who and when; the stops after the end.
    const stored = await server.app.repository.getCallDetail(callId);
    const monitorEvents = stored?.events.filter((e) => e.type.startsWith('monitor.')) ?? [];
    expect(monitorEvents.map((e) => [e.type, e.detail.userName, e.detail.mode, e.detail.reason ?? null])).toEqual([
      [MONITOR_STARTED_EVENT_TYPE, controller.user.displayName, 'listen', null],
      [MONITOR_STOPPED_EVENT_TYPE, controller.user.displayName, 'listen', 'switched'],
      [MONITOR_STARTED_EVENT_TYPE, controller.user.displayName, 'barge', null],
      [MONITOR_STARTED_EVENT_TYPE, 'Extra controller bob.second', 'listen', null],
      [MONITOR_STOPPED_EVENT_TYPE, 'Extra controller bob.second', 'listen', 'switched'],
      [MONITOR_STARTED_EVENT_TYPE, 'Extra controller bob.second', 'whisper', null],
      [MONITOR_STOPPED_EVENT_TYPE, controller.user.displayName, 'barge', 'call_ended'],
      [MONITOR_STOPPED_EVENT_TYPE, 'Extra controller bob.second', 'whisper', 'call_ended'],
    ]);
    const endedAt = stored?.events.find((e) => e.type === 'call.ended')?.at ?? 0;
    expect(monitorEvents.slice(-2).every((e) => e.at >= endedAt)).toBe(true);

    // The barge and the whisper are in the recording: silence from the platform, the controllers' tones mixed in.
    const audio = await fetch(`${server.url}${recordingAudioUrl(callId)}`, { headers: { cookie: controller.cookie } });
    expect(audio.status).toBe(200);
    const wav = parseStereoWav(new Uint8Array(await audio.arrayBuffer()));
    expect(wav.left.length).toBe(20 * AUDIO_SAMPLES_PER_FRAME);
    // Agent side (left): barge and whisper; caller side (right): the barge only.
    expect(rms(wav.left)).toBeGreaterThan(1_000);
    expect(rms(wav.right)).toBeGreaterThan(500);
    expect(rms(wav.right, 0, 5 * AUDIO_SAMPLES_PER_FRAME)).toBe(0);

    for (const client of [supervisor, anna, bob]) client.disconnect();
  });

  it('ends the session of a controller who disconnects, and refuses listening to a queued call', async () => {
    const callId = await startCall();
    const listener = await connectDashboard(server.url, controller);
    expect((await command(listener, 'audio:listen', callId)).ok).toBe(true);
    expect(server.app.registry.get(callId)?.monitors).toHaveLength(1);
    listener.disconnect();
    await waitUntil(() => server.app.registry.get(callId)?.monitors.length === 0, 'the monitor to go');
    await endCall(callId);

    const queued = `la-${++n}`;
    await postEvents(server.url, server.ingestKey, [f.offered(queued, Date.now())]);
    const other = await connectDashboard(server.url, controller);
    const answer = await command(other, 'audio:listen', queued);
    expect(answer).toEqual({
      ok: false,
      error: `call ${queued} is still waiting in the queue; its audio starts when an agent answers`,
    });
    other.disconnect();
  });
});
