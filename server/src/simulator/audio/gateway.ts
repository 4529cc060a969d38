import { performance } from 'node:perf_hooks';
import {
  AUDIO_FRAME_FIXED_HEADER_BYTES,
  AUDIO_FRAME_MS,
  AUDIO_INGEST_PATH,
  AUDIO_MESSAGE_MAX_BYTES,
  type AudioFrame,
  audioPayloadBytes,
  encodeAudioMessage,
  INGEST_KEY_HEADER,
  parseAudioMessage,
} from '@earshot/shared';
import WebSocket from 'ws';
import { z } from 'zod';

/*
 * The simulated telephony platform's media gateway: one WebSocket to the server's audio ingest carrying
 * every live call, one binary message per 20 ms tick with each call's due frames (PCMU, both sides
 * interleaved), like a real gateway multiplexing calls. Frames due are counted from a monotonic clock, so
 * a late timer sends more frames next time rather than letting the stream drift. Controller audio coming
 * back (whisper to the agent, barge to both) is "played" into the simulated call: counted per call.
 */

/** Payload of one 20 ms PCMU frame of both sides, interleaved. */
export const FRAME_PAYLOAD_BYTES = audioPayloadBytes('pcmu', 'both');
/**
 * Frames one call may send in one go to catch up (a slow ack, a stalled event loop): 100 ms, what the
 * server still reorders. Further behind, the older frames are skipped: the server places a call's first
 * frame by its arrival time and drops frames too late to use.
 */
export const MAX_CATCH_UP_FRAMES = 5;
/** Audio waiting in the socket beyond this is not added to: frames are skipped until it drains. */
const MAX_BUFFERED_BYTES = 256 * 1024;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
/** Log lines about refused frames per minute; the rest are counted. */
const REFUSAL_LOG_LINES_PER_MINUTE = 10;
/** Calls whose controller-audio counters are kept after they end. */
const ENDED_CALLS_KEPT = 1_000;
/** The longest call id a frame carries; sizes the split of a tick into messages. */
const CALL_ID_MAX_BYTES = 128;

export interface ControllerFrameCounts {
  /** Frames of a whisper: played to the agent only. */
  toAgent: number;
  /** Frames of a barge: played to the agent and the caller. */
  toBoth: number;
}

export interface GatewayStats {
  framesSent: number;
  messagesSent: number;
  /** Frames not sent: the socket was away or full, or the call was too far behind. */
  framesSkipped: number;
  framesRefused: number;
  controllerFrames: number;
  connected: boolean;
}

/** Renders frame `seq` of a call into `out` (FRAME_PAYLOAD_BYTES: agent, caller, agent, caller, …). */
export type FrameRenderer = (seq: number, out: Uint8Array) => void;

export interface AudioGatewayOptions {
  serverUrl: string;
  ingestKey: string;
  log: (line: string) => void;
  /** Monotonic milliseconds; performance.now() unless a test drives the clock. */
  now?: () => number;
}

interface Stream {
  callId: string;
  /** Clock time of frame 0's start (the answer). */
  startMs: number;
  nextSeq: number;
  render: FrameRenderer;
}

const RefusalSchema = z.object({
  type: z.literal('error'),
  index: z.number().optional(),
  callId: z.string().optional(),
  seq: z.number().optional(),
  error: z.string(),
});

export class AudioGateway {
  private readonly options: AudioGatewayOptions;
  private readonly now: () => number;
  private readonly url: string;
  private readonly streams = new Map<string, Stream>();
  private readonly controllerCounts = new Map<string, ControllerFrameCounts>();
  private socket: WebSocket | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private stopped = true;
  private everConnected = false;
  private lastProblem = '';
  private refusalWindowStart = 0;
  private refusalLines = 0;
  private refusalsNotLogged = 0;
  private readonly counts: GatewayStats = {
    framesSent: 0,
    messagesSent: 0,
    framesSkipped: 0,
    framesRefused: 0,
    controllerFrames: 0,
    connected: false,
  };

  constructor(options: AudioGatewayOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.url = `${options.serverUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}${AUDIO_INGEST_PATH}`;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.counts.connected = false;
    if (socket) {
      socket.removeAllListeners();
      // An error after stop (a refused connection closing) must not be unhandled.
      socket.on('error', () => {});
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'simulator stopping');
    }
    this.streams.clear();
  }

  /** Starts streaming a call whose frame 0 began at clock time `startMs` (the server knows the call now). */
  addCall(callId: string, startMs: number, render: FrameRenderer): void {
    this.streams.set(callId, { callId, startMs, nextSeq: 0, render });
  }

  /** Stops a call's stream at once: nothing more is sent for it. */
  endCall(callId: string): void {
    this.streams.delete(callId);
  }

  isStreaming(callId: string): boolean {
    return this.streams.has(callId);
  }

  /** Frames of controller audio received for a call, by where the simulated telephony plays them. */
  controllerFramesReceived(callId: string): ControllerFrameCounts {
    const counts = this.controllerCounts.get(callId);
    return counts ? { ...counts } : { toAgent: 0, toBoth: 0 };
  }

  stats(): GatewayStats {
    return { ...this.counts };
  }

  /**
   * Sends every frame due by now (frame `seq` is due once its 20 ms have passed), all calls in one
   * message (split only past the message size limit). Returns the frames sent.
   */
  pump(): number {
    const now = this.now();
    const socket = this.socket;
    const writable =
      socket !== null && socket.readyState === WebSocket.OPEN && socket.bufferedAmount <= MAX_BUFFERED_BYTES;
    const frames: AudioFrame[] = [];
    for (const stream of this.streams.values()) {
      const due = Math.floor((now - stream.startMs) / AUDIO_FRAME_MS);
      if (due <= stream.nextSeq) continue;
      const first = writable ? Math.max(stream.nextSeq, due - MAX_CATCH_UP_FRAMES) : due;
      this.counts.framesSkipped += first - stream.nextSeq;
      for (let seq = first; seq < due; seq++) {
        const payload = new Uint8Array(FRAME_PAYLOAD_BYTES);
        stream.render(seq, payload);
        frames.push({ callId: stream.callId, seq, codec: 'pcmu', channel: 'both', payload });
      }
      stream.nextSeq = due;
    }
    if (frames.length === 0 || !socket) return 0;
    const perMessage = Math.floor(
      AUDIO_MESSAGE_MAX_BYTES / (AUDIO_FRAME_FIXED_HEADER_BYTES + CALL_ID_MAX_BYTES + FRAME_PAYLOAD_BYTES),
    );
    for (let i = 0; i < frames.length; i += perMessage) {
      socket.send(encodeAudioMessage(frames.slice(i, i + perMessage)));
      this.counts.messagesSent += 1;
    }
    this.counts.framesSent += frames.length;
    return frames.length;
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.url, { headers: { [INGEST_KEY_HEADER]: this.options.ingestKey } });
    this.socket = socket;
    socket.binaryType = 'nodebuffer';
    socket.on('open', () => {
      this.options.log(`audio: ${this.everConnected ? 'reconnected' : 'connected'} to ${this.url}`);
      this.everConnected = true;
      this.lastProblem = '';
      this.reconnectDelayMs = RECONNECT_MIN_MS;
      this.counts.connected = true;
    });
    socket.on('unexpected-response', (_request, response) => {
      // The upgrade was refused (401: wrong key); the body names the reason.
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => {
        this.problem(`server refused the audio connection with HTTP ${response.statusCode}: ${body.trim()}`);
        socket.terminate();
      });
    });
    socket.on('error', (error) => this.problem(`audio connection to ${this.url} failed: ${error.message}`));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.counts.connected = false;
      if (this.stopped) return;
      if (this.everConnected && this.lastProblem === '') this.options.log('audio: connection closed; will reconnect');
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        this.connect();
      }, this.reconnectDelayMs);
      this.reconnectDelayMs = Math.min(RECONNECT_MAX_MS, this.reconnectDelayMs * 2);
    });
    socket.on('message', (data, isBinary) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (isBinary) this.controllerAudio(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      else this.refusal(bytes.toString('utf8'));
    });
  }

  /** Logs a connection problem once until it changes (a server away for an hour is one line). */
  private problem(message: string): void {
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.options.log(message);
  }

  private controllerAudio(message: Uint8Array): void {
    const { frames, errors } = parseAudioMessage(message);
    for (const frame of frames) {
      if (frame.channel !== 'to_agent' && frame.channel !== 'to_both') continue;
      let counts = this.controllerCounts.get(frame.callId);
      if (!counts) {
        counts = { toAgent: 0, toBoth: 0 };
        this.controllerCounts.set(frame.callId, counts);
        // Bounded: the oldest calls' counters go first (a Map iterates in insertion order).
        if (this.controllerCounts.size > ENDED_CALLS_KEPT + this.streams.size) {
          const oldest = this.controllerCounts.keys().next().value;
          if (oldest !== undefined) this.controllerCounts.delete(oldest);
        }
      }
      if (frame.channel === 'to_agent') counts.toAgent += 1;
      else counts.toBoth += 1;
      this.counts.controllerFrames += 1;
    }
    for (const error of errors) this.logRefusal(`server sent controller audio that cannot be read: ${error.error}`);
  }

  private refusal(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = RefusalSchema.safeParse(json);
    if (!parsed.success) {
      this.logRefusal(`server sent a text message that is not an error report: ${text.slice(0, 200)}`);
      return;
    }
    this.counts.framesRefused += 1;
    const { callId, error } = parsed.data;
    // Our frames are well formed: a refusal naming a call means the server does not know it (it closed
    // the call at a restart, or it ended); sending more would only be refused again.
    const stopped = callId !== undefined && this.streams.delete(callId);
    this.logRefusal(`server refused an audio frame: ${error}${stopped ? `; no more audio is sent for ${callId}` : ''}`);
  }

  private logRefusal(line: string): void {
    const now = Date.now();
    if (now - this.refusalWindowStart > 60_000) {
      if (this.refusalsNotLogged > 0) this.options.log(`audio: … and ${this.refusalsNotLogged} more refusals`);
      this.refusalWindowStart = now;
      this.refusalLines = 0;
      this.refusalsNotLogged = 0;
    }
    if (this.refusalLines < REFUSAL_LOG_LINES_PER_MINUTE) {
      this.refusalLines += 1;
      this.options.log(`audio: ${line}`);
    } else {
      this.refusalsNotLogged += 1;
    }
  }
}
