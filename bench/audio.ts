/**
 * Live audio benchmark: N calls recorded at real-time pace while M controllers listen, against the real
 * server, and the same traffic through a bare relay (the floor) in the same run.
 *
 *   npm run bench:audio -- --calls 1000 --listeners 20 --seconds 30
 *
 * Method (docs/benchmarks.md, "Live audio"): the server runs in a child process (bench/serverChild.ts,
 * real createApp, SQLite and recordings under a temporary DATA_DIR), the floor in another
 * (bench/audioFloorChild.ts); each reports its own CPU, peak RSS, event-loop lag, disk writes and counters
 * over IPC. The two run one after the other (floor first), not at once: at 50,000 frames/s each, two
 * systems side by side would fight over the 2 cores and measure each other. This process plays the media
 * gateways (G WebSocket connections, each carrying N/G calls, one message per 20 ms tick with one 'both'
 * PCMU frame per call, paced by elapsed time) and the listeners (M Socket.IO dashboards, one per call).
 * Latency of a frame = the moment a listener parsed it minus the moment its gateway message was handed to
 * the socket, both on this process's clock, matched by (call id, seq); nothing is added to the frames.
 * Prints figures for people, then one JSON object as the last line. Only loopback traffic.
 */
import { type Dirent, mkdtempSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  type Ack,
  AUDIO_FRAME_MS,
  AUDIO_INGEST_PATH,
  type AudioSession,
  audioPayloadBytes,
  encodeAudioFrame,
  encodeMulaw,
  INGEST_BATCH_MAX_EVENTS,
  INGEST_KEY_HEADER,
  type IngestEvent,
  parseAudioMessage,
} from '@earshot/shared';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { z } from 'zod';
import { BenchChild } from './children.js';
import { CONNECT_TIMEOUT_MS, signInDashboards, withTimeout } from './clients.js';
import type { CounterSnapshot, ProcessWindowReport } from './ipc.js';
import { log, round } from './report.js';

const BENCH_INGEST_KEY = 'bench-ingest-key';
/** Send times are kept for this many recent seqs per listened call (10 s of frames). */
const SENT_RING_FRAMES = 500;
/** After the last tick, frames still in flight get this long to arrive before the missing ones are counted. */
const DRAIN_GRACE_MS = 2_000;
const CONNECT_CONCURRENCY = 10;
/** Recording: stereo 16-bit at 8 kHz, 32,000 bytes a second per call. */
const RECORDING_BYTES_PER_CALL_S = 8000 * 2 * 2;
/** Room to keep on the disk beyond what the recordings of a run need. */
const DISK_HEADROOM_BYTES = 2 * 1024 ** 3;
const HARNESS_LAG_RESOLUTION_MS = 10;
const BYTES_PER_MB = 1024 * 1024;
/** One second of a 440 Hz / 620 Hz tone pair in µ-law, agent and caller interleaved: the frames' payload. */
const TONE_HZ = { agent: 440, caller: 620 };

const positiveInt = (name: string, min: number, max: number) =>
  z.coerce
    .number({ message: `--${name} must be a number` })
    .int(`--${name} must be a whole number`)
    .min(min, `--${name} must be at least ${min}`)
    .max(max, `--${name} must be at most ${max}`);

const AudioBenchArgsSchema = z
  .object({
    calls: positiveInt('calls', 1, 20_000).default(1000),
    listeners: positiveInt('listeners', 0, 1000).default(20),
    gateways: positiveInt('gateways', 1, 1000).default(10),
    seconds: positiveInt('seconds', 1, 600).default(30),
    warmup: positiveInt('warmup', 1, 120).default(10),
    /** Measured seconds of the floor; 0 skips it. */
    floorSeconds: positiveInt('floor-seconds', 0, 600).optional(),
  })
  .strict()
  .refine((a) => a.listeners <= a.calls, { message: '--listeners may not exceed --calls (one listener per call)' })
  .refine((a) => a.gateways <= a.calls, { message: '--gateways may not exceed --calls' });
type AudioBenchArgs = z.infer<typeof AudioBenchArgsSchema>;

const USAGE = `usage: npm run bench:audio -- [--calls N] [--listeners M] [--gateways G] [--seconds S] [--warmup W]
                             [--floor-seconds F]
  --calls N          calls recorded at once, both sides, 50 frames/s each (default 1000)
  --listeners M      controllers listening, each to a different call (default 20)
  --gateways G       media gateway connections sharing the calls (default 10)
  --seconds S        measured window after the warm-up (default 30)
  --warmup W         seconds of audio before the window opens (default 10)
  --floor-seconds F  measured window of the floor (bare relay) run first; 0 skips it (default S)
  BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server child.`;

function parseAudioBenchArgs(argv: string[]): AudioBenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      ['calls', 'listeners', 'gateways', 'seconds', 'warmup', 'floor-seconds'].map((n) => [n, { type: 'string' }]),
    ),
    strict: true,
  });
  const parsed = AudioBenchArgsSchema.safeParse({
    calls: values.calls,
    listeners: values.listeners,
    gateways: values.gateways,
    seconds: values.seconds,
    warmup: values.warmup,
    floorSeconds: values['floor-seconds'],
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

function distribution(values: number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** The window is also cut in slices of this length; the median of their p99s shrugs off one noisy slice. */
const SLICE_S = 5;
const SLICE_FRAMES = (SLICE_S * 1000) / AUDIO_FRAME_MS;

/** p99 of each SLICE_S slice of the window (slices with fewer than 100 samples are left out), and their median. */
function sliceP99s(listeners: Listener[], firstSeq: number): { slices: number[]; median: number } {
  const bySlice = new Map<number, number[]>();
  for (const listener of listeners) {
    listener.latencies.forEach((latency, i) => {
      const slice = Math.floor(((listener.latencySeqs[i] ?? firstSeq) - firstSeq) / SLICE_FRAMES);
      const list = bySlice.get(slice) ?? [];
      list.push(latency);
      bySlice.set(slice, list);
    });
  }
  const slices = [...bySlice.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, values]) => values.length >= 100)
    .map(([, values]) => distribution(values).p99);
  const sorted = Float64Array.from(slices).sort();
  return { slices, median: quantile(sorted, 0.5) };
}

const fmtMs = (d: Distribution) => `p50 ${round(d.p50, 2)} ms, p99 ${round(d.p99, 2)} ms, max ${round(d.max, 1)} ms`;

/** One 20 ms 'both' frame of µ-law tone, the same for every call and tick (the server decodes it all the same). */
function tonePayload(): Uint8Array {
  const samplesPerSide = audioPayloadBytes('pcmu', 'both') / 2;
  const pcm = new Int16Array(samplesPerSide * 2);
  for (let i = 0; i < samplesPerSide; i++) {
    pcm[2 * i] = Math.round(8000 * Math.sin((2 * Math.PI * TONE_HZ.agent * i) / 8000));
    pcm[2 * i + 1] = Math.round(8000 * Math.sin((2 * Math.PI * TONE_HZ.caller * i) / 8000));
  }
  return encodeMulaw(pcm);
}

const callIdOf = (index: number) => `bench-audio-${index}`;

/** Send times of the frames of the calls someone listens to: ring of the last SENT_RING_FRAMES seqs. */
class SendLog {
  private readonly times = new Map<string, { seq: Int32Array; at: Float64Array }>();

  track(callId: string): void {
    this.times.set(callId, { seq: new Int32Array(SENT_RING_FRAMES).fill(-1), at: new Float64Array(SENT_RING_FRAMES) });
  }

  isTracked(callId: string): boolean {
    return this.times.has(callId);
  }

  record(callId: string, seq: number, at: number): void {
    const ring = this.times.get(callId);
    if (!ring) return;
    ring.seq[seq % SENT_RING_FRAMES] = seq;
    ring.at[seq % SENT_RING_FRAMES] = at;
  }

  sentAt(callId: string, seq: number): number | undefined {
    const ring = this.times.get(callId);
    if (!ring || ring.seq[seq % SENT_RING_FRAMES] !== seq) return undefined;
    return ring.at[seq % SENT_RING_FRAMES];
  }
}

/** The measured window, in seqs: [firstSeq, endSeq). Null until the window opens / closes. */
interface SeqWindow {
  firstSeq: number | null;
  endSeq: number | null;
}

/**
 * A media gateway: one WebSocket carrying a share of the calls. Each tick's message is a copy of a template
 * (every call's frame, seq 0) with the seqs written in, so building a message costs a memcpy.
 */
class Gateway {
  private readonly template: Buffer;
  private readonly seqOffsets: number[] = [];
  private readonly listened: string[];
  refusals = 0;
  readonly firstRefusals: string[] = [];
  maxBufferedBytes = 0;
  closedEarly = false;

  private constructor(
    private readonly ws: WebSocket,
    readonly callIds: string[],
    private readonly sendLog: SendLog,
  ) {
    const payload = tonePayload();
    const frames = callIds.map((callId) =>
      encodeAudioFrame({ callId, seq: 0, codec: 'pcmu', channel: 'both', payload }),
    );
    let offset = 0;
    for (const frame of frames) {
      // The seq is the u32 at byte 4 of each frame's header (shared/src/audio.ts).
      this.seqOffsets.push(offset + 4);
      offset += frame.length;
    }
    this.template = Buffer.concat(frames);
    this.listened = callIds.filter((id) => sendLog.isTracked(id));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.refusals += 1;
      if (this.firstRefusals.length < 3) this.firstRefusals.push(String(data));
    });
    ws.on('close', () => {
      this.closedEarly = true;
    });
  }

  static async connect(url: string, ingestKey: string | null, callIds: string[], sendLog: SendLog): Promise<Gateway> {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      headers: ingestKey ? { [INGEST_KEY_HEADER]: ingestKey } : {},
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', (error) => reject(new Error(`gateway could not connect to ${url}: ${error.message}`)));
        ws.once('unexpected-response', (_req, res) => reject(new Error(`gateway refused: HTTP ${res.statusCode}`)));
      }),
      'gateway connect',
    );
    return new Gateway(ws, callIds, sendLog);
  }

  get bytesPerMessage(): number {
    return this.template.length;
  }

  sendTick(seq: number): void {
    const message = Buffer.allocUnsafe(this.template.length);
    this.template.copy(message);
    for (const offset of this.seqOffsets) message.writeUInt32LE(seq, offset);
    const at = performance.now();
    for (const callId of this.listened) this.sendLog.record(callId, seq, at);
    this.ws.send(message);
    if (this.ws.bufferedAmount > this.maxBufferedBytes) this.maxBufferedBytes = this.ws.bufferedAmount;
  }

  close(): void {
    this.ws.removeAllListeners('close');
    this.ws.terminate();
  }
}

/** A controller listening to one call over Socket.IO, as the dashboard does. */
class Listener {
  readonly latencies: number[] = [];
  /** The seq of each latency sample, to split the window into slices. */
  readonly latencySeqs: number[] = [];
  /** Seqs received inside the window (each once), to count what never came. */
  private readonly seen = new Set<number>();
  duplicates = 0;
  outOfOrder = 0;
  disconnects = 0;
  private lastSeq = -1;

  private constructor(
    private readonly socket: Socket,
    readonly callId: string,
    sendLog: SendLog,
    window: SeqWindow,
  ) {
    socket.on('disconnect', () => {
      this.disconnects += 1;
    });
    socket.on('audio:frame', (bytes: ArrayBuffer | Uint8Array) => {
      const receivedAt = performance.now();
      const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      for (const frame of parseAudioMessage(data).frames) {
        if (frame.callId !== this.callId) continue;
        if (frame.seq < this.lastSeq) this.outOfOrder += 1;
        this.lastSeq = Math.max(this.lastSeq, frame.seq);
        if (window.firstSeq === null || frame.seq < window.firstSeq) continue;
        if (window.endSeq !== null && frame.seq >= window.endSeq) continue;
        if (this.seen.has(frame.seq)) {
          this.duplicates += 1;
          continue;
        }
        this.seen.add(frame.seq);
        const sentAt = sendLog.sentAt(this.callId, frame.seq);
        if (sentAt !== undefined) {
          this.latencies.push(receivedAt - sentAt);
          this.latencySeqs.push(frame.seq);
        }
      }
    });
  }

  static async connect(
    url: string,
    sessionCookie: string | null,
    callId: string,
    sendLog: SendLog,
    window: SeqWindow,
  ): Promise<Listener> {
    const socket: Socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(sessionCookie ? { extraHeaders: { cookie: sessionCookie } } : {}),
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (error) => reject(new Error(`listener could not connect: ${error.message}`)));
      }),
      'listener connect',
    );
    const listener = new Listener(socket, callId, sendLog, window);
    const answer = (await withTimeout(
      socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck('audio:listen', { callId }),
      'audio:listen',
    )) as Ack<AudioSession>;
    if (!answer.ok) throw new Error(`audio:listen ${callId} refused: ${answer.error}`);
    return listener;
  }

  receivedInWindow(): number {
    return this.seen.size;
  }

  close(): void {
    this.socket.removeAllListeners('disconnect');
    this.socket.close();
  }
}

async function connectAll<T>(count: number, connect: (index: number) => Promise<T>): Promise<T[]> {
  const connected: T[] = [];
  for (let first = 0; first < count; first += CONNECT_CONCURRENCY) {
    const wave = Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - first) }, (_, i) => connect(first + i));
    connected.push(...(await Promise.all(wave)));
  }
  return connected;
}

/** Calls listened to: spread evenly over the call list, so over the gateways too. */
function listenedIndices(calls: number, listeners: number): number[] {
  return Array.from({ length: listeners }, (_, i) => Math.floor((i * calls) / listeners));
}

/** Call k rides on gateway k mod G. */
function gatewayCalls(calls: number, gateways: number): string[][] {
  const out: string[][] = Array.from({ length: gateways }, () => []);
  for (let k = 0; k < calls; k++) out[k % gateways]?.push(callIdOf(k));
  return out;
}

interface PhaseResult {
  name: string;
  latency: Distribution;
  sliceP99: { slices: number[]; median: number };
  framesSentToListenersInWindow: number;
  framesReceivedInWindow: number;
  droppedFrames: number;
  duplicates: number;
  outOfOrder: number;
  listenerDisconnects: number;
  gatewayRefusals: number;
  firstRefusals: string[];
  gatewayClosed: number;
  gatewayMaxBufferedKb: number;
  tickLateness: Distribution;
  ticksSent: number;
  ticksExpected: number;
  windowS: number;
  child: ProcessWindowReport;
  counterDelta: CounterSnapshot;
  harnessCpuPct: number;
  harnessLagP99Ms: number;
}

/**
 * Streams every call's audio at real-time pace: warm-up, then the measured window, then a grace period for
 * frames in flight. The tick schedule is start + k × 20 ms; a late tick sends every frame now due (a gateway
 * catching up), and its lateness is recorded.
 */
async function streamPhase(
  name: string,
  args: { warmup: number; seconds: number },
  child: BenchChild,
  gateways: Gateway[],
  listeners: Listener[],
  window: SeqWindow,
): Promise<PhaseResult> {
  const warmupTicks = (args.warmup * 1000) / AUDIO_FRAME_MS;
  const windowTicks = (args.seconds * 1000) / AUDIO_FRAME_MS;
  const lateness: number[] = [];
  const harnessLag = monitorEventLoopDelay({ resolution: HARNESS_LAG_RESOLUTION_MS });
  let harnessCpuBefore = process.cpuUsage();
  let windowStartedAt = 0;
  let windowEndedAt = 0;
  const start = performance.now();
  let seq = 0;
  const totalTicks = warmupTicks + windowTicks;
  while (seq < totalTicks) {
    const now = performance.now();
    while (seq < totalTicks && start + seq * AUDIO_FRAME_MS <= now) {
      if (seq === warmupTicks) {
        window.firstSeq = seq;
        child.startWindow(name);
        harnessLag.enable();
        harnessCpuBefore = process.cpuUsage();
        windowStartedAt = performance.now();
      }
      if (seq >= warmupTicks) lateness.push(performance.now() - (start + seq * AUDIO_FRAME_MS));
      for (const gateway of gateways) gateway.sendTick(seq);
      seq += 1;
    }
    if (seq < totalTicks) await sleep(Math.max(0, start + seq * AUDIO_FRAME_MS - performance.now()));
  }
  window.endSeq = seq;
  // The window closes when the last tick's audio would have ended.
  await sleep(Math.max(0, start + seq * AUDIO_FRAME_MS - performance.now()));
  windowEndedAt = performance.now();
  const harnessCpu = process.cpuUsage(harnessCpuBefore);
  const childReport = await child.endWindow(name);
  harnessLag.disable();
  await sleep(DRAIN_GRACE_MS);

  const windowS = (windowEndedAt - windowStartedAt) / 1000;
  const expectedPerListener = windowTicks;
  const received = listeners.reduce((sum, l) => sum + l.receivedInWindow(), 0);
  const counterDelta: CounterSnapshot = {};
  if (childReport.counters) {
    for (const [key, end] of Object.entries(childReport.counters.end)) {
      counterDelta[key] = end - (childReport.counters.start[key] ?? 0);
    }
  }
  return {
    name,
    latency: distribution(listeners.flatMap((l) => l.latencies)),
    sliceP99: sliceP99s(listeners, warmupTicks),
    framesSentToListenersInWindow: expectedPerListener * listeners.length,
    framesReceivedInWindow: received,
    droppedFrames: expectedPerListener * listeners.length - received,
    duplicates: listeners.reduce((sum, l) => sum + l.duplicates, 0),
    outOfOrder: listeners.reduce((sum, l) => sum + l.outOfOrder, 0),
    listenerDisconnects: listeners.reduce((sum, l) => sum + l.disconnects, 0),
    gatewayRefusals: gateways.reduce((sum, g) => sum + g.refusals, 0),
    firstRefusals: gateways.flatMap((g) => g.firstRefusals).slice(0, 3),
    gatewayClosed: gateways.filter((g) => g.closedEarly).length,
    gatewayMaxBufferedKb: Math.max(...gateways.map((g) => g.maxBufferedBytes)) / 1024,
    tickLateness: distribution(lateness),
    ticksSent: seq,
    ticksExpected: totalTicks,
    windowS,
    child: childReport,
    counterDelta,
    harnessCpuPct: (100 * (harnessCpu.user + harnessCpu.system)) / 1000 / (windowEndedAt - windowStartedAt),
    harnessLagP99Ms:
      harnessLag.count === 0 ? 0 : Math.max(0, harnessLag.percentile(99) / 1e6 - HARNESS_LAG_RESOLUTION_MS),
  };
}

/** Offers and answers every call through the HTTP ingest, in batches, before any audio. */
async function startCalls(url: string, ingestKey: string, calls: number): Promise<void> {
  const now = Date.now();
  const events: IngestEvent[] = [];
  for (let k = 0; k < calls; k++) {
    const callId = callIdOf(k);
    events.push({
      eventId: `${callId}-offered`,
      callId,
      at: now - 2_000,
      type: 'call.offered',
      line: '0890',
      topic: 'billing',
      callerNumber: '+375 29 123-45-67',
    });
  }
  for (let k = 0; k < calls; k++) {
    const callId = callIdOf(k);
    events.push({
      eventId: `${callId}-answered`,
      callId,
      at: now - 1_000,
      type: 'call.answered',
      agentId: `agent-${k}`,
      agentName: `Agent ${k}`,
    });
  }
  for (let first = 0; first < events.length; first += INGEST_BATCH_MAX_EVENTS) {
    const response = await fetch(`${url}/api/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INGEST_KEY_HEADER]: ingestKey },
      body: JSON.stringify(events.slice(first, first + INGEST_BATCH_MAX_EVENTS)),
    });
    if (response.status !== 200) {
      throw new Error(`posting call events failed: HTTP ${response.status} ${await response.text()}`);
    }
  }
}

function directoryBytes(path: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += directoryBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

async function runSystem(
  name: 'floor' | 'server',
  args: AudioBenchArgs,
  seconds: number,
  dataDir: string,
  started: BenchChild[],
): Promise<PhaseResult & { recordingsBytes: number }> {
  const child =
    name === 'server'
      ? await BenchChild.start(
          'server',
          new URL('./serverChild.ts', import.meta.url),
          { SIMULATOR: 'off', DATA_DIR: dataDir, INGEST_KEYS: BENCH_INGEST_KEY },
          // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server under load.
          (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
        )
      : await BenchChild.start('floor', new URL('./audioFloorChild.ts', import.meta.url), {});
  started.push(child);
  const url = `http://127.0.0.1:${child.ready.port}`;
  log(`${name}: pid ${child.pid} on 127.0.0.1:${child.ready.port}`);
  let sessionCookie: string | null = null;
  let ingestKey: string | null = null;
  if (name === 'server') {
    ingestKey = child.ready.ingestKey || BENCH_INGEST_KEY;
    const credentials = child.ready.dashboardCredentials;
    if (!credentials) throw new Error('the server child sent no credentials for the listeners');
    await startCalls(url, ingestKey, args.calls);
    // One sign-in shared by every listener (as several tabs of one controller), clear of sign-in rate limits.
    sessionCookie = await signInDashboards(url, credentials);
  }
  const sendLog = new SendLog();
  const listened = listenedIndices(args.calls, args.listeners).map(callIdOf);
  for (const callId of listened) sendLog.track(callId);
  const window: SeqWindow = { firstSeq: null, endSeq: null };
  const callsByGateway = gatewayCalls(args.calls, args.gateways);
  const gateways = await connectAll(args.gateways, (g) =>
    Gateway.connect(
      `ws://127.0.0.1:${child.ready.port}${AUDIO_INGEST_PATH}`,
      ingestKey,
      callsByGateway[g] ?? [],
      sendLog,
    ),
  );
  const listeners: Listener[] = [];
  try {
    listeners.push(
      ...(await connectAll(listened.length, (i) =>
        Listener.connect(url, sessionCookie, listened[i] as string, sendLog, window),
      )),
    );
    log(
      `${name}: ${args.gateways} gateways (${round((gateways[0]?.bytesPerMessage ?? 0) / 1024, 1)} kB a message), ` +
        `${listeners.length} listeners; warm-up ${args.warmup} s, window ${seconds} s`,
    );
    const result = await streamPhase(name, { warmup: args.warmup, seconds }, child, gateways, listeners, window);
    return { ...result, recordingsBytes: name === 'server' ? directoryBytes(join(dataDir, 'recordings')) : 0 };
  } finally {
    for (const gateway of gateways) gateway.close();
    for (const listener of listeners) listener.close();
    await child.stop();
  }
}

function printPhase(result: PhaseResult & { recordingsBytes: number }, calls: number): void {
  const c = result.counterDelta;
  const mbPerS = (bytes: number | null | undefined) =>
    bytes === null || bytes === undefined ? 'n/a' : `${round(bytes / BYTES_PER_MB / result.windowS, 2)} MB/s`;
  log(`--- ${result.name} (window ${round(result.windowS, 1)} s)`);
  log(`  ingest→listener latency: ${fmtMs(result.latency)} (${result.latency.count} frames)`);
  log(
    `  p99 of each ${SLICE_S} s slice: ${result.sliceP99.slices.map((v) => round(v, 1)).join(', ')} ms; ` +
      `median ${round(result.sliceP99.median, 2)} ms`,
  );
  log(
    `  listener frames: ${result.framesReceivedInWindow}/${result.framesSentToListenersInWindow} received, ` +
      `${result.droppedFrames} dropped, ${result.duplicates} duplicates, ${result.outOfOrder} out of order, ` +
      `${result.listenerDisconnects} disconnects`,
  );
  const framesIn = c['audio.framesIn'];
  log(
    `  frames in: ${framesIn ?? 'n/a'} (${framesIn === undefined ? 'n/a' : round(framesIn / result.windowS, 0)}/s; ` +
      `expected ${round((calls * 1000 * result.windowS) / AUDIO_FRAME_MS, 0)}), refusals ${result.gatewayRefusals}` +
      (result.firstRefusals.length ? ` e.g. ${result.firstRefusals[0]}` : ''),
  );
  if (c['audio.listenerFramesDropped'] !== undefined || c['recordings.gapFrames'] !== undefined) {
    log(
      `  server counters: listener frames dropped ${c['audio.listenerFramesDropped'] ?? 'n/a'}, refused ` +
        `${c['audio.framesRefused'] ?? 'n/a'}; recording gap frames ${c['recordings.gapFrames'] ?? 'n/a'}, late ` +
        `${c['recordings.lateFrames'] ?? 'n/a'}, written ${c['recordings.framesWritten'] ?? 'n/a'}`,
    );
  }
  if (c['gc.majorCount'] !== undefined) {
    log(
      `  garbage collection: ${c['gc.minorCount']} minor (${round(c['gc.minorMs'] ?? 0, 0)} ms), ${c['gc.majorCount']} ` +
        `major (${round(c['gc.majorMs'] ?? 0, 0)} ms), ${c['gc.longPauses']} pauses of 50 ms or more; ` +
        `${round((100 * ((c['gc.minorMs'] ?? 0) + (c['gc.majorMs'] ?? 0))) / 1000 / result.windowS, 1)} % of the time`,
    );
  }
  log(
    `  ${result.name} process: CPU ${round(result.child.cpuPct, 0)} %, peak RSS ${round(result.child.rssPeakMb, 0)} MB, ` +
      `event-loop lag p50 ${round(result.child.eventLoopLagP50Ms, 1)} / p99 ${round(result.child.eventLoopLagP99Ms, 1)} / ` +
      `max ${round(result.child.eventLoopLagMaxMs, 1)} ms; disk writes ${mbPerS(result.child.diskWriteBytes)}` +
      (result.recordingsBytes ? `, recordings on disk ${round(result.recordingsBytes / BYTES_PER_MB, 0)} MB` : ''),
  );
  log(
    `  sender: tick lateness ${fmtMs(result.tickLateness)}, ${result.ticksSent}/${result.ticksExpected} ticks, ` +
      `gateway buffered max ${round(result.gatewayMaxBufferedKb, 0)} kB, ${result.gatewayClosed} gateways closed; ` +
      `bench CPU ${round(result.harnessCpuPct, 0)} %, bench lag p99 ${round(result.harnessLagP99Ms, 1)} ms`,
  );
}

async function run(args: AudioBenchArgs, dataDir: string): Promise<Record<string, unknown>> {
  const floorSeconds = args.floorSeconds ?? args.seconds;
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const loadAtStart = loadavg()[0] ?? 0;
  log(
    `earshot audio bench: ${args.calls} calls (both sides, PCMU, 50 frames/s each), ${args.listeners} listeners, ` +
      `${args.gateways} gateways; warm-up ${args.warmup} s, window ${args.seconds} s (floor ${floorSeconds} s); ` +
      `node ${process.version}, ${cpus().length} × ${cpuModel}, load ${round(loadAtStart, 2)}`,
  );
  const needBytes = RECORDING_BYTES_PER_CALL_S * args.calls * (args.warmup + args.seconds + 10) + DISK_HEADROOM_BYTES;
  const disk = statfsSync(dataDir);
  const freeBytes = disk.bavail * disk.bsize;
  if (freeBytes < needBytes) {
    throw new Error(
      `not enough room for the recordings under ${dataDir}: ${round(freeBytes / 1024 ** 3, 1)} GB free, ` +
        `${round(needBytes / 1024 ** 3, 1)} GB needed`,
    );
  }
  const children: BenchChild[] = [];
  try {
    const floor = floorSeconds > 0 ? await runSystem('floor', args, floorSeconds, dataDir, children) : null;
    if (floor) printPhase(floor, args.calls);
    const server = await runSystem('server', args, args.seconds, dataDir, children);
    printPhase(server, args.calls);
    const c = server.counterDelta;
    const serverDropped = (c['audio.listenerFramesDropped'] ?? 0) + (c['audio.framesRefused'] ?? 0);
    const senderKeptUp = server.tickLateness.p99 < AUDIO_FRAME_MS && server.ticksSent === server.ticksExpected;
    if (!senderKeptUp) {
      log(
        `note: the sender (this process) was up to ${round(server.tickLateness.max, 0)} ms late on its ticks ` +
          `(p99 ${round(server.tickLateness.p99, 1)} ms): the load offered was bursty, figures are a lower bound`,
      );
    }
    if (floor) {
      log(
        `=== server hop ${fmtMs(server.latency)}; floor ${fmtMs(floor.latency)}; excess p50 ` +
          `${round(server.latency.p50 - floor.latency.p50, 2)} ms, p99 ${round(server.latency.p99 - floor.latency.p99, 2)} ms ` +
          `(ratio p99 ${round(server.latency.p99 / floor.latency.p99, 2)}×); server CPU ${round(server.child.cpuPct, 0)} % vs ` +
          `floor ${round(floor.child.cpuPct, 0)} %`,
      );
    }
    return {
      bench: 'audio',
      date: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        model: cpuModel,
        node: process.version,
        load_at_start: round(loadAtStart, 2),
        load_at_end: round(loadavg()[0] ?? 0, 2),
      },
      calls: args.calls,
      listeners: args.listeners,
      gateways: args.gateways,
      seconds: round(server.windowS, 1),
      dropped_frames: server.droppedFrames,
      server_dropped_frames: serverDropped,
      recording_gap_frames: c['recordings.gapFrames'] ?? null,
      recording_late_frames: c['recordings.lateFrames'] ?? null,
      frames_in_per_s: c['audio.framesIn'] === undefined ? null : round(c['audio.framesIn'] / server.windowS, 0),
      p50_ms: round(server.latency.p50, 2),
      p99_ms: round(server.latency.p99, 2),
      max_ms: round(server.latency.max, 1),
      p99_slice_median_ms: round(server.sliceP99.median, 2),
      floor_p99_slice_median_ms: floor ? round(floor.sliceP99.median, 2) : null,
      floor_p50_ms: floor ? round(floor.latency.p50, 2) : null,
      floor_p99_ms: floor ? round(floor.latency.p99, 2) : null,
      excess_p50_ms: floor ? round(server.latency.p50 - floor.latency.p50, 2) : null,
      excess_p99_ms: floor ? round(server.latency.p99 - floor.latency.p99, 2) : null,
      floor_dropped_frames: floor ? floor.droppedFrames : null,
      server_cpu_pct: round(server.child.cpuPct, 0),
      floor_cpu_pct: floor ? round(floor.child.cpuPct, 0) : null,
      server_rss_peak_mb: round(server.child.rssPeakMb, 0),
      server_lag_p99_ms: round(server.child.eventLoopLagP99Ms, 1),
      server_lag_max_ms: round(server.child.eventLoopLagMaxMs, 1),
      server_gc_pct:
        c['gc.majorMs'] === undefined
          ? null
          : round((100 * ((c['gc.minorMs'] ?? 0) + c['gc.majorMs'])) / 1000 / server.windowS, 1),
      server_gc_long_pauses: c['gc.longPauses'] ?? null,
      disk_write_mb_per_s:
        server.child.diskWriteBytes === null
          ? null
          : round(server.child.diskWriteBytes / BYTES_PER_MB / server.windowS, 2),
      recordings_mb: round(server.recordingsBytes / BYTES_PER_MB, 0),
      sender_tick_late_p50_ms: round(server.tickLateness.p50, 2),
      sender_tick_late_p99_ms: round(server.tickLateness.p99, 2),
      sender_tick_late_max_ms: round(server.tickLateness.max, 1),
      sender_kept_up: senderKeptUp,
      bench_cpu_pct: round(server.harnessCpuPct, 0),
      gateway_refusals: server.gatewayRefusals,
      listener_disconnects: server.listenerDisconnects,
      target_met: server.droppedFrames === 0 && serverDropped === 0 && server.latency.p99 < 20,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    log(USAGE);
    process.exit(0);
  }
  let args: AudioBenchArgs;
  try {
    args = parseAudioBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-bench-audio-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  const floorSeconds = args.floorSeconds ?? args.seconds;
  const budgetMs = 240_000 + (2 * args.warmup + args.seconds + floorSeconds) * 1000 * 1.5;
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${Math.round(budgetMs / 1000)} s\n`);
    removeDataDir();
    process.exit(1);
  }, budgetMs);
  let exitCode = 0;
  try {
    const result = await run(args, dataDir);
    log(JSON.stringify(result));
  } catch (error) {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exitCode = 1;
  }
  clearTimeout(watchdog);
  removeDataDir();
  process.exit(exitCode);
}

await main();
