import type { AudioStopped, MonitorMode } from '@earshot/shared';
import { leaveAudio, onConnected, sendTalkFrame, subscribe, takeAudio } from '../socket/socket.js';
import { type AudioSideName, LiveAudioEngine, MicrophoneError } from './audioEngine.js';
import type { JitterStats } from './jitterBuffer.js';
import { decodeCallFrames, encodeTalkFrame, talkChannel } from './talkFrames.js';
import type { CaptureFrame, PlaybackReport } from './workletMessages.js';

/**
 * One call page's live audio: the socket commands (listen, whisper, barge, leave), the frames both ways,
 * and the AudioContext, as a small store React reads with useSyncExternalStore. Created per call and
 * disposed when the page leaves the call, which leaves the audio, stops the microphone and closes the context.
 */

export interface LiveAudioDiagnostics {
  /** Frames of this call received from the server (a frame carrying both sides counts once). */
  framesReceived: number;
  /** Frames that could not be read (counted, not played). */
  framesRejected: number;
  /** Microphone frames sent while whispering or barging. */
  framesSent: number;
  /** The jitter buffer, as the playback worklet last reported it; null before its first report. */
  buffer: JitterStats | null;
  /** Peaks (0..1) of the last report interval. */
  agentPeak: number;
  callerPeak: number;
  microphonePeak: number;
}

export interface LiveAudioState {
  /** The mode the server confirmed; null when not on the call's audio. */
  mode: MonitorMode | null;
  /** A command on its way (the buttons wait for it). */
  pending: MonitorMode | 'leave' | null;
  /** The last refusal or failure, as a sentence. */
  error: string | null;
  /** Set when the microphone was refused (so the page can say how to allow it). */
  microphoneDenied: boolean;
  /** Why the server ended the session without being asked. */
  stopped: AudioStopped | null;
  /** The AudioContext's state: `suspended` means the browser holds audio back until a click. */
  audioState: AudioContextState | 'none';
  volumes: Record<AudioSideName, number>;
  diagnostics: LiveAudioDiagnostics;
}

/** How often the diagnostics and meters reach React. */
const PUBLISH_INTERVAL_MS = 100;
const SEQ_MODULO = 2 ** 32;

const EMPTY_DIAGNOSTICS: LiveAudioDiagnostics = {
  framesReceived: 0,
  framesRejected: 0,
  framesSent: 0,
  buffer: null,
  agentPeak: 0,
  callerPeak: 0,
  microphonePeak: 0,
};

/** Not on the call's audio, nothing tried yet. */
export const IDLE_LIVE_AUDIO_STATE: LiveAudioState = {
  mode: null,
  pending: null,
  error: null,
  microphoneDenied: false,
  stopped: null,
  audioState: 'none',
  volumes: { agent: 1, caller: 1 },
  diagnostics: EMPTY_DIAGNOSTICS,
};

export class LiveAudioSession {
  private state: LiveAudioState = IDLE_LIVE_AUDIO_STATE;
  private readonly listeners = new Set<() => void>();
  private engine: LiveAudioEngine | null = null;
  /** Counted here and published on the interval, so 50–100 frames a second do not each render. */
  private diagnostics: LiveAudioDiagnostics = { ...EMPTY_DIAGNOSTICS };
  private microphonePeak = 0;
  private talkSeq = 0;
  private disposed = false;
  private readonly unsubscribes: (() => void)[] = [];
  private publishTimer: ReturnType<typeof setInterval> | null = null;

  constructor(readonly callId: string) {
    this.unsubscribes.push(
      subscribe('audio:frame', (message) => this.onFrame(message)),
      subscribe('audio:stopped', (stopped) => this.onStopped(stopped)),
    );
    let firstConnect = true;
    this.unsubscribes.push(
      onConnected(() => {
        if (firstConnect) {
          firstConnect = false;
          return;
        }
        void this.rejoinAfterReconnect();
      }),
    );
  }

  /* ------------------------------------------------------------ store ------------------------------------------------------------ */

  getSnapshot = (): LiveAudioState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private update(patch: Partial<LiveAudioState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  /* ----------------------------------------------------------- commands ----------------------------------------------------------- */

  /** Listen, whisper or barge (also switches between them). Call from a click: it may start audio. */
  async take(mode: MonitorMode): Promise<void> {
    if (this.disposed || this.state.pending) return;
    const previousMode = this.state.mode;
    this.update({ pending: mode, error: null, stopped: null, microphoneDenied: false });
    const talks = talkChannel(mode) !== null;
    let openedMicrophone = false;
    try {
      const engine = this.engine ?? (await this.startEngine());
      if (talks && !engine.microphoneOn) {
        this.talkSeq = 0;
        await engine.startMicrophone((frame) => this.onMicrophoneFrame(frame));
        openedMicrophone = true;
      }
    } catch (error) {
      if (this.disposed) return;
      const denied = error instanceof MicrophoneError && error.denied;
      this.update({
        pending: null,
        error: error instanceof MicrophoneError ? error.message : `Live audio could not start: ${errorText(error)}`,
        microphoneDenied: denied,
      });
      if (previousMode === null) await this.closeEngine();
      return;
    }
    if (this.disposed) return;

    const answer = await takeAudio(this.callId, mode);
    if (this.disposed) {
      // Left while the command was on its way: leave again, now that the server has the session.
      if (answer.ok) void leaveAudio(this.callId);
      return;
    }
    if (!answer.ok) {
      if (openedMicrophone) this.engine?.stopMicrophone();
      if (previousMode === null) await this.closeEngine();
      this.update({ pending: null, error: answer.error });
      return;
    }
    if (talkChannel(answer.data.mode) === null) this.engine?.stopMicrophone();
    this.update({ pending: null, mode: answer.data.mode });
  }

  /** Leaves the call's audio: the server is told, the microphone stops, the context closes. */
  async leave(): Promise<void> {
    if (this.disposed || this.state.mode === null || this.state.pending) return;
    this.update({ pending: 'leave', error: null });
    const answer = await leaveAudio(this.callId);
    await this.closeEngine();
    if (this.disposed) return;
    this.update({ pending: null, mode: null, ...(answer.ok ? {} : { error: answer.error }) });
  }

  /** Starts audio the browser held back (autoplay policy); call from a click. */
  async resumeAudio(): Promise<void> {
    await this.engine?.resume();
  }

  setVolume(side: AudioSideName, volume: number): void {
    this.engine?.setVolume(side, volume);
    this.update({ volumes: { ...this.state.volumes, [side]: volume } });
  }

  dismissMessages(): void {
    this.update({ error: null, stopped: null, microphoneDenied: false });
  }

  /** The page left the call: leave the audio and free everything. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    if (this.state.mode !== null || this.state.pending !== null) void leaveAudio(this.callId);
    void this.closeEngine();
    this.listeners.clear();
  }

  /* ------------------------------------------------------------ inside ------------------------------------------------------------ */

  private async startEngine(): Promise<LiveAudioEngine> {
    const engine = await LiveAudioEngine.create((report) => this.onReport(report));
    if (this.disposed) {
      await engine.close();
      throw new Error('the page left the call');
    }
    this.engine = engine;
    engine.setVolume('agent', this.state.volumes.agent);
    engine.setVolume('caller', this.state.volumes.caller);
    engine.onStateChange(() => {
      if (this.engine === engine) this.update({ audioState: engine.state });
    });
    // Without a user gesture the browser keeps the context suspended; the page then offers a button.
    void engine.resume().catch(() => {});
    this.diagnostics = { ...EMPTY_DIAGNOSTICS };
    this.publishTimer = setInterval(() => this.publishDiagnostics(), PUBLISH_INTERVAL_MS);
    this.update({ audioState: engine.state, diagnostics: this.diagnostics });
    return engine;
  }

  private async closeEngine(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    if (this.publishTimer) clearInterval(this.publishTimer);
    this.publishTimer = null;
    if (!this.disposed) this.update({ audioState: 'none' });
    await engine?.close();
  }

  private publishDiagnostics(): void {
    this.diagnostics = { ...this.diagnostics, microphonePeak: this.microphonePeak };
    this.microphonePeak = 0;
    this.update({ diagnostics: this.diagnostics });
  }

  private onFrame(message: ArrayBuffer | Uint8Array): void {
    const engine = this.engine;
    if (!engine || (this.state.mode === null && this.state.pending === null)) return;
    const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
    const { frames, rejected } = decodeCallFrames(bytes, this.callId);
    this.diagnostics.framesReceived += frames.length;
    this.diagnostics.framesRejected += rejected;
    for (const frame of frames) engine.play(frame);
  }

  private onReport(report: PlaybackReport): void {
    this.diagnostics.buffer = report.stats;
    this.diagnostics.agentPeak = report.agentPeak;
    this.diagnostics.callerPeak = report.callerPeak;
  }

  private onMicrophoneFrame(frame: CaptureFrame): void {
    this.microphonePeak = Math.max(this.microphonePeak, frame.peak);
    const mode = this.state.mode;
    const channel = mode === null ? null : talkChannel(mode);
    if (channel === null || this.state.pending !== null) return;
    const encoded = encodeTalkFrame({ callId: this.callId, seq: this.talkSeq, channel, samples: frame.samples });
    this.talkSeq = (this.talkSeq + 1) % SEQ_MODULO;
    if (sendTalkFrame(encoded)) this.diagnostics.framesSent += 1;
  }

  private onStopped(stopped: AudioStopped): void {
    if (stopped.callId !== this.callId || this.state.mode === null) return;
    void this.closeEngine();
    this.update({ mode: null, pending: null, stopped });
  }

  /** The server forgot the session with the connection: take the same mode again. */
  private async rejoinAfterReconnect(): Promise<void> {
    const mode = this.state.mode;
    if (mode === null || this.state.pending !== null || this.disposed) return;
    this.update({ pending: mode });
    const answer = await takeAudio(this.callId, mode);
    if (this.disposed) {
      if (answer.ok) void leaveAudio(this.callId);
      return;
    }
    if (answer.ok) {
      this.engine?.restartPlayback();
      this.update({ pending: null, mode: answer.data.mode });
      return;
    }
    await this.closeEngine();
    this.update({
      pending: null,
      mode: null,
      error: `Live audio stopped when the connection dropped and could not be resumed: ${answer.error}`,
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
