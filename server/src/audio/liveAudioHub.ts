import {
  type AudioFrame,
  type AudioFrameError,
  decodeFramePcm,
  encodeAudioFrame,
  encodeMulaw,
  isCallAudioChannel,
  type MonitorMode,
  parseAudioMessage,
} from '@earshot/shared';
import type { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CallAudioTap } from '../speech/speechService.js';
import type { CallRecorder } from './callRecorder.js';
import { ListenerSink, type ListenerSocket } from './listenerSink.js';

/** A telephony adapter's audio connection, as the hub sees it. */
export interface AudioAdapterConnection {
  id: string;
  /** Sends controller audio (frames on channel to_agent or to_both) back to the platform. */
  sendFrame(frame: Uint8Array): void;
  /** Tells the adapter a frame was refused, and why. */
  sendError(error: AudioFrameError): void;
}

/** Ended calls remembered so their late frames get "has ended" rather than "unknown call". */
const RECENTLY_ENDED_MAX_CALLS = 10_000;

export interface LiveAudioCounters {
  /** Frames of calls' own audio accepted from adapters. */
  framesIn: number;
  framesRefused: number;
  listenerFramesSent: number;
  /** Frames not sent to a listener whose connection was backed up. */
  listenerFramesDropped: number;
  controllerFramesIn: number;
  controllerFramesToAdapter: number;
}

/**
 * Live audio in memory: frames from adapters go, as they arrive, to the controllers listening to that call,
 * then to the recorder and speech analytics (which do their work in worker threads); controllers' voices go
 * to the recorder and back to the adapter carrying the call. Nothing here waits on the disk or on a listener.
 */
export class LiveAudioHub {
  private readonly listeners = new Map<string, Map<string, ListenerSink>>();
  /** The connection that last sent each live call's audio: controller audio for the call goes back there. */
  private readonly adapters = new Map<string, AudioAdapterConnection>();
  private readonly recentlyEnded = new Set<string>();
  private readonly counters: LiveAudioCounters = {
    framesIn: 0,
    framesRefused: 0,
    listenerFramesSent: 0,
    listenerFramesDropped: 0,
    controllerFramesIn: 0,
    controllerFramesToAdapter: 0,
  };
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: {
      registry: LiveCallRegistry;
      recorder: CallRecorder;
      clock: Clock;
      logger: Logger;
      /** Speech analytics hears each call's own audio too (voice activity, live silence). */
      speech?: CallAudioTap;
    },
  ) {
    this.unsubscribe = deps.registry.onChange(({ call }) => {
      if (call.state !== 'ended') return;
      this.adapters.delete(call.id);
      this.rememberEnded(call.id);
      deps.recorder.finish(call.id, call.endedAt ?? deps.clock.now()).catch((error: unknown) => {
        deps.logger.error('audio: closing a recording failed', { callId: call.id, error });
      });
    });
  }

  stop(): void {
    this.unsubscribe();
    for (const sinks of this.listeners.values()) for (const sink of sinks.values()) sink.dispose();
    this.listeners.clear();
    this.adapters.clear();
  }

  stats(): LiveAudioCounters & { listeners: number; callsWithAudio: number } {
    let listeners = 0;
    for (const sinks of this.listeners.values()) listeners += sinks.size;
    return { ...this.counters, listeners, callsWithAudio: this.adapters.size };
  }

  /** Whether an adapter has sent audio for the call (controller audio has somewhere to go). */
  hasAdapter(callId: string): boolean {
    return this.adapters.has(callId);
  }

  /** One binary message from an adapter: any number of frames, of any calls. */
  acceptAdapterMessage(connection: AudioAdapterConnection, message: Uint8Array): void {
    const { frames, errors } = parseAudioMessage(message);
    for (const error of errors) this.refuse(connection, error);
    const receivedAt = this.deps.clock.now();
    frames.forEach((frame, index) => {
      const refusal = this.acceptCallFrame(connection, frame, receivedAt);
      if (refusal) this.refuse(connection, { index, callId: frame.callId, seq: frame.seq, error: refusal });
    });
  }

  /** Returns why the frame was refused, or null. */
  private acceptCallFrame(connection: AudioAdapterConnection, frame: AudioFrame, receivedAt: number): string | null {
    const { callId } = frame;
    if (!isCallAudioChannel(frame.channel)) {
      return `frame of call ${callId}: channel ${frame.channel} carries a controller's voice; a platform sends agent, caller or both`;
    }
    if (!this.deps.registry.get(callId)) {
      return this.recentlyEnded.has(callId)
        ? `call ${callId} has ended; its recording is closed and takes no more audio`
        : `unknown call ${callId}: send call.offered (ingest events) before its audio`;
    }
    this.adapters.set(callId, connection);
    // Listeners first: the recorder's work would otherwise sit on the server hop of what they hear.
    // µ-law frames go out as they came; linear PCM is re-encoded to µ-law for them.
    const sinks = this.listeners.get(callId);
    if (sinks && sinks.size > 0) {
      const outgoing = encodeAudioFrame(
        frame.codec === 'pcmu'
          ? frame
          : { ...frame, codec: 'pcmu', payload: encodeMulaw(interleave(decodeFramePcm(frame))) },
      );
      for (const sink of sinks.values()) {
        if (sink.send(outgoing)) this.counters.listenerFramesSent += 1;
        else this.counters.listenerFramesDropped += 1;
      }
    }
    // Both copy the frame as it came into a batch for their worker thread, which decodes it.
    this.deps.recorder.pushFrame(frame, receivedAt);
    this.deps.speech?.pushFrame(frame, receivedAt);
    this.counters.framesIn += 1;
    return null;
  }

  private refuse(connection: AudioAdapterConnection, error: AudioFrameError): void {
    this.counters.framesRefused += 1;
    connection.sendError(error);
  }

  /** A controller starts hearing the call (frames from now on). */
  addListener(callId: string, socket: ListenerSocket): void {
    let sinks = this.listeners.get(callId);
    if (!sinks) {
      sinks = new Map();
      this.listeners.set(callId, sinks);
    }
    sinks.get(socket.id)?.dispose();
    sinks.set(socket.id, new ListenerSink(socket));
  }

  removeListener(callId: string, socketId: string): void {
    const sinks = this.listeners.get(callId);
    const sink = sinks?.get(socketId);
    if (!sinks || !sink) return;
    sink.dispose();
    sinks.delete(socketId);
    if (sinks.size === 0) this.listeners.delete(callId);
  }

  /**
   * One 20 ms frame of a controller's voice, already parsed and checked against their session: mixed into
   * the recording and sent to the adapter carrying the call (whisper: to the agent; barge: to both).
   */
  acceptControllerFrame(frame: AudioFrame, mode: Exclude<MonitorMode, 'listen'>): void {
    this.counters.controllerFramesIn += 1;
    const pcm = decodeFramePcm(frame).first;
    this.deps.recorder.pushControllerAudio(frame.callId, mode === 'whisper' ? 'agent' : 'both', pcm);
    const adapter = this.adapters.get(frame.callId);
    if (!adapter) return;
    const payload = frame.codec === 'pcmu' ? frame.payload : encodeMulaw(pcm);
    adapter.sendFrame(
      encodeAudioFrame({ ...frame, codec: 'pcmu', channel: mode === 'whisper' ? 'to_agent' : 'to_both', payload }),
    );
    this.counters.controllerFramesToAdapter += 1;
  }

  /** An adapter connection closed: controller audio for its calls has nowhere to go until it reconnects. */
  adapterGone(connection: AudioAdapterConnection): void {
    for (const [callId, adapter] of this.adapters) if (adapter === connection) this.adapters.delete(callId);
  }

  private rememberEnded(callId: string): void {
    this.recentlyEnded.add(callId);
    if (this.recentlyEnded.size > RECENTLY_ENDED_MAX_CALLS) {
      // Sets iterate in insertion order: the first is the oldest.
      const oldest = this.recentlyEnded.values().next().value;
      if (oldest !== undefined) this.recentlyEnded.delete(oldest);
    }
  }
}

/** Agent and caller samples interleaved, as channel `both` carries them (agent alone when there is no caller). */
function interleave(pcm: { first: Int16Array; second?: Int16Array }): Int16Array {
  if (!pcm.second) return pcm.first;
  const out = new Int16Array(pcm.first.length * 2);
  for (let i = 0; i < pcm.first.length; i++) {
    out[i * 2] = pcm.first[i] as number;
    out[i * 2 + 1] = pcm.second[i] as number;
  }
  return out;
}
