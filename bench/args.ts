import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Live calls per event/s in the default steady rate: 5,000 calls → 139 events/s, each call changing every 30–60 s. */
export const DEFAULT_CALLS_PER_EVENT_PER_S = 36;

const positiveInt = (name: string, max: number) =>
  z.coerce
    .number({ message: `--${name} must be a number` })
    .int(`--${name} must be a whole number`)
    .min(1, `--${name} must be at least 1`)
    .max(max, `--${name} must be at most ${max}`);

export const BenchArgsSchema = z
  .object({
    calls: positiveInt('calls', 50_000).default(5000),
    dashboards: positiveInt('dashboards', 1000).default(100),
    /** Length of the steady phase, which is what the headline figures describe. */
    seconds: positiveInt('seconds', 600).default(30),
    /** Ingest events per second in the steady phase (all types, replacement offers included). */
    rate: positiveInt('rate', 20_000).optional(),
    /** Seconds over which the N calls are offered (and then answered) before the steady phase. */
    ramp: positiveInt('ramp', 120).optional(),
    /** Flush interval of the real server (createApp's flushIntervalMs); default WALLBOARD_FLUSH_INTERVAL_MS. */
    flushMs: positiveInt('flush-ms', 10_000).optional(),
    /** Flush interval of the floor server; default the same as the real server's. */
    floorFlushMs: positiveInt('floor-flush-ms', 10_000).optional(),
    seed: positiveInt('seed', 2 ** 31).default(20261124),
  })
  .strict();
export type BenchArgs = z.infer<typeof BenchArgsSchema>;

export interface ResolvedBenchArgs extends Omit<BenchArgs, 'rate' | 'ramp' | 'flushMs' | 'floorFlushMs'> {
  rate: number;
  ramp: number;
  flushMs: number;
  floorFlushMs: number;
}

export const USAGE = `usage: npm run bench:wallboard -- [--calls N] [--dashboards M] [--seconds S]
                                [--rate EVENTS_PER_S] [--ramp S] [--flush-ms MS] [--floor-flush-ms MS] [--seed N]
  --calls           live calls kept on the wallboard (default 5000)
  --dashboards      dashboard clients joined to the wallboard (default 100)
  --seconds         length of the measured steady phase (default 30)
  --rate            ingest events per second in the steady phase, all types (default calls / ${DEFAULT_CALLS_PER_EVENT_PER_S})
  --ramp            seconds to offer the calls, and again to answer them (default calls / 1000, 1..10)
  --flush-ms        the server's wallboard flush interval (default WALLBOARD_FLUSH_INTERVAL_MS, via createApp)
  --floor-flush-ms  batching interval of the bare ws floor (default: the same as --flush-ms)
  --seed            seed of the workload's random choices`;

/** Parses the command line; throws an Error whose message names the bad option. */
export function parseBenchArgs(argv: string[], serverFlushMs: number): ResolvedBenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      calls: { type: 'string' },
      dashboards: { type: 'string' },
      seconds: { type: 'string' },
      rate: { type: 'string' },
      ramp: { type: 'string' },
      'flush-ms': { type: 'string' },
      'floor-flush-ms': { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const { 'flush-ms': flushMs, 'floor-flush-ms': floorFlushMs, ...rest } = values;
  const parsed = BenchArgsSchema.safeParse({ ...rest, flushMs, floorFlushMs });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const args = parsed.data;
  return {
    ...args,
    rate: args.rate ?? Math.max(1, Math.round(args.calls / DEFAULT_CALLS_PER_EVENT_PER_S)),
    ramp: args.ramp ?? Math.min(10, Math.max(1, Math.ceil(args.calls / 1000))),
    flushMs: args.flushMs ?? serverFlushMs,
    floorFlushMs: args.floorFlushMs ?? args.flushMs ?? serverFlushMs,
  };
}
