import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  DEFAULT_RETENTION_DAYS,
  describeZodError,
  LONG_CALL_AMBER_MS,
  LONG_CALL_RED_MS,
  LONG_CALL_THRESHOLD_MAX_MS,
  LONG_CALL_THRESHOLD_MIN_MS,
  RETENTION_DAYS_MAX,
  RETENTION_DAYS_MIN,
} from '@earshot/shared';
import { z } from 'zod';
import { MAX_CALLS_PER_HOUR, MAX_SEED, MAX_SPEED, MIN_SPEED, SIMULATOR_DEFAULTS } from './simulator/options.js';
import { MAX_AGENTS } from './simulator/people.js';

/**
 * `demo` (default, the README's `npm start`): demo accounts for every role with fresh passwords printed at
 * start, and the simulator on. `production`: the first admin comes from EARSHOT_ADMIN_USERNAME/PASSWORD or
 * the CLI, and the simulator is off unless SIMULATOR=on.
 */
export type EarshotMode = 'demo' | 'production';

/** Everything the server reads from the environment, typed and checked once at start-up. */
export interface Config {
  mode: EarshotMode;
  port: number;
  /** Absolute path; holds the SQLite database (and later media files). */
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; null means SQLite at `dataDir/earshot.db`. */
  databaseUrl: string | null;
  ingestKeys: string[];
  /** True when INGEST_KEYS was unset and a key was generated for this run. */
  ingestKeyGenerated: boolean;
  /** Starting values; what an admin saves with PUT /api/settings is stored and wins. */
  longCallAmberMs: number;
  longCallRedMs: number;
  retentionDays: number;
  /**
   * Express's `trust proxy`: false (default) uses the connection's address; behind a reverse proxy set the
   * number of proxy hops or their addresses, so sign-in limits and the audit log see the client's address
   * and cookies are Secure when the proxy spoke HTTPS.
   */
  trustProxy: boolean | number | string;
  simulator: {
    enabled: boolean;
    agents: number;
    callsPerHour: number;
    speed: number;
    seed: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An unset variable and an empty one mean the same: use the default. */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const decimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `expected a number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const MIN_INGEST_KEY_LENGTH = 8;

const EnvSchema = z
  .object({
    EARSHOT_MODE: optional(z.enum(['demo', 'production'], { error: 'expected demo or production' })),
    PORT: optional(integer(0, 65_535)),
    DATA_DIR: optional(z.string()),
    DATABASE_URL: optional(
      z
        .string()
        .trim()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL (leave unset for the embedded SQLite store)'),
    ),
    INGEST_KEYS: optional(
      z
        .string()
        .transform((list) =>
          list
            .split(',')
            .map((key) => key.trim())
            .filter((key) => key.length > 0),
        )
        .pipe(
          z
            .array(
              z
                .string()
                .min(MIN_INGEST_KEY_LENGTH, `each ingest key needs at least ${MIN_INGEST_KEY_LENGTH} characters`),
            )
            .min(1, 'expected a comma-separated list of keys'),
        ),
    ),
    LONG_CALL_AMBER_MS: optional(integer(LONG_CALL_THRESHOLD_MIN_MS, LONG_CALL_THRESHOLD_MAX_MS)),
    LONG_CALL_RED_MS: optional(integer(LONG_CALL_THRESHOLD_MIN_MS, LONG_CALL_THRESHOLD_MAX_MS)),
    RETENTION_DAYS: optional(integer(RETENTION_DAYS_MIN, RETENTION_DAYS_MAX)),
    TRUST_PROXY: optional(
      z
        .string()
        .trim()
        .refine(
          (value) =>
            /^\d{1,2}$/.test(value) ||
            value
              .split(',')
              .every((token) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(token.trim())),
          'expected a number of proxy hops (e.g. 1) or a comma-separated list of addresses, subnets or loopback/linklocal/uniquelocal',
        ),
    ),
    SIMULATOR: optional(z.enum(['on', 'off'], { error: 'expected on or off' })),
    SIM_AGENTS: optional(integer(1, MAX_AGENTS)),
    SIM_CALLS_PER_HOUR: optional(integer(1, MAX_CALLS_PER_HOUR)),
    SIM_SPEED: optional(decimal(MIN_SPEED, MAX_SPEED)),
    SIM_SEED: optional(integer(0, MAX_SEED)),
  })
  .refine((env) => (env.LONG_CALL_AMBER_MS ?? LONG_CALL_AMBER_MS) < (env.LONG_CALL_RED_MS ?? LONG_CALL_RED_MS), {
    message: 'LONG_CALL_AMBER_MS must be smaller than LONG_CALL_RED_MS',
    path: ['LONG_CALL_AMBER_MS'],
  });

/** A fresh random key, long enough not to be guessed. */
export function generateIngestKey(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Reads the configuration from `env`. Throws a ConfigError naming every bad variable, so start-up stops
 * with a message instead of running half-configured.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const { details } = describeZodError(parsed.error, 'configuration');
    const lines = details.map((d) => `  ${d.path}: ${d.message}`).join('\n');
    throw new ConfigError(`invalid configuration (environment variables):\n${lines}`);
  }
  const e = parsed.data;
  const ingestKeys = e.INGEST_KEYS ?? [generateIngestKey()];
  const mode = e.EARSHOT_MODE ?? 'demo';
  return {
    mode,
    port: e.PORT ?? 8080,
    dataDir: path.resolve(cwd, e.DATA_DIR ?? './data'),
    databaseUrl: e.DATABASE_URL ?? null,
    ingestKeys,
    ingestKeyGenerated: e.INGEST_KEYS === undefined,
    longCallAmberMs: e.LONG_CALL_AMBER_MS ?? LONG_CALL_AMBER_MS,
    longCallRedMs: e.LONG_CALL_RED_MS ?? LONG_CALL_RED_MS,
    retentionDays: e.RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    simulator: {
      // A production server takes real calls only, unless the simulator is asked for.
      enabled: (e.SIMULATOR ?? (mode === 'demo' ? 'on' : 'off')) === 'on',
      agents: e.SIM_AGENTS ?? SIMULATOR_DEFAULTS.agents,
      callsPerHour: e.SIM_CALLS_PER_HOUR ?? SIMULATOR_DEFAULTS.callsPerHour,
      speed: e.SIM_SPEED ?? SIMULATOR_DEFAULTS.speed,
      seed: e.SIM_SEED ?? SIMULATOR_DEFAULTS.seed,
    },
  };
}

/** `1` → 1 hop; `loopback, 10.0.0.0/8` → that list as Express reads it; unset → trust nobody. */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined) return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
