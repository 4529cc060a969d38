/**
 * Review page benchmark: how long the review page of a one-hour call with 1,800 screenshots takes to open
 * in headless Chromium, against a one-minute call with 30 screenshots opened in the same process.
 *
 * - The server runs in this process (startTestServer: SQLite store, temporary DATA_DIR, the built dashboard
 *   from client/dist: `npm run bench:review` builds it first). Everything is seeded through the real
 *   entrances: call events over HTTP ingest; the audio as 20 ms stereo L16 frames (8 kHz, 16-bit: a
 *   conversation of tone bursts over quiet noise, with pauses, long silences and overtalk) over the audio
 *   ingest WebSocket, so the recording service writes the WAV and computes the peaks when the call ends,
 *   and speech analytics stores the segments, as in production; the screenshots as POST /api/screens of
 *   the simulator's rendered 1280×720 WebP desktops, one every CAPTURE_INTERVAL_MS (2 s) from the first
 *   moment of the recording. A pool of distinct frames is cycled, so no frame repeats its predecessor
 *   (the server stores each, as it would a changing screen).
 * - Each run opens the page in a fresh browser context (so an empty HTTP cache: a reviewer opening the call
 *   for the first time), signed in as the demo controller by cookie, 1440×1000 viewport. Open time is read
 *   in the page: performance.now() (ms since the navigation started) at the first animation frame in which
 *   the waveform is drawn (the container's `data-waveform-drawn`, set on wavesurfer's `redrawcomplete`) and
 *   the big screenshot (`img[data-testid=review-screen-main]`) has loaded. Runs alternate between the two
 *   calls; one unmeasured warm-up of each comes first.
 *
 * Usage: npm run bench:review (BENCH_REVIEW_RUNS, default 7; BENCH_REVIEW_TRACE=file.json also writes a
 * Chromium trace of one more opening of the one-hour call, for profiling). Last line: one JSON object.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AUDIO_SAMPLES_PER_FRAME,
  type AudioFrame,
  CAPTURE_INTERVAL_MS,
  type Recording,
  recordingPeaksUrl,
  type ScreenshotUploadResult,
} from '@earshot/shared';
import type { Browser } from 'playwright-core';
import { Rng } from '../server/src/simulator/random.js';
import { renderScreen } from '../server/src/simulator/screenRenderer.js';
import { launchChromium } from '../tests/browser/chromium.js';
import { connectAudioAdapter, frameFromSamples } from '../tests/helpers/audio.js';
import { apiRequest, postEvents, signIn, type TestSession } from '../tests/helpers/clients.js';
import { EventFactory } from '../tests/helpers/events.js';
import { startTestServer, type TestServer } from '../tests/helpers/testServer.js';

const RUNS = Number(process.env.BENCH_REVIEW_RUNS ?? 7);
/** Where to write a Chromium performance trace of one extra opening of the one-hour call (not counted). */
const TRACE_PATH = process.env.BENCH_REVIEW_TRACE;
const TARGET_OPEN_MS = 1000;
const FRAME_MS = 20;
/** Frames per audio message: about 0.7 MB, under AUDIO_MESSAGE_MAX_BYTES. */
const FRAMES_PER_MESSAGE = 1_000;
/** Distinct rendered desktops cycled through the screenshots (rendering each of 1,800 would take minutes). */
const SCREEN_POOL = 60;
const UPLOAD_CONCURRENCY = 4;
const OPEN_TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1440, height: 1000 };

const log = (line: string) => console.log(line);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};

interface SeededCall {
  callId: string;
  durationMs: number;
  screenshots: number;
  peaksBytes: number;
  speechSegments: number;
  seedS: number;
}

/**
 * One side's audio over the whole call: a conversation of turns (a voiced tone with a syllable-rate
 * envelope) over a quiet noise floor, with pauses, a long silence every few minutes and some overtalk.
 */
function conversation(durationMs: number, seed: number): { agent: Int16Array; caller: Int16Array } {
  const samples = (durationMs / 1000) * 8000;
  const agent = new Int16Array(samples);
  const caller = new Int16Array(samples);
  const rng = new Rng(seed);
  const noise = (amplitude: number) => Math.round((rng.next() * 2 - 1) * amplitude);
  for (let i = 0; i < samples; i++) {
    agent[i] = noise(40);
    caller[i] = noise(60);
  }
  const speak = (into: Int16Array, fromS: number, toS: number, pitchHz: number) => {
    const from = Math.floor(fromS * 8000);
    const to = Math.min(samples, Math.floor(toS * 8000));
    for (let i = from; i < to; i++) {
      const t = i / 8000;
      const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
      const voice = Math.sin(2 * Math.PI * pitchHz * t) + 0.5 * Math.sin(2 * Math.PI * 2 * pitchHz * t);
      into[i] = Math.max(-32768, Math.min(32767, (into[i] as number) + Math.round(5_000 * envelope * voice)));
    }
  };
  let atS = 0.5;
  let turn = 0;
  const endS = durationMs / 1000;
  while (atS < endS) {
    const lengthS = rng.uniform(2, 9);
    const agentTurn = turn % 2 === 0;
    speak(agentTurn ? agent : caller, atS, atS + lengthS, agentTurn ? 140 : 210);
    // Now and then the other side starts before this one is done.
    const overlapS = rng.chance(0.12) ? rng.uniform(0.5, 1.5) : 0;
    const pauseS = rng.chance(0.03) ? rng.uniform(6, 15) : rng.uniform(0.3, 1.8);
    atS += lengthS + (overlapS > 0 ? -overlapS : pauseS);
    turn += 1;
  }
  return { agent, caller };
}

/** Seeds a finished call of `durationMs` with a recording and one screenshot every CAPTURE_INTERVAL_MS. */
async function seedCall(
  server: TestServer,
  session: TestSession,
  callId: string,
  durationMs: number,
  pool: readonly Buffer[],
): Promise<SeededCall> {
  const started = performance.now();
  const events = new EventFactory(callId);
  const agentId = `${callId}-agent`;
  const now = Date.now();
  const answered = await postEvents(server.url, server.ingestKey, [
    events.offered(callId, now - 30_000),
    events.answered(callId, now - 20_000, agentId, 'Обзор Агентова'),
  ]);
  if (answered.status !== 200) throw new Error(`call events refused: ${JSON.stringify(answered.body)}`);

  const { agent, caller } = conversation(durationMs, durationMs);
  const frameCount = durationMs / FRAME_MS;
  const framesBefore = server.app.audio.hub.stats().framesIn;
  const adapter = await connectAudioAdapter(server.url, server.ingestKey);
  for (let first = 0; first < frameCount; first += FRAMES_PER_MESSAGE) {
    const frames: AudioFrame[] = [];
    for (let seq = first; seq < Math.min(frameCount, first + FRAMES_PER_MESSAGE); seq++) {
      const from = seq * AUDIO_SAMPLES_PER_FRAME;
      const to = from + AUDIO_SAMPLES_PER_FRAME;
      frames.push(frameFromSamples(callId, seq, 'both', 'l16', agent.subarray(from, to), caller.subarray(from, to)));
    }
    adapter.send(frames);
    // Keeps a few messages in flight at most: the server decodes and writes as they come.
    while (adapter.ws.bufferedAmount > 4 * 1024 * 1024) await sleep(5);
  }
  for (let waited = 0; server.app.audio.hub.stats().framesIn - framesBefore < frameCount; waited += 20) {
    if (adapter.refusals.length > 0) throw new Error(`audio refused: ${JSON.stringify(adapter.refusals[0])}`);
    if (waited > 120_000) throw new Error('the server did not take every audio frame within 2 minutes');
    await sleep(20);
  }
  const meta = await apiRequest<{ data?: Recording }>(`${server.url}/api/recordings/${callId}`, { session });
  const startedAt = meta.body.data?.startedAt;
  if (startedAt === undefined) throw new Error(`the recording of ${callId} never opened: ${meta.status}`);

  const shots = Math.floor(durationMs / CAPTURE_INTERVAL_MS);
  let next = 0;
  await Promise.all(
    Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
      for (;;) {
        const index = next++;
        if (index >= shots) return;
        const query = new URLSearchParams({
          callId,
          agentId,
          capturedAt: String(startedAt + index * CAPTURE_INTERVAL_MS),
        });
        const response = await fetch(`${server.url}/api/screens?${query}`, {
          method: 'POST',
          headers: { 'content-type': 'image/webp', 'x-earshot-ingest-key': server.ingestKey },
          body: new Uint8Array(pool[index % pool.length] as Buffer),
        });
        if (response.status !== 201) throw new Error(`screenshot ${index} refused: ${response.status}`);
        const result = (await response.json()) as ScreenshotUploadResult;
        if (result.duplicate) throw new Error(`screenshot ${index} was taken for a duplicate`);
      }
    }),
  );

  const ended = await postEvents(server.url, server.ingestKey, [events.ended(callId, startedAt + durationMs)]);
  if (ended.status !== 200) throw new Error(`call.ended refused: ${JSON.stringify(ended.body)}`);
  adapter.close();

  let recording: Recording | undefined;
  for (let waited = 0; recording?.status !== 'complete'; waited += 100) {
    if (waited > 60_000) throw new Error(`the recording of ${callId} did not complete: ${recording?.status}`);
    await sleep(100);
    recording = (await apiRequest<{ data?: Recording }>(`${server.url}/api/recordings/${callId}`, { session })).body
      .data;
  }
  if (recording.durationMs !== durationMs) {
    throw new Error(`the recording of ${callId} lasts ${recording.durationMs} ms, not ${durationMs}`);
  }
  const peaks = await fetch(`${server.url}${recordingPeaksUrl(callId)}`, { headers: { cookie: session.cookie } });
  if (peaks.status !== 200) throw new Error(`peaks of ${callId}: ${peaks.status}`);
  const peaksBytes = (await peaks.arrayBuffer()).byteLength;
  // Speech analytics finishes the call's voice activity after the end (an hour of audio per side): the page
  // shows its segments, and the bench must not measure while the server is still busy with them.
  await server.app.speech.idle();
  const speech = await apiRequest<{ segments?: unknown[]; metrics?: unknown }>(
    `${server.url}/api/calls/${callId}/speech`,
    { session },
  );
  if (speech.status !== 200 || !speech.body.metrics) throw new Error(`no speech stored for ${callId}`);
  const speechSegments = speech.body.segments?.length ?? 0;
  const listed = await apiRequest<unknown[]>(`${server.url}/api/calls/${callId}/screens`, { session });
  const screenshots = Array.isArray(listed.body) ? listed.body.length : -1;
  if (screenshots !== shots) throw new Error(`${callId} lists ${screenshots} screenshots, not ${shots}`);
  return { callId, durationMs, screenshots, peaksBytes, speechSegments, seedS: (performance.now() - started) / 1000 };
}

/** What the page measured about itself, read once it is open. */
interface OpenMeasure {
  openMs: number;
  waveformMs: number;
  screenMs: number;
  peaksResponseMs: number | null;
  screensListResponseMs: number | null;
  screensListKb: number | null;
  thumbRequests: number;
  domNodes: number;
  longTaskMs: number;
  biggestList: string;
}

/** Runs in the page before its scripts: watches every animation frame until the review is on screen. */
const PROBE = `(() => {
  const longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  // The element with the most children, for the report: what a page of many nodes is made of.
  const biggestList = () => {
    let best = null;
    for (const el of document.getElementsByTagName('*')) {
      if (!best || el.childElementCount > best.childElementCount) best = el;
    }
    if (!best) return '';
    const id = best.getAttribute('data-testid') || String(best.className) || '';
    return best.tagName.toLowerCase() + (id ? '[' + id + ']' : '') + ' ×' + best.childElementCount;
  };
  let waveformMs = null;
  let screenMs = null;
  const check = () => {
    const now = performance.now();
    if (waveformMs === null && document.querySelector('[data-testid="review-waveform"][data-waveform-drawn]')) waveformMs = now;
    const img = document.querySelector('img[data-testid="review-screen-main"]');
    if (screenMs === null && img && img.complete && img.naturalWidth > 0) screenMs = now;
    if (waveformMs === null || screenMs === null) { requestAnimationFrame(check); return; }
    const resources = performance.getEntriesByType('resource');
    const find = (test) => resources.find((r) => test(new URL(r.name).pathname));
    const peaks = find((p) => p.endsWith('/peaks'));
    const list = find((p) => /^\\/api\\/calls\\/[^/]+\\/screens$/.test(p));
    window.__reviewOpen = {
      openMs: now,
      waveformMs,
      screenMs,
      peaksResponseMs: peaks ? peaks.responseEnd : null,
      screensListResponseMs: list ? list.responseEnd : null,
      screensListKb: list ? list.encodedBodySize / 1024 : null,
      thumbRequests: resources.filter((r) => r.name.endsWith('/thumb')).length,
      domNodes: document.getElementsByTagName('*').length,
      longTaskMs: longTasks.reduce((sum, d) => sum + d, 0),
      biggestList: biggestList(),
    };
  };
  requestAnimationFrame(check);
})();`;

async function openOnce(
  browser: Browser,
  server: TestServer,
  session: TestSession,
  callId: string,
  tracePath?: string,
) {
  const [name, value] = session.cookie.split('=') as [string, string];
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.addInitScript(PROBE);
    if (tracePath) await browser.startTracing(page, { path: tracePath, screenshots: false });
    await page.goto(`${server.url}/calls/${encodeURIComponent(callId)}/review`, { waitUntil: 'commit' });
    await page.waitForFunction(() => '__reviewOpen' in window, null, { timeout: OPEN_TIMEOUT_MS, polling: 50 });
    const measured = (await page.evaluate(() => (window as unknown as { __reviewOpen: unknown }).__reviewOpen)) as
      | OpenMeasure
      | undefined;
    if (!measured) throw new Error('the page did not report its open time');
    if (tracePath) await browser.stopTracing();
    // Thumbnails the page goes on fetching once open (lazy ones coming into view count too).
    await sleep(1_000);
    const thumbsAfter = await page.evaluate(
      () => performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/thumb')).length,
    );
    return { ...measured, thumbsAfterS: thumbsAfter, errors };
  } finally {
    await context.close();
  }
}

type Run = Awaited<ReturnType<typeof openOnce>>;

/** A percentile of one figure over runs, rounded. */
const stat = (runs: readonly Run[], pick: (run: Run) => number | null, p: number) =>
  round(
    percentile(
      runs.map((run) => pick(run) ?? Number.NaN),
      p,
    ),
  );

function describeRuns(label: string, runs: readonly Run[]): string {
  const p50 = (pick: (run: Run) => number | null) => stat(runs, pick, 50);
  const open = (run: Run) => run.openMs;
  return (
    `${label}: open p50 ${p50(open)} ms, p95 ${stat(runs, open, 95)} ms ` +
    `(min ${stat(runs, open, 0)}, max ${stat(runs, open, 100)}); ` +
    `waveform ${p50((r) => r.waveformMs)}, screen ${p50((r) => r.screenMs)}, peaks response ${p50((r) => r.peaksResponseMs)}, ` +
    `screens list response ${p50((r) => r.screensListResponseMs)} ms (${p50((r) => r.screensListKb)} KiB); ` +
    `long tasks ${p50((r) => r.longTaskMs)} ms; ${p50((r) => r.domNodes)} DOM nodes; ` +
    `${p50((r) => r.thumbRequests)} thumbnails fetched by then, ${p50((r) => r.thumbsAfterS)} a second later`
  );
}

async function main(): Promise<void> {
  const indexHtml = path.resolve('client/dist/index.html');
  if (!existsSync(indexHtml)) throw new Error(`${indexHtml} is missing: run \`npx vite build\` first`);
  const loadAtStart = os.loadavg()[0] ?? 0;
  log(
    `review bench: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `load ${loadAtStart.toFixed(2)}, ${RUNS} runs per call`,
  );
  const server = await startTestServer({ store: 'sqlite' });
  let browser: Browser | undefined;
  try {
    const session = await signIn(server.url, 'controller');
    log(`rendering ${SCREEN_POOL} distinct desktops…`);
    const pool: Buffer[] = [];
    for (let i = 0; i < SCREEN_POOL; i++) {
      const { webp } = await renderScreen({
        seed: 2026,
        callId: 'bench-review',
        agentName: 'Обзор Агентова',
        callerNumber: '+375 29 123-45-67',
        topic: 'billing',
        talkMs: i * 61_000,
        onHold: i % 7 === 3,
        clockAt: Date.UTC(2026, 10, 24, 9, 0) + i * 60_000,
      });
      pool.push(webp);
    }
    log(`mean screenshot ${round(pool.reduce((sum, b) => sum + b.length, 0) / pool.length / 1024)} KiB`);
    log('seeding the one-hour call (audio over the ingest socket, screenshots over POST /api/screens)…');
    const hour = await seedCall(server, session, 'bench-review-hour', 3_600_000, pool);
    log(
      `  ${hour.callId}: ${hour.durationMs / 1000} s, ${hour.screenshots} screenshots, peaks ${round(hour.peaksBytes / 1024)} KiB, ` +
        `${hour.speechSegments} speech segments; seeded in ${round(hour.seedS)} s`,
    );
    const minute = await seedCall(server, session, 'bench-review-minute', 60_000, pool);
    log(
      `  ${minute.callId}: ${minute.durationMs / 1000} s, ${minute.screenshots} screenshots, peaks ${round(minute.peaksBytes / 1024)} KiB, ` +
        `${minute.speechSegments} speech segments; seeded in ${round(minute.seedS)} s`,
    );

    browser = await launchChromium();
    log('warm-up (not counted)…');
    for (const call of [minute, hour]) {
      const warm = await openOnce(browser, server, session, call.callId);
      log(`  ${call.callId}: ${round(warm.openMs)} ms`);
    }
    const runs: Record<'hour' | 'minute', Run[]> = { hour: [], minute: [] };
    const errors = new Set<string>();
    for (let i = 0; i < RUNS; i++) {
      for (const [key, call] of [
        ['minute', minute],
        ['hour', hour],
      ] as const) {
        const run = await openOnce(browser, server, session, call.callId);
        runs[key].push(run);
        for (const error of run.errors) errors.add(error);
        log(
          `  run ${i + 1} ${key}: open ${round(run.openMs)} ms (waveform ${round(run.waveformMs)}, screen ${round(run.screenMs)}), ` +
            `long tasks ${round(run.longTaskMs)} ms, ${run.domNodes} nodes (most children: ${run.biggestList}), ` +
            `${run.thumbRequests}→${run.thumbsAfterS} thumbs`,
        );
      }
    }
    if (TRACE_PATH) {
      await openOnce(browser, server, session, hour.callId, TRACE_PATH);
      log(`Chromium trace of one more opening of the one-hour call: ${TRACE_PATH}`);
    }
    log(describeRuns('one-minute call', runs.minute));
    log(describeRuns('one-hour call  ', runs.hour));
    for (const error of errors) log(`page error: ${error}`);
    const hourP50 = stat(runs.hour, (r) => r.openMs, 50);
    const minuteP50 = stat(runs.minute, (r) => r.openMs, 50);
    log(
      `=== one-hour call opens in ${round(hourP50)} ms (p50; target < ${TARGET_OPEN_MS}), ` +
        `${round(hourP50 / minuteP50, 2)}× the one-minute call's ${round(minuteP50)} ms`,
    );
    console.log(
      JSON.stringify({
        bench: 'review',
        runs: RUNS,
        cache: 'cold (fresh browser context per run)',
        open_ms_p50: hourP50,
        open_ms_p95: stat(runs.hour, (r) => r.openMs, 95),
        waveform_ms_p50: stat(runs.hour, (r) => r.waveformMs, 50),
        screen_ms_p50: stat(runs.hour, (r) => r.screenMs, 50),
        long_task_ms_p50: stat(runs.hour, (r) => r.longTaskMs, 50),
        dom_nodes: runs.hour[0]?.domNodes ?? null,
        thumbs_fetched_at_open: runs.hour[0]?.thumbRequests ?? null,
        screens_list_kb: round(runs.hour[0]?.screensListKb ?? Number.NaN),
        peaks_kb: round(hour.peaksBytes / 1024),
        screenshots: hour.screenshots,
        duration_s: hour.durationMs / 1000,
        speech_segments: hour.speechSegments,
        baseline_open_ms_p50: minuteP50,
        baseline_screenshots: minute.screenshots,
        baseline_duration_s: minute.durationMs / 1000,
        ratio_vs_baseline: round(hourP50 / minuteP50, 2),
        target_met: hourP50 < TARGET_OPEN_MS,
        page_errors: errors.size,
        cpu_cores: os.cpus().length,
        load_avg_1m_start: round(loadAtStart, 2),
        load_avg_1m_end: round(os.loadavg()[0] ?? 0, 2),
        node: process.version,
        date: new Date().toISOString(),
      }),
    );
  } finally {
    await browser?.close();
    await server.close();
  }
}

await main();
