import { JitterBuffer } from './jitterBuffer.js';
import { peakOf } from './levels.js';
import { LinearResampler } from './resampler.js';
import {
  PLAYBACK_PROCESSOR_NAME,
  PLAYBACK_REPORT_INTERVAL_MS,
  type PlaybackCommand,
  type PlaybackReport,
} from './workletMessages.js';
import { type WorkletProcessor, workletScope } from './workletScope.js';

/**
 * Plays a call's two sides: frames posted by the page go through the jitter buffer, are upsampled from
 * 8 kHz to the context's rate, and leave on two outputs (0: agent, 1: caller) so the page can set a volume
 * per side with plain GainNodes. Reports buffer state and levels ten times a second.
 */
const TELEPHONE_RATE_HZ = 8000;
const FRAME_SAMPLES = 160;
const SILENT_FRAME = new Float32Array(FRAME_SAMPLES);

class PlaybackProcessor extends workletScope.AudioWorkletProcessor implements WorkletProcessor {
  private readonly buffer = new JitterBuffer();
  private readonly resampler = new LinearResampler(TELEPHONE_RATE_HZ, workletScope.sampleRate, 2, () =>
    this.nextFrame(),
  );
  private agentPeak = 0;
  private callerPeak = 0;
  private samplesSinceReport = 0;
  private readonly reportEverySamples = Math.round((workletScope.sampleRate * PLAYBACK_REPORT_INTERVAL_MS) / 1000);
  /** Reused render buffers for an output that is not connected (the spec may hand over none). */
  private scratch = [new Float32Array(128), new Float32Array(128)];

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<PlaybackCommand>) => {
      const command = event.data;
      if (command.type === 'restart') {
        this.buffer.restart();
        return;
      }
      const arrivalMs = workletScope.currentTime * 1000;
      if (command.agent) this.buffer.push(command.seq, 'agent', command.agent, arrivalMs);
      if (command.caller) this.buffer.push(command.seq, 'caller', command.caller, arrivalMs);
    };
  }

  private nextFrame(): Float32Array[] {
    const frame = this.buffer.pull();
    const agent = frame.agent ?? SILENT_FRAME;
    const caller = frame.caller ?? SILENT_FRAME;
    this.agentPeak = peakOf(agent, this.agentPeak);
    this.callerPeak = peakOf(caller, this.callerPeak);
    return [agent, caller];
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const length = outputs[0]?.[0]?.length ?? 128;
    if ((this.scratch[0]?.length ?? 0) !== length) this.scratch = [new Float32Array(length), new Float32Array(length)];
    const agentOut = outputs[0]?.[0] ?? (this.scratch[0] as Float32Array);
    const callerOut = outputs[1]?.[0] ?? (this.scratch[1] as Float32Array);
    this.resampler.render([agentOut, callerOut]);
    this.samplesSinceReport += length;
    if (this.samplesSinceReport >= this.reportEverySamples) {
      this.samplesSinceReport = 0;
      const report: PlaybackReport = {
        type: 'stats',
        stats: this.buffer.stats(),
        agentPeak: this.agentPeak,
        callerPeak: this.callerPeak,
      };
      this.port.postMessage(report);
      this.agentPeak = 0;
      this.callerPeak = 0;
    }
    return true;
  }
}

workletScope.registerProcessor(PLAYBACK_PROCESSOR_NAME, PlaybackProcessor);
