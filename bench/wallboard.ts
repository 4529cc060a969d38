/**
 * Wallboard benchmark: N live calls, M dashboards, S seconds of steady traffic against the real server,
 * and the same traffic against a bare `ws` floor in the same run.
 *
 *   npm run bench:wallboard -- --calls 5000 --dashboards 100 --seconds 30
 *
 * Method (docs/benchmarks.md): the real server runs in a child process (bench/serverChild.ts), the floor in
 * another (bench/floorChild.ts); each reports its own CPU, peak RSS and event-loop lag over IPC. This
 * process plays the telephony platform (one ingest client per server, same batches at the same moment)
 * and the dashboards (M per server). Latency of an event = the moment a dashboard holds the call's new
 * state minus the moment the ingest client sent the event, both on this process's clock; the delta is
 * matched to the event by call id and `lastEventAt`, so nothing is added to the product's payloads.
 * Prints figures for people, then one JSON object as the last line. Only loopback traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { INGEST_BATCH_MAX_EVENTS, type IngestEvent, WALLBOARD_FLUSH_INTERVAL_MS } from '@earshot/shared';
import { parseBenchArgs, type ResolvedBenchArgs, USAGE } from './args.js';
import { BenchChild } from './children.js';
import {
  type ByteCounts,
  connectFloorDashboard,
  connectFloorIngest,
  connectServerDashboard,
  connectServerIngest,
  type Dashboard,
  type IngestFeed,
  signInDashboards,
} from './clients.js';
import { EventLedger, type Phase, SystemStats } from './ledger.js';
import { log, report, round } from './report.js';
import { CallWorkload } from './workload.js';

const TICK_MS = 20;
/** Calls left waiting in the queue after the ramp, so the steady phase also answers and abandons. */
const RAMP_LEFT_QUEUED_SHARE = 0.03;
const SETTLE_MS = 1000;
/** The ramp's backlog must be gone before the steady phase starts, or it would be measured as steady. */
const RAMP_DRAIN_LIMIT_MS = 60_000;
const RAMP_DRAIN_POLL_MS = 250;
const CONNECT_CONCURRENCY = 20;
const BENCH_INGEST_KEY = 'bench-ingest-key';
const HARNESS_LAG_RESOLUTION_MS = 10;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function connectAll<T>(count: number, connect: () => Promise<T>): Promise<T[]> {
  const connected: T[] = [];
  for (let first = 0; first < count; first += CONNECT_CONCURRENCY) {
    const wave = Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - first) }, () => connect());
    connected.push(...(await Promise.all(wave)));
  }
  return connected;
}

/** Everything a run drives: both systems, their viewers and feeds, and the shared bookkeeping. */
interface Rig {
  args: ResolvedBenchArgs;
  server: BenchChild;
  floor: BenchChild;
  serverDashboards: Dashboard[];
  floorDashboards: Dashboard[];
  serverIngest: IngestFeed;
  floorIngest: Pick<IngestFeed, 'send' | 'close'>;
  ledger: EventLedger;
  serverStats: SystemStats;
  floorStats: SystemStats;
  workload: CallWorkload;
}

/** Sends one tick's events to both servers at the same moment and books them in the ledger. */
function sendTick(rig: Rig, events: IngestEvent[], phase: Phase, tick: number): void {
  if (events.length === 0) return;
  const sentPerf = performance.now();
  const sentWall = Date.now();
  for (const event of events) rig.ledger.record(event, sentPerf, sentWall, phase);
  for (let first = 0; first < events.length; first += INGEST_BATCH_MAX_EVENTS) {
    const batch = events.slice(first, first + INGEST_BATCH_MAX_EVENTS);
    // Alternate who goes first so neither system is always a few microseconds ahead.
    const feeds = tick % 2 === 0 ? [rig.serverIngest, rig.floorIngest] : [rig.floorIngest, rig.serverIngest];
    for (const feed of feeds) feed.send(batch, phase);
  }
}

/**
 * Calls `produce(units)` every tick for `durationMs`, asking for as many units as the schedule says are due
 * by now (so a late tick catches up instead of lowering the rate).
 */
async function paced(
  durationMs: number,
  unitsTotal: number,
  produce: (units: number, tick: number) => void,
): Promise<void> {
  const start = performance.now();
  let done = 0;
  let tick = 0;
  while (done < unitsTotal) {
    const elapsed = performance.now() - start;
    const due = Math.min(unitsTotal, Math.floor((unitsTotal * Math.min(elapsed, durationMs)) / durationMs)) - done;
    if (due > 0) {
      produce(due, tick++);
      done += due;
    }
    if (done < unitsTotal) await sleep(TICK_MS);
  }
}

function lagP99Ms(histogram: IntervalHistogram): number {
  return histogram.count === 0 ? 0 : Math.max(0, histogram.percentile(99) / 1e6 - HARNESS_LAG_RESOLUTION_MS);
}

function bytesDuring(before: ByteCounts[], after: ByteCounts[]): ByteCounts {
  let wire = 0;
  let messages = 0;
  after.forEach((end, i) => {
    wire += end.wire - (before[i]?.wire ?? 0);
    messages += end.messages - (before[i]?.messages ?? 0);
  });
  return { wire, messages };
}

async function startRig(args: ResolvedBenchArgs, dataDir: string, started: BenchChild[]): Promise<Rig> {
  const [server, floor] = await Promise.all([
    BenchChild.start(
      'server',
      new URL('./serverChild.ts', import.meta.url),
      { SIMULATOR: 'off', DATA_DIR: dataDir, INGEST_KEYS: BENCH_INGEST_KEY, BENCH_FLUSH_MS: String(args.flushMs) },
      // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server under load.
      (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ),
    BenchChild.start('floor', new URL('./floorChild.ts', import.meta.url), {
      FLOOR_FLUSH_MS: String(args.floorFlushMs),
    }),
  ]);
  started.push(server, floor);
  log(
    `server pid ${server.pid} on 127.0.0.1:${server.ready.port} (${server.ready.store}, flush ` +
      `${server.ready.flushIntervalMs} ms); floor pid ${floor.pid} on 127.0.0.1:${floor.ready.port} ` +
      `(flush ${floor.ready.flushIntervalMs} ms)`,
  );
  const ledger = new EventLedger();
  const serverStats = new SystemStats();
  const floorStats = new SystemStats();
  const serverUrl = `http://127.0.0.1:${server.ready.port}`;
  const credentials = server.ready.dashboardCredentials;
  if (!credentials) throw new Error('the server child sent no credentials for the dashboards');
  // One sign-in shared by every dashboard (as many wall displays of one account), which also stays clear of
  // the sign-in rate limits.
  const sessionCookie = await signInDashboards(serverUrl, credentials);
  const rig: Rig = {
    args,
    server,
    floor,
    ledger,
    serverStats,
    floorStats,
    serverDashboards: await connectAll(args.dashboards, () =>
      connectServerDashboard(serverUrl, sessionCookie, ledger, serverStats),
    ),
    floorDashboards: await connectAll(args.dashboards, () =>
      connectFloorDashboard(floor.ready.port, ledger, floorStats),
    ),
    serverIngest: await connectServerIngest(serverUrl, server.ready.ingestKey || BENCH_INGEST_KEY),
    floorIngest: await connectFloorIngest(floor.ready.port),
    workload: new CallWorkload(args.seed),
  };
  log(`connected ${args.dashboards} + ${args.dashboards} dashboards and 2 ingest clients`);
  return rig;
}

function closeRig(rig: Rig): void {
  for (const dashboard of [...rig.serverDashboards, ...rig.floorDashboards]) dashboard.close();
  rig.serverIngest.close();
  rig.floorIngest.close();
}

/** Offers every call, then answers most of them, then waits until both systems have shown it all. */
async function runRamp(rig: Rig) {
  const { args, workload } = rig;
  const rampMs = args.ramp * 1000;
  const harnessLag = monitorEventLoopDelay({ resolution: HARNESS_LAG_RESOLUTION_MS });
  rig.server.startWindow('ramp');
  rig.floor.startWindow('ramp');
  harnessLag.enable();
  const start = performance.now();
  await paced(rampMs, args.calls, (units, tick) => {
    const now = Date.now();
    sendTick(
      rig,
      Array.from({ length: units }, () => workload.offer(now)),
      'ramp',
      tick,
    );
  });
  const toAnswer = workload.queuedIds();
  toAnswer.length = Math.floor(toAnswer.length * (1 - RAMP_LEFT_QUEUED_SHARE));
  let answered = 0;
  await paced(rampMs, toAnswer.length, (units, tick) => {
    const now = Date.now();
    const events = toAnswer.slice(answered, answered + units).map((id) => workload.answer(id, now));
    answered += units;
    sendTick(rig, events, 'ramp', tick);
  });
  const rampWallMs = performance.now() - start;

  // Wait until the server has acknowledged every ramp event and every dashboard holds every ramp change.
  const drainStart = performance.now();
  const dashboards = [...rig.serverDashboards, ...rig.floorDashboards];
  const backlog = () =>
    rig.serverIngest.pending() + dashboards.reduce((sum, d) => sum + d.tracker.undelivered('ramp'), 0);
  while (backlog() > 0) {
    if (performance.now() - drainStart > RAMP_DRAIN_LIMIT_MS) {
      throw new Error(`the ramp's backlog did not drain within ${RAMP_DRAIN_LIMIT_MS / 1000} s`);
    }
    await sleep(RAMP_DRAIN_POLL_MS);
  }
  const rampDrainMs = performance.now() - drainStart;
  await sleep(SETTLE_MS);
  const [server, floor] = await Promise.all([rig.server.endWindow('ramp'), rig.floor.endWindow('ramp')]);
  harnessLag.disable();
  return { rampWallMs, rampDrainMs, server, floor, harnessLagP99Ms: lagP99Ms(harnessLag) };
}

/** The measured phase: a steady stream of changes at `--rate` events/s for `--seconds`. */
async function runSteady(rig: Rig) {
  const { args, workload } = rig;
  const dashboards = [...rig.serverDashboards, ...rig.floorDashboards];
  const harnessLag = monitorEventLoopDelay({ resolution: HARNESS_LAG_RESOLUTION_MS });
  rig.server.startWindow('steady');
  rig.floor.startWindow('steady');
  harnessLag.enable();
  const harnessCpuBefore = process.cpuUsage();
  const bytesBefore = dashboards.map((d) => d.bytes());
  rig.serverStats.measuringDeliveries = true;
  rig.floorStats.measuringDeliveries = true;
  const start = performance.now();
  // An ending brings its replacement offer (two events for one change): the surplus is owed to the next tick.
  let eventsOwed = 0;
  await paced(args.seconds * 1000, args.rate * args.seconds, (units, tick) => {
    const now = Date.now();
    const events: IngestEvent[] = [];
    eventsOwed += units;
    while (eventsOwed > 0) {
      const change = workload.change(now);
      events.push(...change);
      eventsOwed -= change.length;
    }
    sendTick(rig, events, 'steady', tick);
  });
  const steadyWallS = (performance.now() - start) / 1000;
  const harnessCpu = process.cpuUsage(harnessCpuBefore);
  const bytesAfter = dashboards.map((d) => d.bytes());
  rig.serverStats.measuringDeliveries = false;
  rig.floorStats.measuringDeliveries = false;
  const [server, floor] = await Promise.all([rig.server.endWindow('steady'), rig.floor.endWindow('steady')]);
  harnessLag.disable();
  const split = args.dashboards;
  return {
    steadyWallS,
    server,
    floor,
    serverBytes: bytesDuring(bytesBefore.slice(0, split), bytesAfter.slice(0, split)),
    floorBytes: bytesDuring(bytesBefore.slice(split), bytesAfter.slice(split)),
    harnessCpuPct: (100 * (harnessCpu.user + harnessCpu.system)) / 1e6 / steadyWallS,
    harnessLagP99Ms: lagP99Ms(harnessLag),
  };
}

async function run(args: ResolvedBenchArgs, dataDir: string): Promise<Record<string, unknown>> {
  const children: BenchChild[] = [];
  let rig: Rig | undefined;
  try {
    const loadAtStart = loadavg()[0] ?? 0;
    log(
      `earshot wallboard bench: ${args.calls} calls, ${args.dashboards} dashboards, ${args.seconds} s steady at ` +
        `${args.rate} events/s (ramp ${args.ramp} s + ${args.ramp} s), node ${process.version}`,
    );
    rig = await startRig(args, dataDir, children);
    const ramp = await runRamp(rig);
    const steady = await runSteady(rig);
    // Let the last flushes arrive, then count what never did.
    await sleep(2 * Math.max(rig.server.ready.flushIntervalMs, rig.floor.ready.flushIntervalMs) + 1000);
    const count = (list: Dashboard[], f: (d: Dashboard) => number) => list.reduce((total, d) => total + f(d), 0);
    return report({
      args,
      ledger: rig.ledger,
      server: {
        stats: rig.serverStats,
        flushIntervalMs: rig.server.ready.flushIntervalMs,
        store: rig.server.ready.store,
        ramp: ramp.server,
        steady: steady.server,
        bytes: steady.serverBytes,
        undelivered: count(rig.serverDashboards, (d) => d.tracker.undelivered('steady')),
        disconnects: count(rig.serverDashboards, (d) => d.disconnects()),
        ingest: rig.serverIngest,
        acksPendingAtEnd: rig.serverIngest.pending(),
      },
      floor: {
        stats: rig.floorStats,
        flushIntervalMs: rig.floor.ready.flushIntervalMs,
        ramp: ramp.floor,
        steady: steady.floor,
        bytes: steady.floorBytes,
        undelivered: count(rig.floorDashboards, (d) => d.tracker.undelivered('steady')),
        disconnects: count(rig.floorDashboards, (d) => d.disconnects()),
      },
      harness: { cpuPct: steady.harnessCpuPct, lagP99Ms: steady.harnessLagP99Ms, rampLagP99Ms: ramp.harnessLagP99Ms },
      rampWallMs: ramp.rampWallMs,
      rampDrainMs: ramp.rampDrainMs,
      steadyWallS: steady.steadyWallS,
      loadAtStart: round(loadAtStart, 2),
    });
  } finally {
    if (rig) closeRig(rig);
    await Promise.all(children.map((child) => child.stop()));
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    log(USAGE);
    process.exit(0);
  }
  let args: ResolvedBenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2), WALLBOARD_FLUSH_INTERVAL_MS);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-bench-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  // Bounded in time whatever happens: start-up, two ramps, draining the ramp, the steady phase, and slack.
  const budgetMs = 120_000 + 2 * args.ramp * 1000 + RAMP_DRAIN_LIMIT_MS + args.seconds * 1000 * 1.5;
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${Math.round(budgetMs / 1000)} s\n`);
    removeDataDir();
    // The children exit by themselves when the IPC channel closes with this process.
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
  // Sockets and timers of the clients may linger for a moment; the run is over, so leave now.
  process.exit(exitCode);
}

await main();
