/**
 * Screenshot ingest benchmark: how many frames per second (per core) POST /api/screens takes with its
 * checks and thumbnails, the latency of one upload, and the storage one agent's screens take per hour at
 * the default capture interval.
 *
 * - The server runs in this process (startTestServer: SQLite store, temporary DATA_DIR). Frames are the
 *   simulator's rendered desktops (server/src/simulator/screenRenderer.ts), rendered BEFORE the timed part,
 *   so the throughput counts the server's work: the body, magic bytes, sharp metadata, a full decode and a
 *   WebP thumbnail, SHA-256, two file writes with renames, the row, the announcement. The CPU figure
 *   (process.cpuUsage, all threads) also includes the uploading fetch client, which is small beside sharp.
 * - Throughput: BENCH_SCREEN_FRAMES distinct frames (default 240; every fourth 1920×1080, the rest
 *   1280×720; each a different call, minute and note count, so none is a duplicate), BENCH_SCREEN_CONCURRENCY
 *   uploads in flight (default 4).
 * - Storage: one agent's simulated hour: calls back to back with a lognormal talk time (median 190 s, as
 *   the simulator's model), 20 s of wrap-up between calls (no capture: the agent has no live call), one
 *   hold of 30–90 s in a quarter of the calls, a frame every CAPTURE_INTERVAL_MS while on a call. Every
 *   frame goes through the real endpoint; identical consecutive frames are stored once. Stored bytes are
 *   the image and thumbnail files on disk (the metadata row, about 300 bytes, is left out).
 *
 * Usage: npm run bench:screens. Last line: one JSON object.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { CAPTURE_INTERVAL_MS, type ScreenshotUploadResult, TOPICS } from '@earshot/shared';
import { Rng } from '../server/src/simulator/random.js';
import { renderScreen, renderScreenSvg, type ScreenScene } from '../server/src/simulator/screenRenderer.js';
import { postEvents } from '../tests/helpers/clients.js';
import { EventFactory } from '../tests/helpers/events.js';
import { startTestServer, type TestServer } from '../tests/helpers/testServer.js';

const FRAMES = Number(process.env.BENCH_SCREEN_FRAMES ?? 240);
const CONCURRENCY = Number(process.env.BENCH_SCREEN_CONCURRENCY ?? 4);
const THROUGHPUT_CALLS = 8;
const HOUR_MS = 60 * 60_000;
/** The published figure this is compared with: video screen recording, about 25 MB per agent-hour. */
const VIDEO_MB_PER_AGENT_HOUR = 25;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const log = (line: string) => console.log(line);

async function upload(server: TestServer, callId: string, agentId: string, capturedAt: number, bytes: Buffer) {
  const query = new URLSearchParams({ callId, agentId, capturedAt: String(capturedAt) });
  const response = await fetch(`${server.url}/api/screens?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'image/webp', 'x-earshot-ingest-key': server.ingestKey },
    body: new Uint8Array(bytes),
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`upload refused: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as ScreenshotUploadResult;
}

async function throughput(server: TestServer) {
  const f = new EventFactory('bench-tp');
  const t0 = Date.now();
  const calls = Array.from({ length: THROUGHPUT_CALLS }, (_, i) => ({
    callId: `bench-call-${i}`,
    agentId: `bench-agent-${i}`,
  }));
  for (const { callId, agentId } of calls) {
    await postEvents(server.url, server.ingestKey, [
      f.offered(callId, t0),
      f.answered(callId, t0, agentId, `Агент ${agentId}`),
    ]);
  }
  log(`rendering ${FRAMES} frames…`);
  const renderMs: number[] = [];
  const frames: { callId: string; agentId: string; bytes: Buffer; big: boolean }[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const call = calls[i % calls.length]!;
    const big = i % 4 === 3;
    const started = performance.now();
    const { webp } = await renderScreen({
      seed: 1,
      callId: call.callId,
      agentName: `Агент ${i % calls.length}`,
      callerNumber: `+375 29 ${String(1_000_000 + i).slice(1, 4)}-${String(10 + (i % 90))}-${String(10 + ((i * 7) % 90))}`,
      topic: TOPICS[i % TOPICS.length]!,
      talkMs: (i % 30) * 12_000,
      onHold: i % 9 === 0,
      clockAt: t0 + i * 60_000,
      ...(big ? { width: 1920, height: 1080 } : {}),
    });
    renderMs.push(performance.now() - started);
    frames.push({ ...call, bytes: webp, big });
  }
  renderMs.sort((a, b) => a - b);
  const meanKb = frames.reduce((sum, frame) => sum + frame.bytes.length, 0) / frames.length / 1024;
  log(
    `render: p50 ${round(percentile(renderMs, 50))} ms, p95 ${round(percentile(renderMs, 95))} ms; mean frame ${round(meanKb)} KiB`,
  );

  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const index = next++;
        const frame = frames[index];
        if (!frame) return;
        const t = performance.now();
        const result = await upload(server, frame.callId, frame.agentId, t0 + index, frame.bytes);
        if (result.duplicate) throw new Error('a throughput frame was a duplicate: the frames must all differ');
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  latencies.sort((a, b) => a - b);
  return {
    frames: FRAMES,
    framesPerS: FRAMES / wallS,
    framesPerCpuS: FRAMES / cpuS,
    cpuCoresBusy: cpuS / wallS,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    renderP50: percentile(renderMs, 50),
    renderP95: percentile(renderMs, 95),
    meanFrameKb: meanKb,
  };
}

async function agentHour(server: TestServer) {
  const f = new EventFactory('bench-hour');
  const rng = new Rng(2026);
  const agentId = 'bench-hour-agent';
  const hourStart = Date.now() - 2 * HOUR_MS;
  const cache = new Map<string, Buffer>();
  let t = 0;
  let callNo = 0;
  let frames = 0;
  let duplicates = 0;
  const storedIds: string[] = [];
  while (t < HOUR_MS) {
    const callId = `bench-hour-call-${++callNo}`;
    const talkMs = Math.round(Math.min(HOUR_MS - t, Math.max(20_000, rng.logNormal(190_000, 0.8))));
    const hold = rng.chance(0.25) ? { from: talkMs * rng.uniform(0.3, 0.6), ms: rng.uniform(30_000, 90_000) } : null;
    const topic = rng.pick(TOPICS);
    await postEvents(server.url, server.ingestKey, [
      f.offered(callId, hourStart + t, { topic }),
      f.answered(callId, hourStart + t, agentId, 'Час Агент'),
    ]);
    for (let at = 0; at < talkMs; at += CAPTURE_INTERVAL_MS) {
      const onHold = hold !== null && at >= hold.from && at < hold.from + hold.ms;
      const scene: ScreenScene = {
        seed: 2026,
        callId,
        agentName: 'Час Агент',
        callerNumber: '+375 29 123-45-67',
        topic,
        talkMs: at,
        onHold,
        clockAt: hourStart + t + at,
      };
      const svg = renderScreenSvg(scene);
      let bytes = cache.get(svg);
      if (!bytes) {
        bytes = (await renderScreen(scene)).webp;
        cache.set(svg, bytes);
      }
      const result = await upload(server, callId, agentId, hourStart + t + at, bytes);
      frames += 1;
      if (result.duplicate) duplicates += 1;
      else storedIds.push(result.screenshot.id);
    }
    await postEvents(server.url, server.ingestKey, f.ended(callId, hourStart + t + talkMs));
    t += talkMs + 20_000;
  }
  let storedBytes = 0;
  let imageBytes = 0;
  for (const id of storedIds) {
    const stored = await server.app.screenshots.get(id);
    if (!stored) throw new Error(`screenshot ${id} is not stored`);
    const image = (await stat(await server.app.screenshots.resolveStoredPath(stored.filePath))).size;
    const thumb = (await stat(await server.app.screenshots.resolveStoredPath(stored.thumbPath))).size;
    imageBytes += image;
    storedBytes += image + thumb;
  }
  return { calls: callNo, frames, duplicates, stored: storedIds.length, storedBytes, imageBytes };
}

async function main(): Promise<void> {
  log(
    `screens bench: Node ${process.version}, ${os.cpus().length} cores, ${FRAMES} frames, concurrency ${CONCURRENCY}`,
  );
  const server = await startTestServer({ store: 'sqlite', frontend: { kind: 'none' } });
  try {
    const tp = await throughput(server);
    log(
      `ingest: ${round(tp.framesPerS)} frames/s wall, ${round(tp.framesPerCpuS)} frames per CPU-second (${round(tp.cpuCoresBusy, 2)} cores busy); ` +
        `ms per frame p50 ${round(tp.p50)}, p95 ${round(tp.p95)}`,
    );
    log('simulating one agent-hour of frames…');
    const hour = await agentHour(server);
    const mb = hour.storedBytes / 1e6;
    log(
      `agent-hour: ${hour.calls} calls, ${hour.frames} frames, ${hour.duplicates} duplicates (${round((100 * hour.duplicates) / hour.frames)}%), ` +
        `${hour.stored} stored, ${round(mb, 2)} MB (images ${round(hour.imageBytes / 1e6, 2)} MB) vs ~${VIDEO_MB_PER_AGENT_HOUR} MB for video`,
    );
    console.log(
      JSON.stringify({
        frames_per_s: round(tp.framesPerS),
        frames_per_cpu_s: round(tp.framesPerCpuS),
        cpu_cores_busy: round(tp.cpuCoresBusy, 2),
        ms_per_frame_p50: round(tp.p50),
        ms_per_frame_p95: round(tp.p95),
        render_ms_p50: round(tp.renderP50),
        render_ms_p95: round(tp.renderP95),
        mean_frame_kib: round(tp.meanFrameKb),
        agent_hour_frames: hour.frames,
        agent_hour_duplicates: hour.duplicates,
        mb_per_agent_hour: round(mb, 2),
        // Were every frame different (a screen that changes every 2 s): frames × mean stored frame.
        mb_per_agent_hour_without_dedupe: round((mb / hour.stored) * hour.frames, 1),
        video_mb_per_agent_hour: VIDEO_MB_PER_AGENT_HOUR,
      }),
    );
  } finally {
    await server.close();
  }
}

await main();
