/**
 * `npm run bench:speech`: the voice-activity detector's speed (real-time factor per core: how many channels
 * one core can follow live) and accuracy on the speech fixtures, then transcript search latency (p50, p95)
 * over 100,000 and 1,000,000 stored segments. Targets: 2,000 live channels on one core; search p95 under
 * 50 ms at one million segments. Method: bench/speechVad.ts and bench/speechSearch.ts, docs/benchmarks.md.
 *
 * Options: --channels (detector, default 1000), --seconds (audio per channel, default 60), --sizes
 * (segments, default 100000,1000000). Last line: one JSON object.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { measureSearch } from './speechSearch.js';
import { measureVad } from './speechVad.js';

const { values } = parseArgs({
  options: {
    channels: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    sizes: { type: 'string', default: '100000,1000000' },
  },
});
const channels = Number(values.channels);
const seconds = Number(values.seconds);
const sizes = values.sizes.split(',').map((size) => Number(size.replace(/_/g, '')));
if (!Number.isInteger(channels) || channels < 1 || channels > 10_000) {
  throw new Error('--channels must be a whole number from 1 to 10000');
}
if (!Number.isInteger(seconds) || seconds < 5 || seconds > 3_600) {
  throw new Error('--seconds must be a whole number from 5 to 3600');
}
if (sizes.some((size) => !Number.isInteger(size) || size < 1_000)) {
  throw new Error('--sizes must be whole numbers of at least 1000, comma-separated');
}

const log = (line: string) => console.log(line);
const loadAtStart = os.loadavg()[0] ?? 0;
console.log(
  `earshot speech bench: detector ${channels} channels × ${seconds} s, search over ${sizes.join(', ')} segments; ` +
    `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${loadAtStart.toFixed(2)}`,
);
const vad = await measureVad({ channels, seconds, withoutGate: true, log });
const search = await measureSearch({ sizes, log });
const result = {
  bench: 'speech',
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, node: process.version, load_at_start: loadAtStart, load_at_end: os.loadavg()[0] },
  ...vad,
  ...search,
  targets_met: vad.live_channels_per_core >= 2_000 && (search.search_p95_ms_1m ?? Number.POSITIVE_INFINITY) < 50,
};
console.log(
  `=== detector: ${vad.live_channels_per_core} channels per core (no gate ${vad.vad_realtime_factor_no_gate ?? '-'}), ` +
    `boundary error median ${vad.vad_boundary_error_median_ms} ms, max ${vad.vad_boundary_error_max_ms} ms; ` +
    `search p95 ${search.search_p95_ms_100k ?? '-'} ms at 100k, ${search.search_p95_ms_1m ?? '-'} ms at 1M`,
);
console.log(JSON.stringify(result));
