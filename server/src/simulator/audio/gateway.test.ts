import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  AUDIO_INGEST_PATH,
  type AudioFrame,
  encodeAudioMessage,
  INGEST_KEY_HEADER,
  parseAudioMessage,
} from '@earshot/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Utterance } from './dialogue.js';
import { AudioGateway, FRAME_PAYLOAD_BYTES, MAX_CATCH_UP_FRAMES } from './gateway.js';
import { SimulatedAudio } from './simulatedAudio.js';

/*
 * The gateway against a small in-test audio ingest that follows the documented protocol: the key checked
 * at the upgrade (401 otherwise), binary messages of frames, JSON refusals and controller audio back.
 * The clock is the test's, so frames due are exact.
 */

const KEY = 'audio-test-key';

interface FakeIngest {
  url: string;
  messages: Uint8Array[];
  connections: WebSocket[];
  upgrades: number;
  close(): Promise<void>;
}

async function startFakeIngest(port = 0): Promise<FakeIngest> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const fake: FakeIngest = { url: '', messages: [], connections: [], upgrades: 0, close: async () => {} };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    fake.upgrades += 1;
    if (new URL(req.url ?? '/', 'http://x').pathname !== AUDIO_INGEST_PATH || req.headers[INGEST_KEY_HEADER] !== KEY) {
      const body = '{"ok":false,"error":"invalid ingest key"}';
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      fake.connections.push(ws);
      ws.on('message', (data, isBinary) => {
        if (isBinary) fake.messages.push(new Uint8Array(data as Buffer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return fake;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every frame the fake ingest received, parsed, checking nothing was malformed. */
function receivedFrames(fake: FakeIngest): AudioFrame[] {
  return fake.messages.flatMap((message) => {
    const { frames, errors } = parseAudioMessage(message);
    expect(errors).toEqual([]);
    return frames;
  });
}

/** Writes the frame number into every byte pair, so a payload tells which frame it was rendered for. */
const stampSeq = (seq: number, out: Uint8Array) => out.fill(seq % 256);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function connectedGateway(fake: FakeIngest, clock: { now: number }, log: string[] = []): Promise<AudioGateway> {
  const gateway = new AudioGateway({
    serverUrl: fake.url,
    ingestKey: KEY,
    log: (line) => log.push(line),
    now: () => clock.now,
  });
  gateway.start();
  cleanups.push(() => gateway.stop());
  await waitFor(() => gateway.stats().connected && fake.connections.length > 0, 'the gateway to connect');
  return gateway;
}

describe('AudioGateway', () => {
  it('sends the frames due by elapsed time, numbered from the answer, in one message per tick', async () => {
    const fake = await startFakeIngest();
    cleanups.push(() => fake.close());
    const clock = { now: 1_000 };
    const gateway = await connectedGateway(fake, clock);
    gateway.addCall('call-1', 1_000, stampSeq);
    gateway.addCall('call-2', 1_010, stampSeq);

    expect(gateway.pump()).toBe(0);
    clock.now = 1_019;
    expect(gateway.pump()).toBe(0);
    clock.now = 1_040;
    // call-1: frames 0 and 1 are complete; call-2 (answered 10 ms later): frame 0.
    expect(gateway.pump()).toBe(3);
    clock.now = 1_050;
    expect(gateway.pump()).toBe(1);
    await waitFor(() => fake.messages.length === 2, 'two messages');
    const [first, second] = fake.messages.map((m) => parseAudioMessage(m).frames);
    expect(first?.map((f) => [f.callId, f.seq])).toEqual([
      ['call-1', 0],
      ['call-1', 1],
      ['call-2', 0],
    ]);
    expect(second?.map((f) => [f.callId, f.seq])).toEqual([['call-2', 1]]);
    for (const frame of receivedFrames(fake)) {
      expect(frame).toMatchObject({ codec: 'pcmu', channel: 'both' });
      expect(frame.payload.length).toBe(FRAME_PAYLOAD_BYTES);
      expect(frame.payload.length).toBe(320);
      expect(frame.payload.every((byte) => byte === frame.seq % 256)).toBe(true);
    }
  });

  it('does not drift: irregular ticks over a minute send exactly one frame per 20 ms, without gaps', async () => {
    const fake = await startFakeIngest();
    cleanups.push(() => fake.close());
    const clock = { now: 0 };
    const gateway = await connectedGateway(fake, clock);
    gateway.addCall('call-steady', 0, stampSeq);
    // Timers fire late by 0-15 ms, sometimes much later (a busy event loop).
    let jitter = 7;
    while (clock.now < 60_000) {
      jitter = (jitter * 31 + 11) % 97;
      clock.now += 20 + (jitter % 16) + (jitter === 0 ? 70 : 0);
      gateway.pump();
    }
    const sentUpTo = Math.floor(clock.now / 20);
    await waitFor(() => receivedFrames(fake).length === sentUpTo, `${sentUpTo} frames`);
    const seqs = receivedFrames(fake).map((f) => f.seq);
    expect(seqs).toEqual(Array.from({ length: sentUpTo }, (_, i) => i));
    expect(gateway.stats()).toMatchObject({ framesSent: sentUpTo, framesSkipped: 0 });
  });

  it('catches up at most 100 ms after a stall and skips what is older', async () => {
    const fake = await startFakeIngest();
    cleanups.push(() => fake.close());
    const clock = { now: 0 };
    const gateway = await connectedGateway(fake, clock);
    gateway.addCall('call-stall', 0, stampSeq);
    clock.now = 40;
    gateway.pump();
    clock.now = 1_000;
    expect(gateway.pump()).toBe(MAX_CATCH_UP_FRAMES);
    await waitFor(() => fake.messages.length === 2, 'two messages');
    expect(receivedFrames(fake).map((f) => f.seq)).toEqual([0, 1, 45, 46, 47, 48, 49]);
    expect(gateway.stats().framesSkipped).toBe(43);
  });

  it('sends nothing for a call after it ended', async () => {
    const fake = await startFakeIngest();
    cleanups.push(() => fake.close());
    const clock = { now: 0 };
    const gateway = await connectedGateway(fake, clock);
    gateway.addCall('call-end', 0, stampSeq);
    clock.now = 100;
    gateway.pump();
    gateway.endCall('call-end');
    clock.now = 10_000;
    expect(gateway.pump()).toBe(0);
    await waitFor(() => fake.messages.length === 1, 'one message');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receivedFrames(fake).map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('counts controller audio per call and target, logs refusals and stops a refused call', async () => {
    const fake = await startFakeIngest();
    cleanups.push(() => fake.close());
    const log: string[] = [];
    const clock = { now: 0 };
    const gateway = await connectedGateway(fake, clock, log);
    gateway.addCall('call-9', 0, stampSeq);
    clock.now = 40;
    gateway.pump();
    const ws = fake.connections[0] as WebSocket;
    const whisper = (seq: number, channel: 'to_agent' | 'to_both'): AudioFrame => ({
      callId: 'call-9',
      seq,
      codec: 'pcmu',
      channel,
      payload: new Uint8Array(160),
    });
    ws.send(encodeAudioMessage([whisper(0, 'to_agent'), whisper(1, 'to_agent'), whisper(0, 'to_both')]));
    ws.send(
      JSON.stringify({
        type: 'error',
        index: 0,
        callId: 'call-9',
        seq: 3,
        error: 'unknown call call-9: send call.offered first',
      }),
    );
    await waitFor(() => gateway.stats().framesRefused === 1 && gateway.stats().controllerFrames === 3, 'messages back');
    expect(gateway.controllerFramesReceived('call-9')).toEqual({ toAgent: 2, toBoth: 1 });
    expect(gateway.controllerFramesReceived('call-other')).toEqual({ toAgent: 0, toBoth: 0 });
    expect(log.some((line) => line.includes('unknown call call-9'))).toBe(true);
    // The server does not know the call: no more audio for it.
    expect(gateway.isStreaming('call-9')).toBe(false);
    clock.now = 1_000;
    expect(gateway.pump()).toBe(0);
  });

  it('says why a wrong key is refused, and reconnects after the connection drops', async () => {
    const fake = await startFakeIngest();
    cleanups.push(() => fake.close());
    const log: string[] = [];
    const refused = new AudioGateway({ serverUrl: fake.url, ingestKey: 'wrong-key', log: (line) => log.push(line) });
    refused.start();
    cleanups.push(() => refused.stop());
    await waitFor(() => log.some((line) => line.includes('HTTP 401')), 'the refusal to be logged');
    expect(log.find((line) => line.includes('HTTP 401'))).toContain('invalid ingest key');
    refused.stop();

    const gateway = await connectedGateway(fake, { now: 0 });
    for (const ws of fake.connections) ws.terminate();
    await waitFor(() => !gateway.stats().connected, 'the drop to be seen');
    await waitFor(() => gateway.stats().connected && fake.connections.length === 2, 'a reconnection');
  });
});

describe('SimulatedAudio', () => {
  it("streams a call's dialogue only once its answer was accepted, and nothing after its end is due", async () => {
    const fake = await startFakeIngest();
    cleanups.push(() => fake.close());
    const heard: Utterance[] = [];
    const audio = new SimulatedAudio({
      serverUrl: fake.url,
      ingestKey: KEY,
      seed: 42,
      speed: 1,
      log: () => {},
      onUtterance: (callId, utterance) => {
        expect(callId).toBe('call-a');
        heard.push(utterance);
      },
    });
    audio.start();
    cleanups.push(() => {
      audio.stop();
    });
    await waitFor(() => audio.stats().connected, 'the audio connection');

    const base = { callId: 'call-a', at: Date.now() };
    const offered = {
      ...base,
      eventId: 'e1',
      type: 'call.offered',
      line: '0890',
      callerNumber: '+375291234567',
      topic: 'roaming',
    } as const;
    const answered = {
      ...base,
      eventId: 'e2',
      type: 'call.answered',
      agentId: 'agent-001',
      agentName: 'Anna K',
    } as const;
    const ended = { ...base, eventId: 'e3', type: 'call.ended', reason: 'caller_hangup' } as const;
    audio.foresee(offered, 0);
    audio.foresee(answered, 1_000);
    audio.foresee(ended, 1_000 + 60_000);
    audio.due(offered);
    audio.due(answered);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.messages.length).toBe(0);

    audio.accepted(answered);
    await waitFor(() => receivedFrames(fake).length >= 100, '2 s of audio', 10_000);
    audio.due(ended);
    const sent = receivedFrames(fake).length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const frames = receivedFrames(fake);
    // Frames in flight when the end was due may still arrive; none is rendered after it.
    expect(frames.length).toBeLessThanOrEqual(sent + 1);
    const seqs = frames.map((f) => f.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i));
    expect(seqs[0]).toBeLessThanOrEqual(MAX_CATCH_UP_FRAMES + 1);
    expect(frames.every((f) => f.callId === 'call-a' && f.payload.length === FRAME_PAYLOAD_BYTES)).toBe(true);
    // The greeting was heard on the agent side (even bytes), the caller side was silent meanwhile.
    const agentBytes = frames.flatMap((f) => [...f.payload.filter((_, i) => i % 2 === 0)]);
    expect(agentBytes.some((b) => b !== 0xff)).toBe(true);

    const said = audio.utterances('call-a') ?? [];
    expect(said[0]?.phraseId).toMatch(/^agent_greeting/);
    // Everything said was reported once it ended (cut at the hang-up if need be).
    expect(heard).toEqual([...said].sort((a, b) => a.endMs - b.endMs));
    // The call ended after about 2 s, sooner than foreseen: nothing is said past that.
    expect(Math.max(...said.map((u) => u.endMs))).toBeLessThan(3_000);
    expect(audio.controllerFramesReceived('call-a')).toEqual({ toAgent: 0, toBoth: 0 });
  });
});
