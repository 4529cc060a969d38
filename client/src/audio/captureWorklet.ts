import { peakOf } from './levels.js';
import { Downsampler, FrameChunker } from './resampler.js';
import { CAPTURE_PROCESSOR_NAME, type CaptureFrame } from './workletMessages.js';
import { type WorkletProcessor, workletScope } from './workletScope.js';

/**
 * The controller's microphone for whisper and barge: low-passed and decimated from the context's rate to
 * 8 kHz, cut into 20 ms frames (160 samples) and posted to the page, which encodes and sends them.
 * Its output stays silent; it is connected only so the graph pulls it.
 */
const TELEPHONE_RATE_HZ = 8000;
const FRAME_SAMPLES = 160;

class CaptureProcessor extends workletScope.AudioWorkletProcessor implements WorkletProcessor {
  private readonly downsampler = new Downsampler(workletScope.sampleRate, TELEPHONE_RATE_HZ);
  private readonly chunker = new FrameChunker(FRAME_SAMPLES);
  private mono = new Float32Array(128);

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0] ?? [];
    const first = channels[0];
    if (!first) return true;
    let input = first;
    if (channels.length > 1) {
      // A stereo microphone: its average (echo cancellation usually gives mono anyway).
      if (this.mono.length !== first.length) this.mono = new Float32Array(first.length);
      for (let i = 0; i < first.length; i++) {
        let sum = 0;
        for (const channel of channels) sum += channel[i] ?? 0;
        this.mono[i] = sum / channels.length;
      }
      input = this.mono;
    }
    for (const samples of this.chunker.push(this.downsampler.push(input))) {
      const message: CaptureFrame = { type: 'frame', samples, peak: peakOf(samples) };
      this.port.postMessage(message, [samples.buffer]);
    }
    return true;
  }
}

workletScope.registerProcessor(CAPTURE_PROCESSOR_NAME, CaptureProcessor);
