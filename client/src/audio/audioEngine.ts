import captureWorkletUrl from './captureWorklet.ts?worker&url';
import playbackWorkletUrl from './playbackWorklet.ts?worker&url';
import type { DecodedSideFrame } from './talkFrames.js';
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureFrame,
  PLAYBACK_PROCESSOR_NAME,
  type PlaybackCommand,
  type PlaybackReport,
} from './workletMessages.js';

/**
 * The browser half of live audio for one call page: one AudioContext with the playback worklet (both
 * sides, a gain per side, to the speakers) and, while whispering or barging, the microphone through the
 * capture worklet. No socket here; the session feeds it frames and takes the microphone's.
 */
export type AudioSideName = 'agent' | 'caller';

/** Why the microphone could not be opened, as a sentence for the controller. */
export class MicrophoneError extends Error {
  constructor(
    message: string,
    readonly denied: boolean,
  ) {
    super(message);
    this.name = 'MicrophoneError';
  }
}

/** Voice processing the browser applies to the microphone: the controller hears the call on speakers too. */
const MICROPHONE_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  channelCount: 1,
};

export class LiveAudioEngine {
  private readonly gains: Record<AudioSideName, GainNode>;
  private microphone: { stream: MediaStream; source: MediaStreamAudioSourceNode; node: AudioWorkletNode } | null = null;
  private closed = false;

  private constructor(
    readonly context: AudioContext,
    private readonly playback: AudioWorkletNode,
  ) {
    this.gains = { agent: context.createGain(), caller: context.createGain() };
    playback.connect(this.gains.agent, 0);
    playback.connect(this.gains.caller, 1);
    this.gains.agent.connect(context.destination);
    this.gains.caller.connect(context.destination);
  }

  /** Creates the context (call it from a click: browsers start audio only after a user gesture). */
  static async create(onReport: (report: PlaybackReport) => void): Promise<LiveAudioEngine> {
    const context = new AudioContext({ latencyHint: 'interactive' });
    try {
      await context.audioWorklet.addModule(playbackWorkletUrl);
      const playback = new AudioWorkletNode(context, PLAYBACK_PROCESSOR_NAME, {
        numberOfInputs: 0,
        numberOfOutputs: 2,
        outputChannelCount: [1, 1],
      });
      playback.port.onmessage = (event: MessageEvent<PlaybackReport>) => onReport(event.data);
      return new LiveAudioEngine(context, playback);
    } catch (error) {
      await context.close().catch(() => {});
      throw error;
    }
  }

  /** `suspended` until the browser lets it play (see `resume`). */
  get state(): AudioContextState {
    return this.context.state;
  }

  onStateChange(listener: () => void): void {
    this.context.addEventListener('statechange', listener);
  }

  /** Starts a suspended context; must run inside a click when the browser held audio back. */
  async resume(): Promise<void> {
    if (this.context.state === 'suspended') await this.context.resume();
  }

  play(frame: DecodedSideFrame): void {
    if (this.closed) return;
    const command: PlaybackCommand = { type: 'frame', seq: frame.seq, agent: frame.agent, caller: frame.caller };
    const transfer = [frame.agent?.buffer, frame.caller?.buffer].filter((b): b is ArrayBuffer => b !== undefined);
    this.playback.port.postMessage(command, transfer);
  }

  /** Forgets buffered audio (a new session: the server's seq may start elsewhere). */
  restartPlayback(): void {
    const command: PlaybackCommand = { type: 'restart' };
    this.playback.port.postMessage(command);
  }

  /** 0..1 (or a little above, to lift a quiet side). */
  setVolume(side: AudioSideName, volume: number): void {
    this.gains[side].gain.setTargetAtTime(volume, this.context.currentTime, 0.02);
  }

  get microphoneOn(): boolean {
    return this.microphone !== null;
  }

  /**
   * Opens the microphone and sends its 20 ms frames at 8 kHz to `onFrame`. Throws MicrophoneError with a
   * sentence when the browser or the controller refuses.
   */
  async startMicrophone(onFrame: (frame: CaptureFrame) => void): Promise<void> {
    if (this.microphone) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new MicrophoneError('This browser gives no access to a microphone here (it needs HTTPS).', false);
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: MICROPHONE_CONSTRAINTS, video: false });
    } catch (error) {
      throw microphoneError(error);
    }
    if (this.closed) {
      stopTracks(stream);
      return;
    }
    try {
      await this.context.audioWorklet.addModule(captureWorkletUrl);
      const source = this.context.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(this.context, CAPTURE_PROCESSOR_NAME, {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        channelCount: 1,
        channelCountMode: 'explicit',
      });
      node.port.onmessage = (event: MessageEvent<CaptureFrame>) => onFrame(event.data);
      source.connect(node);
      // Its output is silence; connecting it is what makes the graph run it.
      node.connect(this.context.destination);
      this.microphone = { stream, source, node };
    } catch (error) {
      stopTracks(stream);
      throw error;
    }
  }

  /** Closes the microphone (the browser's recording indicator goes off). */
  stopMicrophone(): void {
    const microphone = this.microphone;
    if (!microphone) return;
    this.microphone = null;
    microphone.node.port.onmessage = null;
    microphone.source.disconnect();
    microphone.node.disconnect();
    stopTracks(microphone.stream);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopMicrophone();
    this.playback.port.onmessage = null;
    this.playback.disconnect();
    await this.context.close().catch(() => {});
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

function microphoneError(error: unknown): MicrophoneError {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new MicrophoneError(
      'Microphone access was denied. Allow the microphone for this site in the browser, then try again.',
      true,
    );
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return new MicrophoneError('No microphone was found. Connect one and try again.', false);
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return new MicrophoneError('The microphone is in use by another program or could not be started.', false);
  }
  return new MicrophoneError(
    `The microphone could not be opened: ${error instanceof Error ? error.message : String(error)}`,
    false,
  );
}
