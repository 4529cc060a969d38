/**
 * The real Earshot server, started the way server/src/main.ts starts it (configuration from the
 * environment, SQLite store under DATA_DIR, createApp, demo accounts, start) but without the simulator and the
 * dashboard's files, in a process of its own so the bench measures its CPU, memory and event-loop lag alone.
 * The demo controller's credentials go to the parent, whose dashboards sign in with them.
 *
 * Started by bench/wallboard.ts with child_process.fork. BENCH_FLUSH_MS, when set, overrides
 * WALLBOARD_FLUSH_INTERVAL_MS through createApp's `flushIntervalMs`, to measure other intervals.
 */
import { WALLBOARD_FLUSH_INTERVAL_MS } from '@earshot/shared';
import { createApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { createConsoleLogger } from '../server/src/logger.js';
import { openStore, storeLocationFromConfig } from '../server/src/store/openStore.js';
import { sendToParent, startProbe } from './probe.js';

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
  startProbe(async () => {
    await earshot.close();
    await store.close();
  });
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
