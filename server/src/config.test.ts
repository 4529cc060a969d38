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

  it('defaults to demo mode with the simulator on, a 90-day retention and no trusted proxy', () => {
    expect(loadConfig({}, '/')).toMatchObject({
      mode: 'demo',
      retentionDays: 90,
      trustProxy: false,
      simulator: { enabled: true },
    });
  });

  it('turns the simulator off by default in production mode, unless asked for', () => {
    expect(loadConfig({ EARSHOT_MODE: 'production' }, '/')).toMatchObject({
      mode: 'production',
      simulator: { enabled: false },
    });
    expect(loadConfig({ EARSHOT_MODE: 'production', SIMULATOR: 'on' }, '/').simulator.enabled).toBe(true);
  });

  it('reads RETENTION_DAYS and TRUST_PROXY, and names them when wrong', () => {
    expect(loadConfig({ RETENTION_DAYS: '30', TRUST_PROXY: '1' }, '/')).toMatchObject({
      retentionDays: 30,
      trustProxy: 1,
    });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, '/').trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ EARSHOT_MODE: 'staging' })).toThrow(/EARSHOT_MODE: expected demo or production/);
  });
});
