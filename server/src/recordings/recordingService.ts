import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import {
  AUDIO_FRAME_MS,
  AUDIO_SAMPLES_PER_FRAME,
  type AudioChannel,
  type AudioCodec,
  type AudioFrame,
  RECORDING_FRAME_BYTES,
  RECORDING_WAV_FORMAT,
  type Recording,
  type RecordingStatus,
  WAV_HEADER_BYTES,
} from '@earshot/shared';
import { AudioWorkerClient } from '../audio/audioWorker.js';
import type { CallRecorder } from '../audio/callRecorder.js';
import { RECORD_KIND } from '../audio/frameBatch.js';
import type { Logger } from '../logger.js';
import { MediaPathError, resolveMediaPath } from '../media/paths.js';
import type { RetentionTarget } from '../retention/retentionService.js';
import { MAX_JUMP_FRAMES, STEREO_SAMPLES_PER_FRAME } from './frameAligner.js';
import { generatePeaksFile, type PeaksFile, peaksFileOf, readPeaksFile } from './peaks.js';
import type { RecordingRepository, StoredRecording } from './recordingRepository.js';
import type {
  FinishResult,
  RecordingTotals,
  RecordingWorkerMessage,
  RecordingWorkerOptions,
} from './recordingWorker.js';
import { repairWavFile } from './wavFile.js';

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

/** A recording as the main thread knows it; its audio and file live in the recording worker. */
interface OpenRecording {
  /** Its number in the recording worker. */
  id: number;
  callId: string;
  /** Relative to DATA_DIR. */
  file: string;
  /** Set once the file's path is known. */
  absolutePath?: string;
  startedAt: number;
  sourceCodec: AudioCodec;
  /** Settles once the row is in and the worker has created the file (rejects when either failed). */
  created: Promise<void>;
  /** Warnings already logged for this recording (each once). */
  warned: Set<string>;
}

/**
 * Records every call to a stereo WAV (agent left, caller right, 8 kHz, 16-bit) while the audio arrives.
 * The push methods are synchronous and cheap: they check the frame and add it to a batch for the recording
 * worker thread (recordingWorker.ts), which decodes it, puts it in order (FrameAligner), buffers it and
 * appends what is buffered every RECORDING_FLUSH_INTERVAL_MS, one write in flight per file, in order. This
 * side inserts the row when the recording opens and updates it when it is finished, interrupted (server
 * stopping) or repaired (found unfinished at start-up).
 */
export class RecordingService implements CallRecorder {
  private readonly open = new Map<string, OpenRecording>();
  /** Recordings being finished, by call id. */
  private readonly finishing = new Map<string, Promise<void>>();
  /** Calls finished in this process; the value says whether a late frame was already logged. */
  private readonly finished = new Map<string, boolean>();
  private recordingsOpened = 0;
  private closing: Promise<void> | undefined;
  /** Peaks being computed, by call id: a request during the computation waits for it rather than redoing it. */
  private readonly peaksInFlight = new Map<string, Promise<PeaksFile>>();
  /** The worker's latest counters (it sends them after changes and before answering). */
  private totals: RecordingTotals = { framesWritten: 0, gapFrames: 0, lateFrames: 0, bytesWritten: 0 };
  private readonly worker: AudioWorkerClient<RecordingWorkerMessage>;
  private readonly stereoScratch = new Int16Array(STEREO_SAMPLES_PER_FRAME);

  constructor(private readonly deps: RecordingServiceDeps) {
    const options: RecordingWorkerOptions = {
      flushIntervalMs: deps.flushIntervalMs ?? RECORDING_FLUSH_INTERVAL_MS,
      flushSlots: FLUSH_SLOTS,
    };
    this.worker = new AudioWorkerClient({
      entry: new URL('./recordingWorker.ts', import.meta.url),
      options,
      name: 'recording',
      logger: deps.logger,
      onMessage: (message) => {
        if (message.type === 'totals') this.totals = message.totals;
        else deps.logger[message.level](message.message, message.meta);
      },
    });
  }

  /** A frame of a live call's own audio as the platform sent it (the audio hub's hook): decoded in the worker. */
  pushFrame(frame: AudioFrame, receivedAt: number): void {
    const rec = this.recordingFor(frame.callId, frame.seq, receivedAt, frame.codec, checkSeq(frame.seq));
    if (rec) this.worker.batch.pushFrame(RECORD_KIND.frame, rec.id, -1, frame);
  }

  pushCallAudio(
    callId: string,
    seq: number,
    sides: { agent?: Int16Array; caller?: Int16Array },
    receivedAt: number,
    sourceCodec: AudioCodec,
  ): void {
    const rec = this.recordingFor(callId, seq, receivedAt, sourceCodec, checkFrame(seq, sides));
    if (!rec) return;
    const { agent, caller } = sides;
    if (agent && caller) {
      const interleaved = this.stereoScratch;
      for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
        interleaved[2 * i] = agent[i] as number;
        interleaved[2 * i + 1] = caller[i] as number;
      }
      this.pushSamples(rec, seq, 'both', interleaved);
    } else if (agent) {
      this.pushSamples(rec, seq, 'agent', agent);
    } else if (caller) {
      this.pushSamples(rec, seq, 'caller', caller);
    }
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
    if (rec) this.pushSamples(rec, seq, 'both', interleaved);
  }

  /** Decoded samples go to the worker as L16 (copied now: the caller may reuse its arrays). */
  private pushSamples(rec: OpenRecording, seq: number, channel: AudioChannel, samples: Int16Array): void {
    this.worker.batch.pushSamples(RECORD_KIND.frame, rec.id, -1, seq, channel, samples);
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
    // A recording whose file failed takes frames all the same: the worker drops them.
    return this.open.get(callId) ?? this.openRecording(callId, seq, receivedAt, sourceCodec);
  }

  pushControllerAudio(callId: string, target: 'agent' | 'both', pcm: Int16Array): void {
    const rec = this.open.get(callId);
    if (!rec) return;
    if (pcm.length !== AUDIO_SAMPLES_PER_FRAME) {
      if (this.warnOnce(rec, 'controller')) {
        this.deps.logger.warn(
          `recordings: controller frame of ${pcm.length} samples refused; a 20 ms frame is ${AUDIO_SAMPLES_PER_FRAME}`,
          { callId },
        );
      }
      return;
    }
    this.worker.batch.pushSamples(RECORD_KIND.controller, rec.id, target === 'both' ? 1 : 0, 0, 'agent', pcm);
  }

  finish(callId: string, endedAt: number): Promise<void> {
    const rec = this.open.get(callId);
    if (!rec) return this.finishing.get(callId) ?? Promise.resolve();
    return this.closeRecording(rec, 'complete', endedAt);
  }

  /** Writes everything buffered now and waits for it (and for recordings being finished). */
  async flushNow(): Promise<void> {
    // Files still being created take their audio once they exist, so the flush waits for them.
    await Promise.allSettled([...this.open.values()].map((rec) => rec.created));
    await this.worker.request({ type: 'flush' });
    await Promise.all(this.finishing.values());
  }

  /** The server is stopping: every open recording is written out and closed as `interrupted`. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const endedAt = this.deps.now();
      await Promise.all([...this.open.values()].map((rec) => this.closeRecording(rec, 'interrupted', endedAt)));
      await Promise.all(this.finishing.values());
      await Promise.allSettled(this.peaksInFlight.values());
      await this.worker.terminate();
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

  /** Counters as the recording worker last sent them (after each change it makes, within a flush slot). */
  stats(): RecordingStats {
    return { openRecordings: this.open.size, ...this.totals };
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
    const id = this.recordingsOpened++;
    // The worker buffers its audio from now on; the file follows the row.
    this.worker.post({ type: 'open', rec: id, callId, originSeq });
    const rec: OpenRecording = {
      id,
      callId,
      file: [RECORDINGS_DIR, day, name].join('/'),
      startedAt,
      sourceCodec,
      created: Promise.resolve(),
      warned: new Set(),
    };
    rec.created = this.createFile(rec, day, name);
    rec.created.catch((error: unknown) => {
      this.worker.post({ type: 'abandon', rec: id });
      this.deps.logger.error(`recordings: the recording of call ${callId} could not be opened`, { error });
    });
    this.open.set(callId, rec);
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
      const path = await resolveMediaPath(this.deps.dataDir, RECORDINGS_DIR, day, name);
      await this.worker.request({ type: 'create', rec: rec.id, path });
      rec.absolutePath = path;
    } catch (error) {
      // No file, no recording: the row goes too.
      await this.deps.repository.delete([rec.callId]).catch(() => {});
      throw error;
    }
  }

  private closeRecording(rec: OpenRecording, status: RecordingStatus, endedAt: number): Promise<void> {
    this.open.delete(rec.callId);
    this.rememberFinished(rec.callId);
    const done = rec.created
      .then(
        async () =>
          this.finalize(rec, status, endedAt, await this.worker.request<FinishResult>({ type: 'finish', rec: rec.id })),
        // Never opened: no row, no file (the worker drops what it buffered).
        () => this.worker.request({ type: 'finish', rec: rec.id }).then(() => {}),
      )
      .catch((error: unknown) => {
        this.deps.logger.error(`recordings: the recording of call ${rec.callId} could not be closed`, { error });
      })
      .finally(() => {
        this.finishing.delete(rec.callId);
      });
    this.finishing.set(rec.callId, done);
    return done;
  }

  private async finalize(
    rec: OpenRecording,
    status: RecordingStatus,
    endedAt: number,
    result: FinishResult,
  ): Promise<void> {
    const { absolutePath } = rec;
    if (!result.opened || !absolutePath) return; // never opened: no row, no file
    const { counters } = result;
    const tally = {
      gap_frames_agent: counters.gapFramesAgent,
      gap_frames_caller: counters.gapFramesCaller,
      late_frames: counters.lateFrames,
      controller_frames: counters.controllerFrames,
    };
    if (result.failed) {
      // A write failed part-way: the worker kept what reached the disk, as the start-up repair would.
      const dataBytes = result.repaired?.dataBytes ?? 0;
      await this.deps.repository.update(
        rec.callId,
        {
          status: 'repaired',
          ended_at: endedAt,
          frames: Math.floor(dataBytes / RECORDING_FRAME_BYTES),
          duration_ms: durationOfDataBytes(dataBytes),
          size_bytes: result.repaired?.fileBytes ?? 0,
          ...tally,
        },
        this.deps.now(),
      );
      if (result.repaired) this.peaksInBackground(rec.callId, absolutePath);
      return;
    }
    const { dataBytes } = result;
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
