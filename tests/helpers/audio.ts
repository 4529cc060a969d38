import { readFile } from 'node:fs/promises';
import {
  AUDIO_INGEST_PATH,
  AUDIO_SAMPLES_PER_FRAME,
  type AudioChannel,
  type AudioCodec,
  type AudioFrame,
  type AudioFrameError,
  encodeAudioMessage,
  encodeMulaw,
  INGEST_KEY_HEADER,
  parseAudioMessage,
  parseWavHeader,
  type Role,
  WAV_HEADER_BYTES,
} from '@earshot/shared';
import WebSocket from 'ws';
import { signIn, type TestSession } from './clients.js';
import type { TestServer } from './testServer.js';

/** What a refused frame is answered with on the audio ingest socket. */
export type AudioRefusal = Partial<AudioFrameError> & { type: 'error'; error: string };

/**
 * A telephony adapter's audio connection, as tests drive it: sends frames, keeps every refusal and every
 * controller frame the server sends back.
 */
export class TestAudioAdapter {
  readonly refusals: AudioRefusal[] = [];
  readonly controllerFrames: AudioFrame[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.controllerFrames.push(...parseAudioMessage(new Uint8Array(data as Buffer)).frames);
      } else {
        this.refusals.push(JSON.parse(String(data)) as AudioRefusal);
      }
    });
  }

  send(frames: readonly AudioFrame[]): void {
    this.ws.send(encodeAudioMessage(frames));
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  async waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Opens the audio ingest WebSocket with the ingest key; rejects with the HTTP status and body when refused. */
export function connectAudioAdapter(url: string, key: string | null): Promise<TestAudioAdapter> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${AUDIO_INGEST_PATH}`, {
    headers: key === null ? {} : { [INGEST_KEY_HEADER]: key },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(new TestAudioAdapter(ws)));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

/** 160 samples of a sine tone starting at sample `seq × 160`, so consecutive frames join without clicks. */
export function toneSamples(seq: number, frequencyHz: number, amplitude = 8_000): Int16Array {
  const out = new Int16Array(AUDIO_SAMPLES_PER_FRAME);
  for (let i = 0; i < out.length; i++) {
    const t = (seq * AUDIO_SAMPLES_PER_FRAME + i) / 8000;
    out[i] = Math.round(amplitude * Math.sin(2 * Math.PI * frequencyHz * t));
  }
  return out;
}

/** A frame of `codec` on one channel from linear samples (or, for `both`, agent and caller interleaved). */
export function frameFromSamples(
  callId: string,
  seq: number,
  channel: AudioChannel,
  codec: AudioCodec,
  first: Int16Array,
  second?: Int16Array,
): AudioFrame {
  let samples = first;
  if (channel === 'both') {
    if (!second) throw new Error('channel both needs the caller samples too');
    samples = new Int16Array(first.length * 2);
    for (let i = 0; i < first.length; i++) {
      samples[i * 2] = first[i] as number;
      samples[i * 2 + 1] = second[i] as number;
    }
  }
  const payload =
    codec === 'pcmu' ? encodeMulaw(samples) : new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  return { callId, seq, codec, channel, payload: new Uint8Array(payload) };
}

/**
 * Streams a call's audio at real-time pace (one stereo frame each 20 ms, by elapsed time so it does not
 * drift) until stopped; `samples(seq)` gives both sides of frame `seq`.
 */
export function streamRealtime(
  adapter: TestAudioAdapter,
  callId: string,
  samples: (seq: number) => { agent: Int16Array; caller: Int16Array },
  codec: AudioCodec = 'pcmu',
): { stop(): number } {
  const startedAt = performance.now();
  let seq = 0;
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - startedAt) / 20) + 1;
    const frames: AudioFrame[] = [];
    for (; seq < due; seq++) {
      const { agent, caller } = samples(seq);
      frames.push(frameFromSamples(callId, seq, 'both', codec, agent, caller));
    }
    if (frames.length > 0 && adapter.ws.readyState === WebSocket.OPEN) adapter.send(frames);
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return seq;
    },
  };
}

export interface StereoWav {
  sampleRate: number;
  channels: number;
  left: Int16Array;
  right: Int16Array;
}

/** A WAV file's format and its two channels. */
export async function readStereoWav(filePath: string): Promise<StereoWav> {
  return parseStereoWav(new Uint8Array(await readFile(filePath)));
}

/** A stereo 16-bit WAV's format and its two channels, from its bytes. */
export function parseStereoWav(bytes: Uint8Array): StereoWav {
  const header = parseWavHeader(bytes);
  if (!header.ok) throw new Error(`not a WAV Earshot writes: ${header.error}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + WAV_HEADER_BYTES, header.dataBytes);
  const frames = header.dataBytes / 4;
  const left = new Int16Array(frames);
  const right = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = view.getInt16(i * 4, true);
    right[i] = view.getInt16(i * 4 + 2, true);
  }
  return { sampleRate: header.format.sampleRate, channels: header.format.channels, left, right };
}

/** Root-mean-square level of samples[from, to). */
export function rms(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] as number) ** 2;
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/** A second account of `role` (the demo accounts are one per role), signed in. */
export async function signInExtraUser(server: TestServer, role: Role, username: string): Promise<TestSession> {
  const password = 'correct horse battery staple';
  await server.app.auth.users.create({
    username,
    password,
    displayName: `Extra ${role} ${username}`,
    role,
    agentId: null,
  });
  return signIn(server.url, { username, password });
}
