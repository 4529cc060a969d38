import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AUDIO_SAMPLES_PER_FRAME,
  decodeFramePcm,
  type Recording,
  recordingAudioUrl,
  recordingMetaUrl,
} from '@earshot/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAudioAdapter, frameFromSamples, parseStereoWav, toneSamples } from '../helpers/audio.js';
import { getJson, pause, postEvents, signIn } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer } from '../helpers/testServer.js';

/** The recorder writes at least this often; frames older than this at the kill must be on disk. */
const FLUSH_WAIT_MS = 600;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited during start-up:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await pause(200);
  }
  throw new Error(`the server did not start within 60 s:\n${output()}`);
}

describe('a server killed mid-call', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-crash-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves a playable WAV with every frame received before the kill, repaired and marked at the next start', async () => {
    // The real server (server/src/main.ts), as `npm start` runs it, without the simulator.
    const port = await freePort();
    const key = 'crash-test-key';
    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, INGEST_KEYS: key, SIMULATOR: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, child, () => output);

    const f = new EventFactory('crash');
    const callId = 'crash-call';
    const t = Date.now() - 5_000;
    const posted = await postEvents(url, key, [f.offered(callId, t), f.answered(callId, t + 1_000)]);
    expect(posted.status).toBe(200);
    const adapter = await connectAudioAdapter(url, key);
    // 3 s of audio at real-time pace: a tone on the agent's side, another on the caller's.
    const frames = 150;
    for (let seq = 0; seq < frames; seq++) {
      adapter.send([frameFromSamples(callId, seq, 'both', 'pcmu', toneSamples(seq, 440), toneSamples(seq, 660))]);
      await pause(20);
    }
    await pause(FLUSH_WAIT_MS);
    expect(adapter.refusals).toEqual([]);
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));

    // The next start repairs the file; it is then served like any other recording.
    const store = path.join(dataDir, 'earshot.db');
    const next = await startTestServer({
      store: { kind: 'sqlite', location: { kind: 'sqlite', filename: store }, dispose: async () => {} },
      dataDir,
    });
    try {
      const controller = await signIn(next.url, 'controller');
      const meta = await getJson<{ ok: true; data: Recording }>(`${next.url}${recordingMetaUrl(callId)}`, controller);
      expect(meta.status).toBe(200);
      expect(meta.body.data).toMatchObject({ status: 'repaired', frames, channels: 2, sampleRate: 8000 });
      const audio = await fetch(`${next.url}${recordingAudioUrl(callId)}`, { headers: { cookie: controller.cookie } });
      expect(audio.status).toBe(200);
      const wav = parseStereoWav(new Uint8Array(await audio.arrayBuffer()));
      expect(wav.left.length).toBe(frames * AUDIO_SAMPLES_PER_FRAME);
      // Every frame is there, in its place, exactly as µ-law decodes: agent left, caller right.
      for (let seq = 0; seq < frames; seq++) {
        const sent = decodeFramePcm(
          frameFromSamples(callId, seq, 'both', 'pcmu', toneSamples(seq, 440), toneSamples(seq, 660)),
        );
        const from = seq * AUDIO_SAMPLES_PER_FRAME;
        const to = from + AUDIO_SAMPLES_PER_FRAME;
        expect(wav.left.subarray(from, to)).toEqual(sent.first);
        expect(wav.right.subarray(from, to)).toEqual(sent.second);
      }
    } finally {
      await next.close();
    }
  });
});
