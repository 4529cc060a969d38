import { createHash, randomUUID } from 'node:crypto';
import { type FileHandle, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import {
  encodePeaks,
  PEAKS_BUCKETS_PER_SECOND,
  parseWavHeader,
  peakMaxOf,
  peakMinOf,
  WAV_HEADER_BYTES,
  type WaveformPeaks,
} from '@earshot/shared';

/** The WAV is read this many bytes at a time (a one-hour call is 115 MB; never read whole). */
const READ_CHUNK_BYTES = 256 * 1024;

/** The peaks file of a recording file: the same name with `.peaks` (`recordings/<day>/<uuid>.peaks`). */
export const peaksFileOf = (wavFile: string) => `${wavFile.replace(/\.wav$/i, '')}.peaks`;

/**
 * Min/max per bucket per channel of a 16-bit stereo WAV (agent left, caller right), read in chunks of
 * READ_CHUNK_BYTES: memory stays the chunk plus the peaks, whatever the length. The data length is the
 * file's (whole sample frames), not the header's, so a file a crash left unrepaired still reads right.
 */
export async function computeWavPeaks(
  file: string,
  bucketsPerSecond = PEAKS_BUCKETS_PER_SECOND,
): Promise<WaveformPeaks> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(WAV_HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, WAV_HEADER_BYTES, 0);
    const parsed = parseWavHeader(header.subarray(0, bytesRead));
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error}`);
    const { format } = parsed;
    if (format.channels !== 2 || format.bitsPerSample !== 16) {
      throw new Error(
        `${file}: peaks read 16-bit stereo; this file is ${format.bitsPerSample}-bit × ${format.channels}`,
      );
    }
    const blockAlign = 4;
    const size = (await handle.stat()).size;
    const dataBytes = Math.max(0, size - WAV_HEADER_BYTES);
    const sampleFrames = Math.floor(dataBytes / blockAlign);
    const framesPerBucket = format.sampleRate / bucketsPerSecond;
    if (!Number.isInteger(framesPerBucket)) {
      throw new Error(`${file}: ${format.sampleRate} Hz does not split into ${bucketsPerSecond} buckets per second`);
    }
    const bucketCount = Math.ceil(sampleFrames / framesPerBucket);
    const channels = [0, 1].map(() => ({ min: new Int8Array(bucketCount), max: new Int8Array(bucketCount) }));
    await scanSamples(handle, sampleFrames, framesPerBucket, bucketCount, channels);
    return {
      bucketsPerSecond,
      bucketCount,
      durationMs: Math.floor((sampleFrames * 1000) / format.sampleRate),
      channels,
    };
  } finally {
    await handle.close();
  }
}

async function scanSamples(
  handle: FileHandle,
  sampleFrames: number,
  framesPerBucket: number,
  bucketCount: number,
  channels: { min: Int8Array; max: Int8Array }[],
): Promise<void> {
  const [left, right] = channels as [(typeof channels)[0], (typeof channels)[0]];
  // A multiple of the 4-byte sample frame, so every chunk holds whole frames.
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let frame = 0;
  let bucket = 0;
  let inBucket = 0;
  let minL = 0;
  let maxL = 0;
  let minR = 0;
  let maxR = 0;
  const closeBucket = () => {
    left.min[bucket] = peakMinOf(minL);
    left.max[bucket] = peakMaxOf(maxL);
    right.min[bucket] = peakMinOf(minR);
    right.max[bucket] = peakMaxOf(maxR);
    bucket += 1;
    inBucket = 0;
    minL = maxL = minR = maxR = 0;
  };
  while (frame < sampleFrames) {
    const want = Math.min(READ_CHUNK_BYTES, (sampleFrames - frame) * 4);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(buffer, got, want - got, WAV_HEADER_BYTES + frame * 4 + got);
      if (bytesRead === 0) throw new Error('the recording file became shorter while its peaks were read');
      got += bytesRead;
    }
    for (let offset = 0; offset < got; offset += 4) {
      const l = buffer.readInt16LE(offset);
      const r = buffer.readInt16LE(offset + 2);
      if (l < minL) minL = l;
      if (l > maxL) maxL = l;
      if (r < minR) minR = r;
      if (r > maxR) maxR = r;
      inBucket += 1;
      if (inBucket === framesPerBucket) closeBucket();
    }
    frame += got / 4;
  }
  if (inBucket > 0) closeBucket();
  if (bucket !== bucketCount) throw new Error(`peaks: ${bucket} buckets filled of ${bucketCount}`);
}

/** Writes `bytes` to `file` by a temporary name and a rename: a reader sees the whole file or none. */
export async function writeFileAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
}

/** Stored peaks and their strong ETag (a hash of the bytes). */
export interface PeaksFile {
  bytes: Buffer;
  etag: string;
}

export const peaksEtag = (bytes: Uint8Array) =>
  `"pk1-${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;

/** The peaks file's bytes, or null when it does not exist. */
export async function readPeaksFile(file: string): Promise<PeaksFile | null> {
  try {
    const bytes = await readFile(file);
    return { bytes, etag: peaksEtag(bytes) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Computes the peaks of `wavFile` and stores them beside it; answers them. */
export async function generatePeaksFile(wavFile: string): Promise<PeaksFile> {
  const bytes = Buffer.from(encodePeaks(await computeWavPeaks(wavFile)));
  await writeFileAtomically(peaksFileOf(wavFile), bytes);
  return { bytes, etag: peaksEtag(bytes) };
}
