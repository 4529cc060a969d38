import { performance } from 'node:perf_hooks';
import {
  type Ack,
  INGEST_BATCH_MAX_EVENTS,
  INGEST_NAMESPACE,
  type IngestBatchItem,
  type IngestClientToServerEvents,
  type IngestEvent,
  type IngestResult,
  type IngestServerToClientEvents,
  TRANSCRIPT_INGEST_EVENT,
  type TranscriptBatchItem,
  type TranscriptSegment,
} from '@earshot/shared';
import { io, type Socket } from 'socket.io-client';
import type { CallMood, Utterance } from './audio/dialogue.js';
import type { ControllerFrameCounts, GatewayStats } from './audio/gateway.js';
import type { PhraseLanguage } from './audio/phrases.js';
import { AUDIO_LOOKAHEAD_MS, SimulatedAudio } from './audio/simulatedAudio.js';
import type { TranscriptSendOutcome, TranscriptStats } from './audio/transcripts.js';
import { CallCentreModel, type ScheduledEvent } from './model.js';
import { ScreenUploader } from './screenUploader.js';

/*
 * The thin, impure half of the simulator: runs the model against real timers and sends its events over
 * the documented ingest protocol, like any telephony adapter. Event times (`at`) are the real wall clock at
 * the moment an event is due, so with speed 60 a ten-minute simulated call lasts ten real seconds.
 */

/** How long to wait for the server to acknowledge a batch before sending it again (ids make that safe). */
const ACK_TIMEOUT_MS = 10_000;
/**
 * Events kept while the server is unreachable, sent in order (with the time they were due) once it is back;
 * beyond this, calls are given up rather than memory growing (a call whose end is dropped stays live on
 * the server until its next restart closes it).
 */
const OUTBOX_MAX_EVENTS = 10_000;
/** Longest single timer, so a long quiet spell is re-checked now and then. */
const MAX_TIMER_MS = 5_000;
/** If the process falls this far behind (a suspended laptop), skip the gap instead of replaying it in a burst. */
const MAX_LAG_MS = 30_000;
/** Upper bound on events taken from the model in one tick, so a fast run cannot starve the event loop. */
const MAX_EVENTS_PER_TICK = 5_000;
/** A server that refuses the connection (wrong key) does not trigger socket.io's own retry. */
const RETRY_AFTER_REFUSAL_MS = 5_000;
/** How long stop() waits for the batch in flight, so the stats include its outcome. */
const STOP_WAIT_MS = 2_000;
/** Rejection log lines per minute; the rest are summed up. */
const REJECTION_LOG_LINES_PER_MINUTE = 20;
/**
 * The server could not apply an event now ("…; send it again", "…send it again later" while it stops, "could
 * not read the store", as docs/ingest.md lists them): the event is sent again after this pause.
 */
const RETRY_LATER_MS = 1_000;
const RETRY_LATER_PATTERN = /send it again|could not read the store/;
/** Events taken from the model ahead of their time (for the audio's look-ahead) at most; bounds memory at high speed. */
const AHEAD_MAX_EVENTS = 20_000;

export interface DriverOptions {
  serverUrl: string;
  ingestKey: string;
  agents: number;
  callsPerHour: number;
  speed: number;
  seed: number;
  startAt: number;
  runId: string;
  /** Simulated agent screens uploaded to POST /api/screens; null: none. */
  screens?: { maxUploadsPerSecond: number } | null;
  /** The calls' live audio over the audio ingest WebSocket; on unless false. */
  audio?: boolean;
  /** With audio, the text of what was said as transcript segments over the ingest socket; on unless false. */
  transcripts?: boolean;
  log: (line: string) => void;
}

export interface SimulatorStats {
  /** Calls the server accepted an offer for. */
  offered: number;
  answered: number;
  /** Callers who hung up in the queue. */
  abandoned: number;
  /** Answered calls that ended (abandons are counted apart). */
  ended: number;
  /** Events the server refused, each logged with its reason. */
  rejected: number;
}

export interface RunningSimulator {
  stop(): Promise<void>;
  stats(): SimulatorStats;
  /** The calls' audio; null when the simulator runs without it. */
  readonly audio: SimulatorAudio | null;
}

/** What the simulator said in its calls, and what it heard back from the quality team. */
export interface SimulatorAudio {
  /** The utterances of a live call or one of the last thousand ended calls, on the call's audio timeline. */
  utterances(callId: string): readonly Utterance[] | undefined;
  /** Calls back with each utterance once it has been played (or cut off); returns the unsubscribe. */
  onUtterance(listener: (callId: string, utterance: Utterance) => void): () => void;
  /** Controller audio (whisper: to the agent, barge: to both) the simulated telephony played into a call. */
  controllerFramesReceived(callId: string): ControllerFrameCounts;
  /** The caller's mood and language the dialogue drew for a call (live or recently ended), if known. */
  call(callId: string): { mood: CallMood | null; callerLanguage: PhraseLanguage | null } | undefined;
  stats(): GatewayStats & { liveCalls: number; transcripts: TranscriptStats | null };
}

type IngestSocket = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;

export function runSimulator(options: DriverOptions): RunningSimulator {
  const driver = new SimulatorDriver(options);
  driver.start();
  return { stop: () => driver.stop(), stats: () => driver.stats(), audio: driver.audioView() };
}

class SimulatorDriver {
  private readonly options: DriverOptions;
  private readonly model: CallCentreModel;
  private readonly socket: IngestSocket;
  private readonly screens: ScreenUploader | null;
  private readonly audio: SimulatedAudio | null;
  private readonly utteranceListeners = new Set<(callId: string, utterance: Utterance) => void>();
  /**
   * With audio, events are taken from the model AUDIO_LOOKAHEAD_MS of real time before they are due, so
   * the dialogue can wind up before a hold or the hang-up; they wait here, in order, until due.
   */
  private readonly ahead: ScheduledEvent[] = [];
  private readonly lookaheadSimMs: number;
  private readonly counts: SimulatorStats = { offered: 0, answered: 0, abandoned: 0, ended: 0, rejected: 0 };
  /** Stamped events waiting to be sent, in order. */
  private readonly outbox: IngestEvent[] = [];
  /** The batch awaiting its acknowledgement; one at a time keeps the server's order equal to ours. */
  private inFlight: Promise<void> | null = null;
  /**
   * Calls the simulation goes on with but the server will not: one of their events was refused (the
   * server closed the call at a restart) or dropped. Their later events are skipped, not sent to be refused.
   */
  private readonly lostCalls = new Set<string>();
  /** performance.now() at simulated time 0; moved forward when the process stalls. */
  private anchorMs = 0;
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Set while events the server could not apply wait to be sent again. */
  private retryLaterTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private everConnected = false;
  private lastConnectError = '';
  private droppedWhileFull = 0;
  private rejectionLogWindowStart = 0;
  private rejectionLogLines = 0;
  private rejectionsNotLogged = 0;

  constructor(options: DriverOptions) {
    this.options = options;
    this.model = new CallCentreModel({
      agents: options.agents,
      callsPerHour: options.callsPerHour,
      speed: options.speed,
      seed: options.seed,
      startAt: options.startAt,
      runId: options.runId,
    });
    this.screens = options.screens
      ? new ScreenUploader({
          serverUrl: options.serverUrl,
          ingestKey: options.ingestKey,
          seed: options.seed,
          speed: options.speed,
          maxUploadsPerSecond: options.screens.maxUploadsPerSecond,
          log: options.log,
          // Read when a frame is due; the audio is made just below.
          activity: (callId) => this.audio?.screenActivity(callId) ?? null,
        })
      : null;
    this.audio =
      options.audio === false
        ? null
        : new SimulatedAudio({
            serverUrl: options.serverUrl,
            ingestKey: options.ingestKey,
            seed: options.seed,
            speed: options.speed,
            log: options.log,
            onUtterance: (callId, utterance) => {
              for (const listener of this.utteranceListeners) listener(callId, utterance);
            },
            sendTranscripts: options.transcripts === false ? undefined : (segments) => this.sendTranscripts(segments),
          });
    this.lookaheadSimMs = this.audio ? AUDIO_LOOKAHEAD_MS * options.speed : 0;
    this.socket = io(`${options.serverUrl.replace(/\/+$/, '')}${INGEST_NAMESPACE}`, {
      auth: { key: options.ingestKey },
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
  }

  start(): void {
    this.socket.on('connect', () => {
      this.options.log(
        `${this.everConnected ? 'reconnected' : 'connected'} to ${this.options.serverUrl}${INGEST_NAMESPACE}`,
      );
      this.everConnected = true;
      this.lastConnectError = '';
      this.flush();
    });
    this.socket.on('disconnect', (reason) => {
      if (!this.stopped) this.options.log(`disconnected from the server (${reason}); will reconnect`);
    });
    this.socket.on('connect_error', (error) => {
      if (error.message !== this.lastConnectError) {
        this.lastConnectError = error.message;
        this.options.log(`cannot connect to ${this.options.serverUrl}${INGEST_NAMESPACE}: ${error.message}`);
      }
      // A refusal by the server's middleware (a wrong key) is final for socket.io; try again later anyway,
      // as the key may be added on the server while we wait.
      if (!this.socket.active && !this.stopped) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (!this.stopped) this.socket.connect();
        }, RETRY_AFTER_REFUSAL_MS);
      }
    });
    const { agents, callsPerHour, speed, seed, runId } = this.options;
    this.options.log(
      `simulating ${agents} agents, ${callsPerHour} calls/hour (mean over the day), speed ×${speed}, seed ${seed}, run ${runId}`,
    );
    this.anchorMs = performance.now();
    this.socket.connect();
    this.screens?.start();
    this.audio?.start();
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const screens = this.screens?.stop();
    if (screens) this.options.log(`screens: ${screens.uploaded} uploaded, ${screens.failures} failed`);
    // The last words' text, still within the recogniser's latency, goes out before the socket closes.
    const transcriptsFlushed = this.audio?.flushTranscripts();
    const audio = this.audio?.stop();
    if (audio) {
      this.options.log(
        `audio: ${audio.framesSent} frames sent, ${audio.framesSkipped} skipped, ${audio.framesRefused} refused, ${audio.controllerFrames} controller frames received`,
      );
    }
    if (transcriptsFlushed) {
      await Promise.race([transcriptsFlushed, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    }
    const transcripts = this.audio?.stopTranscripts();
    if (transcripts) {
      this.options.log(
        `transcripts: ${transcripts.accepted} segments accepted, ${transcripts.refused} refused, ${transcripts.dropped} dropped, ${transcripts.pending} not sent`,
      );
    }
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.retryLaterTimer) clearTimeout(this.retryLaterTimer);
    this.retryLaterTimer = null;
    this.timer = null;
    this.retryTimer = null;
    if (this.inFlight) {
      await Promise.race([this.inFlight, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    }
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.options.log(`stopped; ${this.describeStats()}`);
  }

  stats(): SimulatorStats {
    return { ...this.counts };
  }

  audioView(): SimulatorAudio | null {
    const audio = this.audio;
    if (!audio) return null;
    return {
      utterances: (callId) => audio.utterances(callId),
      onUtterance: (listener) => {
        this.utteranceListeners.add(listener);
        return () => this.utteranceListeners.delete(listener);
      },
      controllerFramesReceived: (callId) => audio.controllerFramesReceived(callId),
      call: (callId) => audio.call(callId),
      stats: () => audio.stats(),
    };
  }

  private describeStats(): string {
    const { offered, answered, abandoned, ended, rejected } = this.counts;
    return `offered ${offered}, answered ${answered}, abandoned ${abandoned}, ended ${ended}, rejected ${rejected}`;
  }

  /** Takes every event now due from the model, stamps and queues it, then sleeps until the next one. */
  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    const speed = this.options.speed;
    const lagMs = performance.now() - this.anchorMs - (this.ahead[0]?.simMs ?? this.model.peekTime()) / speed;
    if (lagMs > MAX_LAG_MS) {
      this.options.log(`fell ${Math.round(lagMs / 1000)} s behind (was the process suspended?); resuming from now`);
      this.anchorMs += lagMs;
    }
    const simNow = (performance.now() - this.anchorMs) * speed;
    const audio = this.audio;
    if (audio) {
      const room = Math.min(MAX_EVENTS_PER_TICK, AHEAD_MAX_EVENTS - this.ahead.length);
      for (const scheduled of this.model.eventsUntil(simNow + this.lookaheadSimMs, room)) {
        this.ahead.push(scheduled);
        audio.foresee(scheduled.event, scheduled.simMs);
      }
      let taken = 0;
      while (taken < MAX_EVENTS_PER_TICK && this.ahead[0] && this.ahead[0].simMs <= simNow) {
        this.enqueue((this.ahead.shift() as ScheduledEvent).event);
        taken += 1;
      }
    } else {
      for (const { event } of this.model.eventsUntil(simNow, MAX_EVENTS_PER_TICK)) this.enqueue(event);
    }
    this.flush();
    // Wake for the next event due, or (with audio) for the next one to take from the model ahead of time.
    const nextPullSimMs =
      this.ahead.length >= AHEAD_MAX_EVENTS ? Number.POSITIVE_INFINITY : this.model.peekTime() - this.lookaheadSimMs;
    const wakeSimMs = Math.min(this.ahead[0]?.simMs ?? Number.POSITIVE_INFINITY, nextPullSimMs);
    const dueInMs = wakeSimMs / speed - (performance.now() - this.anchorMs);
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_TIMER_MS, Math.max(0, dueInMs)));
  }

  private enqueue(event: IngestEvent): void {
    // Before anything is sent: an answer starts the call's audio clock, an end stops its audio.
    this.audio?.due(event);
    if (this.lostCalls.has(event.callId)) {
      if (event.type === 'call.ended') this.lostCalls.delete(event.callId);
      return;
    }
    if (this.outbox.length >= OUTBOX_MAX_EVENTS) {
      // Keep memory bounded while the server is away: give up on this call from here on.
      if (event.type !== 'call.ended') this.lostCalls.add(event.callId);
      this.audio?.lost(event.callId);
      if (this.droppedWhileFull++ === 0) {
        this.options.log(`server unreachable and ${OUTBOX_MAX_EVENTS} events waiting; dropping calls until it is back`);
      }
      return;
    }
    // Wall-clock time when due, never earlier than the previous event (the clock may step back).
    const at = Math.max(Date.now(), this.lastAt);
    this.lastAt = at;
    this.outbox.push({ ...event, at });
  }

  /** Sends the next batch if connected and nothing is in flight; continues until the outbox is empty. */
  private flush(): void {
    if (this.inFlight || this.retryLaterTimer || this.outbox.length === 0 || !this.socket.connected || this.stopped) {
      return;
    }
    if (this.droppedWhileFull > 0) {
      this.options.log(`server reachable again; ${this.droppedWhileFull} events of dropped calls were not sent`);
      this.droppedWhileFull = 0;
    }
    const batch = this.outbox.splice(0, INGEST_BATCH_MAX_EVENTS);
    this.inFlight = this.send(batch).then((again) => {
      this.inFlight = null;
      // Not acknowledged (timeout or disconnect): put it back in front; the server ignores ids it already has.
      if (again === null) this.outbox.unshift(...batch);
      else if (again.length > 0) {
        // Not applied for now (the server is stopping, its store hiccuped): the same events, a little later.
        this.outbox.unshift(...again);
        this.retryLaterTimer = setTimeout(() => {
          this.retryLaterTimer = null;
          this.flush();
        }, RETRY_LATER_MS);
        return;
      }
      this.flush();
    });
  }

  /**
   * Resolves with the events the server could not apply for now (to send again later), empty when it
   * answered for good (accepted or refused), or null when their fate is unknown.
   */
  private send(batch: IngestEvent[]): Promise<IngestEvent[] | null> {
    return new Promise((resolve) => {
      const socket = this.socket.timeout(ACK_TIMEOUT_MS);
      const [single] = batch;
      if (batch.length === 1 && single) {
        socket.emit('ingest:event', single, (error: Error | null, result: Ack<IngestResult>) => {
          if (error) return resolve(null);
          if (result.ok) this.accepted(single);
          else if (RETRY_LATER_PATTERN.test(result.error)) return resolve([single]);
          else this.rejected(single, result.error);
          resolve([]);
        });
        return;
      }
      socket.emit('ingest:batch', batch, (error: Error | null, result: Ack<IngestBatchItem[]>) => {
        if (error) return resolve(null);
        if (result.ok) return resolve(this.settleBatch(batch, result.data));
        if (RETRY_LATER_PATTERN.test(result.error)) return resolve(batch);
        for (const event of batch) this.rejected(event, result.error);
        resolve([]);
      });
    });
  }

  /**
   * Sends transcript segments on the same socket as the events, but apart from their queue: a server that
   * is slow with (or does not take) transcripts holds up neither the events nor the audio.
   */
  private sendTranscripts(segments: TranscriptSegment[]): Promise<TranscriptSendOutcome> {
    // (Also while stopping: the last segments are flushed before the socket closes.)
    if (!this.socket.connected) return Promise.resolve({ kind: 'offline' });
    return new Promise((resolve) => {
      this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emit(TRANSCRIPT_INGEST_EVENT, segments, (error: Error | null, result: Ack<TranscriptBatchItem[]>) => {
          if (error) resolve({ kind: 'timeout' });
          else if (result.ok) resolve({ kind: 'answered', items: result.data });
          else resolve({ kind: 'refused', error: result.error });
        });
    });
  }

  /** Applies a batch's answers; returns the events to send again later, in order. */
  private settleBatch(batch: IngestEvent[], items: IngestBatchItem[]): IngestEvent[] {
    const refusals = new Map<number, string>();
    for (const item of items) if (!item.ok) refusals.set(item.index, item.error);
    const again: IngestEvent[] = [];
    batch.forEach((event, index) => {
      const refusal = refusals.get(index);
      if (refusal === undefined) this.accepted(event);
      else if (RETRY_LATER_PATTERN.test(refusal)) again.push(event);
      else this.rejected(event, refusal);
    });
    return again;
  }

  private accepted(event: IngestEvent): void {
    this.screens?.observe(event);
    this.audio?.accepted(event);
    switch (event.type) {
      case 'call.offered':
        this.counts.offered += 1;
        return;
      case 'call.answered':
        this.counts.answered += 1;
        return;
      case 'call.ended':
        if (event.reason === 'abandoned') this.counts.abandoned += 1;
        else this.counts.ended += 1;
        return;
      default:
        return;
    }
  }

  /**
   * The server refused an event, typically for a call it closed at a restart. Count it, say why once, and
   * drop the rest of that call here; the model carries on, so the agents stay busy as in the story.
   */
  private rejected(event: IngestEvent, reason: string): void {
    this.counts.rejected += 1;
    this.audio?.lost(event.callId);
    // A later event of a call already refused in the same batch: counted, but the reason was already said.
    const alreadyLost = this.lostCalls.has(event.callId);
    let endQueued = false;
    for (let i = this.outbox.length - 1; i >= 0; i--) {
      const queued = this.outbox[i];
      if (queued?.callId !== event.callId) continue;
      if (queued.type === 'call.ended') endQueued = true;
      this.outbox.splice(i, 1);
    }
    // Remember the call until the model ends it, unless its end has already gone by.
    if (event.type !== 'call.ended' && !endQueued) this.lostCalls.add(event.callId);
    else this.lostCalls.delete(event.callId);
    if (alreadyLost) return;
    const now = Date.now();
    if (now - this.rejectionLogWindowStart > 60_000) {
      if (this.rejectionsNotLogged > 0) this.options.log(`… and ${this.rejectionsNotLogged} more rejected events`);
      this.rejectionLogWindowStart = now;
      this.rejectionLogLines = 0;
      this.rejectionsNotLogged = 0;
    }
    if (this.rejectionLogLines < REJECTION_LOG_LINES_PER_MINUTE) {
      this.rejectionLogLines += 1;
      this.options.log(`server rejected ${event.type} ${event.eventId} (call ${event.callId}): ${reason}`);
    } else {
      this.rejectionsNotLogged += 1;
    }
  }
}
