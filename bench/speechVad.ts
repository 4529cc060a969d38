/**
 * Voice-activity detector benchmark: how many live channels one core can follow, and how accurate the
 * detector is on the fixtures.
 *
 *   node --import tsx bench/speechVad.ts [--channels 256] [--seconds 60] [--no-gate-too] [--main-thread]
 *
 * Speed: `channels` channels of real speech (the simulator's espeak-ng phrases, 8 kHz) with pauses drawn
 * like one side of a conversation (about 40% speech: short pauses within a turn, longer ones while the other
 * side talks, a few long silences), line noise under everything (three channels in four at -65 dBFS, one in
 * four at -45 dBFS, above the energy gate). They go through one VadEngine (one onnxruntime session,
 * intraOpNumThreads 1) tick by tick: 80 ms of audio for every channel, then every waiting window to the model
 * in batches, as the live timer does. Real-time factor = audio seconds processed / CPU seconds this process
 * used meanwhile (user + system, all threads: frame levels, gate, batching and the model); a core follows that
 * many channels live. Building the audio is done before the clock starts.
 * Accuracy: the detector on tests/fixtures/speech against truth.json (boundary errors, missed long silences).
 * Prints figures for people, then one JSON object as the last line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AUDIO_FRAME_MS, AUDIO_SAMPLES_PER_FRAME, decodeMulaw } from '@earshot/shared';
import { mulberry32 } from '../server/src/simulator/random.js';
import { compareBoundaries, median } from '../server/src/speech/boundaryAccuracy.js';
import { detectSpeech } from '../server/src/speech/offline.js';
import { loadSileroModel, type SileroModel } from '../server/src/speech/sileroModel.js';
import { VadEngine } from '../server/src/speech/vadEngine.js';
import { DEFAULT_VAD_TUNING } from '../server/src/speech/vadStateMachine.js';
import { loadVadFixtures } from '../tests/fixtures/speech/fixtures.js';

const PHRASES_DIR = fileURLToPath(new URL('../server/src/simulator/audio/phrases/', import.meta.url));
/** Distinct side timelines built; channels share them at different offsets (memory stays small). */
const TIMELINES = 16;
/** Audio per tick and channel: the live inference timer's period. */
const TICK_FRAMES = 4;
const QUIET_NOISE_DBFS = -65;
const LOUD_NOISE_DBFS = -45;
const LOUD_NOISE_SHARE = 0.25;

export interface VadBenchOptions {
  /** Channels followed at once (one side of a call each); default 256. */
  channels?: number;
  /** Audio seconds per channel; default 60. */
  seconds?: number;
  /** Also measure with the energy gate off (every block to the model), for comparison. */
  withoutGate?: boolean;
  /** Where the model runs: a worker thread as in the server (default), or this thread. */
  thread?: 'worker' | 'main';
  log?: (line: string) => void;
}

export interface VadBenchResult {
  vad_realtime_factor: number;
  live_channels_per_core: number;
  /** Share of 100 ms blocks the energy gate kept from the model. */
  vad_gated_share: number;
  /** CPU per model window, µs (the whole process's CPU over the windows the model ran). */
  vad_cpu_us_per_inferred_window: number;
  vad_mean_batch: number;
  /**
   * Share of the CPU the main thread used (frame levels, gate, batching: the part that competes with the
   * server's own work; the model runs in its worker). Null where /proc does not tell (not Linux).
   */
  vad_main_thread_cpu_share: number | null;
  vad_speech_share: number;
  vad_channels: number;
  vad_audio_seconds: number;
  vad_cpu_seconds: number;
  vad_realtime_factor_no_gate?: number;
  vad_boundary_error_median_ms: number;
  vad_boundary_error_p90_ms: number;
  vad_boundary_error_max_ms: number;
  vad_long_silences: number;
  vad_missed_long_silences: number;
  vad_false_speech: number;
  vad_missed_speech: number;
}

/** Measures the detector's speed over simulated channels and its accuracy on the fixtures. */
export async function measureVad(options: VadBenchOptions = {}): Promise<VadBenchResult> {
  const log = options.log ?? (() => {});
  const channels = options.channels ?? 256;
  const seconds = options.seconds ?? 60;
  const model = await loadSileroModel({ threads: 1, thread: options.thread ?? 'worker' });
  try {
    const timelines = buildTimelines(seconds);
    const speechShare = timelines.reduce((sum, t) => sum + t.speechShare, 0) / timelines.length;
    log(`vad: ${channels} channels × ${seconds} s, speech share ${(speechShare * 100).toFixed(0)}%`);
    const gated = await runChannels(model, timelines, channels, seconds, true);
    log(
      `vad: ${gated.audioSeconds} audio s in ${gated.cpuSeconds.toFixed(2)} CPU s → real-time factor ${Math.round(gated.factor)} ` +
        `(gate kept ${(gated.gatedShare * 100).toFixed(0)}% of blocks from the model; ${gated.usPerWindow.toFixed(1)} µs CPU per ` +
        `model window; mean batch ${gated.meanBatch.toFixed(0)}; main thread ${gated.mainThreadShare === null ? '?' : (gated.mainThreadShare * 100).toFixed(0)}% of the CPU)`,
    );
    let noGateFactor: number | undefined;
    if (options.withoutGate) {
      const open = await runChannels(model, timelines, channels, seconds, false);
      noGateFactor = open.factor;
      log(
        `vad: without the gate, real-time factor ${Math.round(open.factor)} (${open.usPerWindow.toFixed(1)} µs per window)`,
      );
    }

    const errors: number[] = [];
    let longSilences = 0;
    let missedLongSilences = 0;
    let falseSpeech = 0;
    let missedSpeech = 0;
    for (const fixture of loadVadFixtures()) {
      const engine = new VadEngine({ model });
      const detected = await detectSpeech(engine, fixture.samples);
      await engine.stop();
      const report = compareBoundaries(fixture, detected);
      errors.push(...report.boundaryErrorsMs);
      longSilences += report.longSilences;
      missedLongSilences += report.missedLongSilences;
      falseSpeech += report.falseSpeech;
      missedSpeech += report.missedSpeech;
      log(
        `vad accuracy ${fixture.file}: ${report.detectedSegments}/${report.truthSegments} segments, boundary errors ` +
          `${report.boundaryErrorsMs.join(' ')} ms, missed long silences ${report.missedLongSilences}/${report.longSilences}`,
      );
    }
    const sorted = [...errors].sort((a, b) => a - b);
    const result: VadBenchResult = {
      vad_realtime_factor: Math.round(gated.factor),
      live_channels_per_core: Math.round(gated.factor),
      vad_gated_share: round(gated.gatedShare, 3),
      vad_cpu_us_per_inferred_window: round(gated.usPerWindow, 1),
      vad_mean_batch: round(gated.meanBatch, 1),
      vad_main_thread_cpu_share: gated.mainThreadShare === null ? null : round(gated.mainThreadShare, 3),
      vad_speech_share: round(speechShare, 3),
      vad_channels: channels,
      vad_audio_seconds: gated.audioSeconds,
      vad_cpu_seconds: round(gated.cpuSeconds, 2),
      ...(noGateFactor === undefined ? {} : { vad_realtime_factor_no_gate: Math.round(noGateFactor) }),
      vad_boundary_error_median_ms: median(errors),
      vad_boundary_error_p90_ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))] ?? 0,
      vad_boundary_error_max_ms: sorted.at(-1) ?? 0,
      vad_long_silences: longSilences,
      vad_missed_long_silences: missedLongSilences,
      vad_false_speech: falseSpeech,
      vad_missed_speech: missedSpeech,
    };
    log(
      `vad accuracy: boundary error median ${result.vad_boundary_error_median_ms} ms, p90 ${result.vad_boundary_error_p90_ms} ms, ` +
        `max ${result.vad_boundary_error_max_ms} ms; long silences missed ${missedLongSilences}/${longSilences}`,
    );
    return result;
  } finally {
    await model.release();
  }
}

interface Timeline {
  samples: Int16Array;
  speechShare: number;
}

/** Side timelines: phrases and pauses, noise under all; TIMELINES of them, `seconds` long each. */
function buildTimelines(seconds: number): Timeline[] {
  const manifest = JSON.parse(readFileSync(path.join(PHRASES_DIR, 'manifest.json'), 'utf8')) as {
    phrases: { file: string }[];
  };
  const phrases = manifest.phrases.map((p) =>
    decodeMulaw(new Uint8Array(readFileSync(path.join(PHRASES_DIR, p.file)))),
  );
  const rng = mulberry32(20_261_124);
  const length = seconds * 8000;
  const timelines: Timeline[] = [];
  for (let t = 0; t < TIMELINES; t++) {
    const samples = new Int16Array(length);
    let at = Math.floor(rng() * 8000);
    let speech = 0;
    while (at < length) {
      const phrase = phrases[Math.floor(rng() * phrases.length)] as Int16Array;
      const take = Math.min(phrase.length, length - at);
      samples.set(phrase.subarray(0, take), at);
      speech += take;
      at += take;
      // Pauses: within a turn, while the other side talks, or a long silence.
      const r = rng();
      const pauseS = r < 0.5 ? 0.4 + rng() * 1.1 : r < 0.9 ? 2 + rng() * 4 : 6 + rng() * 9;
      at += Math.floor(pauseS * 8000);
    }
    const noiseRms = 32768 * 10 ** ((t < TIMELINES * LOUD_NOISE_SHARE ? LOUD_NOISE_DBFS : QUIET_NOISE_DBFS) / 20);
    for (let i = 0; i < length; i++) {
      // Sum of uniforms: roughly Gaussian noise of the wanted RMS (variance of a uniform in ±1 is 1/3).
      const noise = (rng() + rng() + rng() - 1.5) * 2 * noiseRms;
      samples[i] = Math.max(-32768, Math.min(32767, Math.round((samples[i] as number) + noise)));
    }
    timelines.push({ samples, speechShare: speech / length });
  }
  return timelines;
}

async function runChannels(
  model: SileroModel,
  timelines: Timeline[],
  channelCount: number,
  seconds: number,
  gate: boolean,
) {
  const tuning = gate
    ? DEFAULT_VAD_TUNING
    : { ...DEFAULT_VAD_TUNING, gateDb: Number.NEGATIVE_INFINITY, gateAboveNoiseDb: Number.NEGATIVE_INFINITY };
  // The timer stays out of the way: each tick drains the engine itself.
  const engine = new VadEngine({ model, tuning, inferenceIntervalMs: 3_600_000 });
  const channels = Array.from({ length: channelCount }, (_, i) => ({
    channel: engine.open(() => {}),
    timeline: (timelines[i % timelines.length] as Timeline).samples,
    // Channels sharing a timeline start at different places in it (circularly).
    offsetFrames: (Math.floor(i / timelines.length) * 97) % (seconds * 50),
  }));
  const totalFrames = seconds * 50;
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuSeconds();
  for (let frame = 0; frame < totalFrames; frame += TICK_FRAMES) {
    for (const { channel, timeline, offsetFrames } of channels) {
      for (let f = frame; f < Math.min(totalFrames, frame + TICK_FRAMES); f++) {
        const from = ((f + offsetFrames) % totalFrames) * AUDIO_SAMPLES_PER_FRAME;
        channel.pushFrame(timeline.subarray(from, from + AUDIO_SAMPLES_PER_FRAME));
      }
    }
    await engine.drain();
  }
  await Promise.all(channels.map(({ channel }) => channel.close()));
  await engine.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const mainAfter = mainThreadCpuSeconds();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const audioSeconds = (channelCount * totalFrames * AUDIO_FRAME_MS) / 1000;
  const stats = engine.stats();
  return {
    audioSeconds,
    cpuSeconds,
    factor: audioSeconds / cpuSeconds,
    gatedShare: stats.gatedBlocks / stats.blocks,
    usPerWindow: (cpuSeconds * 1e6) / Math.max(1, stats.inferredBlocks),
    meanBatch: stats.inferredBlocks / Math.max(1, stats.runs),
    mainThreadShare: mainBefore === null || mainAfter === null ? null : (mainAfter - mainBefore) / cpuSeconds,
  };
}

/** CPU seconds of this process's main thread (Linux /proc; clock ticks of 10 ms), or null elsewhere. */
function mainThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      channels: { type: 'string', default: '256' },
      seconds: { type: 'string', default: '60' },
      'no-gate-too': { type: 'boolean', default: false },
      'main-thread': { type: 'boolean', default: false },
    },
  });
  const channels = Number(values.channels);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(channels) || channels < 1 || channels > 10_000) {
    process.stderr.write('--channels must be a whole number from 1 to 10000\n');
    process.exit(2);
  }
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 3_600) {
    process.stderr.write('--seconds must be a whole number from 5 to 3600\n');
    process.exit(2);
  }
  const result = await measureVad({
    channels,
    seconds,
    withoutGate: values['no-gate-too'],
    thread: values['main-thread'] ? 'main' : 'worker',
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result));
}
