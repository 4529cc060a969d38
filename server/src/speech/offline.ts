import { AUDIO_FRAME_MS, AUDIO_SAMPLES_PER_FRAME } from '@earshot/shared';
import type { VadEngine } from './vadEngine.js';

/** A stretch of one channel's audio, in ms from its start. */
export interface SpeechInterval {
  startMs: number;
  endMs: number;
}

/**
 * Runs a whole recording of one channel (8 kHz 16-bit samples) through the engine as if it arrived live and
 * answers its speech intervals: for tests, the benchmark and measuring accuracy. A last partial frame is
 * dropped (the live path only ever sees whole frames).
 */
export async function detectSpeech(engine: VadEngine, samples: Int16Array): Promise<SpeechInterval[]> {
  const speech: SpeechInterval[] = [];
  const channel = engine.open((events) => {
    for (const event of events) {
      if (event.kind === 'speech_end') {
        speech.push({ startMs: event.startFrame * AUDIO_FRAME_MS, endMs: event.endFrame * AUDIO_FRAME_MS });
      }
    }
  });
  const frames = Math.floor(samples.length / AUDIO_SAMPLES_PER_FRAME);
  for (let f = 0; f < frames; f++) {
    channel.pushFrame(samples.subarray(f * AUDIO_SAMPLES_PER_FRAME, (f + 1) * AUDIO_SAMPLES_PER_FRAME));
    // A tick's worth of audio at a time, as the live timer would see it.
    if (f % 4 === 3) await engine.drain();
  }
  const closed = channel.close();
  await engine.drain();
  await closed;
  return speech;
}
