/**
 * The recording worker thread (started by RecordingService through AudioWorkerClient): decodes every frame of
 * every live call, puts it in order with its other side and any controller voice (FrameAligner), and appends
 * it to the call's WAV file, off the main thread. The main thread keeps the rows, the file names and the
 * lifecycle. Messages in:
 * - frame batches (frameBatch.ts): `a` = the recording; a controller's voice has `b` = 0 (whisper, agent side)
 *   or 1 (barge, both sides);
 * - `{ type: 'open', rec, callId, originSeq }`: a recording starts buffering (its file comes later);
 * - `{ type: 'create', rec, path }` (request): its file is created; appends wait for it;
 * - `{ type: 'abandon', rec }`: it will have no file: its audio is dropped;
 * - `{ type: 'finish', rec }` (request): pending frames are written (gaps as silence), the header fixed and the
 *   file closed (or, after a failed write, repaired as a crash would be); answers a FinishResult;
 * - `{ type: 'flush' }` (request): everything buffered is appended.
 * Messages out: RecordingWorkerMessage (counters, after changes and before each reply; log lines).
 */
import {
  AUDIO_SAMPLES_PER_FRAME,
  type AudioCodec,
  decodeInterleavedPcm,
  decodeMulaw,
  RECORDING_FRAME_BYTES,
  RECORDING_WAV_FORMAT,
} from '@earshot/shared';
import type { ControlMessage } from '../audio/audioWorker.js';
import { audioWorkerData, serveAudioWorker } from '../audio/audioWorkerHost.js';
import { type FrameRecord, RECORD_KIND, readFrameBatch } from '../audio/frameBatch.js';
import { type AlignedOutput, type AlignerCounters, FrameAligner, MAX_JUMP_FRAMES } from './frameAligner.js';
import { int16LittleEndianBytes, repairWavFile, WavAppender, type WavPiece } from './wavFile.js';

export interface RecordingWorkerOptions {
  flushIntervalMs: number;
  flushSlots: number;
}

/** Frames written, gaps and late frames of every recording (finished and open), bytes appended. */
export interface RecordingTotals {
  framesWritten: number;
  gapFrames: number;
  lateFrames: number;
  bytesWritten: number;
}

export type RecordingWorkerMessage =
  | { type: 'totals'; totals: RecordingTotals }
  | { type: 'log'; level: 'warn' | 'error'; message: string; meta: Record<string, unknown> };

/** How a recording's file ended. */
export type FinishResult =
  | { opened: false; counters: AlignerCounters }
  /** Closed with its real sizes in the header. */
  | { opened: true; failed: false; dataBytes: number; counters: AlignerCounters }
  /** A write failed: the file was repaired as the start-up repair would (null: it is gone). */
  | {
      opened: true;
      failed: true;
      repaired: { dataBytes: number; fileBytes: number } | null;
      counters: AlignerCounters;
    };

/** Frames per write chunk: 320 ms, so one flush interval's audio usually fits one chunk. */
const CHUNK_FRAMES = 16;

interface Recording {
  id: number;
  callId: string;
  aligner: FrameAligner;
  /** Scratch for the aligner's output, emptied at once into `pieces`. */
  out: AlignedOutput[];
  /** Audio waiting for the next append (sealed chunks and silences, in file order). */
  pieces: WavPiece[];
  /**
   * The chunk frames are being copied into (little-endian 16-bit stereo), and how much of it is used: one
   * buffer per recording per flush instead of one per frame, which keeps the garbage collector's pauses short.
   */
  chunk: Buffer | null;
  chunkBytes: number;
  appender?: WavAppender;
  path?: string;
  /** Every file operation of this recording, in order: create, appends, finish. */
  tail: Promise<void>;
  /** An append is queued on `tail` and has not started: it will take whatever is buffered when it does. */
  writeQueued: boolean;
  /** Creating or writing failed (or the main thread gave it up): audio is dropped. */
  failed: boolean;
  warned: Set<string>;
  /** Which of the flush slots appends this recording's audio. */
  flushSlot: number;
}

const options = (audioWorkerData as { options: RecordingWorkerOptions }).options;
const recordings = new Map<number, Recording>();
/** Counters of finished recordings, and bytes appended by all. */
const finishedTotals: RecordingTotals = { framesWritten: 0, gapFrames: 0, lateFrames: 0, bytesWritten: 0 };
let totalsChanged = false;
let opened = 0;
let flushTick = 0;

const host = serveAudioWorker({
  onFrames(buffer, message) {
    readFrameBatch(buffer, message, onRecord);
    totalsChanged = true;
  },
  onControl(message) {
    switch (message.type) {
      case 'open':
        return open(message);
      case 'create':
        return create(message);
      case 'abandon':
        return abandon(recordingOf(message));
      case 'finish':
        return finish(recordingOf(message));
      case 'flush':
        return flushAll();
      default:
        throw new Error(`unknown recording worker message ${message.type}`);
    }
  },
});

setInterval(() => {
  const slot = flushTick;
  flushTick = (flushTick + 1) % options.flushSlots;
  for (const rec of recordings.values()) {
    if (rec.flushSlot === slot && (rec.pieces.length > 0 || rec.chunkBytes > 0)) void scheduleWrite(rec);
  }
  if (totalsChanged) postTotals();
}, options.flushIntervalMs / options.flushSlots);

function recordingOf(message: ControlMessage): Recording {
  const rec = recordings.get(message.rec as number);
  if (!rec) throw new Error(`no recording ${String(message.rec)} in the recording worker`);
  return rec;
}

function open(message: ControlMessage): void {
  const id = message.rec as number;
  recordings.set(id, {
    id,
    callId: message.callId as string,
    aligner: new FrameAligner({ originSeq: message.originSeq as number }),
    out: [],
    pieces: [],
    chunk: null,
    chunkBytes: 0,
    tail: Promise.resolve(),
    writeQueued: false,
    failed: false,
    warned: new Set(),
    flushSlot: opened++ % options.flushSlots,
  });
}

function create(message: ControlMessage): Promise<void> {
  const rec = recordingOf(message);
  const path = message.path as string;
  const created = rec.tail.then(async () => {
    rec.appender = await WavAppender.create(path, RECORDING_WAV_FORMAT);
    rec.path = path;
  });
  // The main thread hears of a failure from the request's answer: it logs it and removes the row.
  rec.tail = created.catch(() => dropAudio(rec));
  return created;
}

function abandon(rec: Recording): void {
  dropAudio(rec);
}

const stereo = new Int16Array(AUDIO_SAMPLES_PER_FRAME * 2);
const mono = new Int16Array(AUDIO_SAMPLES_PER_FRAME);

function onRecord(record: FrameRecord): void {
  const rec = recordings.get(record.a);
  if (!rec || rec.failed) return;
  if (record.kind === RECORD_KIND.controller) {
    decodeMono(record.codec, record.payload);
    rec.aligner.pushController(record.b === 1 ? 'both' : 'agent', mono);
    return;
  }
  if (record.channel === 'both') {
    // Decoded straight to the recording's layout; the aligner hands it on without a copy when it is due next,
    // and takeOutput copies it into the write chunk before the next frame reuses the array.
    decodeInterleavedPcm(record, stereo);
    afterPush(rec, record.seq, rec.aligner.pushStereo(record.seq, stereo, rec.out));
    return;
  }
  decodeMono(record.codec, record.payload);
  const sides = record.channel === 'agent' ? { agent: mono } : { caller: mono };
  afterPush(rec, record.seq, rec.aligner.push(record.seq, sides, rec.out));
}

function decodeMono(codec: AudioCodec, payload: Uint8Array): void {
  if (codec === 'pcmu') {
    decodeMulaw(payload.subarray(0, AUDIO_SAMPLES_PER_FRAME), mono);
    return;
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) mono[i] = view.getInt16(i * 2, true);
}

function afterPush(rec: Recording, seq: number, outcome: string): void {
  if (outcome === 'too_far_ahead' && warnOnce(rec, 'jump')) {
    log(
      'warn',
      `recordings: frame refused: seq ${seq} is more than ${MAX_JUMP_FRAMES} frames (1 hour) ahead of the recording`,
      { callId: rec.callId, writtenFrames: rec.aligner.framesWritten },
    );
  }
  takeOutput(rec);
}

/** Moves the aligner's output into the write buffer (silence stays a count, never a buffer). */
function takeOutput(rec: Recording): void {
  for (const output of rec.out) {
    if (output.kind === 'frame') {
      const bytes = int16LittleEndianBytes(output.samples);
      if (!rec.chunk || rec.chunkBytes + bytes.byteLength > rec.chunk.byteLength) {
        sealChunk(rec);
        rec.chunk = Buffer.allocUnsafe(CHUNK_FRAMES * RECORDING_FRAME_BYTES);
      }
      rec.chunk.set(bytes, rec.chunkBytes);
      rec.chunkBytes += bytes.byteLength;
    } else {
      sealChunk(rec);
      rec.pieces.push({ silenceBytes: output.frames * RECORDING_FRAME_BYTES });
    }
  }
  rec.out.length = 0;
}

/** The chunk's used part joins the pieces (in order); the next frame starts a new chunk. */
function sealChunk(rec: Recording): void {
  if (rec.chunk && rec.chunkBytes > 0) rec.pieces.push(rec.chunk.subarray(0, rec.chunkBytes));
  rec.chunk = null;
  rec.chunkBytes = 0;
}

/** Queues one append of whatever is buffered when it starts; at most one runs and one waits per file. */
function scheduleWrite(rec: Recording): Promise<void> {
  if (rec.writeQueued || rec.failed) return rec.tail;
  rec.writeQueued = true;
  rec.tail = rec.tail
    .then(async () => {
      rec.writeQueued = false;
      // The chunk being filled goes with this write: a buffer handed to the file is never written to again.
      sealChunk(rec);
      if (rec.failed || !rec.appender || rec.pieces.length === 0) return;
      const pieces = rec.pieces;
      rec.pieces = [];
      finishedTotals.bytesWritten += await rec.appender.append(pieces);
      totalsChanged = true;
    })
    .catch((error: unknown) => {
      if (!rec.failed) log('error', `recordings: the recording of call ${rec.callId} could not be written`, { error });
      dropAudio(rec);
    });
  return rec.tail;
}

function dropAudio(rec: Recording): void {
  rec.failed = true;
  rec.pieces = [];
  rec.chunk = null;
  rec.chunkBytes = 0;
}

async function finish(rec: Recording): Promise<FinishResult> {
  rec.aligner.finish(rec.out);
  if (!rec.failed) takeOutput(rec);
  rec.out.length = 0;
  void scheduleWrite(rec);
  await rec.tail;
  recordings.delete(rec.id);
  const counters = rec.aligner.counters;
  addCounters(finishedTotals, counters);
  postTotals();
  const { appender, path } = rec;
  if (!appender || !path) return { opened: false, counters };
  if (rec.failed) {
    // A write failed part-way: keep what reached the disk, as the start-up repair would.
    await appender.abandon().catch(() => {});
    const repaired = await repairWavFile(path, RECORDING_WAV_FORMAT);
    return {
      opened: true,
      failed: true,
      repaired: repaired ? { dataBytes: repaired.dataBytes, fileBytes: repaired.fileBytes } : null,
      counters,
    };
  }
  return { opened: true, failed: false, dataBytes: await appender.finish(), counters };
}

async function flushAll(): Promise<void> {
  await Promise.all([...recordings.values()].map((rec) => scheduleWrite(rec)));
  postTotals();
}

function postTotals(): void {
  totalsChanged = false;
  const totals = { ...finishedTotals };
  for (const rec of recordings.values()) addCounters(totals, rec.aligner.counters);
  host.post({ type: 'totals', totals } satisfies RecordingWorkerMessage);
}

function addCounters(target: RecordingTotals, counters: AlignerCounters): void {
  target.framesWritten += counters.framesWritten;
  target.gapFrames += counters.gapFramesAgent + counters.gapFramesCaller;
  target.lateFrames += counters.lateFrames;
}

function warnOnce(rec: Recording, what: string): boolean {
  if (rec.warned.has(what)) return false;
  rec.warned.add(what);
  return true;
}

function log(level: 'warn' | 'error', message: string, meta: Record<string, unknown>): void {
  host.post({ type: 'log', level, message, meta } satisfies RecordingWorkerMessage);
}
