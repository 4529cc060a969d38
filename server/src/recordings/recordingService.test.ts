import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AUDIO_SAMPLES_PER_FRAME, parseWavHeader, RECORDING_FRAME_BYTES, WAV_HEADER_BYTES } from '@earshot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { createMemoryLogger } from '../logger.js';
import { openStore, type Store } from '../store/openStore.js';
import { RecordingRepository } from './recordingRepository.js';
import { RecordingService } from './recordingService.js';

const side = (value: number) => new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(value);

let store: Store;
let dataDir: string;
let logger: ReturnType<typeof createMemoryLogger>;
let now: number;
const services: RecordingService[] = [];

function newService(flushIntervalMs = 60_000): RecordingService {
  const service = new RecordingService({
    repository: new RecordingRepository(store.db),
    dataDir,
    now: () => now,
    logger,
    flushIntervalMs,
  });
  services.push(service);
  return service;
}

beforeEach(async () => {
  store = await openStore({ kind: 'sqlite', filename: ':memory:' });
  dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-rec-'));
  logger = createMemoryLogger();
  now = Date.UTC(2026, 10, 24, 23, 59, 59, 900);
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function fileOf(callId: string): Promise<string> {
  const row = await store.db.selectFrom('recordings').select('file').where('call_id', '=', callId).executeTakeFirst();
  if (!row) throw new Error(`no row for ${callId}`);
  return path.join(dataDir, ...row.file.split('/'));
}

describe('RecordingService', () => {
  it('records a call to a stereo WAV named by date and uuid, never by call id, and completes the row', async () => {
    const service = newService();
    const callId = 'pbx:call:42';
    // The first frame to arrive is seq 2 (0 and 1 come later): frame 0 was 40 ms before it.
    service.pushCallAudio(callId, 2, { agent: side(3), caller: side(-3) }, now, 'pcmu');
    service.pushCallAudio(callId, 0, { agent: side(1), caller: side(-1) }, now + 1, 'pcmu');
    service.pushCallAudio(callId, 1, { agent: side(2) }, now + 2, 'pcmu');
    service.pushCallAudio(callId, 1, { caller: side(-2) }, now + 3, 'pcmu');
    service.pushControllerAudio(callId, 'both', side(100));
    service.pushCallAudio(callId, 3, { agent: side(4) }, now + 4, 'pcmu');
    service.pushCallAudio(callId, 0, { agent: side(9) }, now + 5, 'pcmu'); // late
    await service.finish(callId, now + 1_000);

    const recording = await service.get(callId);
    expect(recording).toEqual({
      callId,
      status: 'complete',
      startedAt: now - 40,
      endedAt: now + 1_000,
      durationMs: 80,
      sizeBytes: WAV_HEADER_BYTES + 4 * RECORDING_FRAME_BYTES,
      channels: 2,
      sampleRate: 8000,
      bitsPerSample: 16,
      sourceCodec: 'pcmu',
      frames: 4,
      gapFramesAgent: 0,
      gapFramesCaller: 1,
      lateFrames: 1,
      controllerFrames: 1,
    });
    const file = await fileOf(callId);
    // 23:59:59.860 UTC on the 24th: the day of the first sample.
    expect(path.relative(dataDir, file)).toMatch(/^recordings\/2026-11-24\/[0-9a-f-]{36}\.wav$/);
    const wav = new WaveFile(readFileSync(file));
    const [left, right] = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
    const firstOfEachFrame = (channel: Int16Array | undefined) =>
      [0, 1, 2, 3].map((frame) => channel?.[frame * AUDIO_SAMPLES_PER_FRAME]);
    // The controller's barge lands on frame 3, the first one written after it arrived (caller side missing).
    expect(firstOfEachFrame(left)).toEqual([1, 2, 3, 104]);
    expect(firstOfEachFrame(right)).toEqual([-1, -2, -3, 100]);
    expect(service.stats()).toMatchObject({ openRecordings: 0, framesWritten: 4, gapFrames: 1, lateFrames: 1 });
  });

  it('copies stereo frames it is lent: one array reused for every frame still gives every frame its own audio', async () => {
    const service = newService(20);
    const scratch = new Int16Array(AUDIO_SAMPLES_PER_FRAME * 2);
    // 40 frames (more than two write chunks), in order but for one that comes too late (a gap, then counted
    // late) and one lost, with a whisper mixed into frame 2 and flushes happening between pushes.
    const order = [...Array.from({ length: 40 }, (_, seq) => seq).filter((seq) => seq !== 7 && seq !== 30), 7];
    for (const [i, seq] of order.entries()) {
      for (let n = 0; n < AUDIO_SAMPLES_PER_FRAME; n++) {
        scratch[2 * n] = seq + 1;
        scratch[2 * n + 1] = -(seq + 1);
      }
      if (seq === 2) service.pushControllerAudio('lent', 'agent', side(1_000));
      service.pushStereoCallAudio('lent', seq, scratch, now, 'pcmu');
      scratch.fill(12_345); // what the caller does with its array next must not reach the file
      if (i % 9 === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await service.finish('lent', now + 1_000);
    const wav = new WaveFile(readFileSync(await fileOf('lent')));
    const [left, right] = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
    const frames = Array.from({ length: 40 }, (_, f) => [
      left?.[f * AUDIO_SAMPLES_PER_FRAME + 5],
      right?.[f * AUDIO_SAMPLES_PER_FRAME + 5],
    ]);
    const expected = Array.from({ length: 40 }, (_, f) => {
      if (f === 7 || f === 30) return [0, 0]; // too late, and lost: silence
      if (f === 2) return [f + 1 + 1_000, -(f + 1)]; // whispered over
      return [f + 1, -(f + 1)];
    });
    expect(frames).toEqual(expected);
    expect(await service.get('lent')).toMatchObject({
      frames: 40,
      gapFramesAgent: 2,
      gapFramesCaller: 2,
      lateFrames: 1,
      controllerFrames: 1,
    });
  });

  it('appends buffered audio on its timer while the call is live, the header saying 0 until the end', async () => {
    const service = newService(20);
    for (let seq = 0; seq < 50; seq++)
      service.pushCallAudio('live-1', seq, { agent: side(seq), caller: side(-seq) }, now, 'l16');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const file = await fileOf('live-1');
    // Every whole frame has reached the file without flushNow or finish.
    expect(statSync(file).size).toBe(WAV_HEADER_BYTES + 50 * RECORDING_FRAME_BYTES);
    expect(parseWavHeader(readFileSync(file))).toMatchObject({ ok: true, dataBytes: 0 });
    expect((await service.get('live-1'))?.status).toBe('recording');
    expect(service.stats()).toMatchObject({ openRecordings: 1, bytesWritten: 50 * RECORDING_FRAME_BYTES });
  });

  it('ignores audio arriving after finish instead of reopening the recording, logging it once', async () => {
    const service = newService();
    service.pushCallAudio('done-1', 0, { agent: side(1), caller: side(1) }, now, 'pcmu');
    await service.finish('done-1', now + 20);
    service.pushCallAudio('done-1', 1, { agent: side(1), caller: side(1) }, now, 'pcmu');
    service.pushCallAudio('done-1', 2, { agent: side(1), caller: side(1) }, now, 'pcmu');
    await service.flushNow();
    expect(service.stats().openRecordings).toBe(0);
    expect(await service.get('done-1')).toMatchObject({ status: 'complete', frames: 1 });
    expect(logger.lines.filter((line) => line.includes('after the call ended'))).toHaveLength(1);
    // A second finish is harmless.
    await service.finish('done-1', now + 99);
    expect(await service.get('done-1')).toMatchObject({ endedAt: now + 20 });
  });

  it('ignores controller audio for a call with no open recording', async () => {
    const service = newService();
    service.pushControllerAudio('nobody', 'agent', side(5));
    expect(service.stats().openRecordings).toBe(0);
    expect(await service.get('nobody')).toBeNull();
  });

  it('closes open recordings as interrupted when the server stops', async () => {
    const service = newService();
    service.pushCallAudio('cut-1', 0, { agent: side(1) }, now, 'pcmu');
    now += 5_000;
    await service.close();
    expect(await service.get('cut-1')).toMatchObject({
      status: 'interrupted',
      endedAt: now,
      frames: 1,
      gapFramesCaller: 1,
    });
    const header = parseWavHeader(readFileSync(await fileOf('cut-1')));
    expect(header).toMatchObject({ ok: true, dataBytes: RECORDING_FRAME_BYTES });
  });

  it('repairs unfinished recordings at start-up, a missing file as an empty recording with a warning', async () => {
    const crashed = newService();
    for (let seq = 0; seq < 20; seq++)
      crashed.pushCallAudio('crash-1', seq, { agent: side(7), caller: side(8) }, now, 'pcmu');
    crashed.pushCallAudio('crash-2', 0, { agent: side(7), caller: side(8) }, now, 'pcmu');
    await crashed.flushNow();
    rmSync(await fileOf('crash-2'));

    const fresh = newService();
    expect(await fresh.repairUnfinished()).toBe(2);
    expect(await fresh.get('crash-1')).toMatchObject({
      status: 'repaired',
      frames: 20,
      durationMs: 400,
      endedAt: now + 400,
      sizeBytes: WAV_HEADER_BYTES + 20 * RECORDING_FRAME_BYTES,
    });
    expect(await fresh.get('crash-2')).toMatchObject({ status: 'repaired', frames: 0, sizeBytes: 0, durationMs: 0 });
    expect(logger.lines.some((line) => line.includes('warn') && line.includes('missing'))).toBe(true);
    expect(await fresh.repairUnfinished()).toBe(0);
    // The service that "crashed" still holds them open; leave it without finishing them.
    services.splice(services.indexOf(crashed), 1);
  });

  it('retention deletes recordings that ended before the cutoff, file and row', async () => {
    const service = newService();
    service.pushCallAudio('old-1', 0, { agent: side(1), caller: side(1) }, now, 'pcmu');
    await service.finish('old-1', now + 20);
    service.pushCallAudio('new-1', 0, { agent: side(1), caller: side(1) }, now, 'pcmu');
    await service.finish('new-1', now + 10_000);
    service.pushCallAudio('live-2', 0, { agent: side(1), caller: side(1) }, now, 'pcmu');
    await service.flushNow();
    const oldFile = await fileOf('old-1');
    expect(await service.retentionTarget().deleteOlderThan(now + 5_000)).toEqual({ recordings: 1 });
    expect(existsSync(oldFile)).toBe(false);
    expect(await service.get('old-1')).toBeNull();
    expect(await service.get('new-1')).not.toBeNull();
    expect(await service.get('live-2')).not.toBeNull();
  });
});
