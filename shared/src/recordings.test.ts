import { describe, expect, it } from 'vitest';
import {
  decodePeaks,
  encodePeaks,
  PEAKS_HEADER_BYTES,
  peakMaxOf,
  peakMinOf,
  peaksForWaveSurfer,
  RecordingsQuerySchema,
  type WaveformPeaks,
} from './index.js';

function samplePeaks(bucketCount: number): WaveformPeaks {
  const channel = (sign: number) => ({
    min: Int8Array.from({ length: bucketCount }, (_, i) => -((i * 7 * sign) % 129)),
    max: Int8Array.from({ length: bucketCount }, (_, i) => (i * 5 * sign) % 128),
  });
  return { bucketsPerSecond: 10, bucketCount, durationMs: bucketCount * 100 - 30, channels: [channel(1), channel(3)] };
}

describe('waveform peaks format', () => {
  it('round-trips header and every bucket of both channels', () => {
    const peaks = samplePeaks(1_234);
    const bytes = encodePeaks(peaks);
    expect(bytes.byteLength).toBe(PEAKS_HEADER_BYTES + 2 * 1_234 * 2);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('ESPK');
    const decoded = decodePeaks(bytes);
    expect(decoded).toEqual({ ok: true, peaks });
    // The extremes survive: −128 and 127.
    const extremes: WaveformPeaks = {
      bucketsPerSecond: 20,
      bucketCount: 1,
      durationMs: 50,
      channels: [{ min: Int8Array.of(-128), max: Int8Array.of(127) }],
    };
    expect(decodePeaks(encodePeaks(extremes).buffer as ArrayBuffer)).toEqual({ ok: true, peaks: extremes });
  });

  it('round-trips an empty recording (no buckets)', () => {
    const empty: WaveformPeaks = { bucketsPerSecond: 10, bucketCount: 0, durationMs: 0, channels: [] };
    expect(decodePeaks(encodePeaks(empty))).toEqual({ ok: true, peaks: empty });
  });

  it('refuses what is not a whole peaks body, saying why', () => {
    const bytes = encodePeaks(samplePeaks(10));
    expect(decodePeaks(bytes.subarray(0, 10))).toEqual({ ok: false, error: expect.stringMatching(/at least 16/) });
    expect(decodePeaks(bytes.subarray(0, bytes.length - 1))).toEqual({
      ok: false,
      error: expect.stringMatching(/are 56 bytes; got 55/),
    });
    const otherVersion = bytes.slice();
    otherVersion[4] = 2;
    expect(decodePeaks(otherVersion)).toEqual({ ok: false, error: expect.stringMatching(/version 2/) });
    const otherMagic = bytes.slice();
    otherMagic[0] = 'X'.charCodeAt(0);
    expect(decodePeaks(otherMagic)).toEqual({ ok: false, error: expect.stringMatching(/not a peaks body/) });
    expect(() => encodePeaks({ ...samplePeaks(3), bucketCount: 4 })).toThrow(/not 4/);
  });

  it('shows any sound and keeps silence at exactly zero', () => {
    expect([peakMinOf(0), peakMaxOf(0)]).toEqual([0, 0]);
    expect([peakMinOf(-1), peakMaxOf(1)]).toEqual([-1, 1]);
    expect([peakMinOf(-32768), peakMaxOf(32767)]).toEqual([-128, 127]);
    expect([peakMinOf(-256), peakMaxOf(256)]).toEqual([-1, 1]);
  });

  it('gives wavesurfer.js one array per channel, max then min per bucket, within −1…1', () => {
    const [agent, caller] = peaksForWaveSurfer({
      bucketsPerSecond: 10,
      bucketCount: 2,
      durationMs: 200,
      channels: [
        { min: Int8Array.of(-128, 0), max: Int8Array.of(127, 0) },
        { min: Int8Array.of(-64, -1), max: Int8Array.of(0, 1) },
      ],
    });
    expect([...(agent ?? [])]).toEqual([1, -1, 0, 0]);
    expect([...(caller ?? [])]).toEqual([0, -0.5, 1 / 127, -1 / 128].map((v) => Math.fround(v)));
  });
});

describe('RecordingsQuerySchema', () => {
  it('reads flags and numbers from query text', () => {
    const parsed = RecordingsQuerySchema.parse({ longCall: '1', barged: 'false', minDurationS: '30', limit: '200' });
    expect(parsed).toMatchObject({ longCall: true, barged: false, minDurationS: 30, limit: 200 });
  });

  it('names the field at fault', () => {
    const cases: [Record<string, string>, string][] = [
      [{ limit: '201' }, 'limit'],
      [{ minDurationS: '-1' }, 'minDurationS'],
      [{ minDurationS: '60', maxDurationS: '30' }, 'minDurationS'],
      [{ from: '20', to: '10' }, 'from'],
      [{ outcome: 'live' }, 'outcome'],
      [{ sentiment: 'angry' }, 'sentiment'],
      [{ deadAirStill: 'yes' }, 'deadAirStill'],
    ];
    for (const [input, field] of cases) {
      const result = RecordingsQuerySchema.safeParse(input);
      expect({ input, ok: result.success }).toEqual({ input, ok: false });
      expect(result.error?.issues[0]?.path).toEqual([field]);
    }
    expect(RecordingsQuerySchema.safeParse({ colour: 'red' }).success).toBe(false);
  });
});
