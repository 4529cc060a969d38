import { describe, expect, it } from 'vitest';
import { parseCliArgs, SIMULATOR_DEFAULTS } from './options.js';

const KEY = ['--key', 'k-123'];

function settingsOf(result: ReturnType<typeof parseCliArgs>) {
  if (result.kind !== 'run') throw new Error(`expected settings, got ${JSON.stringify(result)}`);
  return result.settings;
}

function errorOf(result: ReturnType<typeof parseCliArgs>): string {
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return result.message;
}

describe('parseCliArgs', () => {
  it('reads every flag', () => {
    const argv = ['--url', 'http://localhost:9090', ...KEY, '--agents', '12', '--calls-per-hour', '600'];
    const settings = settingsOf(parseCliArgs([...argv, '--speed', '2.5', '--seed', '7'], {}));
    expect(settings).toEqual({
      serverUrl: 'http://localhost:9090',
      ingestKey: 'k-123',
      agents: 12,
      callsPerHour: 600,
      speed: 2.5,
      seed: 7,
    });
  });

  it('falls back to the environment, then to the defaults; flags win over the environment', () => {
    const env = { INGEST_KEY: 'from-env', SIM_SPEED: '10', SIM_AGENTS: '5', EARSHOT_URL: 'https://earshot.example' };
    const settings = settingsOf(parseCliArgs(['--agents', '8'], env));
    expect(settings).toMatchObject({
      ingestKey: 'from-env',
      speed: 10,
      agents: 8,
      serverUrl: 'https://earshot.example',
    });
    expect(settings.callsPerHour).toBe(SIMULATOR_DEFAULTS.callsPerHour);
    expect(settings.seed).toBe(SIMULATOR_DEFAULTS.seed);
  });

  it("renders the agents' screens unless --no-screens", () => {
    const on = parseCliArgs(['--key', 'k-12345678'], {});
    const off = parseCliArgs(['--key', 'k-12345678', '--no-screens'], {});
    expect(on).toMatchObject({ kind: 'run', screens: true });
    expect(off).toMatchObject({ kind: 'run', screens: false });
  });

  it('asks for the key when there is none', () => {
    expect(errorOf(parseCliArgs([], {}))).toBe('missing ingest key: pass --key or set INGEST_KEY');
  });

  it.each([
    [['--agents', 'many'], '--agents must be a number, got "many"'],
    [['--agents', '0'], '--agents must be at least 1, got 0'],
    [['--agents', '2.5'], '--agents must be a whole number, got 2.5'],
    [['--calls-per-hour=-3'], '--calls-per-hour must be more than 0, got -3'],
    [['--speed', '0'], '--speed must be at least 0.1, got 0'],
    [['--speed', '0x10'], '--speed must be a number, got "0x10"'],
    [['--seed=-1'], '--seed must not be negative, got -1'],
    [['--url', 'ftp://host'], '--url must be an http:// or https:// URL, got "ftp://host"'],
  ])('names the flag and the value when %j is wrong', (argv, message) => {
    expect(errorOf(parseCliArgs([...KEY, ...argv], {}))).toBe(message);
  });

  it('names the environment variable when the bad value came from there', () => {
    expect(errorOf(parseCliArgs(KEY, { SIM_SPEED: 'fast' }))).toBe('SIM_SPEED must be a number, got "fast"');
  });

  it('reports every problem at once', () => {
    const message = errorOf(parseCliArgs(['--agents', 'x', '--speed', '5000'], {}));
    expect(message.split('\n')).toEqual([
      'missing ingest key: pass --key or set INGEST_KEY',
      '--agents must be a number, got "x"',
      '--speed must be at most 1000, got 5000',
    ]);
  });

  it('refuses unknown flags and stray arguments, and answers --help', () => {
    expect(errorOf(parseCliArgs([...KEY, '--agnets', '3'], {}))).toMatch(/agnets.*see --help/);
    expect(errorOf(parseCliArgs([...KEY, 'extra'], {}))).toMatch(/extra/);
    expect(parseCliArgs(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h', '--agents', 'x'], {})).toEqual({ kind: 'help' });
  });
  it('streams audio unless --no-audio', () => {
    expect(parseCliArgs(['--key', 'k-12345678'], {})).toMatchObject({ kind: 'run', audio: true });
    expect(parseCliArgs(['--key', 'k-12345678', '--no-audio'], {})).toMatchObject({ kind: 'run', audio: false });
  });
});
