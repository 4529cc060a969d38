import type { RunningSimulator } from './driver.js';
import { runSimulator } from './driver.js';
import { SimulatorSettingsSchema } from './options.js';
import { DEFAULT_SCREEN_UPLOADS_PER_SECOND } from './screenUploader.js';

export type { Utterance } from './audio/dialogue.js';
export type { RunningSimulator, SimulatorAudio, SimulatorStats } from './driver.js';
export { CLI_USAGE, parseCliArgs, SIMULATOR_DEFAULTS, SimulatorSettingsSchema } from './options.js';

/**
 * The built-in call simulator: a separate ingest client that connects to `${serverUrl}/ingest` with an
 * ingest key and plays a contact centre's calls (see model.ts for the distributions). main.ts runs it
 * in-process; cli.ts runs it as its own process against any server.
 */
export interface SimulatorOptions {
  serverUrl: string;
  ingestKey: string;
  agents: number;
  /** Mean arrivals per hour over the day; the hour-of-day profile makes the night quiet and the evening busy. */
  callsPerHour: number;
  /** Simulated seconds per real second. */
  speed: number;
  seed: number;
  /** Epoch ms where the simulated clock starts, for the hour-of-day profile; default Date.now(). */
  startAt?: number;
  /**
   * Simulated agent screens (rendered desktops uploaded every CAPTURE_INTERVAL_MS of real time per call on
   * the go), at most `maxUploadsPerSecond` overall (default DEFAULT_SCREEN_UPLOADS_PER_SECOND). Default off.
   */
  screens?: boolean | { maxUploadsPerSecond: number };
  /** Each answered call's audio (both sides, from the committed speech fixtures) over the audio ingest; default on. */
  audio?: boolean;
  /** With audio, the text of each utterance as a transcript segment through the ingest protocol; default on. */
  transcripts?: boolean;
  log?: (line: string) => void;
}

/** Starts the simulator; it connects, reconnects on its own, and runs until stop(). Throws on invalid options. */
export function startSimulator(options: SimulatorOptions): RunningSimulator {
  const { log, screens, ...settings } = options;
  const maxUploadsPerSecond =
    typeof screens === 'object' ? screens.maxUploadsPerSecond : DEFAULT_SCREEN_UPLOADS_PER_SECOND;
  if (!(maxUploadsPerSecond > 0))
    throw new Error('invalid simulator options: screens.maxUploadsPerSecond must be more than 0');
  const parsed = SimulatorSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new Error(`invalid simulator options: ${problems}`);
  }
  const startedAt = Date.now();
  return runSimulator({
    ...parsed.data,
    startAt: parsed.data.startAt ?? startedAt,
    // The server remembers event ids forever: the start time keeps a restarted run from reusing them.
    runId: startedAt.toString(36),
    screens: screens ? { maxUploadsPerSecond } : null,
    log: log ?? ((line) => console.log(`[simulator] ${line}`)),
  });
}
