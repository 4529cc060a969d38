import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import {
  AUDIO_FRAME_MS,
  AUDIO_SAMPLES_PER_FRAME,
  type AudioCodec,
  RECORDING_FRAME_BYTES,
  RECORDING_WAV_FORMAT,
  type Recording,
  type RecordingStatus,
  WAV_HEADER_BYTES,
} from '@earshot/shared';
import type { CallRecorder } from '../audio/callRecorder.js';
import type { Logger } from '../logger.js';
import { MediaPathError, resolveMediaPath } from '../media/paths.js';
import type { RetentionTarget } from '../retention/retentionService.js';
import {
  type AlignedOutput,
  type AlignerCounters,
  FrameAligner,
  MAX_JUMP_FRAMES,
  type PushOutcome,
  STEREO_SAMPLES_PER_FRAME,
} from './frameAligner.js';
import { generatePeaksFile, type PeaksFile, peaksFileOf, readPeaksFile } from './peaks.js';
import type { RecordingRepository, StoredRecording } from './recordingRepository.js';
import { int16LittleEndianBytes, repairWavFile, WavAppender, type WavPiece } from './wavFile.js';

/** Recordings live under DATA_DIR/recordings/<yyyy-mm-dd of the first sample, UTC>/<uuid>.wav. */
export const RECORDINGS_DIR = 'recordings';
/** Buffered audio is appended to its file this often: a crash loses at most this plus the reorder window. */
export const RECORDING_FLUSH_INTERVAL_MS = 200;
/**
 * The flush interval is cut in this many slots and each recording flushes in its own: a thousand calls make
 * a hundred small appends every 20 ms rather than a thousand at once, which stalled the event loop (and the
 * audio to listeners) for 10–20 ms every 200 ms in bench:audio.
 */
const FLUSH_SLOTS = 10;
/** Frames per write chunk: 320 ms, so one flush interval's audio usually fits one chunk. */
const CHUNK_FRAMES = 16;
/** Calls finished in this process that are remembered, so a frame arriving after `finish` cannot reopen one. */
const FINISHED_CALLS_REMEMBERED = 10_000;
const RETENTION_BATCH = 200;
const SAMPLE_FRAME_BYTES = (RECORDING_WAV_FORMAT.channels * RECORDING_WAV_FORMAT.bitsPerSample) / 8;

export interface RecordingServiceDeps {
  repository: RecordingRepository;
  dataDir: string;
  now: () => number;
  logger: Logger;
  flushIntervalMs?: number;
}

export interface RecordingStats {
  openRecordings: number;
  /** Frames handed to the files (real and silent), since the service started. */
  framesWritten: number;
  /** Gap frames, agent and caller sides together. */
  gapFrames: number;
  lateFrames: number;
  /** Bytes appended to the files. */
  bytesWritten: number;
}

interface OpenRecording {
  callId: string;
  /** Relative to DATA_DIR. */
  file: string;
  /** Set once the file exists. */
  absolutePath?: string;
  startedAt: number;
  sourceCodec: AudioCodec;
  aligner: FrameAligner;
  /** Scratch for the aligner's output, emptied at once into `pieces`. */
  out: AlignedOutput[];
  /** Audio waiting for the next append (sealed chunks and silences, in file order). */
  pieces: WavPiece[];
  /**
   * The chunk frames are being copied into (little-endian 16-bit stereo), and how much of it is used. A
   * frame's samples are copied here at once, so nothing the caller hands in is kept: one buffer per
   * recording per flush instead of one per frame, which keeps the garbage collector's pauses short.
   */
  chunk: Buffer | null;
  chunkBytes: number;
  appender?: WavAppender;
  /** Every file operation of this recording, in order: open, appends, finish. */
  tail: Promise<void>;
  /** An append is queued on `tail` and has not started: it will take whatever is buffered when it does. */
  writeQueued: boolean;
  /** Opening or writing failed: audio is dropped, and finishing repairs what reached the disk. */
  failed: boolean;
  /** Warnings already logged for this recording (each once). */
  warned: Set<string>;
  /** Which of the FLUSH_SLOTS ticks appends this recording's audio. */
  flushSlot: number;
}

/**
 * Records every call to a stereo WAV (agent left, caller right, 8 kHz, 16-bit) while the audio arrives.
 * `pushCallAudio` and `pushControllerAudio` are synchronous and cheap: frames are put in order by a
 * FrameAligner and buffered, and a timer appends what is buffered every RECORDING_FLUSH_INTERVAL_MS, one
 * write in flight per file, in order. The row is inserted when the recording opens and updated when it is
 * finished, interrupted (server stopping) or repaired (found unfinished at start-up).
 */
export class RecordingService implements CallRecorder {
  private readonly open = new Map<string, OpenRecording>();
  /** Recordings being finished, by call id. */
  private readonly finishing = new Map<string, Promise<void>>();
  /** Calls finished in this process; the value says whether a late frame was already logged. */
  private readonly finished = new Map<string, boolean>();
  private readonly timer: NodeJS.Timeout;
  private flushTick = 0;
  private recordingsOpened = 0;
  private closing: Promise<void> | undefined;
  /** Peaks being computed, by call id: a request during the computation waits for it rather than redoing it. */
  private readonly peaksInFlight = new Map<string, Promise<PeaksFile>>();
  private readonly totals = { framesWritten: 0, gapFrames: 0, lateFrames: 0, bytesWritten: 0 };

  constructor(private readonly deps: RecordingServiceDeps) {
    const slotMs = (deps.flushIntervalMs ?? RECORDING_FLUSH_INTERVAL_MS) / FLUSH_SLOTS;
    this.timer = setInterval(() => this.flushBuffered(), slotMs);
    // The flush timer alone must not keep the process alive.
    this.timer.unref();
  }

  pushCallAudio(
    callId: string,
    seq: number,
    sides: { agent?: Int16Array; caller?: Int16Array },
    receivedAt: number,
    sourceCodec: AudioCodec,
  ): void {
    const rec = this.recordingFor(callId, seq, receivedAt, sourceCodec, checkFrame(seq, sides));
    if (rec) this.afterPush(rec, seq, rec.aligner.push(seq, sides, rec.out));
  }

  pushStereoCallAudio(
    callId: string,
    seq: number,
    interleaved: Int16Array,
    receivedAt: number,
    sourceCodec: AudioCodec,
  ): void {
    const problem =
      interleaved.length === STEREO_SAMPLES_PER_FRAME
        ? checkSeq(seq)
        : `the frame has ${interleaved.length} interleaved samples; a 20 ms stereo frame has ${STEREO_SAMPLES_PER_FRAME}`;
    const rec = this.recordingFor(callId, seq, receivedAt, sourceCodec, problem);
    if (rec) this.afterPush(rec, seq, rec.aligner.pushStereo(seq, interleaved, rec.out));
  }

  /** The open recording a frame goes to (opened by the first frame), or null when it goes nowhere. */
  private recordingFor(
    callId: string,
    seq: number,
    receivedAt: number,
    sourceCodec: AudioCodec,
    problem: string | null,
  ): OpenRecording | null {
    if (this.closing) return null;
    const finishedBefore = this.finished.get(callId);
    if (finishedBefore !== undefined) {
      if (!finishedBefore) {
        this.finished.set(callId, true);
        this.deps.logger.warn('recordings: audio arrived after the call ended; ignored', { callId, seq });
      }
      return null;
    }
    if (problem) {
      const rec = this.open.get(callId);
      if (!rec || this.warnOnce(rec, 'invalid')) {
        this.deps.logger.warn(`recordings: frame refused: ${problem}`, { callId, seq });
      }
      return null;
    }
    const rec = this.open.get(callId) ?? this.openRecording(callId, seq, receivedAt, sourceCodec);
    return rec.failed ? null : rec;
  }

  private afterPush(rec: OpenRecording, seq: number, outcome: PushOutcome): void {
    if (outcome === 'too_far_ahead' && this.warnOnce(rec, 'jump')) {
      this.deps.logger.warn(
        `recordings: frame refused: seq ${seq} is more than ${MAX_JUMP_FRAMES} frames (1 hour) ahead of the recording`,
        { callId: rec.callId, writtenFrames: rec.aligner.framesWritten },
      );
    }
    this.takeOutput(rec);
  }

  pushControllerAudio(callId: string, target: 'agent' | 'both', pcm: Int16Array): void {
    const rec = this.open.get(callId);
    if (!rec || rec.failed) return;
    if (pcm.length !== AUDIO_SAMPLES_PER_FRAME) {
      if (this.warnOnce(rec, 'controller')) {
        this.deps.logger.warn(
          `recordings: controller frame of ${pcm.length} samples refused; a 20 ms frame is ${AUDIO_SAMPLES_PER_FRAME}`,
          { callId },
        );
      }
      return;
    }
    rec.aligner.pushController(target, pcm);
  }

  finish(callId: string, endedAt: number): Promise<void> {
    const rec = this.open.get(callId);
    if (!rec) return this.finishing.get(callId) ?? Promise.resolve();
    return this.closeRecording(rec, 'complete', endedAt);
  }

  /** Writes everything buffered now and waits for it (and for recordings being finished). */
  async flushNow(): Promise<void> {
    await Promise.all([...this.open.values()].map((rec) => this.scheduleWrite(rec)));
    await Promise.all(this.finishing.values());
  }

  /** The server is stopping: every open recording is written out and closed as `interrupted`. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      const endedAt = this.deps.now();
      await Promise.all([...this.open.values()].map((rec) => this.closeRecording(rec, 'interrupted', endedAt)));
      await Promise.all(this.finishing.values());
      await Promise.allSettled(this.peaksInFlight.values());
    })();
    return this.closing;
  }

  /**
   * At start-up, before audio flows: recordings a crash left unfinished (status `recording`) get their file
   * cut to whole sample frames and their header sizes fixed, and are marked `repaired`. Answers how many.
   * The end time becomes the start plus the audio that reached the disk (the real end is unknown).
   */
  async repairUnfinished(): Promise<number> {
    const unfinished = await this.deps.repository.listUnfinished();
    let repaired = 0;
    for (const stored of unfinished) {
      const { callId, startedAt } = stored.recording;
      if (this.open.has(callId) || this.finishing.has(callId)) continue;
      const file = await this.resolveStoredPath(stored.file).catch((error: unknown) => {
        if (error instanceof MediaPathError) return null;
        throw error;
      });
      const result = file ? await repairWavFile(file, RECORDING_WAV_FORMAT) : null;
      if (!result) {
        this.deps.logger.warn('recordings: the file of an unfinished recording is missing; marked repaired, empty', {
          callId,
          file: stored.file,
        });
      }
      const dataBytes = result?.dataBytes ?? 0;
      const durationMs = durationOfDataBytes(dataBytes);
      await this.deps.repository.update(
        callId,
        {
          status: 'repaired',
          ended_at: startedAt + durationMs,
          frames: Math.floor(dataBytes / RECORDING_FRAME_BYTES),
          duration_ms: durationMs,
          size_bytes: result?.fileBytes ?? 0,
        },
        this.deps.now(),
      );
      repaired += 1;
    }
    if (repaired > 0) this.deps.logger.warn(`recordings: repaired ${repaired} recording(s) left unfinished by a crash`);
    return repaired;
  }

  async get(callId: string): Promise<Recording | null> {
    return (await this.deps.repository.get(callId))?.recording ?? null;
  }

  /** The row and where its file is (relative to DATA_DIR), for the routes. */
  async getStored(callId: string): Promise<StoredRecording | null> {
    return (await this.deps.repository.get(callId)) ?? null;
  }

  /**
   * The waveform peaks of a finished recording (shared/src/recordings.ts), from the `.peaks` file beside its
   * WAV, computed now (once, whoever asks meanwhile) when it is missing: recordings finished before peaks
   * existed, or whose computation at the end failed. Throws MediaPathError for a path that cannot be resolved.
   */
  async peaks(stored: StoredRecording): Promise<PeaksFile> {
    const wavFile = await this.resolveStoredPath(stored.file);
    const existing = await readPeaksFile(peaksFileOf(wavFile));
    return existing ?? this.generatePeaks(stored.recording.callId, wavFile);
  }

  private generatePeaks(callId: string, wavFile: string): Promise<PeaksFile> {
    const running = this.peaksInFlight.get(callId);
    if (running) return running;
    const started = generatePeaksFile(wavFile).finally(() => this.peaksInFlight.delete(callId));
    this.peaksInFlight.set(callId, started);
    return started;
  }

  /** After a recording is finished: its peaks are computed in the background (a failure is logged; the route retries). */
  private peaksInBackground(callId: string, wavFile: string): void {
    this.generatePeaks(callId, wavFile).catch((error: unknown) => {
      this.deps.logger.warn('recordings: computing the waveform peaks failed; they will be computed on request', {
        callId,
        error,
      });
    });
  }

  /** The absolute path of a stored file, through resolveMediaPath (the stored path is never trusted blindly). */
  resolveStoredPath(relative: string): Promise<string> {
    return resolveMediaPath(this.deps.dataDir, ...relative.split('/'));
  }

  stats(): RecordingStats {
    const stats: RecordingStats = { openRecordings: this.open.size, ...this.totals };
    for (const rec of this.open.values()) addCounters(stats, rec.aligner.counters);
    return stats;
  }

  /** Deletes recordings that ended before the cutoff: their files first, then their rows. */
  retentionTarget(): RetentionTarget {
    return {
      name: 'recordings',
      deleteOlderThan: async (cutoffMs) => {
        let recordings = 0;
        for (;;) {
          const batch = await this.deps.repository.listEndedBefore(cutoffMs, RETENTION_BATCH);
          if (batch.length === 0) break;
          for (const stored of batch) {
            try {
              const wavFile = await this.resolveStoredPath(stored.file);
              await rm(peaksFileOf(wavFile), { force: true });
              await rm(wavFile, { force: true });
            } catch (error) {
              if (!(error instanceof MediaPathError)) throw error;
              this.deps.logger.warn('recordings: a stored path cannot be resolved; deleting the row only', {
                callId: stored.recording.callId,
                error,
              });
            }
          }
          recordings += await this.deps.repository.delete(batch.map((s) => s.recording.callId));
          if (batch.length < RETENTION_BATCH) break;
        }
        return { recordings };
      },
    };
  }

  /* ----------------------------------------------------------- internals ----------------------------------------------------------- */

  private openRecording(callId: string, seq: number, receivedAt: number, sourceCodec: AudioCodec): OpenRecording {
    // Frame 0 of the file is seq 0, so the file's timeline is the call's; a stream that begins more than an
    // hour in (a recorder started mid-call) starts the file at its first frame instead of an hour of silence.
    const originSeq = seq <= MAX_JUMP_FRAMES ? 0 : seq;
    const startedAt = receivedAt - (seq - originSeq) * AUDIO_FRAME_MS;
    const day = new Date(startedAt).toISOString().slice(0, 10);
    const name = `${randomUUID()}.wav`;
    const rec: OpenRecording = {
      callId,
      file: [RECORDINGS_DIR, day, name].join('/'),
      startedAt,
      sourceCodec,
      aligner: new FrameAligner({ originSeq }),
      out: [],
      pieces: [],
      chunk: null,
      chunkBytes: 0,
      tail: Promise.resolve(),
      writeQueued: false,
      failed: false,
      warned: new Set(),
      flushSlot: this.recordingsOpened++ % FLUSH_SLOTS,
    };
    this.open.set(callId, rec);
    rec.tail = this.createFile(rec, day, name).catch((error: unknown) => this.fail(rec, error, 'could not be opened'));
    return rec;
  }

  /** Inserts the row first (a crash after it leaves a row the start-up repair handles), then the file. */
  private async createFile(rec: OpenRecording, day: string, name: string): Promise<void> {
    const format = RECORDING_WAV_FORMAT;
    await this.deps.repository.insert(
      {
        recording: {
          callId: rec.callId,
          status: 'recording',
          startedAt: rec.startedAt,
          endedAt: null,
          durationMs: 0,
          sizeBytes: WAV_HEADER_BYTES,
          channels: format.channels,
          sampleRate: format.sampleRate,
          bitsPerSample: format.bitsPerSample,
          sourceCodec: rec.sourceCodec,
          frames: 0,
          gapFramesAgent: 0,
          gapFramesCaller: 0,
          lateFrames: 0,
          controllerFrames: 0,
        },
        file: rec.file,
      },
      this.deps.now(),
    );
    try {
      await mkdir(await resolveMediaPath(this.deps.dataDir, RECORDINGS_DIR, day), { recursive: true });
      const absolutePath = await resolveMediaPath(this.deps.dataDir, RECORDINGS_DIR, day, name);
      rec.appender = await WavAppender.create(absolutePath, format);
      rec.absolutePath = absolutePath;
    } catch (error) {
      // No file, no recording: the row goes too.
      await this.deps.repository.delete([rec.callId]).catch(() => {});
      throw error;
    }
  }

  /** Moves the aligner's output into the write buffer (silence stays a count, never a buffer). */
  private takeOutput(rec: OpenRecording): void {
    for (const output of rec.out) {
      if (output.kind === 'frame') {
        const bytes = int16LittleEndianBytes(output.samples);
        if (!rec.chunk || rec.chunkBytes + bytes.byteLength > rec.chunk.byteLength) {
          this.sealChunk(rec);
          rec.chunk = Buffer.allocUnsafe(CHUNK_FRAMES * RECORDING_FRAME_BYTES);
        }
        rec.chunk.set(bytes, rec.chunkBytes);
        rec.chunkBytes += bytes.byteLength;
      } else {
        this.sealChunk(rec);
        rec.pieces.push({ silenceBytes: output.frames * RECORDING_FRAME_BYTES });
      }
    }
    rec.out.length = 0;
  }

  /** The chunk's used part joins the pieces (in order); the next frame starts a new chunk. */
  private sealChunk(rec: OpenRecording): void {
    if (rec.chunk && rec.chunkBytes > 0) rec.pieces.push(rec.chunk.subarray(0, rec.chunkBytes));
    rec.chunk = null;
    rec.chunkBytes = 0;
  }

  /** One tick: the recordings of this slot append what they buffered. */
  private flushBuffered(): void {
    const slot = this.flushTick;
    this.flushTick = (this.flushTick + 1) % FLUSH_SLOTS;
    for (const rec of this.open.values()) {
      if (rec.flushSlot === slot && (rec.pieces.length > 0 || rec.chunkBytes > 0)) void this.scheduleWrite(rec);
    }
  }

  /** Queues one append of whatever is buffered when it starts; at most one runs and one waits per file. */
  private scheduleWrite(rec: OpenRecording): Promise<void> {
    if (rec.writeQueued || rec.failed) return rec.tail;
    rec.writeQueued = true;
    rec.tail = rec.tail
      .then(async () => {
        rec.writeQueued = false;
        // The chunk being filled goes with this write: a buffer handed to the file is never written to again.
        this.sealChunk(rec);
        if (rec.failed || !rec.appender || rec.pieces.length === 0) return;
        const pieces = rec.pieces;
        rec.pieces = [];
        this.totals.bytesWritten += await rec.appender.append(pieces);
      })
      .catch((error: unknown) => this.fail(rec, error, 'could not be written'));
    return rec.tail;
  }

  private fail(rec: OpenRecording, error: unknown, what: string): void {
    if (!rec.failed) this.deps.logger.error(`recordings: the recording of call ${rec.callId} ${what}`, { error });
    rec.failed = true;
    rec.pieces = [];
    rec.chunk = null;
    rec.chunkBytes = 0;
  }

  private closeRecording(rec: OpenRecording, status: RecordingStatus, endedAt: number): Promise<void> {
    this.open.delete(rec.callId);
    this.rememberFinished(rec.callId);
    rec.aligner.finish(rec.out);
    this.takeOutput(rec);
    void this.scheduleWrite(rec);
    const done = rec.tail
      .then(() => this.finalize(rec, status, endedAt))
      .catch((error: unknown) => {
        this.deps.logger.error(`recordings: the recording of call ${rec.callId} could not be closed`, { error });
      })
      .finally(() => {
        this.finishing.delete(rec.callId);
        addCounters(this.totals, rec.aligner.counters);
      });
    this.finishing.set(rec.callId, done);
    return done;
  }

  private async finalize(rec: OpenRecording, status: RecordingStatus, endedAt: number): Promise<void> {
    const { appender, absolutePath } = rec;
    if (!appender || !absolutePath) return; // never opened: no row, no file
    const counters = rec.aligner.counters;
    const tally = {
      gap_frames_agent: counters.gapFramesAgent,
      gap_frames_caller: counters.gapFramesCaller,
      late_frames: counters.lateFrames,
      controller_frames: counters.controllerFrames,
    };
    if (rec.failed) {
      // A write failed part-way: keep what reached the disk, as the start-up repair would.
      await appender.abandon().catch(() => {});
      const repaired = await repairWavFile(absolutePath, RECORDING_WAV_FORMAT);
      const dataBytes = repaired?.dataBytes ?? 0;
      await this.deps.repository.update(
        rec.callId,
        {
          status: 'repaired',
          ended_at: endedAt,
          frames: Math.floor(dataBytes / RECORDING_FRAME_BYTES),
          duration_ms: durationOfDataBytes(dataBytes),
          size_bytes: repaired?.fileBytes ?? 0,
          ...tally,
        },
        this.deps.now(),
      );
      if (repaired) this.peaksInBackground(rec.callId, absolutePath);
      return;
    }
    const dataBytes = await appender.finish();
    await this.deps.repository.update(
      rec.callId,
      {
        status,
        ended_at: endedAt,
        frames: Math.floor(dataBytes / RECORDING_FRAME_BYTES),
        duration_ms: durationOfDataBytes(dataBytes),
        size_bytes: WAV_HEADER_BYTES + dataBytes,
        ...tally,
      },
      this.deps.now(),
    );
    this.peaksInBackground(rec.callId, absolutePath);
  }

  private rememberFinished(callId: string): void {
    this.finished.set(callId, false);
    if (this.finished.size > FINISHED_CALLS_REMEMBERED) {
      const oldest = this.finished.keys().next();
      if (!oldest.done) this.finished.delete(oldest.value);
    }
  }

  /** True the first time `what` is warned about for this recording. */
  private warnOnce(rec: OpenRecording, what: string): boolean {
    if (rec.warned.has(what)) return false;
    rec.warned.add(what);
    return true;
  }
}

function addCounters(target: Omit<RecordingStats, 'openRecordings' | 'bytesWritten'>, counters: AlignerCounters) {
  target.framesWritten += counters.framesWritten;
  target.gapFrames += counters.gapFramesAgent + counters.gapFramesCaller;
  target.lateFrames += counters.lateFrames;
}

/** Whole milliseconds of audio in `dataBytes` of recording data. */
function durationOfDataBytes(dataBytes: number): number {
  return Math.floor(((dataBytes / SAMPLE_FRAME_BYTES) * 1000) / RECORDING_WAV_FORMAT.sampleRate);
}

function checkSeq(seq: number): string | null {
  return Number.isInteger(seq) && seq >= 0 ? null : `seq ${seq} is not a frame number`;
}

/** Why a frame cannot be recorded, or null. The audio hub decodes frames; this guards against its bugs. */
function checkFrame(seq: number, sides: { agent?: Int16Array; caller?: Int16Array }): string | null {
  const seqProblem = checkSeq(seq);
  if (seqProblem) return seqProblem;
  if (!sides.agent && !sides.caller) return 'the frame carries neither side';
  for (const [side, pcm] of Object.entries(sides)) {
    if (pcm && pcm.length !== AUDIO_SAMPLES_PER_FRAME) {
      return `the ${side} side has ${pcm.length} samples; a 20 ms frame has ${AUDIO_SAMPLES_PER_FRAME}`;
    }
  }
  return null;
}
