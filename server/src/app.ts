import { mkdirSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  type Call,
  type CallEventRecord,
  can,
  closeCall,
  DEFAULT_RETENTION_DAYS,
  INGEST_NAMESPACE,
  SCREENSHOT_MAX_BYTES,
  startOfDay,
  TRANSCRIPT_INGEST_PATH,
  WALLBOARD_FLUSH_INTERVAL_MS,
  type WallboardSettings,
} from '@earshot/shared';
import express, { type Express, Router } from 'express';
import { Server } from 'socket.io';
import { type AudioIngestEndpoint, attachAudioIngest } from './audio/ingestSocket.js';
import { LiveAudioHub } from './audio/liveAudioHub.js';
import { MonitorService } from './audio/monitorService.js';
import { registerAudioHandlers } from './audio/socket.js';
import { type AuditLog, createAuditLog } from './audit/auditLog.js';
import { createAuditRouter } from './audit/routes.js';
import { type Auth, type AuthOptions, createAuth } from './auth/index.js';
import { CallRepository } from './calls/callRepository.js';
import { LiveCallRegistry } from './calls/liveCallRegistry.js';
import { maskCall, maskCallEventRecord, maskWallboardDelta } from './calls/privacy.js';
import { callRecordsRetentionTarget } from './calls/retention.js';
import { createCallsRouter } from './calls/routes.js';
import { registerCallWatchHandlers } from './calls/socket.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { EvaluationRepository } from './evaluations/evaluationRepository.js';
import { EvaluationService } from './evaluations/evaluationService.js';
import { createEvaluationsRouter } from './evaluations/routes.js';
import { createHealthRouter } from './health/routes.js';
import {
  callRoom,
  reassignRooms,
  SETTINGS_ROOM,
  WALLBOARD_MASKED_ROOM,
  WALLBOARD_ROOM,
} from './http/dashboardRooms.js';
import { apiNotFound, errorHandler, notFound } from './http/errors.js';
import { mountBuiltDashboard } from './http/frontend.js';
import { isSameOriginRequest, limitRequestBodies, refuseNulCharacters, securityHeaders } from './http/security.js';
import type { DashboardServer } from './http/sockets.js';
import { createIngestKeyVerifier, IngestKeyChecker } from './ingest/ingestKey.js';
import { IngestService } from './ingest/ingestService.js';
import { createIngestRouter, INGEST_BODY_LIMIT_BYTES } from './ingest/routes.js';
import { disconnectIngestKey, type IngestNamespace, setUpIngestNamespace } from './ingest/socket.js';
import { createConsoleLogger, type Logger } from './logger.js';
import { RecordingList } from './recordings/recordingList.js';
import { RecordingRepository } from './recordings/recordingRepository.js';
import { RecordingService } from './recordings/recordingService.js';
import { createRecordingsRouter } from './recordings/routes.js';
import { RetentionService } from './retention/retentionService.js';
import { createScreensRouter, SCREENS_UPLOAD_PATH } from './screens/routes.js';
import { ScreenshotRepository } from './screens/screenshotRepository.js';
import { ScreenshotService } from './screens/screenshotService.js';
import { ScreensSocketHub } from './screens/socket.js';
import { createSearchRouter } from './search/routes.js';
import { SearchService } from './search/searchService.js';
import { createSettingsRouter } from './settings/routes.js';
import { SettingsService } from './settings/settingsService.js';
import { createSpeechRouter } from './speech/routes.js';
import { loadSileroModel } from './speech/sileroModel.js';
import { SpeechRepository } from './speech/speechRepository.js';
import { SpeechService } from './speech/speechService.js';
import { VadEngine } from './speech/vadEngine.js';
import type { Store } from './store/openStore.js';
import {
  createTranscriptIngestRouter,
  createTranscriptRouter,
  TRANSCRIPT_INGEST_BODY_LIMIT_BYTES,
} from './transcripts/routes.js';
import { registerTranscriptIngest } from './transcripts/socket.js';
import { TranscriptRepository } from './transcripts/transcriptRepository.js';
import { TranscriptService } from './transcripts/transcriptService.js';
import { WallboardBroadcaster } from './wallboard/broadcaster.js';
import { registerWallboardHandlers } from './wallboard/socket.js';
import { WallboardStatsTracker } from './wallboard/statsTracker.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLIENT_DIST_DIR = path.join(REPO_ROOT, 'client', 'dist');

/** Socket.IO drops a connection whose message exceeds this; a full ingest batch is about 150 kB. */
const SOCKET_MAX_MESSAGE_BYTES = 1_000_000;
/** The largest body any route other than ingest takes (users, settings, sign-in are a few hundred bytes). */
export const API_BODY_LIMIT_BYTES = 64 * 1024;
const INGEST_EVENTS_PATH = '/api/ingest/events';
/** How long close() lets open HTTP connections finish before cutting them. */
const SHUTDOWN_GRACE_MS = 2_000;

/** How the dashboard's files are served: the `vite build` output, or Vite itself for hot reload. */
export type Frontend = { kind: 'static'; distDir: string } | { kind: 'vite' } | { kind: 'none' };

export interface AppDeps {
  /** An open, migrated store (openStore). The app does not close it: whoever opened it does. */
  store: Store;
  /**
   * INGEST_KEYS and the starting settings; RETENTION_DAYS (default 90), TRUST_PROXY (default off) and DATA_DIR
   * (screenshots; default a fresh temporary directory, for tests and benchmarks) optional.
   */
  config: Pick<Config, 'ingestKeys' | 'longCallAmberMs' | 'longCallRedMs'> &
    Partial<Pick<Config, 'retentionDays' | 'trustProxy' | 'dataDir'>>;
  clock?: Clock;
  logger?: Logger;
  frontend?: Frontend;
  flushIntervalMs?: number;
  /** Session lifetimes, sign-in limits, Secure cookies (tests raise the per-address limit). */
  auth?: Pick<AuthOptions<never>, 'secureCookies' | 'sessionIdleTimeoutMs' | 'sessionAbsoluteTimeoutMs' | 'rateLimits'>;
  /** How often the retention job runs after the one at start-up; default hourly. */
  retentionIntervalMs?: number;
}

export interface EarshotApp {
  app: Express;
  httpServer: http.Server;
  io: DashboardServer;
  registry: LiveCallRegistry;
  repository: CallRepository;
  ingest: IngestService;
  broadcaster: WallboardBroadcaster;
  /** The wallboard's settings in force now (what the snapshot carries). */
  readonly settings: WallboardSettings;
  /** All settings, stored changes and their announcement. */
  settingsService: SettingsService;
  auth: Auth;
  audit: AuditLog;
  retention: RetentionService;
  /** Every /api route, mounted at `/api` (the permission-matrix test walks its stack). */
  apiRouter: Router;
  screenshots: ScreenshotService;
  /** Call recordings (WAV files under DATA_DIR and their rows). */
  recordings: RecordingService;
  /** Live audio: frames in from adapters, out to listening controllers; who is on which call's audio. */
  audio: { hub: LiveAudioHub; monitors: MonitorService; ingest: AudioIngestEndpoint };
  /** Where media files (screenshots, recordings) are kept. */
  dataDir: string;
  /** Transcript segments in, stored and indexed; the calls' sentiment from them. */
  transcripts: TranscriptService;
  search: SearchService;
  /** Voice activity, live silence and the speech segments and metrics of ended calls. */
  speech: SpeechService;
  /** Scorecards, evaluations of ended calls, coaching assignments to trainers. */
  evaluations: EvaluationService;
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
  const now = () => clock.now();

  const audit = createAuditLog({ db: store.db, now });
  const auth = createAuth({ db: store.db, audit, clock, ...deps.auth });
  const settingsService = new SettingsService({
    db: store.db,
    defaults: {
      longCallAmberMs: config.longCallAmberMs,
      longCallRedMs: config.longCallRedMs,
      retentionDays: config.retentionDays ?? DEFAULT_RETENTION_DAYS,
    },
    now,
    logger,
  });
  const repository = new CallRepository(store.db);
  const registry = new LiveCallRegistry();
  const ingest = new IngestService({ registry, repository, clock, logger });
  const verifyIngestKey = createIngestKeyVerifier(new IngestKeyChecker(config.ingestKeys), auth.verifyIngestKey);
  const retention = new RetentionService({
    audit,
    clock,
    logger,
    retentionDays: () => settingsService.current().retentionDays,
    ...(deps.retentionIntervalMs ? { intervalMs: deps.retentionIntervalMs } : {}),
  });
  retention.register(callRecordsRetentionTarget(repository));
  const dataDir = config.dataDir ?? mkdtempSync(path.join(tmpdir(), 'earshot-media-'));
  mkdirSync(dataDir, { recursive: true });
  const screenshots = new ScreenshotService({ repository: new ScreenshotRepository(store.db), dataDir, now, logger });
  retention.register(screenshots.retentionTarget());
  const recordingRepository = new RecordingRepository(store.db);
  const recordings = new RecordingService({ repository: recordingRepository, dataDir, now, logger });
  retention.register(recordings.retentionTarget());
  // Voice activity on every live call (one model, batched across calls), live silence, post-call segments.
  const speechModel = loadSileroModel();
  const speechEngine = new VadEngine({ model: speechModel, logger });
  const speech = new SpeechService({
    registry,
    repository: new SpeechRepository(store.db),
    screenshots,
    engine: speechEngine,
    clock,
    logger,
    deadAirThresholdMs: settingsService.deadAirThresholdMs,
  });
  retention.register(speech.retentionTarget());
  const audioHub = new LiveAudioHub({ registry, recorder: recordings, speech, clock, logger });
  // Transcripts, their search and the calls' sentiment (speech analytics); a final sentiment reaches the call's page.
  const transcripts = new TranscriptService({
    repository: new TranscriptRepository(store.db, store.kind),
    registry,
    clock,
    logger,
    onFinalSentiment: (call) => announceToCallRooms(call, undefined),
  });
  retention.register(transcripts.retentionTarget());
  const evaluations = new EvaluationService({
    repository: new EvaluationRepository(store.db),
    calls: repository,
    users: auth.users,
    audit,
    now,
  });
  retention.register(evaluations.retentionTarget());
  const search = new SearchService({ db: store.db, kind: store.kind, liveCalls: () => registry.calls(), logger });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  const httpServer = http.createServer(app);
  // Every socket, upgraded ones too: closeAllConnections() only knows HTTP ones, and a WebSocket whose peer
  // stopped reading would hold close() for the 30 s of its closing handshake.
  const openSockets = new Set<Duplex>();
  httpServer.on('connection', (socket) => {
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  });
  const io: DashboardServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_MESSAGE_BYTES,
    // Leave other upgrade requests alone (Vite's hot-reload socket shares this server in development).
    destroyUpgrade: false,
    // A browser page of another origin may not open a socket here, even one on the same site whose
    // SameSite=Lax cookie the browser would send (cross-site WebSocket hijacking).
    allowRequest: (req, callback) => callback(null, isSameOriginRequest(req, config.trustProxy ?? false)),
  });

  const stats = new WallboardStatsTracker(settingsService.current().serviceLevelThresholdMs);
  const broadcaster = new WallboardBroadcaster({
    registry,
    stats,
    clock,
    settings: () => settingsService.wallboard(),
    // One delta per flush, masked once for every socket that may not see caller numbers.
    emit: (delta) => {
      io.to(WALLBOARD_ROOM).emit('wallboard:delta', delta);
      io.to(WALLBOARD_MASKED_ROOM).emit('wallboard:delta', maskWallboardDelta(delta));
    },
    intervalMs: deps.flushIntervalMs ?? WALLBOARD_FLUSH_INTERVAL_MS,
  });
  // Watchers of one call hear about each change at once; the registry only reports changes already stored.
  const announceToCallRooms = (call: Call, record: CallEventRecord | undefined) => {
    io.to(callRoom(call.id, false)).emit('call:updated', call);
    const masked = io.to(callRoom(call.id, true));
    masked.emit('call:updated', maskCall(call));
    if (!record) return;
    io.to(callRoom(call.id, false)).emit('call:event', record);
    masked.emit('call:event', maskCallEventRecord(record));
  };
  registry.onChange(({ call, record }) => announceToCallRooms(call, record));
  const monitors = new MonitorService({
    registry,
    repository,
    hub: audioHub,
    audit,
    clock,
    logger,
    announceRecord: announceToCallRooms,
  });
  settingsService.onChange((settings) => {
    io.to(SETTINGS_ROOM).emit('settings:updated', settings);
  });

  const screensHub = new ScreensSocketHub({ io, registry, screenshots, clock, logger });

  io.use((socket, next) => {
    socket.data.connectedAt = Date.now();
    next();
  });
  // Every dashboard socket belongs to a signed-in user; without a live session cookie it is refused here.
  io.use(auth.socketAuthenticate);
  const dashboards = io.of('/');
  const detachSocketGuard = auth.attachSocketNamespaces([dashboards]);
  // A changed role moves the user's sockets to the rooms it allows (after the guard updated socket.data).
  auth.onUserChanged((user) => {
    if (user.disabled) return;
    for (const socket of dashboards.sockets.values()) {
      if (socket.data.user?.id === user.id) reassignRooms(socket, user.role);
    }
  });
  auth.onUserChanged((user) => {
    monitors
      .userChanged(user)
      .catch((error: unknown) => logger.error('audio: applying a user change failed', { error }));
  });
  io.on('connection', (socket) => {
    const user = socket.data.user;
    if (user && can(user.role, 'wallboard:view')) void socket.join(SETTINGS_ROOM);
    registerWallboardHandlers(socket, { broadcaster, clock });
    registerCallWatchHandlers(socket, { registry, repository, logger, clock });
    screensHub.register(socket);
    registerAudioHandlers(socket, { monitors, hub: audioHub, clock, logger });
  });
  // The ingest namespace speaks its own event map (shared/src/events.ts); socket.io types `of()` by the
  // server's map, hence the cast.
  const ingestNamespace = io.of(INGEST_NAMESPACE) as unknown as IngestNamespace;
  setUpIngestNamespace(ingestNamespace, { verify: verifyIngestKey, service: ingest, logger });
  registerTranscriptIngest(ingestNamespace, { transcripts, logger });
  const audioIngest = attachAudioIngest(httpServer, { verify: verifyIngestKey, hub: audioHub, logger });
  auth.onIngestKeyRevoked((keyId) => {
    const closed = disconnectIngestKey(ingestNamespace, keyId) + audioIngest.disconnectKey(keyId);
    if (closed > 0) logger.info(`closed ${closed} ingest connection(s) of the revoked key ${keyId}`);
  });

  let ready = false;
  app.use(securityHeaders(frontend.kind === 'vite' ? 'development' : 'production'));
  // Refused before any reading: a declared length over the route's limit (body parsers also count bytes).
  app.use(
    limitRequestBodies((req) =>
      req.path === INGEST_EVENTS_PATH
        ? INGEST_BODY_LIMIT_BYTES
        : req.path === SCREENS_UPLOAD_PATH
          ? SCREENSHOT_MAX_BYTES
          : req.path === TRANSCRIPT_INGEST_PATH
            ? TRANSCRIPT_INGEST_BODY_LIMIT_BYTES
            : API_BODY_LIMIT_BYTES,
    ),
  );
  app.use(createHealthRouter({ store, isReady: () => ready, liveCalls: () => registry.size, startedAt, logger }));

  const apiRouter = Router();
  // Ingest clients authenticate with a key, not a session, and take larger bodies: before the rest.
  apiRouter.use(createIngestRouter({ verify: verifyIngestKey, service: ingest }));
  apiRouter.use(createTranscriptIngestRouter({ verify: verifyIngestKey, transcripts }));
  apiRouter.use(express.json({ limit: API_BODY_LIMIT_BYTES }), refuseNulCharacters);
  apiRouter.use(auth.authenticate, auth.csrfProtection);
  // Trainers reach a call's recording, history, speech and transcript through a coaching assignment on it.
  const coachedCall = (trainerId: string, callId: string) => evaluations.trainerHasCall(trainerId, callId);
  apiRouter.use(
    auth.router,
    createAuditRouter({ audit }),
    createCallsRouter(repository, (id) => registry.get(id), coachedCall),
    createSettingsRouter({ settings: settingsService, audit }),
    createScreensRouter({ screenshots, registry, repository, verifyIngestKey, audit, now, logger }),
    createRecordingsRouter({
      recordings,
      audit,
      logger,
      list: new RecordingList({ db: store.db, kind: store.kind, recordings: recordingRepository }),
      longCallRedMs: () => settingsService.current().longCallRedMs,
      trainerHasCall: coachedCall,
    }),
    createTranscriptRouter({ transcripts, coached: coachedCall }),
    createSpeechRouter({ speech, calls: repository, coached: coachedCall }),
    createSearchRouter({ search }),
    createEvaluationsRouter({ evaluations }),
  );
  apiRouter.use(apiNotFound);
  app.use('/api', apiRouter);
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
    get settings() {
      return settingsService.wallboard();
    },
    settingsService,
    auth,
    audit,
    retention,
    apiRouter,
    screenshots,
    recordings,
    audio: { hub: audioHub, monitors, ingest: audioIngest },
    dataDir,
    transcripts,
    speech,
    search,
    evaluations,

    async start(port, host) {
      const closed = await repository.closeDanglingCalls(clock.now(), (call) =>
        closeCall(call, call.lastEventAt, 'server_restart'),
      );
      if (closed.length > 0) {
        logger.warn(`closed ${closed.length} call(s) left live by the previous run (end reason server_restart)`);
      }
      stats.loadEnded(await repository.listEndedOfferedSince(startOfDay(clock.now())));
      await settingsService.load();
      if (await evaluations.ensureDefaultScorecard()) logger.info('seeded the default scorecard');
      const repaired = await recordings.repairUnfinished();
      if (repaired > 0) logger.warn(`repaired ${repaired} recording(s) left unfinished by the previous run`);
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
      // Runs at once (in the background) and then hourly.
      retention.start();
      ready = true;
      const actualPort = (httpServer.address() as AddressInfo).port;
      return { port: actualPort, url: `http://${host ?? 'localhost'}:${actualPort}`, closedCalls: closed.length };
    },

    close() {
      closing ??= (async () => {
        ready = false;
        await ingest.stop();
        await transcripts.stop();
        await audioIngest.close();
        await monitors.closeAll();
        monitors.stop();
        audioHub.stop();
        await recordings.close();
        await speech.stop();
        await speechEngine.stop();
        await speechModel.then(
          (model) => model.release(),
          () => {},
        );
        broadcaster.stop();
        screensHub.stop();
        await retention.stop();
        detachSocketGuard();
        await closeVite?.();
        const closed = new Promise<void>((resolve) => {
          void io.close(() => resolve());
        });
        const cut = setTimeout(() => {
          httpServer.closeAllConnections();
          for (const socket of openSockets) socket.destroy();
        }, SHUTDOWN_GRACE_MS);
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
