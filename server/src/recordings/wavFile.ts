import { type FileHandle, open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { parseWavHeader, WAV_HEADER_BYTES, type WavFormat, wavHeader } from '@earshot/shared';

/** Silence is written from one shared buffer of zeros, this many bytes at a time, whatever the gap's length. */
const SILENCE_CHUNK_BYTES = 64 * 1024;
let zeros: Buffer | undefined;

/** What an append writes, in order: PCM bytes, or a number of zero bytes (a gap, never allocated whole). */
export type WavPiece = Uint8Array | { silenceBytes: number };

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** 16-bit samples as WAV stores them (little-endian); a view without copying on little-endian hosts. */
export function int16LittleEndianBytes(samples: Int16Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = new Uint8Array(samples.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] as number, true);
  return out;
}

function blockAlignOf(format: WavFormat): number {
  return (format.channels * format.bitsPerSample) / 8;
}

/**
 * A WAV file written while the audio arrives: the header goes out at creation saying 0 data bytes, samples
 * are appended at explicit positions, and `finish` writes the real sizes. Not safe for concurrent calls: the
 * owner runs one operation at a time (the recording service chains them per file).
 */
export class WavAppender {
  private constructor(
    private readonly handle: FileHandle,
    readonly format: WavFormat,
    private appended = 0,
  ) {}

  /** Creates `file` (which must not exist) with a header announcing no data yet. */
  static async create(file: string, format: WavFormat): Promise<WavAppender> {
    const handle = await open(file, 'wx');
    try {
      await writeFully(handle, wavHeader(format, 0), 0);
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    return new WavAppender(handle, format);
  }

  /** Data bytes appended so far. */
  get dataBytes(): number {
    return this.appended;
  }

  /** Writes the pieces after what is there; answers the bytes written. Consecutive PCM pieces go in one write. */
  async append(pieces: readonly WavPiece[]): Promise<number> {
    const before = this.appended;
    let batch: Uint8Array[] = [];
    let batchBytes = 0;
    const writeBatch = async () => {
      if (batchBytes === 0) return;
      const buffer = batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch, batchBytes);
      await writeFully(this.handle, buffer, WAV_HEADER_BYTES + this.appended);
      this.appended += batchBytes;
      batch = [];
      batchBytes = 0;
    };
    for (const piece of pieces) {
      if (piece instanceof Uint8Array) {
        batch.push(piece);
        batchBytes += piece.byteLength;
        continue;
      }
      await writeBatch();
      zeros ??= Buffer.alloc(SILENCE_CHUNK_BYTES);
      for (let left = piece.silenceBytes; left > 0; ) {
        const length = Math.min(left, SILENCE_CHUNK_BYTES);
        await writeFully(this.handle, zeros.subarray(0, length), WAV_HEADER_BYTES + this.appended);
        this.appended += length;
        left -= length;
      }
    }
    await writeBatch();
    return this.appended - before;
  }

  /** Writes the real sizes into the header, syncs and closes; answers the data bytes. */
  async finish(): Promise<number> {
    try {
      await writeFully(this.handle, wavHeader(this.format, this.appended), 0);
      await this.handle.datasync();
    } finally {
      await this.handle.close();
    }
    return this.appended;
  }

  /** Closes without touching the header (the file is left as a crash would leave it). */
  async abandon(): Promise<void> {
    await this.handle.close();
  }
}

/** Loops: a positional write may write less than asked. */
async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset, position + offset);
    if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
    offset += bytesWritten;
  }
}

export interface RepairResult {
  /** Data bytes after the repair (whole sample frames only). */
  dataBytes: number;
  /** The file's size after the repair, header included. */
  fileBytes: number;
  /** Bytes cut from the end (a sample frame written in part). */
  truncatedBytes: number;
  /** What the header said before (null when there was no readable header). */
  headerDataBytesBefore: number | null;
}

/**
 * Makes a WAV left unfinished by a crash playable: the data is whatever follows the 44-byte header, cut to
 * whole sample frames (4 bytes for 16-bit stereo), and the header is rewritten with `format` and those sizes
 * (a file shorter than a header, or one whose header is unreadable, gets a fresh header). Returns null when
 * the file does not exist.
 */
export async function repairWavFile(file: string, format: WavFormat): Promise<RepairResult | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    const headerBytes = Buffer.alloc(WAV_HEADER_BYTES);
    const { bytesRead } = await handle.read(headerBytes, 0, WAV_HEADER_BYTES, 0);
    const parsed = bytesRead === WAV_HEADER_BYTES ? parseWavHeader(headerBytes) : null;
    const blockAlign = blockAlignOf(format);
    const available = Math.max(0, size - WAV_HEADER_BYTES);
    const dataBytes = available - (available % blockAlign);
    await writeFully(handle, wavHeader(format, dataBytes), 0);
    await handle.truncate(WAV_HEADER_BYTES + dataBytes);
    await handle.datasync();
    return {
      dataBytes,
      fileBytes: WAV_HEADER_BYTES + dataBytes,
      truncatedBytes: Math.max(0, size - WAV_HEADER_BYTES - dataBytes),
      headerDataBytesBefore: parsed?.ok ? parsed.dataBytes : null,
    };
  } finally {
    await handle.close();
  }
}
