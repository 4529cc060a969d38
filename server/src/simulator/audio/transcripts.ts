import { performance } from 'node:perf_hooks';
import { TRANSCRIPT_BATCH_MAX_SEGMENTS, type TranscriptBatchItem, type TranscriptSegment } from '@earshot/shared';
import { deriveSeed, Rng } from '../random.js';
import type { Utterance } from './dialogue.js';

/*
 * The simulated telephony platform's speech recogniser: it knows what the dialogue played, so each utterance
 * becomes a transcript segment (speaker, offsets on the call's audio timeline, text, language) sent through
 * the ingest protocol a recogniser's latency after the utterance ends. Segments wait in their own queue, apart
 * from the call events and the audio: a server that is slow to answer, or does not take transcripts at all,
 * costs the audio nothing.
 */

/** A recogniser's delay between the end of an utterance and its text (uniform in this range). */
export const RECOGNISER_LATENCY_MIN_MS = 300;
export const RECOGNISER_LATENCY_MAX_MS = 800;
/** Segments waiting at most; past this the oldest are dropped (a server away for long loses text, not memory). */
const MAX_PENDING_SEGMENTS = 5_000;
/** A batch the server did not answer (while connected) is tried this many times, then dropped. */
const MAX_ATTEMPTS = 3;
/** Pause before sending again after no answer, or an answer of "send it again". */
const RETRY_AFTER_MS = 1_000;
/** Same wording as the driver's: the server could not apply it now (see docs/ingest.md). */
const RETRY_LATER_PATTERN = /send it again|could not read the store/;
const LOG_LINES_PER_MINUTE = 10;

/**
 * What became of one batch: the server's per-segment answers, its refusal of the whole batch, no answer in
 * time (`timeout`), or not sent because the connection is down (`offline`).
 */
export type TranscriptSendOutcome =
  | { kind: 'answered'; items: TranscriptBatchItem[] }
  | { kind: 'refused'; error: string }
  | { kind: 'timeout' }
  | { kind: 'offline' };

export interface TranscriptSenderOptions {
  seed: number;
  send: (segments: TranscriptSegment[]) => Promise<TranscriptSendOutcome>;
  log: (line: string) => void;
  /** Monotonic milliseconds; performance.now() unless a test drives the clock. */
  now?: () => number;
}

export interface TranscriptStats {
  /** Segments the server accepted (new or repeats). */
  accepted: number;
  refused: number;
  /** Given up on: not answered after MAX_ATTEMPTS, or dropped while too many waited. */
  dropped: number;
  pending: number;
}

interface PendingSegment {
  segment: TranscriptSegment;
  dueAt: number;
  attempts: number;
}

/**
 * The segment for an utterance, or null when nothing of it was heard. A cut-off utterance keeps the words
 * said before the cut (in proportion to the time played), as a recogniser would only have heard those.
 */
export function segmentOf(
  callId: string,
  index: number,
  utterance: Utterance,
  fullDurationMs: number,
): TranscriptSegment | null {
  let text = utterance.text;
  if (utterance.truncated) {
    const played = fullDurationMs > 0 ? (utterance.endMs - utterance.startMs) / fullDurationMs : 0;
    const words = utterance.text.split(/\s+/);
    const kept = Math.floor(words.length * Math.min(1, played));
    if (kept === 0) return null;
    text = words.slice(0, kept).join(' ');
  }
  if (utterance.endMs <= utterance.startMs) return null;
  return {
    // The utterance's place in its call: the same id whenever it is sent again, so the server dedupes.
    segmentId: `${callId}:u${index}`,
    callId,
    speaker: utterance.speaker,
    startMs: utterance.startMs,
    endMs: utterance.endMs,
    text,
    language: utterance.language,
  };
}

export class TranscriptSender {
  private readonly options: TranscriptSenderOptions;
  private readonly now: () => number;
  private readonly latencyRng: Rng;
  /** In order of due time (latencies differ, so inserted in place). */
  private readonly queue: PendingSegment[] = [];
  /** The batch awaiting its answer, settled when it is. */
  private inFlight: Promise<void> | null = null;
  private pausedUntil = 0;
  private stopped = false;
  private readonly counts = { accepted: 0, refused: 0, dropped: 0 };
  private logWindowStart = 0;
  private logLines = 0;
  private notLogged = 0;

  constructor(options: TranscriptSenderOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.latencyRng = new Rng(deriveSeed(options.seed, 0x7e57));
  }

  /** A segment to send once the recogniser's latency has passed. */
  add(segment: TranscriptSegment): void {
    if (this.stopped) return;
    const dueAt = this.now() + this.latencyRng.uniform(RECOGNISER_LATENCY_MIN_MS, RECOGNISER_LATENCY_MAX_MS);
    let at = this.queue.length;
    while (at > 0 && (this.queue[at - 1] as PendingSegment).dueAt > dueAt) at -= 1;
    this.queue.splice(at, 0, { segment, dueAt, attempts: 0 });
    if (this.queue.length > MAX_PENDING_SEGMENTS) {
      this.queue.shift();
      this.counts.dropped += 1;
      if (this.counts.dropped === 1 || this.counts.dropped % 1_000 === 0) {
        this.log(`${this.counts.dropped} transcript segments dropped so far: too many waiting for the server`);
      }
    }
  }

  /** Sends the segments now due in one batch, unless one is awaiting its answer. */
  pump(): void {
    const now = this.now();
    if (this.stopped || this.inFlight || now < this.pausedUntil) return;
    let due = 0;
    while (
      due < this.queue.length &&
      due < TRANSCRIPT_BATCH_MAX_SEGMENTS &&
      (this.queue[due] as PendingSegment).dueAt <= now
    )
      due += 1;
    if (due === 0) return;
    const batch = this.queue.splice(0, due);
    this.inFlight = this.options
      .send(batch.map((p) => p.segment))
      .catch((error: unknown): TranscriptSendOutcome => ({ kind: 'refused', error: String(error) }))
      .then((outcome) => this.settle(batch, outcome))
      .finally(() => {
        this.inFlight = null;
      });
  }

  /**
   * Sends everything waiting now, latency or not (the simulator is stopping), one batch after another;
   * gives up at the first batch the server does not take (offline, no answer, "send it again").
   */
  async flush(): Promise<void> {
    while (!this.stopped) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      if (this.queue.length === 0 || this.now() < this.pausedUntil) return;
      for (const pending of this.queue) pending.dueAt = 0;
      this.pump();
    }
  }

  stop(): TranscriptStats {
    this.stopped = true;
    return this.stats();
  }

  stats(): TranscriptStats {
    return { ...this.counts, pending: this.queue.length };
  }

  private settle(batch: PendingSegment[], outcome: TranscriptSendOutcome): void {
    switch (outcome.kind) {
      case 'offline':
        // Nothing was sent: wait for the connection, without counting an attempt.
        this.again(batch, false);
        return;
      case 'timeout': {
        const retry = batch.filter((p) => p.attempts + 1 < MAX_ATTEMPTS);
        const given = batch.length - retry.length;
        if (given > 0) {
          this.counts.dropped += given;
          this.log(`the server did not answer ${MAX_ATTEMPTS} times; ${given} transcript segments dropped`);
        }
        this.again(retry, true);
        return;
      }
      case 'refused':
        if (RETRY_LATER_PATTERN.test(outcome.error)) {
          this.again(batch, false);
          return;
        }
        this.counts.refused += batch.length;
        this.log(`server refused a batch of ${batch.length} transcript segments: ${outcome.error}`);
        return;
      case 'answered': {
        const refusals = new Map<number, string>();
        for (const item of outcome.items) if (!item.ok) refusals.set(item.index, item.error);
        const later: PendingSegment[] = [];
        batch.forEach((pending, index) => {
          const refusal = refusals.get(index);
          if (refusal === undefined) this.counts.accepted += 1;
          else if (RETRY_LATER_PATTERN.test(refusal)) later.push(pending);
          else {
            this.counts.refused += 1;
            this.log(`server refused transcript segment ${pending.segment.segmentId}: ${refusal}`);
          }
        });
        if (later.length > 0) this.again(later, false);
        return;
      }
    }
  }

  /** Puts segments back in front, in order, and pauses sending for a moment. */
  private again(batch: PendingSegment[], attempted: boolean): void {
    if (this.stopped || batch.length === 0) return;
    for (const pending of batch) if (attempted) pending.attempts += 1;
    this.queue.unshift(...batch);
    this.pausedUntil = this.now() + RETRY_AFTER_MS;
  }

  /** Logs at most LOG_LINES_PER_MINUTE lines a minute, then says how many were left out. */
  private log(line: string): void {
    const now = Date.now();
    if (now - this.logWindowStart > 60_000) {
      if (this.notLogged > 0) this.options.log(`transcripts: … and ${this.notLogged} more problems`);
      this.logWindowStart = now;
      this.logLines = 0;
      this.notLogged = 0;
    }
    if (this.logLines < LOG_LINES_PER_MINUTE) {
      this.logLines += 1;
      this.options.log(`transcripts: ${line}`);
    } else {
      this.notLogged += 1;
    }
  }
}
