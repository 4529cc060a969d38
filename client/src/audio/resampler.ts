/**
 * Sample-rate conversion between telephone audio (8 kHz) and the browser's audio context (usually 48 kHz),
 * both ways, streaming and pure (the worklets run them; unit tests check them).
 *
 * Up (playback): linear interpolation. Telephone audio holds nothing above 4 kHz, and the images linear
 * interpolation leaves above 4 kHz are weak (−20 dB and less) and masked by the speech below them.
 * We do not hand the job to an AudioContext created at 8 kHz: the same context also captures the
 * microphone, which would then be resampled by the browser with no say in its low-pass.
 *
 * Down (microphone): a windowed-sinc low-pass at 3.4 kHz, evaluated only where an output sample falls, then
 * linear interpolation between the two nearest filtered samples (exact for integer ratios such as 48k → 8k).
 * Without the low-pass, everything between 4 and 24 kHz would fold back into the telephone band.
 */

/** Upsamples blocks pulled from a source (the jitter buffer) into render quanta of any length. */
export class LinearResampler {
  /** Input samples per output sample. */
  private readonly step: number;
  /** Position between `current` (0) and `next` (1). */
  private phase = 0;
  private readonly current: Float64Array;
  private readonly next: Float64Array;
  private block: readonly Float32Array[] = [];
  private blockIndex = 0;
  private primed = false;

  /**
   * `pull` gives the next block of input, one array per channel, all of one length (e.g. 160 samples).
   * It is called only when the previous block is used up.
   */
  constructor(
    inputRateHz: number,
    outputRateHz: number,
    private readonly channels: number,
    private readonly pull: () => readonly Float32Array[],
  ) {
    if (!(inputRateHz > 0 && outputRateHz > 0)) throw new Error('sample rates must be positive');
    this.step = inputRateHz / outputRateHz;
    this.current = new Float64Array(channels);
    this.next = new Float64Array(channels);
  }

  /** Fills `outputs` (one array per channel, same length) with the next output samples. */
  render(outputs: readonly Float32Array[]): void {
    const length = outputs[0]?.length ?? 0;
    if (!this.primed) {
      this.advance();
      this.primed = true;
    }
    for (let i = 0; i < length; i++) {
      for (let channel = 0; channel < this.channels; channel++) {
        const a = this.current[channel] as number;
        const b = this.next[channel] as number;
        const out = outputs[channel];
        if (out) out[i] = a + (b - a) * this.phase;
      }
      this.phase += this.step;
      while (this.phase >= 1) {
        this.phase -= 1;
        this.advance();
      }
    }
  }

  /** Moves one input sample on: `next` becomes `current`, and the following input sample becomes `next`. */
  private advance(): void {
    if (this.blockIndex >= (this.block[0]?.length ?? 0)) {
      this.block = this.pull();
      this.blockIndex = 0;
    }
    for (let channel = 0; channel < this.channels; channel++) {
      this.current[channel] = this.next[channel] as number;
      this.next[channel] = this.block[channel]?.[this.blockIndex] ?? 0;
    }
    this.blockIndex += 1;
  }
}

/** Cut-off of the microphone's low-pass, the top of the telephone band. */
export const DOWNSAMPLE_CUTOFF_HZ = 3_400;
/** Filter length in output samples' worth of input: longer is a steeper filter. */
const DOWNSAMPLE_TAPS_PER_OUTPUT_SAMPLE = 24;

/** A windowed-sinc (Blackman) low-pass with unit gain at DC; odd length, so its delay is whole samples. */
export function lowPassTaps(sampleRateHz: number, cutoffHz: number, length: number): Float32Array {
  const taps = new Float32Array(length);
  const middle = (length - 1) / 2;
  const fc = cutoffHz / sampleRateHz;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const x = i - middle;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const window =
      0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (length - 1));
    const tap = sinc * window;
    taps[i] = tap;
    sum += tap;
  }
  for (let i = 0; i < length; i++) taps[i] = (taps[i] as number) / sum;
  return taps;
}

/** Low-pass, then decimate: any input rate above the output rate, fed in chunks of any length. */
export class Downsampler {
  private readonly taps: Float32Array;
  /** Input samples per output sample. */
  private readonly ratio: number;
  /** The last taps.length input samples, oldest first (one more than a filter output needs, for interpolation). */
  private history: Float32Array;
  /** Input samples consumed so far. */
  private consumed = 0;
  /** Absolute input position of the next output sample. */
  private nextPosition = 0;
  private outputCount = 0;

  constructor(
    inputRateHz: number,
    readonly outputRateHz: number,
  ) {
    if (!(inputRateHz >= outputRateHz && outputRateHz > 0)) {
      throw new Error(`cannot downsample from ${inputRateHz} Hz to ${outputRateHz} Hz`);
    }
    this.ratio = inputRateHz / outputRateHz;
    const length = 2 * Math.ceil((this.ratio * DOWNSAMPLE_TAPS_PER_OUTPUT_SAMPLE) / 2) + 1;
    const cutoffHz = Math.min(DOWNSAMPLE_CUTOFF_HZ, outputRateHz * 0.45);
    this.taps = lowPassTaps(inputRateHz, cutoffHz, length);
    this.history = new Float32Array(length);
  }

  /** The output samples that `input` completes (possibly none). */
  push(input: Float32Array): Float32Array {
    const historyLength = this.history.length;
    const work = new Float32Array(historyLength + input.length);
    work.set(this.history);
    work.set(input, historyLength);
    const lastIndex = this.consumed + input.length - 1;
    const out: number[] = [];
    while (true) {
      const position = this.nextPosition;
      const base = Math.floor(position);
      const fraction = position - base;
      const needed = fraction === 0 ? base : base + 1;
      if (needed > lastIndex) break;
      const a = this.filteredAt(work, base);
      out.push(fraction === 0 ? a : a + (this.filteredAt(work, base + 1) - a) * fraction);
      this.outputCount += 1;
      // From the count, not by adding: a ratio like 5.5125 (44.1 kHz) must not drift.
      this.nextPosition = this.outputCount * this.ratio;
    }
    this.history = work.slice(work.length - historyLength);
    this.consumed += input.length;
    return Float32Array.from(out);
  }

  /** The filter's output at absolute input index `index` (which must be within `work`). */
  private filteredAt(work: Float32Array, index: number): number {
    // work[j] holds absolute index consumed − historyLength + j; the filter reads the last taps.length samples.
    const end = index - this.consumed + this.history.length;
    let sum = 0;
    const taps = this.taps;
    for (let k = 0; k < taps.length; k++) sum += (taps[k] as number) * ((work[end - k] as number | undefined) ?? 0);
    return sum;
  }
}

/** Collects samples into fixed-size frames (160 samples = 20 ms at 8 kHz). */
export class FrameChunker {
  private buffer: Float32Array;
  private filled = 0;

  constructor(readonly frameSamples: number) {
    this.buffer = new Float32Array(frameSamples);
  }

  /** The frames `input` completes, each a new array. */
  push(input: Float32Array): Float32Array[] {
    const frames: Float32Array[] = [];
    let offset = 0;
    while (offset < input.length) {
      const take = Math.min(this.frameSamples - this.filled, input.length - offset);
      this.buffer.set(input.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.frameSamples) {
        frames.push(this.buffer);
        this.buffer = new Float32Array(this.frameSamples);
        this.filled = 0;
      }
    }
    return frames;
  }
}
