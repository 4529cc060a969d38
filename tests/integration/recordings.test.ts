import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AUDIO_FRAME_MS,
  AUDIO_SAMPLES_PER_FRAME,
  type AuditPage,
  RECORDING_FRAME_BYTES,
  type Recording,
  recordingAudioUrl,
  recordingMetaUrl,
  WAV_HEADER_BYTES,
} from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { REPO_ROOT } from '../../server/src/app.js';
import { createMemoryLogger } from '../../server/src/logger.js';
import { RecordingRepository } from '../../server/src/recordings/recordingRepository.js';
import { RecordingService } from '../../server/src/recordings/recordingService.js';
import { openStore } from '../../server/src/store/openStore.js';
import { apiRequest, signIn, type TestSession } from '../helpers/clients.js';
import { assignCoaching } from '../helpers/coaching.js';
import { createTestStoreLocation, startTestServer, TEST_STORE_KINDS, type TestServer } from '../helpers/testServer.js';

const FRAMES = 50;
/** Agent samples of frame `seq` (the caller's are the negative): a different value per frame. */
const frameValue = (seq: number) => (seq % 30_000) + 1;
const fill = (value: number) => new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(value);

/** The bytes a recording of FRAMES frames of frameValue holds: header, then L R L R … little-endian. */
function expectedWav(frames: number): Buffer {
  const bytes = Buffer.alloc(WAV_HEADER_BYTES + frames * RECORDING_FRAME_BYTES);
  for (let seq = 0; seq < frames; seq++) {
    for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
      const at = WAV_HEADER_BYTES + seq * RECORDING_FRAME_BYTES + i * 4;
      bytes.writeInt16LE(frameValue(seq), at);
      bytes.writeInt16LE(-frameValue(seq), at + 2);
    }
  }
  return bytes.subarray(WAV_HEADER_BYTES);
}

describe.each(TEST_STORE_KINDS)('recordings (%s store)', (kind) => {
  let server: TestServer;
  let controller: TestSession;
  let trainer: TestSession;
  let supervisor: TestSession;
  let admin: TestSession;
  let n = 0;
  // Call ids may hold ':' (which no media path segment may): the recording must not care.
  const newCallId = () => `rec:${kind}:${++n}`;

  beforeAll(async () => {
    server = await startTestServer({ store: kind, frontend: { kind: 'none' } });
    controller = await signIn(server.url, 'controller');
    trainer = await signIn(server.url, 'trainer');
    supervisor = await signIn(server.url, 'supervisor');
    admin = await signIn(server.url, 'admin');
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Records FRAMES frames of a call and, unless told otherwise, ends it. */
  async function recordCall(finish = true): Promise<string> {
    const callId = newCallId();
    const receivedAt = Date.now();
    for (let seq = 0; seq < FRAMES; seq++) {
      server.app.recordings.pushCallAudio(
        callId,
        seq,
        { agent: fill(frameValue(seq)), caller: fill(-frameValue(seq)) },
        receivedAt + seq * AUDIO_FRAME_MS,
        'pcmu',
      );
    }
    if (finish) await server.app.recordings.finish(callId, receivedAt + FRAMES * AUDIO_FRAME_MS);
    else await server.app.recordings.flushNow();
    return callId;
  }

  const get = (url: string, session: TestSession, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${url}`, { headers: { cookie: session.cookie, ...headers } });

  async function auditOf(callId: string, action: 'recording.play' | 'recording.download') {
    const page = await apiRequest<AuditPage>(
      `${server.url}/api/audit?action=${action}&callId=${encodeURIComponent(callId)}`,
      { session: admin },
    );
    expect(page.status).toBe(200);
    return page.body.items;
  }

  it('serves the metadata and the whole WAV, bit-exact', async () => {
    const callId = await recordCall();
    const meta = await apiRequest<{ ok: true; data: Recording }>(`${server.url}${recordingMetaUrl(callId)}`, {
      session: controller,
    });
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      ok: true,
      data: expect.objectContaining({
        callId,
        status: 'complete',
        frames: FRAMES,
        durationMs: FRAMES * AUDIO_FRAME_MS,
        sizeBytes: WAV_HEADER_BYTES + FRAMES * RECORDING_FRAME_BYTES,
        sourceCodec: 'pcmu',
        gapFramesAgent: 0,
        gapFramesCaller: 0,
      }),
    });
    const response = await get(recordingAudioUrl(callId), controller);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^audio\/wav/);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-disposition')).toBeNull();
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(WAV_HEADER_BYTES + FRAMES * RECORDING_FRAME_BYTES);
    expect(body.subarray(WAV_HEADER_BYTES).equals(expectedWav(FRAMES))).toBe(true);
    const wav = new WaveFile(body);
    expect((wav.fmt as { numChannels: number; sampleRate: number }).sampleRate).toBe(8000);
    expect((wav.data as { chunkSize: number }).chunkSize).toBe(FRAMES * RECORDING_FRAME_BYTES);
  });

  it('answers range requests with the right bytes, and 416 for a range beyond the file', async () => {
    const callId = await recordCall();
    const whole = Buffer.from(await (await get(recordingAudioUrl(callId), controller)).arrayBuffer());
    const size = whole.length;
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=44-', 44, size - 1],
      ['bytes=-100', size - 100, size - 1],
      ['bytes=1000-1999', 1000, 1999],
    ] as const) {
      const response = await get(recordingAudioUrl(callId), controller, { range });
      expect({ range, status: response.status }).toEqual({ range, status: 206 });
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
      const part = Buffer.from(await response.arrayBuffer());
      expect(part.equals(whole.subarray(start, end + 1))).toBe(true);
    }
    const beyond = await get(recordingAudioUrl(callId), controller, { range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(await beyond.json()).toEqual({ ok: false, error: expect.stringMatching(/range .* outside/) });
  });

  it('audits a playback once, not every seek; a download always, as an attachment', async () => {
    const callId = await recordCall();
    expect((await get(recordingAudioUrl(callId), controller, { range: 'bytes=0-' })).status).toBe(206);
    for (const range of ['bytes=5000-', 'bytes=-100', 'bytes=100-200']) {
      expect((await get(recordingAudioUrl(callId), controller, { range })).status).toBe(206);
    }
    const plays = await auditOf(callId, 'recording.play');
    expect(plays.map((entry) => ({ username: entry.username, callId: entry.callId }))).toEqual([
      { username: controller.user.username, callId },
    ]);
    expect(await auditOf(callId, 'recording.download')).toEqual([]);

    const download = await get(`${recordingAudioUrl(callId)}?download=1`, controller);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="?recording-rec_\w+\.wav"?$/);
    expect((await download.arrayBuffer()).byteLength).toBe(WAV_HEADER_BYTES + FRAMES * RECORDING_FRAME_BYTES);
    expect(await auditOf(callId, 'recording.download')).toHaveLength(1);
    expect(await auditOf(callId, 'recording.play')).toHaveLength(1);
  });

  it('lets trainers play the calls they coach but not download, and refuses supervisors and anonymous requests', async () => {
    const callId = await recordCall();
    // Without a coaching assignment on the call, a trainer may not hear it.
    expect((await get(recordingAudioUrl(callId), trainer)).status).toBe(403);
    await assignCoaching(server, controller, trainer, callId);
    expect((await get(recordingAudioUrl(callId), trainer)).status).toBe(200);
    expect((await get(recordingMetaUrl(callId), trainer)).status).toBe(200);
    const refused = await get(`${recordingAudioUrl(callId)}?download=1`, trainer);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ ok: false, error: expect.stringContaining('recordings:download') });
    for (const url of [recordingAudioUrl(callId), recordingMetaUrl(callId)]) {
      expect((await get(url, supervisor)).status).toBe(403);
      expect((await fetch(`${server.url}${url}`)).status).toBe(401);
    }
    expect((await auditOf(callId, 'recording.play')).map((entry) => entry.username)).toEqual([trainer.user.username]);
    expect(await auditOf(callId, 'recording.download')).toEqual([]);
  });

  it('answers 409 while the call is live and serves the recording once it ends', async () => {
    const callId = await recordCall(false);
    const live = await get(recordingAudioUrl(callId), controller);
    expect(live.status).toBe(409);
    expect(await live.json()).toEqual({
      ok: false,
      error: expect.stringMatching(/still being written.*when the call ends/),
    });
    const meta = await apiRequest<{ ok: true; data: Recording }>(`${server.url}${recordingMetaUrl(callId)}`, {
      session: controller,
    });
    expect(meta.body.data.status).toBe('recording');
    await server.app.recordings.finish(callId, Date.now());
    expect((await get(recordingAudioUrl(callId), controller)).status).toBe(200);
  });

  it('answers 404 with a sentence for a call without a recording, 400 for an id that is no id', async () => {
    const missing = await get(recordingAudioUrl('no-such-call'), controller);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ ok: false, error: 'call no-such-call has no recording' });
    expect((await get(recordingMetaUrl('no-such-call'), controller)).status).toBe(404);
    expect((await get(`/api/recordings/${encodeURIComponent('a/../b')}/audio`, controller)).status).toBe(400);
  });
});

describe.each(TEST_STORE_KINDS)('recording survives a crash (%s store)', (kind) => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('repairs at start-up a WAV whose writer was killed mid-call, keeping every frame flushed before', async () => {
    const location = await createTestStoreLocation(kind);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-crash-media-'));
    const callId = `crash:${kind}:1`;
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/recordings/crashChild.ts'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          RECORDING_CRASH_STORE: JSON.stringify(location.location),
          RECORDING_CRASH_DATA_DIR: dataDir,
          RECORDING_CRASH_CALL_ID: callId,
          RECORDING_CRASH_FRAMES: String(FRAMES),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the child never flushed; stderr: ${stderr}`)), 20_000);
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('FLUSHED')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', (code) => reject(new Error(`the child exited (${code}) before flushing: ${stderr}`)));
      });
      // Let it record a little more, then kill it mid-call: no finish, no close, no header fix.
      await new Promise((resolve) => setTimeout(resolve, 150));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const store = await openStore(location.location);
      try {
        const repository = new RecordingRepository(store.db);
        const unfinished = await repository.get(callId);
        expect(unfinished?.recording.status).toBe('recording');
        const file = path.join(dataDir, ...(unfinished?.file ?? '').split('/'));
        // What the killed writer left: samples on disk, a header that still says 0.
        expect(readFileSync(file).readUInt32LE(40)).toBe(0);

        const logger = createMemoryLogger();
        const service = new RecordingService({ repository, dataDir, now: () => Date.now(), logger });
        expect(await service.repairUnfinished()).toBe(1);
        const recording = await service.get(callId);
        expect(recording?.status).toBe('repaired');
        const frames = recording?.frames ?? 0;
        expect(frames).toBeGreaterThanOrEqual(FRAMES);
        expect(recording?.sizeBytes).toBe(WAV_HEADER_BYTES + frames * RECORDING_FRAME_BYTES);
        expect(recording?.durationMs).toBe(frames * AUDIO_FRAME_MS);

        const bytes = readFileSync(file);
        expect(bytes.length).toBe(recording?.sizeBytes);
        const wav = new WaveFile(bytes);
        expect((wav.data as { chunkSize: number }).chunkSize).toBe(frames * RECORDING_FRAME_BYTES);
        // Every frame pushed before the flush, bit-exact; whatever came after is whole frames of the same stream.
        expect(bytes.subarray(WAV_HEADER_BYTES).equals(expectedWav(frames))).toBe(true);
        await service.close();
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await location.dispose();
    }
  });
});
