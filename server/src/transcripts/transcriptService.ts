import {
  type Call,
  type CallTranscript,
  parseWith,
  type Sentiment,
  type TranscriptBatchItem,
  type TranscriptLine,
  type TranscriptSegment,
  TranscriptSegmentSchema,
} from '@earshot/shared';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import { findNulCharacter } from '../http/security.js';
import type { Logger } from '../logger.js';
import type { RetentionTarget } from '../retention/retentionService.js';
import { scoreCallSentiment } from '../sentiment/sentiment.js';
import type { TranscriptRepository } from './transcriptRepository.js';

export interface TranscriptServiceDeps {
  repository: TranscriptRepository;
  registry: LiveCallRegistry;
  clock: Clock;
  logger: Logger;
  /** Told when an ended call's final sentiment is stored (app.ts announces it to the call's page). */
  onFinalSentiment?: (call: Call) => void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A live sentiment is announced again only when its score moved at least this much (or its label changed). */
const SENTIMENT_SCORE_STEP = 0.01;

/**
 * Transcript segments in (the ingest protocol), stored and indexed, and the call's sentiment from them:
 * recomputed on every batch while the call is live (`call.sentiment` through the registry, final false),
 * computed once more and stored when it ends (final true). Work on a call runs in the registry's queue for
 * that call, so a segment is checked against the call as its events left it, and a sentiment can never
 * overtake the call's end.
 */
export class TranscriptService {
  private accepting = true;
  /** The lines of each live call that has a transcript, so a new batch does not re-read the whole call. */
  private readonly liveLines = new Map<string, TranscriptLine[]>();

  constructor(private readonly deps: TranscriptServiceDeps) {
    deps.registry.onChange(({ previous, call }) => {
      if (call.state !== 'ended' || previous?.state === 'ended') return;
      // Queued behind the task that ended the call (the listener runs inside it).
      deps.registry
        .runExclusive(call.id, () => this.finishCall(call))
        .catch((error: unknown) =>
          deps.logger.error('transcripts: final sentiment failed', { callId: call.id, error }),
        );
    });
  }

  /**
   * Applies a batch: each item is checked on its own (schema, known call, repeat) and answered in order; a
   * bad one never spoils the others. The new segments are stored in one transaction.
   */
  async ingestBatch(items: readonly unknown[]): Promise<TranscriptBatchItem[]> {
    const callIds = items.flatMap((item) => {
      const callId = typeof item === 'object' && item !== null ? (item as { callId?: unknown }).callId : undefined;
      return typeof callId === 'string' ? [callId] : [];
    });
    if (!this.accepting)
      return items.map((item, index) => refused(index, item, 'the server is shutting down; send it again'));
    return this.deps.registry.runExclusiveForAll(callIds, () => this.applyBatch(items));
  }

  private async applyBatch(items: readonly unknown[]): Promise<TranscriptBatchItem[]> {
    const { repository, registry, clock, logger } = this.deps;
    const results: TranscriptBatchItem[] = new Array(items.length);
    const valid: { index: number; segment: TranscriptSegment }[] = [];
    items.forEach((item, index) => {
      const what = `segment at index ${index}`;
      const nul = findNulCharacter(item, what);
      if (nul) {
        results[index] = refused(index, item, `invalid ${what}: text may not contain NUL characters (in ${nul})`);
        return;
      }
      const parsed = parseWith(TranscriptSegmentSchema, item, what);
      if (parsed.ok) valid.push({ index, segment: parsed.data });
      else results[index] = refused(index, item, parsed.error);
    });

    /** Offer time of every call the batch names that exists (live ones from memory). */
    let offeredAt: Map<string, number>;
    let stored: Set<string>;
    try {
      const notLive = valid.map((v) => v.segment.callId).filter((id) => registry.get(id) === undefined);
      offeredAt = await repository.callOfferTimes(notLive);
      for (const { segment } of valid) {
        const live = registry.get(segment.callId);
        if (live) offeredAt.set(live.id, live.offeredAt);
      }
      stored = await repository.storedSegmentIds(valid.map((v) => v.segment.segmentId));
    } catch (error) {
      logger.error('transcripts: reading the store failed', { error });
      for (const { index, segment } of valid) {
        results[index] = refused(index, segment, `could not read the store: ${messageOf(error)}`);
      }
      return results;
    }

    const fresh: { index: number; segment: TranscriptSegment }[] = [];
    const inBatch = new Set<string>();
    for (const { index, segment } of valid) {
      const { segmentId, callId } = segment;
      if (!offeredAt.has(callId)) {
        results[index] = refused(
          index,
          segment,
          `unknown call ${callId}: send its call.offered event before its transcript`,
        );
      } else if (stored.has(segmentId) || inBatch.has(segmentId)) {
        results[index] = { ok: true, segmentId, duplicate: true };
      } else {
        inBatch.add(segmentId);
        fresh.push({ index, segment });
      }
    }
    if (fresh.length === 0) return results;

    let inserted: Set<string>;
    try {
      inserted = await repository.insertSegments(
        fresh.map((f) => f.segment),
        offeredAt,
        clock.now(),
      );
    } catch (error) {
      logger.error('transcripts: storing a batch failed; nothing was stored', { segments: fresh.length, error });
      for (const { index, segment } of fresh) {
        results[index] = refused(index, segment, `could not store the segment: ${messageOf(error)}`);
      }
      return results;
    }
    // A segment id another node stored in the meantime was skipped by the insert: a repeat.
    const added = new Map<string, TranscriptSegment[]>();
    for (const { index, segment } of fresh) {
      const isNew = inserted.has(segment.segmentId);
      results[index] = { ok: true, segmentId: segment.segmentId, duplicate: !isNew };
      if (isNew) added.set(segment.callId, [...(added.get(segment.callId) ?? []), segment]);
    }
    for (const [callId, segments] of added) await this.updateSentiment(callId, segments);
    return results;
  }

  /** After new lines: the live sentiment of a live call, or the stored final one of an ended call (late text). */
  private async updateSentiment(callId: string, segments: readonly TranscriptSegment[]): Promise<void> {
    const { registry, repository, clock, logger } = this.deps;
    try {
      if (registry.get(callId) === undefined) {
        const sentiment = scoreCallSentiment(await repository.listLines(callId), true);
        if (sentiment) await repository.saveFinalSentiment(callId, sentiment, clock.now());
        return;
      }
      let lines = this.liveLines.get(callId);
      if (lines) {
        for (const segment of segments) lines.push(lineOf(segment));
        lines.sort((a, b) => a.startMs - b.startMs);
      } else {
        lines = await repository.listLines(callId);
        this.liveLines.set(callId, lines);
      }
      const sentiment = scoreCallSentiment(lines, false);
      registry.updateLive(callId, (call) => (sameSentiment(call.sentiment, sentiment) ? call : { ...call, sentiment }));
    } catch (error) {
      // The segments are stored; a sentiment that could not be computed is only logged.
      logger.error('transcripts: sentiment update failed', { callId, error });
    }
  }

  /** The call ended: its final sentiment from the whole stored transcript. */
  private async finishCall(call: Call): Promise<void> {
    this.liveLines.delete(call.id);
    const lines = await this.deps.repository.listLines(call.id);
    const sentiment = scoreCallSentiment(lines, true);
    if (!sentiment) return;
    await this.deps.repository.saveFinalSentiment(call.id, sentiment, this.deps.clock.now());
    this.deps.onFinalSentiment?.({ ...call, sentiment });
  }

  /**
   * A call's transcript and sentiment, or null for a call the store does not know. An ended call without a
   * stored final sentiment (one a server restart closed) gets it computed and stored now.
   */
  async transcript(callId: string): Promise<CallTranscript | null> {
    const { registry, repository, clock } = this.deps;
    const live = registry.get(callId);
    if (!live && !(await repository.callOfferTimes([callId])).has(callId)) return null;
    const lines = await repository.listLines(callId);
    if (live) return { callId, lines, sentiment: live.sentiment };
    let sentiment = await repository.finalSentiment(callId);
    if (!sentiment && lines.length > 0) {
      sentiment = scoreCallSentiment(lines, true);
      if (sentiment) await repository.saveFinalSentiment(callId, sentiment, clock.now());
    }
    return { callId, lines, sentiment };
  }

  retentionTarget(): RetentionTarget {
    return { name: 'transcripts', deleteOlderThan: (cutoff) => this.deps.repository.deleteOlderThan(cutoff) };
  }

  /** Refuses new batches and waits for those in flight (and final sentiments queued) to finish. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.deps.registry.idle();
  }
}

function refused(index: number, item: unknown, error: string): TranscriptBatchItem {
  const segmentId = typeof item === 'object' && item !== null ? (item as { segmentId?: unknown }).segmentId : undefined;
  return { ok: false, index, ...(typeof segmentId === 'string' ? { segmentId } : {}), error };
}

function lineOf(segment: TranscriptSegment): TranscriptLine {
  const { segmentId, speaker, startMs, endMs, text, language } = segment;
  return { segmentId, speaker, startMs, endMs, text, language };
}

function sameSentiment(a: Sentiment | null, b: Sentiment | null): boolean {
  if (a === null || b === null) return a === b;
  return a.label === b.label && a.final === b.final && Math.abs(a.score - b.score) < SENTIMENT_SCORE_STEP;
}
