import { performance } from 'node:perf_hooks';
import {
  AUDIO_FRAME_MS,
  AUDIO_SAMPLES_PER_FRAME,
  type IngestEvent,
  type Topic,
  type TranscriptSegment,
} from '@earshot/shared';
import { type CallBoundary, CallDialogue, type CallMood, type HoldSpan, type Utterance } from './dialogue.js';
import { AudioGateway, type ControllerFrameCounts, type GatewayStats } from './gateway.js';
import { holdMusic } from './holdMusic.js';
import { loadPhraseBook, type PhraseBook, type PhraseLanguage } from './phrases.js';
import { segmentOf, TranscriptSender, type TranscriptSendOutcome, type TranscriptStats } from './transcripts.js';

/*
 * The simulator's calls as audio: a dialogue per answered call (dialogue.ts) played into the audio ingest
 * by the media gateway (gateway.ts). The driver tells it about each event three times:
 *   - foresee: when taken from the model, a few seconds before it is due, so the talk can wind up before a
 *     hold or the hang-up;
 *   - due: when it is queued to be sent; an answer starts the call's audio clock (frame 0), an end stops
 *     its audio at once, before the event goes out;
 *   - accepted: when the server acknowledged it; audio flows only for calls whose answer was accepted.
 * Each utterance, once played, also goes out as a transcript segment (transcripts.ts), once the server has
 * accepted the call's answer (segments of a call it does not know would be refused).
 */

/** How far ahead the driver should feed events (real time), so wind-ups fit before the events. */
export const AUDIO_LOOKAHEAD_MS = 10_000;
/** Timer period; frames due are counted from the clock, so a late timer costs nothing but a bigger message. */
const TICK_MS = AUDIO_FRAME_MS;
/** Calls whose utterances stay queryable after they end. */
const ENDED_CALLS_KEPT = 1_000;

export interface SimulatedAudioOptions {
  serverUrl: string;
  ingestKey: string;
  seed: number;
  /** Simulated seconds per real second: turns the model's times into the call's real audio timeline. */
  speed: number;
  log: (line: string) => void;
  /** Called when an utterance has been played in full (or cut off), with its times on the call's timeline. */
  onUtterance?: (callId: string, utterance: Utterance) => void;
  /** Sends transcript segments through the ingest protocol; without it, no transcripts are sent. */
  sendTranscripts?: (segments: TranscriptSegment[]) => Promise<TranscriptSendOutcome>;
  phrases?: PhraseBook;
}

/** What the agent's screen does right now in a call: nothing special, or a hanging question's silence. */
export interface ScreenActivity {
  /** `working`: the agent searches the knowledge base (the screen changes); `stuck`: it stands still. */
  kind: 'working' | 'stuck';
  /** Real milliseconds since the silence began (the call's audio timeline), and its start on that timeline. */
  elapsedMs: number;
  silenceStartMs: number;
}

export interface CallAudioRecord {
  callId: string;
  topic: Topic;
  /** performance.now() of frame 0 (the answer), null before the answer was due. */
  audioStartedAt: number | null;
  utterances: readonly Utterance[];
  holds: readonly HoldSpan[];
  mood: CallMood | null;
  callerLanguage: PhraseLanguage | null;
}

interface SimCall {
  callId: string;
  topic: Topic;
  dialogue: CallDialogue | null;
  /** Simulated time of the answer, for placing later events on the audio timeline. */
  answerSimMs: number | null;
  /** Clock time of frame 0, once the answer is due. */
  startMs: number | null;
  streaming: boolean;
  ended: boolean;
  /** The server accepted the answer: its transcript may be sent. */
  answerAccepted: boolean;
  /** The server will not hear more of this call: no more transcript either. */
  lost: boolean;
  /** Segments of utterances played before the answer was accepted, sent once it is. */
  heldSegments: TranscriptSegment[];
}

export class SimulatedAudio {
  private readonly options: SimulatedAudioOptions;
  private readonly phrases: PhraseBook;
  private readonly music: Uint8Array;
  private readonly gateway: AudioGateway;
  private readonly transcripts: TranscriptSender | null;
  private readonly calls = new Map<string, SimCall>();
  /** Ended calls, oldest first, kept for `utterances`. */
  private readonly ended = new Map<string, SimCall>();
  private timer: NodeJS.Timeout | null = null;

  constructor(options: SimulatedAudioOptions) {
    this.options = options;
    this.phrases = options.phrases ?? loadPhraseBook();
    this.music = holdMusic();
    this.gateway = new AudioGateway({ serverUrl: options.serverUrl, ingestKey: options.ingestKey, log: options.log });
    this.transcripts = options.sendTranscripts
      ? new TranscriptSender({ seed: options.seed, send: options.sendTranscripts, log: options.log })
      : null;
  }

  start(): void {
    this.gateway.start();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Sends the transcript segments still waiting for their latency (before stop, while the socket is up). */
  flushTranscripts(): Promise<void> {
    return this.transcripts?.flush() ?? Promise.resolve();
  }

  stop(): GatewayStats {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.gateway.stop();
    return this.gateway.stats();
  }

  /** Stops sending transcripts (after flushTranscripts, when stopping); returns their figures. */
  stopTranscripts(): TranscriptStats | null {
    return this.transcripts?.stop() ?? null;
  }

  transcriptStats(): TranscriptStats | null {
    return this.transcripts?.stats() ?? null;
  }

  stats(): GatewayStats & { liveCalls: number; transcripts: TranscriptStats | null } {
    return {
      ...this.gateway.stats(),
      liveCalls: [...this.calls.values()].filter((c) => c.streaming).length,
      transcripts: this.transcripts?.stats() ?? null,
    };
  }

  /**
   * What the agent's screen does now in a live call: during a hanging question's silence, `working` or
   * `stuck`; otherwise null. Asked by the screen simulation (the dialogue knows the silence from its start).
   */
  screenActivity(callId: string, now = performance.now()): ScreenActivity | null {
    const call = this.calls.get(callId);
    if (!call?.dialogue || call.startMs === null) return null;
    const atMs = now - call.startMs;
    const silence = call.dialogue.hangingSilenceAt(atMs);
    return silence
      ? { kind: silence.screen, elapsedMs: atMs - silence.startMs, silenceStartMs: silence.startMs }
      : null;
  }

  /** What was said in a call so far (live, or among the last ENDED_CALLS_KEPT ended), with times; undefined if unknown. */
  utterances(callId: string): readonly Utterance[] | undefined {
    const call = this.calls.get(callId) ?? this.ended.get(callId);
    return call?.dialogue ? [...call.dialogue.utterances()] : undefined;
  }

  call(callId: string): CallAudioRecord | undefined {
    const call = this.calls.get(callId) ?? this.ended.get(callId);
    if (!call) return undefined;
    return {
      callId,
      topic: call.topic,
      audioStartedAt: call.startMs,
      utterances: [...(call.dialogue?.utterances() ?? [])],
      holds: [...(call.dialogue?.holds() ?? [])],
      mood: call.dialogue?.mood ?? null,
      callerLanguage: call.dialogue?.callerLanguage ?? null,
    };
  }

  controllerFramesReceived(callId: string): ControllerFrameCounts {
    return this.gateway.controllerFramesReceived(callId);
  }

  /** An event taken from the model at simulated time `simMs`, before it is due. */
  foresee(event: IngestEvent, simMs: number): void {
    if (event.type === 'call.offered') {
      this.calls.set(event.callId, {
        callId: event.callId,
        topic: event.topic,
        dialogue: null,
        answerSimMs: null,
        startMs: null,
        streaming: false,
        ended: false,
        answerAccepted: false,
        lost: false,
        heldSegments: [],
      });
      return;
    }
    const call = this.calls.get(event.callId);
    if (!call) return;
    if (event.type === 'call.answered') {
      call.answerSimMs = simMs;
      call.dialogue = new CallDialogue({
        seed: this.options.seed,
        callId: call.callId,
        topic: call.topic,
        phrases: this.phrases,
      });
      return;
    }
    if (!call.dialogue || call.answerSimMs === null) return;
    const atMs = (simMs - call.answerSimMs) / this.options.speed;
    const boundary: CallBoundary | null =
      event.type === 'call.held'
        ? { kind: 'hold', atMs }
        : event.type === 'call.resumed'
          ? { kind: 'resume', atMs }
          : event.type === 'call.transferred'
            ? { kind: 'transfer', atMs }
            : event.type === 'call.ended'
              ? { kind: 'end', atMs, lastWord: event.reason === 'agent_hangup' ? 'agent' : 'caller' }
              : null;
    if (!boundary) return;
    try {
      call.dialogue.expect(boundary);
    } catch (error) {
      // The model emits in time order, so this is a bug; the call goes on without the dialogue knowing.
      this.options.log(`audio: ${(error as Error).message}`);
    }
  }

  /** An event is due now and about to be sent: the answer starts the audio clock, the end stops the audio. */
  due(event: IngestEvent): void {
    const call = this.calls.get(event.callId);
    if (!call) return;
    if (event.type === 'call.answered') {
      call.startMs = performance.now();
    } else if (event.type === 'call.ended') {
      this.finish(call);
    }
  }

  /** The server acknowledged an event: after the answer, the call's audio may flow. */
  accepted(event: IngestEvent): void {
    if (event.type !== 'call.answered') return;
    // A short call may have ended (at high speed) before its answer was acknowledged: its text still goes.
    const known = this.calls.get(event.callId) ?? this.ended.get(event.callId);
    if (known && !known.lost && !known.answerAccepted) {
      known.answerAccepted = true;
      for (const segment of known.heldSegments.splice(0)) this.transcripts?.add(segment);
    }
    const call = this.calls.get(event.callId);
    if (!call || call.ended || call.streaming || call.startMs === null || !call.dialogue) return;
    const dialogue = call.dialogue;
    call.streaming = true;
    this.gateway.addCall(call.callId, call.startMs, (seq, out) => {
      const startSample = seq * AUDIO_SAMPLES_PER_FRAME;
      this.report(call, dialogue.advance((seq + 1) * AUDIO_FRAME_MS));
      dialogue.renderInterleaved(startSample, out, this.music);
    });
  }

  /** The server will not hear more of this call (an event was refused or dropped): no more audio for it. */
  lost(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    call.lost = true;
    call.heldSegments = [];
    this.finish(call);
  }

  private tick(): void {
    this.gateway.pump();
    this.transcripts?.pump();
    // Calls that are not streaming (not yet acknowledged, or the socket is away) still talk on, so the
    // transcript keeps the call's timeline.
    const now = performance.now();
    for (const call of this.calls.values()) {
      if (call.dialogue && call.startMs !== null && !this.gateway.isStreaming(call.callId)) {
        this.report(call, call.dialogue.advance(now - call.startMs));
      }
    }
  }

  private report(call: SimCall, finished: Utterance[]): void {
    if (this.transcripts && call.dialogue && !call.lost) {
      const said = call.dialogue.utterances();
      for (const utterance of finished) {
        const segment = segmentOf(
          call.callId,
          said.indexOf(utterance),
          utterance,
          this.phrases.byId(utterance.phraseId).durationMs,
        );
        if (!segment) continue;
        if (call.answerAccepted) this.transcripts.add(segment);
        else call.heldSegments.push(segment);
      }
    }
    const hook = this.options.onUtterance;
    if (!hook) return;
    for (const utterance of finished) {
      try {
        hook(call.callId, utterance);
      } catch (error) {
        this.options.log(`audio: the utterance hook failed for call ${call.callId}: ${(error as Error).message}`);
      }
    }
  }

  private finish(call: SimCall): void {
    this.gateway.endCall(call.callId);
    call.ended = true;
    call.streaming = false;
    this.calls.delete(call.callId);
    if (!call.dialogue || call.startMs === null) return;
    // Whatever was still being said ends with the call.
    this.report(call, call.dialogue.close(performance.now() - call.startMs));
    this.ended.set(call.callId, call);
    if (this.ended.size > ENDED_CALLS_KEPT) {
      const oldest = this.ended.keys().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }
}
