import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  closeCall,
  INGEST_NAMESPACE,
  SERVICE_LEVEL_TARGET_PCT,
  SERVICE_LEVEL_THRESHOLD_MS,
  startOfDay,
  WALLBOARD_FLUSH_INTERVAL_MS,
  type WallboardSettings,
} from '@earshot/shared';
import express, { type Express } from 'express';
import { Server } from 'socket.io';
import { CallRepository } from './calls/callRepository.js';
import { LiveCallRegistry } from './calls/liveCallRegistry.js';
import { createCallsRouter } from './calls/routes.js';
import { callRoom, registerCallWatchHandlers } from './calls/socket.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { createHealthRouter } from './health/routes.js';
import { apiNotFound, errorHandler, notFound } from './http/errors.js';
import { mountBuiltDashboard } from './http/frontend.js';
import type { DashboardServer } from './http/sockets.js';
import { IngestKeyChecker } from './ingest/ingestKey.js';
import { IngestService } from './ingest/ingestService.js';
import { createIngestRouter } from './ingest/routes.js';
import { type IngestNamespace, setUpIngestNamespace } from './ingest/socket.js';
import { createConsoleLogger, type Logger } from './logger.js';
import type { Store } from './store/openStore.js';
import { WallboardBroadcaster } from './wallboard/broadcaster.js';
import { createSettingsRouter, registerWallboardHandlers, WALLBOARD_ROOM } from './wallboard/socket.js';
import { WallboardStatsTracker } from './wallboard/statsTracker.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLIENT_DIST_DIR = path.join(REPO_ROOT, 'client', 'dist');

/** Socket.IO drops a connection whose message exceeds this; a full ingest batch is about 150 kB. */
const SOCKET_MAX_MESSAGE_BYTES = 1_000_000;
/** No /api route other than ingest takes a body today; this caps what anyone can make us parse. */
const API_BODY_LIMIT_BYTES = 64 * 1024;
/** How long close() lets open HTTP connections finish before cutting them. */
const SHUTDOWN_GRACE_MS = 2_000;

/** How the dashboard's files are served: the `vite build` output, or Vite itself for hot reload. */
export type Frontend = { kind: 'static'; distDir: string } | { kind: 'vite' } | { kind: 'none' };

export interface AppDeps {
  /** An open, migrated store (openStore). The app does not close it: whoever opened it does. */
  store: Store;
  config: Pick<Config, 'ingestKeys' | 'longCallAmberMs' | 'longCallRedMs'>;
  clock?: Clock;
  logger?: Logger;
  frontend?: Frontend;
  flushIntervalMs?: number;
}

export interface EarshotApp {
  app: Express;
  httpServer: http.Server;
  io: DashboardServer;
  registry: LiveCallRegistry;
  repository: CallRepository;
  ingest: IngestService;
  broadcaster: WallboardBroadcaster;
  settings: WallboardSettings;
  /** Closes calls a previous run left live, loads today's counts, and listens. */
  start(port: number, host?: string): Promise<{ port: number; url: string; closedCalls: number }>;
  /** Stops taking events, finishes those in flight, sends the last delta, closes sockets and the server. */
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): EarshotApp {
  const { store, config } = deps;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createConsoleLogger();
  const frontend = deps.frontend ?? { kind: 'static', distDir: CLIENT_DIST_DIR };
  const startedAt = Date.now();
  const settings: WallboardSettings = {
    longCallAmberMs: config.longCallAmberMs,
    longCallRedMs: config.longCallRedMs,
    serviceLevelThresholdMs: SERVICE_LEVEL_THRESHOLD_MS,
    serviceLevelTargetPct: SERVICE_LEVEL_TARGET_PCT,
  };

  const repository = new CallRepository(store.db);
  const registry = new LiveCallRegistry();
  const ingest = new IngestService({ registry, repository, clock, logger });
  const checker = new IngestKeyChecker(config.ingestKeys);

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const io: DashboardServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES,
    // Leave other upgrade requests alone (Vite's hot-reload socket shares this server in development).
    destroyUpgrade: false,
  });

  const stats = new WallboardStatsTracker(settings.serviceLevelThresholdMs);
  const broadcaster = new WallboardBroadcaster({
    registry,
    stats,
    clock,
    settings,
    emit: (delta) => io.to(WALLBOARD_ROOM).emit('wallboard:delta', delta),
    intervalMs: deps.flushIntervalMs ?? WALLBOARD_FLUSH_INTERVAL_MS,
  });
  // Watchers of one call hear about each change at once; the registry only reports changes already stored.
  registry.onChange(({ call, record }) => {
    io.to(callRoom(call.id)).emit('call:updated', call);
    io.to(callRoom(call.id)).emit('call:event', record);
  });

  io.use((socket, next) => {
    socket.data.connectedAt = Date.now();
    next();
  });
  io.on('connection', (socket) => {
    registerWallboardHandlers(socket, broadcaster);
    registerCallWatchHandlers(socket, { registry, repository, logger });
  });
  // The ingest namespace speaks its own event map (shared/src/events.ts); socket.io types `of()` by the
  // server's map, hence the cast.
  const ingestNamespace = io.of(INGEST_NAMESPACE) as unknown as IngestNamespace;
  setUpIngestNamespace(ingestNamespace, { checker, service: ingest, logger });

  let ready = false;
  app.use(createHealthRouter({ store, isReady: () => ready, liveCalls: () => registry.size, startedAt, logger }));
  app.use('/api', createIngestRouter({ checker, service: ingest }));
  app.use('/api', express.json({ limit: API_BODY_LIMIT_BYTES }));
  app.use('/api', createCallsRouter(repository), createSettingsRouter(settings));
  app.use('/api', apiNotFound);
  if (frontend.kind === 'static') mountBuiltDashboard(app, frontend.distDir);
  let closeVite: (() => Promise<void>) | undefined;
  // Vite mounts at start(); until then, and for what neither it nor the dashboard answers, a JSON 404.
  let viteMiddleware: express.RequestHandler | undefined;
  app.use((req, res, next) => (viteMiddleware ? viteMiddleware(req, res, next) : next()));
  app.use(notFound);
  app.use(errorHandler(logger));

  let closing: Promise<void> | undefined;

  return {
    app,
    httpServer,
    io,
    registry,
    repository,
    ingest,
    broadcaster,
    settings,

    async start(port, host) {
      const closed = await repository.closeDanglingCalls(clock.now(), (call) =>
        closeCall(call, call.lastEventAt, 'server_restart'),
      );
      if (closed.length > 0) {
        logger.warn(`closed ${closed.length} call(s) left live by the previous run (end reason server_restart)`);
      }
      stats.loadEnded(await repository.listEndedOfferedSince(startOfDay(clock.now())));
      if (frontend.kind === 'vite') {
        const vite = await createVite(httpServer);
        viteMiddleware = vite.middlewares;
        closeVite = vite.close;
      }
      try {
        await listen(httpServer, port, host);
      } catch (error) {
        await closeVite?.();
        throw error;
      }
      broadcaster.start();
      ready = true;
      const actualPort = (httpServer.address() as AddressInfo).port;
      return { port: actualPort, url: `http://${host ?? 'localhost'}:${actualPort}`, closedCalls: closed.length };
    },

    close() {
      closing ??= (async () => {
        ready = false;
        await ingest.stop();
        broadcaster.stop();
        await closeVite?.();
        const closed = new Promise<void>((resolve) => {
          void io.close(() => resolve());
        });
        const cut = setTimeout(() => httpServer.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(cut);
      })();
      return closing;
    },
  };
}

function listen(httpServer: http.Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use; stop the other process or set PORT to a free port`)
          : error,
      );
    };
    httpServer.once('error', onError);
    httpServer.listen(port, host, () => {
      httpServer.off('error', onError);
      resolve();
    });
  });
}

/** Vite in middleware mode: the dashboard with hot reload, its HMR socket on our HTTP server. */
async function createVite(
  httpServer: http.Server,
): Promise<{ middlewares: express.RequestHandler; close: () => Promise<void> }> {
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    root: path.join(REPO_ROOT, 'client'),
    appType: 'spa',
    server: { middlewareMode: true, ws: { server: httpServer } },
  });
  return { middlewares: vite.middlewares, close: () => vite.close() };
}
