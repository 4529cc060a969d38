/**
 * The real Earshot server, started the way server/src/main.ts starts it (configuration from the
 * environment, SQLite store under DATA_DIR, createApp, demo accounts, start) but without the simulator and the
 * dashboard's files, in a process of its own so the bench measures its CPU, memory and event-loop lag alone.
 * The demo controller's credentials go to the parent, whose dashboards sign in with them.
 *
 * Started by bench/wallboard.ts and bench/audio.ts with child_process.fork. BENCH_FLUSH_MS, when set, overrides
 * WALLBOARD_FLUSH_INTERVAL_MS through createApp's `flushIntervalMs`, to measure other intervals.
 */
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { WALLBOARD_FLUSH_INTERVAL_MS } from '@earshot/shared';
import { createApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { createConsoleLogger } from '../server/src/logger.js';
import { openStore, storeLocationFromConfig } from '../server/src/store/openStore.js';
import { sendToParent, startProbe } from './probe.js';

/** A garbage-collection pause at least this long is counted apart: it stalls every socket of the server. */
const LONG_GC_PAUSE_MS = 50;

/** Garbage-collection pauses of this process so far (perf_hooks 'gc' entries), by kind. */
function watchGarbageCollection(): () => Record<string, number> {
  const totals = { minorMs: 0, minorCount: 0, majorMs: 0, majorCount: 0, longPauses: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // GC entries carry { kind } in `detail` (Node ≥ 16); @types/node 20 does not declare it.
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      const major = kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR;
      if (major) {
        totals.majorMs += entry.duration;
        totals.majorCount += 1;
      } else {
        totals.minorMs += entry.duration;
        totals.minorCount += 1;
      }
      if (entry.duration >= LONG_GC_PAUSE_MS) totals.longPauses += 1;
    }
  }).observe({ entryTypes: ['gc'] });
  return () => prefixed('gc', totals);
}

/** `{ framesIn: 3 }` → `{ 'audio.framesIn': 3 }`. */
function prefixed(prefix: string, counters: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) if (typeof value === 'number') out[`${prefix}.${name}`] = value;
  return out;
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.simulator.enabled) throw new Error('run the bench server with SIMULATOR=off: only the bench may ingest');
  const flushIntervalMs = process.env.BENCH_FLUSH_MS ? Number(process.env.BENCH_FLUSH_MS) : WALLBOARD_FLUSH_INTERVAL_MS;
  const location = storeLocationFromConfig(config);
  const store = await openStore(location);
  const logger = createConsoleLogger();
  const earshot = createApp({
    store,
    config,
    logger,
    frontend: { kind: 'none' },
    flushIntervalMs,
  });
  // The dashboard socket refuses connections without a session: make the demo accounts as main.ts does.
  const { demoCredentials } = await earshot.auth.ensureBootstrapUsers({ mode: 'demo', logger });
  const controller = demoCredentials.find((credential) => credential.role === 'controller');
  if (!controller) throw new Error('bootstrap made no demo controller account for the dashboards');
  const { port } = await earshot.start(0, '127.0.0.1');
  const gcTotals = watchGarbageCollection();
  startProbe(
    async () => {
      await earshot.close();
      await store.close();
    },
    // Live audio and recording counters, for bench/audio.ts (frames in, dropped to listeners, gaps, bytes).
    () => ({
      ...prefixed('audio', earshot.audio.hub.stats()),
      ...prefixed('recordings', earshot.recordings.stats()),
      ...gcTotals(),
    }),
  );
  sendToParent({
    type: 'ready',
    port,
    ingestKey: config.ingestKeys[0] ?? '',
    flushIntervalMs,
    store: location.kind,
    dashboardCredentials: { username: controller.username, password: controller.password },
  });
}

main().catch((error: unknown) => {
  sendToParent({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
