import { pathToFileURL } from 'node:url';
import { CLIENT_DIST_DIR, createApp, type Frontend } from './app.js';
import { ADMIN_PASSWORD_ENV, ADMIN_USERNAME_ENV, BootstrapError } from './auth/bootstrap.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createConsoleLogger } from './logger.js';
import { type RunningSimulator, startSimulator } from './simulator/index.js';
import { createAgentPool } from './simulator/people.js';
import { openStore, redactPassword, storeLocationFromConfig } from './store/openStore.js';

const NO_ADMIN_MESSAGE = `Earshot is in production mode (EARSHOT_MODE=production) and no admin account exists.
Create the first one, then start again:
  - set ${ADMIN_USERNAME_ENV} and ${ADMIN_PASSWORD_ENV} (at least 12 characters) for this start, or
  - run: node --import tsx server/src/auth/cli.ts create-admin --username <name>   (reads the password from stdin)
For a quick look with demo accounts instead, start with EARSHOT_MODE=demo (the default).`;

/**
 * Runs one Earshot server: configuration, store (migrated), accounts (demo accounts, or the first admin in
 * production), HTTP + Socket.IO, and the built-in simulator when enabled. Stops cleanly on SIGINT/SIGTERM.
 * `npm start` serves the built dashboard; dev.ts runs the same with Vite's hot reload.
 */
export async function runServer(frontend: Frontend): Promise<void> {
  const logger = createConsoleLogger();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const location = storeLocationFromConfig(config);
  const store = await openStore(location);
  const where = location.kind === 'sqlite' ? location.filename : redactPassword(location.url);
  logger.info(`store: ${location.kind} at ${where}`);

  const earshot = createApp({ store, config, logger, frontend });
  logger.info(`mode: ${config.mode}`);
  try {
    await earshot.auth.ensureBootstrapUsers({
      mode: config.mode,
      logger,
      // The demo agent account stands for the simulator's first agent, so it has calls of its own.
      demoAgent: createAgentPool(Math.max(1, config.simulator.agents))[0],
    });
  } catch (error) {
    if (error instanceof BootstrapError) {
      console.error(error.message);
      await store.close();
      process.exit(1);
    }
    throw error;
  }
  if (config.mode === 'production' && (await earshot.auth.users.countEnabledAdmins()) === 0) {
    console.error(NO_ADMIN_MESSAGE);
    await store.close();
    process.exit(1);
  }

  const { url, port } = await earshot.start(config.port);
  logger.info(`Earshot is listening on ${url}`);
  if (config.mode === 'demo') {
    logger.info(`sign in at ${url} with one of the demo accounts printed above (new passwords at every start)`);
  }
  if (!config.ingestKeyGenerated) {
    logger.info(`ingest keys: ${config.ingestKeys.length} configured in INGEST_KEYS, plus those admins create`);
  } else if (config.mode === 'demo') {
    logger.info(`ingest key (generated for this run; set INGEST_KEYS to keep one): ${config.ingestKeys[0]}`);
  } else {
    // Not printed in production: logs travel further than secrets should. Adapters use admin-made keys.
    logger.info('ingest keys: those an admin creates (INGEST_KEYS is not set)');
  }

  let simulator: RunningSimulator | undefined;
  if (config.simulator.enabled) {
    const sim = config.simulator;
    simulator = startSimulator({
      serverUrl: `http://127.0.0.1:${port}`,
      ingestKey: config.ingestKeys[0] ?? '',
      agents: sim.agents,
      callsPerHour: sim.callsPerHour,
      speed: sim.speed,
      // The agents' screens too (a capped number of uploads per second, whatever the number of calls).
      screens: true,
      seed: sim.seed,
      log: (line) => logger.info(`[simulator] ${line}`),
    });
    logger.info(
      `simulator: ${sim.agents} agents, ${sim.callsPerHour} calls/hour, speed ${sim.speed}, seed ${sim.seed} (SIMULATOR=off to disable)`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: shutting down`);
    try {
      await simulator?.stop();
      await earshot.close();
      await store.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error('shutdown failed', { error });
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

// Run when started as the entry point (npm start), not when imported by dev.ts.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runServer({ kind: 'static', distDir: CLIENT_DIST_DIR }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
