import { LONG_CALL_AMBER_MS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the defaults for an empty environment, generating an ingest key', () => {
    const config = loadConfig({}, '/srv/earshot');
    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/srv/earshot/data',
      databaseUrl: null,
      ingestKeyGenerated: true,
      longCallAmberMs: LONG_CALL_AMBER_MS,
      simulator: { enabled: true },
    });
    expect(config.ingestKeys).toHaveLength(1);
    expect(config.ingestKeys[0]!.length).toBeGreaterThanOrEqual(24);
  });

  it('reads every variable, treating empty ones as unset', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        DATA_DIR: '/var/lib/earshot',
        DATABASE_URL: 'postgres://u@db/earshot',
        INGEST_KEYS: ' key-one-123, key-two-456 ,',
        LONG_CALL_AMBER_MS: '60000',
        LONG_CALL_RED_MS: '120000',
        SIMULATOR: 'off',
        SIM_AGENTS: '12',
        SIM_CALLS_PER_HOUR: '900',
        SIM_SPEED: '2.5',
        SIM_SEED: '',
      },
      '/',
    );
    expect(config).toMatchObject({
      port: 9000,
      dataDir: '/var/lib/earshot',
      databaseUrl: 'postgres://u@db/earshot',
      ingestKeys: ['key-one-123', 'key-two-456'],
      ingestKeyGenerated: false,
      longCallAmberMs: 60_000,
      longCallRedMs: 120_000,
      simulator: { enabled: false, agents: 12, callsPerHour: 900, speed: 2.5 },
    });
  });

  it('names every bad variable in one message', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SIMULATOR: 'maybe', INGEST_KEYS: 'short' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT: expected a whole number/);
      expect(message).toMatch(/DATABASE_URL: expected a postgres:\/\/ URL/);
      expect(message).toMatch(/SIMULATOR: expected on or off/);
      expect(message).toMatch(/INGEST_KEYS/);
    }
  });

  it('refuses an amber threshold that is not below the red one', () => {
    expect(() => loadConfig({ LONG_CALL_AMBER_MS: '900000', LONG_CALL_RED_MS: '900000' })).toThrow(
      /LONG_CALL_AMBER_MS must be smaller than LONG_CALL_RED_MS/,
    );
  });
});
