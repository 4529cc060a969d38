import { describe, expect, it } from 'vitest';
import { Downsampler, FrameChunker, LinearResampler, lowPassTaps } from './resampler.js';

function sine(frequencyHz: number, rateHz: number, length: number, start = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin((2 * Math.PI * frequencyHz * (start + i)) / rateHz));
}

function peak(samples: Float32Array, from = 0): number {
  let max = 0;
  for (let i = from; i < samples.length; i++) max = Math.max(max, Math.abs(samples[i] as number));
  return max;
}

/** Upward zero crossings per second: the frequency of a clean tone. */
function frequencyOf(samples: Float32Array, rateHz: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++)
    if ((samples[i - 1] as number) < 0 && (samples[i] as number) >= 0) crossings++;
  return (crossings * rateHz) / samples.length;
}

describe('LinearResampler (8 kHz → the context rate)', () => {
  it('turns 8 kHz frames into 48 kHz render quanta that follow the tone', () => {
    let pulled = 0;
    const resampler = new LinearResampler(8000, 48000, 2, () => {
      const block = [sine(440, 8000, 160, pulled * 160), sine(1000, 8000, 160, pulled * 160)];
      pulled++;
      return block;
    });
    const quanta = 60;
    const left = new Float32Array(128 * quanta);
    const right = new Float32Array(128 * quanta);
    for (let q = 0; q < quanta; q++) {
      resampler.render([left.subarray(q * 128, (q + 1) * 128), right.subarray(q * 128, (q + 1) * 128)]);
    }
    // 7680 output samples need 1280 input samples (the 1281st only when the phase lands exactly on it):
    // 8 or 9 blocks of 160, pulled as needed, not ahead.
    expect(pulled).toBeGreaterThanOrEqual(8);
    expect(pulled).toBeLessThanOrEqual(9);
    // Output sample n is the input at n/6 − 1 (one input sample of delay), within linear interpolation's
    // error bound h²/8·max|f''| = (2π·f/8000)²/8: 0.015 at 440 Hz, 0.077 at 1 kHz.
    const bound = (f: number) => (2 * Math.PI * f) ** 2 / 8000 ** 2 / 8;
    for (let n = 12; n < left.length; n++) {
      const t = n / 6 - 1;
      expect(Math.abs((left[n] as number) - Math.sin((2 * Math.PI * 440 * t) / 8000))).toBeLessThan(bound(440));
      expect(Math.abs((right[n] as number) - Math.sin((2 * Math.PI * 1000 * t) / 8000))).toBeLessThan(bound(1000));
    }
  });

  it('keeps time at a rate that is not a multiple (44.1 kHz)', () => {
    let pulled = 0;
    const resampler = new LinearResampler(8000, 44100, 1, () => [sine(300, 8000, 160, pulled++ * 160)]);
    const out = new Float32Array(44100);
    for (let i = 0; i < out.length; i += 128) resampler.render([out.subarray(i, Math.min(out.length, i + 128))]);
    // One second out needs one second in: 50 frames (a 51st for the sample after the last).
    expect(pulled).toBeGreaterThanOrEqual(50);
    expect(pulled).toBeLessThanOrEqual(51);
    expect(frequencyOf(out, 44100)).toBeCloseTo(300, -1);
  });

  it('plays silence where the source gives silence', () => {
    const resampler = new LinearResampler(8000, 48000, 2, () => [new Float32Array(160), new Float32Array(160)]);
    const out = [new Float32Array(128), new Float32Array(128)];
    resampler.render(out);
    expect(peak(out[0]!)).toBe(0);
  });
});

describe('Downsampler (microphone → 8 kHz)', () => {
  it('has a low-pass with unit gain at DC', () => {
    const taps = lowPassTaps(48000, 3400, 145);
    expect(taps.reduce((sum, tap) => sum + tap, 0)).toBeCloseTo(1, 6);
  });

  it('keeps a speech-band tone at full level and frequency', () => {
    const down = new Downsampler(48000, 8000);
    const out = down.push(sine(440, 48000, 48000));
    expect(out.length).toBe(8000);
    const settled = out.subarray(200);
    expect(peak(settled)).toBeGreaterThan(0.97);
    expect(peak(settled)).toBeLessThan(1.03);
    expect(frequencyOf(settled, 8000)).toBeCloseTo(440, -1);
  });

  it('filters out what would alias: a 6 kHz tone does not come back as 2 kHz', () => {
    const filtered = new Downsampler(48000, 8000).push(sine(6000, 48000, 48000));
    expect(peak(filtered, 200)).toBeLessThan(0.01);
    // Without the filter, picking every sixth sample folds it down at full level.
    const naive = Float32Array.from({ length: 8000 }, (_, i) => Math.sin((2 * Math.PI * 6000 * i * 6) / 48000 + 0.3));
    expect(peak(naive)).toBeGreaterThan(0.8);
  });

  it('gives the same samples fed in render quanta as in one piece, at 48 and 44.1 kHz', () => {
    for (const rate of [48000, 44100]) {
      const input = sine(700, rate, rate / 2);
      const whole = new Downsampler(rate, 8000).push(input);
      const chunked = new Downsampler(rate, 8000);
      const parts: number[] = [];
      for (let i = 0; i < input.length; i += 128) parts.push(...chunked.push(input.subarray(i, i + 128)));
      expect(parts.length).toBe(whole.length);
      for (let i = 0; i < whole.length; i++) expect(parts[i]).toBeCloseTo(whole[i] as number, 5);
      expect(whole.length).toBe(4000);
    }
  });
});

describe('FrameChunker', () => {
  it('cuts any chunk sizes into 160-sample frames without losing or repeating a sample', () => {
    const chunker = new FrameChunker(160);
    const input = Float32Array.from({ length: 1000 }, (_, i) => i);
    const frames: Float32Array[] = [];
    for (let i = 0; i < input.length; i += 21) frames.push(...chunker.push(input.subarray(i, i + 21)));
    expect(frames.length).toBe(6);
    expect(frames.every((f) => f.length === 160)).toBe(true);
    expect(frames.flatMap((f) => Array.from(f))).toEqual(Array.from(input.subarray(0, 960)));
  });
});
