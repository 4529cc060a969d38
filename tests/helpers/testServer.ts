import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LONG_CALL_AMBER_MS, LONG_CALL_RED_MS, ROLES, type Role } from '@earshot/shared';
import pg from 'pg';
import { type AppDeps, createApp, type EarshotApp, type Frontend } from '../../server/src/app.js';
import type { Clock } from '../../server/src/clock.js';
import { createMemoryLogger, type Logger } from '../../server/src/logger.js';
import { openStore, type Store, type StoreLocation } from '../../server/src/store/openStore.js';

export type TestStoreKind = 'sqlite' | 'postgres';
/** Integration suites run once per store. */
export const TEST_STORE_KINDS: readonly TestStoreKind[] = ['sqlite', 'postgres'];

/** A PostgreSQL server the tests may create and drop databases on (TEST_DATABASE_URL overrides). */
export const TEST_POSTGRES_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A place for a store that outlives any one server: a temp DATA_DIR for SQLite, or a fresh database
 * `earshot_test_<random>` for PostgreSQL. Start several servers on it in turn (restart tests), then dispose.
 */
export interface TestStoreLocation {
  kind: TestStoreKind;
  location: StoreLocation;
  dispose(): Promise<void>;
}

export async function createTestStoreLocation(kind: TestStoreKind): Promise<TestStoreLocation> {
  if (kind === 'sqlite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-test-'));
    return {
      kind,
      location: { kind: 'sqlite', filename: path.join(dataDir, 'earshot.db') },
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `earshot_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(TEST_POSTGRES_ADMIN_URL, (client) => client.query(`create database ${name}`));
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    location: { kind: 'postgres', url: url.toString() },
    dispose: async () => {
      await withAdminClient(TEST_POSTGRES_ADMIN_URL, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

async function withAdminClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL for the integration tests is not reachable at ${url} (set TEST_DATABASE_URL): ${(error as Error).message}`,
    );
  }
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export interface TestServerOptions {
  /** A store kind (a fresh one is made, and removed on close) or a location that outlives the server. */
  store?: TestStoreKind | TestStoreLocation;
  ingestKey?: string;
  clock?: Clock;
  /** Default: the built dashboard from client/dist (a clear 503 page when it is not built). */
  frontend?: Frontend;
  flushIntervalMs?: number;
  longCallAmberMs?: number;
  longCallRedMs?: number;
  /** Default: a logger that keeps lines in memory (printed nowhere). */
  logger?: Logger;
  /** Starting retention period (RETENTION_DAYS); default 90. */
  retentionDays?: number;
  /** How often retention runs after the start-up run; default hourly. */
  retentionIntervalMs?: number;
  /** DATA_DIR (media files) that outlives the server; default a fresh one, removed on close. */
  dataDir?: string;
  /**
   * Sign-in limits. Default: the per-account limit as in production, the per-address limit raised to
   * 10 000, because every test signs in from 127.0.0.1.
   */
  rateLimits?: NonNullable<AppDeps['auth']>['rateLimits'];
}

/** A demo account's name and password, as the server printed them at start. */
export interface TestCredentials {
  username: string;
  password: string;
}

/** Demo credentials of every running test server, by its URL, so `signIn(url, role)` needs only the URL. */
const credentialsByUrl = new Map<string, Record<Role, TestCredentials>>();

/** The demo account of `role` on the test server at `url`. */
export function credentialsFor(url: string, role: Role): TestCredentials {
  const users = credentialsByUrl.get(url.replace(/\/+$/, ''));
  if (!users) throw new Error(`no test server started by startTestServer runs at ${url}`);
  return users[role];
}

export interface TestServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  ingestKey: string;
  app: EarshotApp;
  store: Store;
  storeLocation: TestStoreLocation;
  /** The demo accounts (bootstrap in demo mode), one per role: `server.users.controller.password`. */
  users: Record<Role, TestCredentials>;
  /** Stops the server and closes the store; removes the store too when this server created it. */
  close(): Promise<void>;
}

/**
 * Starts a real Earshot server on a free port, as main.ts does in demo mode (store opened and migrated,
 * demo accounts made with fresh passwords, calls left live by a previous server on the same store closed),
 * without the simulator. For integration and browser tests and the benchmark.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownsLocation = typeof options.store !== 'object';
  const storeLocation =
    typeof options.store === 'object' ? options.store : await createTestStoreLocation(options.store ?? 'sqlite');
  const ingestKey = options.ingestKey ?? `test-key-${randomBytes(8).toString('hex')}`;
  const logger = options.logger ?? createMemoryLogger();
  let store: Store | undefined;
  // Media files (screenshots, recordings) of this server alone, removed on close, unless the test gave a place.
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'earshot-test-media-'));
  const removeDataDir = () => {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    store = await openStore(storeLocation.location);
    const app = createApp({
      store,
      config: {
        ingestKeys: [ingestKey],
        dataDir,
        longCallAmberMs: options.longCallAmberMs ?? LONG_CALL_AMBER_MS,
        longCallRedMs: options.longCallRedMs ?? LONG_CALL_RED_MS,
        ...(options.retentionDays ? { retentionDays: options.retentionDays } : {}),
      },
      logger,
      auth: { rateLimits: { maxFailuresPerAddress: 10_000, ...options.rateLimits } },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.frontend ? { frontend: options.frontend } : {}),
      ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
      ...(options.retentionIntervalMs ? { retentionIntervalMs: options.retentionIntervalMs } : {}),
    });
    const { demoCredentials } = await app.auth.ensureBootstrapUsers({ mode: 'demo', logger });
    const users = Object.fromEntries(
      ROLES.map((role) => {
        const found = demoCredentials.find((c) => c.role === role);
        if (!found) throw new Error(`bootstrap made no demo account for ${role}`);
        return [role, { username: found.username, password: found.password }];
      }),
    ) as Record<Role, TestCredentials>;
    const { port } = await app.start(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    credentialsByUrl.set(url, users);
    const openedStore = store;
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      ingestKey,
      app,
      store: openedStore,
      storeLocation,
      users,
      close() {
        closing ??= (async () => {
          credentialsByUrl.delete(url);
          await app.close();
          await openedStore.close();
          removeDataDir();
          if (ownsLocation) await storeLocation.dispose();
        })();
        return closing;
      },
    };
  } catch (error) {
    await store?.close().catch(() => {});
    removeDataDir();
    if (ownsLocation) await storeLocation.dispose().catch(() => {});
    throw error;
  }
}

/** A clock tests can move forward (service-level thresholds, midnight) without waiting. */
export class AdjustableClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
