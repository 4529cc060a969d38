import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import {
  AUDIO_FRAME_MS,
  AUDIO_SAMPLES_PER_FRAME,
  decodePeaks,
  PEAKS_BUCKETS_PER_SECOND,
  PEAKS_HEADER_BYTES,
  RECORDING_WAV_FORMAT,
  recordingPeaksUrl,
  WAV_HEADER_BYTES,
  wavHeader,
} from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RecordingRepository } from '../../server/src/recordings/recordingRepository.js';
import { signIn, type TestSession } from '../helpers/clients.js';
import { startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const SAMPLE_RATE = RECORDING_WAV_FORMAT.sampleRate;
const HOUR_S = 3_600;
/** The agent side: a 400 Hz tone whose peaks are exactly ±TONE (sample 5 of each 20-sample period). */
const TONE = 4_000;
/** The caller side is silent but for a loud stretch of LOUD from LOUD_FROM_MS to LOUD_TO_MS. */
const LOUD = 30_000;
const LOUD_FROM_MS = 1_234_500;
const LOUD_TO_MS = 1_234_700;

/**
 * Writes a one-hour stereo WAV (115 MB) with streamed writes of one 16-second block at a time, so the test
 * never holds the file: the agent side carries the tone throughout, the caller side is silent but for the
 * loud stretch. Answers the file's size.
 */
async function writeHourWav(file: string): Promise<number> {
  const blockSeconds = 16;
  const blockFrames = blockSeconds * SAMPLE_RATE;
  const block = Buffer.alloc(blockFrames * 4);
  for (let i = 0; i < blockFrames; i++) {
    block.writeInt16LE(Math.round(TONE * Math.sin((2 * Math.PI * 400 * i) / SAMPLE_RATE)), i * 4);
  }
  const dataBytes = HOUR_S * SAMPLE_RATE * 4;
  const handle = await open(file, 'wx');
  try {
    await handle.write(wavHeader(RECORDING_WAV_FORMAT, dataBytes));
    const loudFrom = (LOUD_FROM_MS * SAMPLE_RATE) / 1000;
    const loudTo = (LOUD_TO_MS * SAMPLE_RATE) / 1000;
    for (let start = 0; start < HOUR_S * SAMPLE_RATE; start += blockFrames) {
      const end = start + blockFrames;
      if (end <= loudFrom || start >= loudTo) {
        await handle.write(block);
        continue;
      }
      const loud = Buffer.from(block);
      for (let frame = Math.max(start, loudFrom); frame < Math.min(end, loudTo); frame++) {
        loud.writeInt16LE(LOUD, (frame - start) * 4 + 2);
      }
      await handle.write(loud);
    }
  } finally {
    await handle.close();
  }
  return WAV_HEADER_BYTES + dataBytes;
}

describe.each(TEST_STORE_KINDS)('waveform peaks (%s store)', (kind) => {
  let server: TestServer;
  let controller: TestSession;
  let supervisor: TestSession;
  let n = 0;
  const newCallId = () => `peaks:${kind}:${++n}`;

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' } });
    controller = await signIn(server.url, 'controller');
    supervisor = await signIn(server.url, 'supervisor');
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (url: string, session: TestSession, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${url}`, { headers: { cookie: session.cookie, ...headers } });

  /** Records `frames` frames: agent side `agentValue`, caller silent; ends the call unless told not to. */
  async function recordCall(frames: number, agentValue: number, finish = true): Promise<string> {
    const callId = newCallId();
    const t = Date.now();
    for (let seq = 0; seq < frames; seq++) {
      server.app.recordings.pushCallAudio(
        callId,
        seq,
        {
          agent: new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(agentValue),
          caller: new Int16Array(AUDIO_SAMPLES_PER_FRAME),
        },
        t + seq * AUDIO_FRAME_MS,
        'l16',
      );
    }
    if (finish) await server.app.recordings.finish(callId, t + frames * AUDIO_FRAME_MS);
    else await server.app.recordings.flushNow();
    return callId;
  }

  it('computes the peaks when a call ends, stores them beside the WAV and serves them with an ETag', async () => {
    const callId = await recordCall(60, 2_560); // 1.2 s: 12 buckets
    const stored = await server.app.recordings.getStored(callId);
    if (!stored) throw new Error('no recording');
    const peaksFile = path.join(server.app.dataDir, stored.file.replace(/\.wav$/, '.peaks'));
    await vi.waitFor(() => expect(existsSync(peaksFile)).toBe(true), { timeout: 5_000 });

    const response = await get(recordingPeaksUrl(callId), controller);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('cache-control')).toMatch(/private/);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/); // strong: no W/
    const body = new Uint8Array(await response.arrayBuffer());
    expect(body.byteLength).toBe(statSync(peaksFile).size);
    const decoded = decodePeaks(body);
    if (!decoded.ok) throw new Error(decoded.error);
    const { peaks } = decoded;
    expect(peaks).toMatchObject({ bucketsPerSecond: PEAKS_BUCKETS_PER_SECOND, bucketCount: 12, durationMs: 1_200 });
    const [agent, caller] = peaks.channels;
    expect([...(agent?.max ?? [])]).toEqual(Array(12).fill(10));
    expect([...(agent?.min ?? [])]).toEqual(Array(12).fill(0));
    expect([...(caller?.max ?? []), ...(caller?.min ?? [])]).toEqual(Array(24).fill(0));

    // As a browser revalidates (fetch() itself would add Cache-Control: no-cache to a conditional request).
    const again = await get(recordingPeaksUrl(callId), controller, {
      'if-none-match': etag ?? '',
      'cache-control': 'max-age=0',
    });
    expect(again.status).toBe(304);
    expect(await again.arrayBuffer()).toHaveProperty('byteLength', 0);
  });

  it('answers 409 while the call is being recorded, 404 without a recording, 403 without recordings:play', async () => {
    const live = await recordCall(10, 100, false);
    const during = await get(recordingPeaksUrl(live), controller);
    expect(during.status).toBe(409);
    expect(await during.json()).toEqual({ ok: false, error: expect.stringMatching(/still being written/) });
    await server.app.recordings.finish(live, Date.now());
    expect((await get(recordingPeaksUrl(live), controller)).status).toBe(200);
    const none = await get(recordingPeaksUrl('no-such-call'), controller);
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({ ok: false, error: 'call no-such-call has no recording' });
    // Supervisors watch the floor; recordings are the quality team's (shared/src/auth.ts).
    expect((await get(recordingPeaksUrl(live), supervisor)).status).toBe(403);
  });

  it.runIf(kind === 'sqlite')(
    'keeps a one-hour call small and right: tone on the agent side, a loud moment in its bucket on the silent caller side',
    { timeout: 60_000 },
    async () => {
      // A recording finished before peaks existed: a WAV and its row, no .peaks file; the first request computes it.
      const callId = newCallId();
      const day = '2026-01-15';
      const relative = `recordings/${day}/${randomUUID()}.wav`;
      mkdirSync(path.join(server.app.dataDir, 'recordings', day), { recursive: true });
      const wavFile = path.join(server.app.dataDir, relative);
      const size = await writeHourWav(wavFile);
      expect(statSync(wavFile).size).toBe(size);
      const startedAt = Date.UTC(2026, 0, 15, 9);
      await new RecordingRepository(server.store.db).insert(
        {
          recording: {
            callId,
            status: 'complete',
            startedAt,
            endedAt: startedAt + HOUR_S * 1_000,
            durationMs: HOUR_S * 1_000,
            sizeBytes: size,
            channels: 2,
            sampleRate: SAMPLE_RATE,
            bitsPerSample: 16,
            sourceCodec: 'l16',
            frames: HOUR_S * 50,
            gapFramesAgent: 0,
            gapFramesCaller: 0,
            lateFrames: 0,
            controllerFrames: 0,
          },
          file: relative,
        },
        Date.now(),
      );

      const response = await get(recordingPeaksUrl(callId), controller);
      expect(response.status).toBe(200);
      const body = new Uint8Array(await response.arrayBuffer());
      const buckets = HOUR_S * PEAKS_BUCKETS_PER_SECOND;
      // The bound is a few hundred KB; this format gives 144 KB for an hour.
      expect(body.byteLength).toBe(PEAKS_HEADER_BYTES + buckets * 2 * 2);
      expect(body.byteLength).toBeLessThanOrEqual(300 * 1024);
      expect(existsSync(wavFile.replace(/\.wav$/, '.peaks'))).toBe(true);

      const decoded = decodePeaks(body);
      if (!decoded.ok) throw new Error(decoded.error);
      const { peaks } = decoded;
      expect(peaks).toMatchObject({ bucketCount: buckets, durationMs: HOUR_S * 1_000 });
      const [agent, caller] = peaks.channels;
      if (!agent || !caller) throw new Error('two channels expected');
      // ±4000 is ±15.6 of 128: shown as −16…16 in every bucket of the hour.
      expect(new Set(agent.max)).toEqual(new Set([16]));
      expect(new Set(agent.min)).toEqual(new Set([-16]));
      // 1,234.5 s to 1,234.7 s is buckets 12,345 and 12,346 (100 ms each), and nowhere else.
      const loudBuckets = [...caller.max.keys()].filter((i) => caller.max[i] !== 0);
      expect(loudBuckets).toEqual([12_345, 12_346]);
      expect(caller.max[12_345]).toBe(Math.ceil(LOUD / 256));
      expect(new Set(caller.min)).toEqual(new Set([0]));

      // Served again from the stored file, same bytes, same ETag.
      const again = await get(recordingPeaksUrl(callId), controller);
      expect(again.headers.get('etag')).toBe(response.headers.get('etag'));
      expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
    },
  );
});
