import { AUDIO_SAMPLE_RATE_HZ, encodeMulaw } from '@earshot/shared';

/*
 * Hold music made on the spot: a slow, gentle arpeggio over a soft sustained bass, in sine tones, looped.
 * Built once per process (about 50 ms of work) and kept as µ-law, so playing it is slicing bytes.
 */

/** One note of the melody every NOTE_MS; the loop is MELODY.length notes long. */
const NOTE_MS = 375;
/** MIDI note numbers: a C major pentatonic phrase in two halves (question, answer), over C, A, F, G. */
const MELODY = [
  72, 76, 79, 81, 79, 76, 74, 76, 69, 72, 76, 74, 72, 69, 67, 69, 65, 69, 72, 74, 72, 69, 67, 65, 67, 71, 74, 72, 71,
  67, 74, 72,
];
/** One bass note per 8 melody notes. */
const BASS = [48, 45, 41, 43];
const MELODY_PEAK = 0.22;
const BASS_PEAK = 0.12;
/** Full scale of 16-bit linear PCM. */
const FULL_SCALE = 32767;

export const HOLD_MUSIC_LOOP_MS = MELODY.length * NOTE_MS;

let cached: Uint8Array | undefined;

function frequencyOf(midiNote: number): number {
  return 440 * 2 ** ((midiNote - 69) / 12);
}

/** The loop as µ-law samples at 8 kHz; its end joins its start without a click (every note fades out). */
export function holdMusic(): Uint8Array {
  if (cached) return cached;
  const samplesPerNote = (AUDIO_SAMPLE_RATE_HZ * NOTE_MS) / 1000;
  const samplesPerBass = samplesPerNote * (MELODY.length / BASS.length);
  const pcm = new Int16Array(samplesPerNote * MELODY.length);
  for (let i = 0; i < pcm.length; i++) {
    const note = MELODY[Math.floor(i / samplesPerNote)] as number;
    const bass = BASS[Math.floor(i / samplesPerBass)] as number;
    const inNote = (i % samplesPerNote) / AUDIO_SAMPLE_RATE_HZ;
    const inBass = (i % samplesPerBass) / AUDIO_SAMPLE_RATE_HZ;
    const noteSeconds = samplesPerNote / AUDIO_SAMPLE_RATE_HZ;
    const bassSeconds = samplesPerBass / AUDIO_SAMPLE_RATE_HZ;
    // A soft attack, an exponential decay, and a fade at the very end so the next note starts clean.
    const noteEnvelope =
      Math.min(1, inNote / 0.01) * Math.exp(-inNote * 4) * Math.min(1, (noteSeconds - inNote) / 0.02);
    const bassEnvelope = Math.min(1, inBass / 0.05) * Math.min(1, (bassSeconds - inBass) / 0.05);
    const melody =
      Math.sin(2 * Math.PI * frequencyOf(note) * inNote) + 0.3 * Math.sin(4 * Math.PI * frequencyOf(note) * inNote);
    const low = Math.sin(2 * Math.PI * frequencyOf(bass + 12) * inBass);
    pcm[i] = Math.round(FULL_SCALE * (MELODY_PEAK * noteEnvelope * melody * 0.77 + BASS_PEAK * bassEnvelope * low));
  }
  cached = encodeMulaw(pcm);
  return cached;
}
