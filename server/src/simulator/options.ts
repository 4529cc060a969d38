import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_AGENTS } from './people.js';

/** What the simulator runs with when nothing else is said (the CLI and, through config.ts, the server). */
export const SIMULATOR_DEFAULTS = {
  serverUrl: 'http://localhost:8080',
  agents: 40,
  /** Mean over the day; the evening peak is about 1.7 times this, the small hours about a tenth. */
  callsPerHour: 240,
  speed: 1,
  seed: 42,
} as const;

export const MAX_CALLS_PER_HOUR = 50_000;
export const MAX_SPEED = 1_000;
export const MIN_SPEED = 0.1;
export const MAX_SEED = 0xffff_ffff;

/** The checks shared by the programmatic options and the command line. */
export const SimulatorSettingsSchema = z.object({
  serverUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  ingestKey: z.string().min(1, 'must not be empty'),
  agents: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_AGENTS, `must be at most ${MAX_AGENTS}`),
  callsPerHour: z
    .number()
    .positive('must be more than 0')
    .max(MAX_CALLS_PER_HOUR, `must be at most ${MAX_CALLS_PER_HOUR}`),
  speed: z.number().min(MIN_SPEED, `must be at least ${MIN_SPEED}`).max(MAX_SPEED, `must be at most ${MAX_SPEED}`),
  seed: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(MAX_SEED, `must be at most ${MAX_SEED}`),
  startAt: z.number().int().min(946684800000, 'must be epoch milliseconds after 2000-01-01').optional(),
  /** The calls' live audio over the audio ingest WebSocket (default on). */
  audio: z.boolean().optional(),
  /** With audio, transcript segments of what was said over the ingest socket (default on). */
  transcripts: z.boolean().optional(),
});
export type SimulatorSettings = z.infer<typeof SimulatorSettingsSchema>;

/** Command-line flags, the environment variable each falls back to, and the settings field it fills. */
const FLAGS = {
  url: { env: 'EARSHOT_URL', field: 'serverUrl', numeric: false },
  key: { env: 'INGEST_KEY', field: 'ingestKey', numeric: false },
  agents: { env: 'SIM_AGENTS', field: 'agents', numeric: true },
  'calls-per-hour': { env: 'SIM_CALLS_PER_HOUR', field: 'callsPerHour', numeric: true },
  speed: { env: 'SIM_SPEED', field: 'speed', numeric: true },
  seed: { env: 'SIM_SEED', field: 'seed', numeric: true },
} as const satisfies Record<string, { env: string; field: keyof SimulatorSettings; numeric: boolean }>;
type Flag = keyof typeof FLAGS;

export const CLI_USAGE = `Earshot call simulator: plays a contact centre's calls into an Earshot server over the ingest protocol.

Usage: node --import tsx server/src/simulator/cli.ts [options]

Options (each falls back to the environment variable shown, then to the default):
  --url URL              server base URL                       EARSHOT_URL         (${SIMULATOR_DEFAULTS.serverUrl})
  --key KEY              ingest key (required)                 INGEST_KEY
  --agents N             agents in the pool (1-${MAX_AGENTS})           SIM_AGENTS          (${SIMULATOR_DEFAULTS.agents})
  --calls-per-hour N     mean arrivals per hour over the day   SIM_CALLS_PER_HOUR  (${SIMULATOR_DEFAULTS.callsPerHour})
                         (shaped by hour of day: quiet night, lunch and evening peaks)
  --speed X              simulated seconds per real second     SIM_SPEED           (${SIMULATOR_DEFAULTS.speed})
  --seed N               random seed (0-${MAX_SEED})        SIM_SEED            (${SIMULATOR_DEFAULTS.seed})
  --no-screens           don't render and upload the agents' screens (on by default)
  --no-audio             don't stream the calls' audio (on by default)
  -h, --help             show this help

Example: node --import tsx server/src/simulator/cli.ts --url http://localhost:8080 --key KEY --agents 40 --calls-per-hour 600 --speed 10 --seed 42`;

export type CliParseResult =
  | { kind: 'help' }
  | { kind: 'run'; settings: SimulatorSettings; screens: boolean; audio: boolean }
  | { kind: 'error'; message: string };

/** Turns argv (without node and script) plus the environment into validated settings, or a message naming what is wrong. */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliParseResult {
  let values: Partial<Record<Flag | 'help' | 'no-screens' | 'no-audio', string | boolean>>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        agents: { type: 'string' },
        'calls-per-hour': { type: 'string' },
        speed: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'no-screens': { type: 'boolean' },
        'no-audio': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    return { kind: 'error', message: `${error instanceof Error ? error.message : String(error)} (see --help)` };
  }
  if (values.help) return { kind: 'help' };

  const problems: string[] = [];
  /** Fields already reported, so a missing or non-numeric value is not reported twice. */
  const reported = new Set<string>();
  const raw: Record<string, unknown> = {};
  /** Where each value came from (`--agents` or `SIM_AGENTS`), to name it in a message. */
  const sources: Record<string, string> = {};
  for (const [flag, spec] of Object.entries(FLAGS) as [Flag, (typeof FLAGS)[Flag]][]) {
    const fromFlag = values[flag];
    const text = typeof fromFlag === 'string' ? fromFlag : env[spec.env];
    const source = typeof fromFlag === 'string' ? `--${flag}` : spec.env;
    sources[spec.field] = source;
    if (text === undefined || text.trim() === '') {
      if (spec.field === 'ingestKey') {
        problems.push('missing ingest key: pass --key or set INGEST_KEY');
        reported.add(spec.field);
      } else raw[spec.field] = SIMULATOR_DEFAULTS[spec.field];
      continue;
    }
    if (!spec.numeric) {
      raw[spec.field] = text.trim();
      continue;
    }
    // Number('') is 0 and Number('0x10') is 16: accept plain decimal notation only.
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
      problems.push(`${source} must be a number, got "${text}"`);
      reported.add(spec.field);
      continue;
    }
    raw[spec.field] = Number(text.trim());
  }

  const parsed = SimulatorSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      if (reported.has(field)) continue;
      problems.push(`${sources[field] ?? field} ${issue.message}, got ${JSON.stringify(raw[field])}`);
    }
  }
  if (problems.length > 0 || !parsed.success) return { kind: 'error', message: problems.join('\n') };
  return {
    kind: 'run',
    settings: parsed.data,
    screens: values['no-screens'] !== true,
    audio: values['no-audio'] !== true,
  };
}
