import {
  AUDIO_FRAME_MS,
  type AudioFrame,
  type Call,
  type CallSpeech,
  DEAD_AIR_THRESHOLD_MS,
  type LiveSilence,
  type ScreenshotMeta,
  SILENCE_BADGE_MIN_MS,
} from '@earshot/shared';
import { AudioWorkerClient } from '../audio/audioWorker.js';
import { RECORD_KIND, SlotCache } from '../audio/frameBatch.js';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { MAX_JUMP_FRAMES } from '../recordings/frameAligner.js';
import type { RetentionTarget } from '../retention/retentionService.js';
import type { SpeechInterval } from './offline.js';
import { buildCallSpeech } from './segments.js';
import { type SpeechBlocksMessage, type SpeechWorkerOptions, speechBlockViews } from './speechBlocks.js';
import type { SpeechRepository } from './speechRepository.js';
import type { VadChannel, VadEngine } from './vadEngine.js';

/** Screenshot announcements remembered per call (a frame every few seconds: hours of a call). */
const SCREEN_EVENTS_MAX = 20_000;
const SIDES = ['agent', 'caller'] as const;
type Side = (typeof SIDES)[number];

/**
 * What the audio hub hands to speech analytics: each frame of a call's own audio (channel agent, caller or
 * both), as it came. Synchronous and cheap: the payload is copied for the speech worker, never kept.
 */
export interface CallAudioTap {
  pushFrame(frame: AudioFrame, receivedAt: number): void;
}

export interface SpeechServiceDeps {
  registry: LiveCallRegistry;
  repository: SpeechRepository;
  /** Announces each stored screenshot (new frame, or the same id seen again). */
  screenshots: { onStored(listener: (meta: ScreenshotMeta) => void): () => void };
  engine: VadEngine;
  clock: Clock;
  logger: Logger;
  /** The dead-air threshold in force (an admin setting); default DEAD_AIR_THRESHOLD_MS. */
  deadAirThresholdMs?: () => number;
}

export interface SpeechServiceStats {
  liveCalls: number;
  finishing: number;
  stored: number;
  failed: number;
}

interface SideState {
  /** The channel's number in the speech worker, which decodes, orders and cuts its frames into blocks. */
  handle: number;
  channel: VadChannel;
  utterances: SpeechInterval[];
  /** End of this side's last utterance (offset ms), 0 before any. */
  lastEndMs: number;
}

interface CallTracker {
  callId: string;
  /** Epoch ms of frame 0 (first frame's receipt − its seq × 20 ms, as the recording reckons it). */
  audioStartAt: number;
  originSeq: number;
  sides: Partial<Record<Side, SideState>>;
  /** Offset of the answer; null before it (no silence counts then). */
  talkStartMs: number | null;
  holds: SpeechInterval[];
  /** Offset where the hold in progress began, or null. */
  holdOpenSinceMs: number | null;
  lastHoldEndMs: number;
  /** New frames (first announcement of an id): capture times. */
  screenFrames: number[];
  screenIds: Set<string>;
  /** Every announcement's lastSeenAt: a screenshot showed then. */
  screenSeen: number[];
  /** What the registry's call carries now (as far as this service set it). */
  published: LiveSilence | null;
  syncQueued: boolean;
  finishing: boolean;
}

/**
 * Live speech analytics per call: both sides' audio through the voice-activity engine (the per-frame part in
 * the speech worker thread, speechFrameWorker.ts; blocks, the model and decisions here), the silence in progress
 * (neither side speaking, not on hold) on the call once it reaches SILENCE_BADGE_MIN_MS, backdated to the end of
 * the last speech, with what the agent's screen did meanwhile; and when the call ends, its segments and metrics,
 * stored. Calls without audio get neither.
 */
export class SpeechService implements CallAudioTap {
  private readonly trackers = new Map<string, CallTracker>();
  private readonly finishing = new Map<string, Promise<void>>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly counters = { stored: 0, failed: 0 };
  private stopped = false;
  /** Side channels by their number in the worker. */
  private readonly handles = new Map<number, SideState>();
  private nextHandle = 0;
  private readonly worker: AudioWorkerClient<SpeechBlocksMessage>;
  private readonly blockSlots = new SlotCache();

  constructor(private readonly deps: SpeechServiceDeps) {
    const options: SpeechWorkerOptions = {
      blockFrames: deps.engine.tuning.blockFrames,
      windowSamples: deps.engine.windowSamples,
    };
    this.worker = new AudioWorkerClient({
      entry: new URL('./speechFrameWorker.ts', import.meta.url),
      options,
      name: 'speech',
      logger: deps.logger,
      onMessage: (message) => this.takeBlocks(message),
    });
    this.unsubscribe.push(
      deps.registry.onChange(({ previous, call, record }) => {
        const tracker = this.trackers.get(call.id);
        if (!tracker) return;
        if (call.state === 'ended') {
          this.finish(tracker, call);
          return;
        }
        // Live-only changes (this service's own, the sentiment) change nothing here.
        if (!record) return;
        this.applyCall(tracker, call, previous);
        this.sync(tracker);
      }),
      deps.screenshots.onStored((meta) => this.screenshotStored(meta)),
    );
  }

  /**
   * One frame of a live call's own audio (the audio hub's hook); cheap and synchronous: the frame goes to the
   * speech worker with the next batch, and its blocks come back to the side's channel (takeBlocks).
   */
  pushFrame(frame: AudioFrame, receivedAt: number): void {
    const { callId, seq, channel } = frame;
    if (this.stopped || !Number.isInteger(seq) || seq < 0) return;
    if (channel !== 'agent' && channel !== 'caller' && channel !== 'both') return;
    let tracker = this.trackers.get(callId);
    if (!tracker) {
      const call = this.deps.registry.get(callId);
      if (!call || call.state === 'ended' || this.finishing.has(callId)) return;
      tracker = this.track(call, seq, receivedAt);
    }
    if (tracker.finishing) return;
    const agent = channel === 'caller' ? undefined : (tracker.sides.agent ?? this.openSide(tracker, 'agent'));
    const caller = channel === 'agent' ? undefined : (tracker.sides.caller ?? this.openSide(tracker, 'caller'));
    this.worker.batch.pushFrame(RECORD_KIND.frame, agent?.handle ?? -1, caller?.handle ?? -1, frame);
  }

  /** `GET /api/calls/:id/speech` for a call that exists: live, stored, or ended without audio (empty). */
  async callSpeech(callId: string): Promise<CallSpeech> {
    if (this.deps.registry.get(callId)) return { callId, live: true, metrics: null, segments: [] };
    const stored = await this.deps.repository.get(callId);
    return { callId, live: false, metrics: stored?.metrics ?? null, segments: stored?.segments ?? [] };
  }

  /** Resolves when every ended call's speech has been stored (or failed). */
  async idle(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing.values()]);
  }

  stats(): SpeechServiceStats {
    return { liveCalls: this.trackers.size, finishing: this.finishing.size, ...this.counters };
  }

  /** Speech rows go with the retention period, counted from the call's offer like the call itself. */
  retentionTarget(): RetentionTarget {
    return { name: 'speech', deleteOlderThan: (cutoffMs) => this.deps.repository.deleteOfferedBefore(cutoffMs) };
  }

  /** The server is stopping: calls still live store nothing (they end as server_restart, without audio figures). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.idle();
    this.trackers.clear();
    this.handles.clear();
    await this.worker.terminate();
  }

  /* ----------------------------------------------------------- internals ----------------------------------------------------------- */

  private track(call: Call, seq: number, receivedAt: number): CallTracker {
    // Frame 0 is the recording's first frame, as RecordingService reckons it (a stream that began more than
    // an hour in starts at its first frame).
    const originSeq = seq <= MAX_JUMP_FRAMES ? 0 : seq;
    const tracker: CallTracker = {
      callId: call.id,
      audioStartAt: receivedAt - (seq - originSeq) * AUDIO_FRAME_MS,
      originSeq,
      sides: {},
      talkStartMs: null,
      holds: [],
      holdOpenSinceMs: null,
      lastHoldEndMs: 0,
      screenFrames: [],
      screenIds: new Set(),
      screenSeen: [],
      published: call.silence,
      syncQueued: false,
      finishing: false,
    };
    this.trackers.set(call.id, tracker);
    this.applyCall(tracker, call, undefined);
    return tracker;
  }

  private openSide(tracker: CallTracker, side: Side): SideState {
    const channel = this.deps.engine.open((events) => {
      for (const event of events) {
        if (event.kind !== 'speech_end') continue;
        const interval = { startMs: event.startFrame * AUDIO_FRAME_MS, endMs: event.endFrame * AUDIO_FRAME_MS };
        state.utterances.push(interval);
        state.lastEndMs = Math.max(state.lastEndMs, interval.endMs);
      }
      this.sync(tracker);
    });
    channel.suspended = tracker.holdOpenSinceMs !== null;
    const state: SideState = { handle: this.nextHandle++, channel, utterances: [], lastEndMs: 0 };
    tracker.sides[side] = state;
    this.handles.set(state.handle, state);
    this.worker.post({ type: 'open', handle: state.handle, originSeq: tracker.originSeq });
    return state;
  }

  /** Blocks the speech worker cut: each to its side's channel, which gates it, queues it for the model, decides. */
  private takeBlocks(message: SpeechBlocksMessage): void {
    const { blockFrames } = this.deps.engine.tuning;
    const { windowSamples } = this.deps.engine;
    const stride = 2 + blockFrames;
    const buffer = this.blockSlots.get(message);
    const { meta, windows } = speechBlockViews(buffer, message.capacity, blockFrames, windowSamples);
    for (let block = 0; block < message.blocks; block++) {
      const at = block * stride;
      const state = this.handles.get(meta[at] as number);
      if (!state) continue;
      const frames = meta[at + 1] as number;
      state.channel.pushBlock(
        meta.subarray(at + 2, at + 2 + frames),
        windows.subarray(block * windowSamples, (block + 1) * windowSamples),
      );
    }
    // The channels copied what they keep: the slot goes back to the worker for its next messages.
    this.worker.post({ type: 'spareBlocks', slot: message.slot });
  }

  /**
   * The side's last frames: the worker hands on what its sequencer still holds (gaps as silence) and the last
   * partial block, which reach the channel before this resolves. A dead worker loses them; the channel closes all the same.
   */
  private async finishSide(state: SideState): Promise<void> {
    try {
      await this.worker.request({ type: 'finish', handle: state.handle });
    } catch (error) {
      this.deps.logger.warn('speech: the last frames of a channel were lost with the speech worker', { error });
    } finally {
      this.handles.delete(state.handle);
    }
  }

  /** Answer and hold, from the call (a stored change); hold start and end become offsets in the audio. */
  private applyCall(tracker: CallTracker, call: Call, previous: Call | undefined): void {
    const offset = (at: number) => at - tracker.audioStartAt;
    tracker.talkStartMs = call.answeredAt === null ? null : Math.max(0, offset(call.answeredAt));
    const onHold = call.state === 'hold';
    if (onHold && tracker.holdOpenSinceMs === null) {
      tracker.holdOpenSinceMs = offset(call.holdSince ?? call.lastEventAt);
    } else if (!onHold && tracker.holdOpenSinceMs !== null) {
      // The hold ended when its time was added to holdMs: previous.holdSince + the time added.
      const endedAt =
        previous?.holdSince != null ? previous.holdSince + (call.holdMs - previous.holdMs) : call.lastEventAt;
      const endMs = Math.max(tracker.holdOpenSinceMs, offset(endedAt));
      tracker.holds.push({ startMs: tracker.holdOpenSinceMs, endMs });
      tracker.lastHoldEndMs = Math.max(tracker.lastHoldEndMs, endMs);
      tracker.holdOpenSinceMs = null;
    }
    // On hold the model is spared the music: those blocks count as no speech.
    for (const side of SIDES) {
      const state = tracker.sides[side];
      if (state) state.channel.suspended = tracker.holdOpenSinceMs !== null;
    }
  }

  /** The silence the call should carry now, from what has been decided of its audio. */
  private silenceNow(tracker: CallTracker): LiveSilence | null {
    if (tracker.finishing || tracker.talkStartMs === null || tracker.holdOpenSinceMs !== null) return null;
    let since = Math.max(tracker.talkStartMs, tracker.lastHoldEndMs);
    let decidedUntilMs = Number.POSITIVE_INFINITY;
    for (const side of SIDES) {
      const state = tracker.sides[side];
      if (!state) continue;
      if (state.channel.speaking) return null;
      since = Math.max(since, state.lastEndMs);
      decidedUntilMs = Math.min(decidedUntilMs, state.channel.processedFrames * AUDIO_FRAME_MS);
    }
    // Shorter than the badge: none (a silence shown before ended when its `since` moved: someone spoke).
    if (!Number.isFinite(decidedUntilMs) || decidedUntilMs - since < SILENCE_BADGE_MIN_MS) return null;
    const silentSince = tracker.audioStartAt + since;
    if (tracker.published?.silentSince === silentSince) {
      return { ...tracker.published, ...this.screensSince(tracker, silentSince) };
    }
    return { silentSince, ...this.screensSince(tracker, silentSince) };
  }

  private screensSince(tracker: CallTracker, since: number): Omit<LiveSilence, 'silentSince'> {
    let screenChanges = 0;
    for (const capturedAt of tracker.screenFrames) if (capturedAt >= since) screenChanges += 1;
    return { screenChanges, screenSeen: tracker.screenSeen.some((seenAt) => seenAt >= since) };
  }

  /** Brings the call's `silence` in line with silenceNow(), through the registry (one task queued at a time). */
  private sync(tracker: CallTracker): void {
    if (tracker.syncQueued || sameSilence(this.silenceNow(tracker), tracker.published)) return;
    tracker.syncQueued = true;
    const { registry } = this.deps;
    registry
      .runExclusive(tracker.callId, async () => {
        tracker.syncQueued = false;
        registry.updateLive(tracker.callId, (call) => {
          const wanted = call.state === 'talking' ? this.silenceNow(tracker) : null;
          tracker.published = wanted;
          return sameSilence(call.silence, wanted) ? call : { ...call, silence: wanted };
        });
      })
      .catch((error: unknown) => {
        tracker.syncQueued = false;
        this.deps.logger.error('speech: updating a live silence failed', { callId: tracker.callId, error });
      });
  }

  private screenshotStored(meta: ScreenshotMeta): void {
    const tracker = this.trackers.get(meta.callId);
    if (!tracker || tracker.finishing) return;
    if (!tracker.screenIds.has(meta.id)) {
      tracker.screenIds.add(meta.id);
      pushCapped(tracker.screenFrames, meta.capturedAt);
    }
    pushCapped(tracker.screenSeen, meta.lastSeenAt);
    if (tracker.published) this.sync(tracker);
  }

  private finish(tracker: CallTracker, call: Call): void {
    tracker.finishing = true;
    this.trackers.delete(tracker.callId);
    const done = this.store(tracker, call)
      .then(() => {
        this.counters.stored += 1;
      })
      .catch((error: unknown) => {
        this.counters.failed += 1;
        this.deps.logger.error('speech: storing the speech of an ended call failed', { callId: call.id, error });
      })
      .finally(() => this.finishing.delete(tracker.callId));
    this.finishing.set(tracker.callId, done);
  }

  private async store(tracker: CallTracker, call: Call): Promise<void> {
    const sides = SIDES.map((side) => tracker.sides[side]).filter((s): s is SideState => s !== undefined);
    await Promise.all(sides.map((state) => this.finishSide(state)));
    await Promise.all(sides.map((state) => state.channel.close()));
    const durationMs = Math.max(0, ...sides.map((state) => state.channel.processedFrames * AUDIO_FRAME_MS));
    const endedAt = call.endedAt ?? this.deps.clock.now();
    if (tracker.holdOpenSinceMs !== null) {
      tracker.holds.push({ startMs: tracker.holdOpenSinceMs, endMs: endedAt - tracker.audioStartAt });
    }
    const deadAirThresholdMs = this.deps.deadAirThresholdMs?.() ?? DEAD_AIR_THRESHOLD_MS;
    const { segments, metrics } = buildCallSpeech({
      callId: call.id,
      durationMs,
      talkStartMs: tracker.talkStartMs ?? durationMs,
      agent: tracker.sides.agent?.utterances ?? [],
      caller: tracker.sides.caller?.utterances ?? [],
      holds: tracker.holds,
      screenChanged: (startMs, endMs) => screenChangedBetween(tracker, startMs, endMs),
      deadAirThresholdMs,
    });
    await this.deps.repository.save(
      {
        metrics,
        segments,
        offeredAt: call.offeredAt,
        endedAt,
        audioStartedAt: tracker.audioStartAt,
        deadAirThresholdMs,
      },
      this.deps.clock.now(),
    );
  }
}

/** true: a new frame was captured in [start, end); false: screenshots showed, none new; null: none showed. */
function screenChangedBetween(tracker: CallTracker, startMs: number, endMs: number): boolean | null {
  const from = tracker.audioStartAt + startMs;
  const to = tracker.audioStartAt + endMs;
  if (tracker.screenFrames.some((at) => at >= from && at < to)) return true;
  return tracker.screenSeen.some((at) => at >= from && at < to) ? false : null;
}

function sameSilence(a: LiveSilence | null, b: LiveSilence | null): boolean {
  if (a === null || b === null) return a === b;
  return a.silentSince === b.silentSince && a.screenChanges === b.screenChanges && a.screenSeen === b.screenSeen;
}

function pushCapped(list: number[], value: number): void {
  list.push(value);
  if (list.length > SCREEN_EVENTS_MAX) list.splice(0, list.length - SCREEN_EVENTS_MAX);
}
