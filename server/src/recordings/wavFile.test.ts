import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseWavHeader, RECORDING_WAV_FORMAT, WAV_HEADER_BYTES, wavHeader } from '@earshot/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { int16LittleEndianBytes, repairWavFile, WavAppender } from './wavFile.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'earshot-wav-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Interleaved stereo samples with a recognisable pattern, covering the extremes of int16. */
function pattern(sampleFrames: number, offset = 0): Int16Array {
  const samples = new Int16Array(sampleFrames * 2);
  for (let i = 0; i < sampleFrames; i++) {
    // Int16Array wraps: this walks the whole range, negative values included.
    samples[2 * i] = (i + offset) * 977;
    samples[2 * i + 1] = i % 2 === 0 ? -32768 : 32767;
  }
  return samples;
}

/** Reads a WAV with the wavefile package (an independent parser) and answers its format and channels. */
function readWithWavefile(file: string) {
  const wav = new WaveFile(readFileSync(file));
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number; audioFormat: number };
  const data = wav.data as { chunkSize: number };
  const channels = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
  return { fmt, dataBytes: data.chunkSize, channels };
}

function deinterleave(samples: Int16Array): [number[], number[]] {
  const left: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < samples.length; i += 2) {
    left.push(samples[i] as number);
    right.push(samples[i + 1] as number);
  }
  return [left, right];
}

describe('WavAppender', () => {
  it('writes PCM in, bit-exact, with the right header sizes, readable by an independent parser', async () => {
    const file = path.join(dir, 'a.wav');
    const first = pattern(160);
    const second = pattern(320, 160);
    const appender = await WavAppender.create(file, RECORDING_WAV_FORMAT);
    // The header exists from the start, announcing no data yet.
    expect(parseWavHeader(readFileSync(file))).toMatchObject({ ok: true, dataBytes: 0 });
    expect(await appender.append([int16LittleEndianBytes(first)])).toBe(640);
    expect(await appender.append([int16LittleEndianBytes(second), { silenceBytes: 640 * 200 }])).toBe(1280 + 640 * 200);
    expect(await appender.finish()).toBe(640 * 203);

    const bytes = readFileSync(file);
    expect(bytes.length).toBe(WAV_HEADER_BYTES + 640 * 203);
    expect(bytes.readUInt32LE(4)).toBe(36 + 640 * 203);
    expect(parseWavHeader(bytes)).toEqual({ ok: true, format: RECORDING_WAV_FORMAT, dataBytes: 640 * 203 });

    const { fmt, dataBytes, channels } = readWithWavefile(file);
    expect(fmt).toMatchObject({ numChannels: 2, sampleRate: 8000, bitsPerSample: 16, audioFormat: 1 });
    expect(dataBytes).toBe(640 * 203);
    const [left, right] = deinterleave(new Int16Array([...first, ...second]));
    const silence = new Array(160 * 200).fill(0);
    expect(Array.from(channels[0] ?? [])).toEqual([...left, ...silence]);
    expect(Array.from(channels[1] ?? [])).toEqual([...right, ...silence]);
  });

  it('refuses to overwrite an existing file', async () => {
    const file = path.join(dir, 'exists.wav');
    writeFileSync(file, 'keep me');
    await expect(WavAppender.create(file, RECORDING_WAV_FORMAT)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });
});

describe('repairWavFile', () => {
  it('cuts a file ending mid-sample to whole stereo sample frames and fixes a header that says 0', async () => {
    const file = path.join(dir, 'crashed.wav');
    const samples = pattern(1000);
    const appender = await WavAppender.create(file, RECORDING_WAV_FORMAT);
    await appender.append([int16LittleEndianBytes(samples)]);
    await appender.abandon();
    // A crash mid-write: 3 bytes of the next sample frame made it.
    truncateSync(file, WAV_HEADER_BYTES + 4000 - 1);
    expect(parseWavHeader(readFileSync(file))).toMatchObject({ ok: true, dataBytes: 0 });

    const result = await repairWavFile(file, RECORDING_WAV_FORMAT);
    expect(result).toEqual({
      dataBytes: 3996,
      fileBytes: WAV_HEADER_BYTES + 3996,
      truncatedBytes: 3,
      headerDataBytesBefore: 0,
    });
    expect(statSync(file).size).toBe(WAV_HEADER_BYTES + 3996);
    const { fmt, dataBytes, channels } = readWithWavefile(file);
    expect(fmt).toMatchObject({ numChannels: 2, sampleRate: 8000, bitsPerSample: 16 });
    expect(dataBytes).toBe(3996);
    const [left, right] = deinterleave(samples.subarray(0, 999 * 2));
    expect(Array.from(channels[0] ?? [])).toEqual(left);
    expect(Array.from(channels[1] ?? [])).toEqual(right);
  });

  it('fixes a header that says 0 over whole frames, leaving the samples alone', async () => {
    const file = path.join(dir, 'whole.wav');
    const samples = pattern(480);
    writeFileSync(file, Buffer.concat([wavHeader(RECORDING_WAV_FORMAT, 0), int16LittleEndianBytes(samples)]));
    const result = await repairWavFile(file, RECORDING_WAV_FORMAT);
    expect(result).toMatchObject({ dataBytes: 1920, truncatedBytes: 0 });
    const bytes = readFileSync(file);
    expect(
      new Int16Array(bytes.buffer.slice(bytes.byteOffset + WAV_HEADER_BYTES, bytes.byteOffset + bytes.length)),
    ).toEqual(samples);
    expect(readWithWavefile(file).dataBytes).toBe(1920);
  });

  it('gives a file cut inside its header a fresh, empty header', async () => {
    const file = path.join(dir, 'short.wav');
    writeFileSync(file, Buffer.from(wavHeader(RECORDING_WAV_FORMAT, 0)).subarray(0, 20));
    expect(await repairWavFile(file, RECORDING_WAV_FORMAT)).toMatchObject({
      dataBytes: 0,
      fileBytes: WAV_HEADER_BYTES,
      headerDataBytesBefore: null,
    });
    expect(parseWavHeader(readFileSync(file))).toEqual({ ok: true, format: RECORDING_WAV_FORMAT, dataBytes: 0 });
  });

  it('answers null for a missing file', async () => {
    expect(await repairWavFile(path.join(dir, 'nope.wav'), RECORDING_WAV_FORMAT)).toBeNull();
  });
});
