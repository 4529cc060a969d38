import {
  AUDIO_SAMPLES_PER_FRAME,
  type ControllerAudioChannel,
  decodeFramePcm,
  encodeAudioFrame,
  encodeMulaw,
  type MonitorMode,
  parseAudioMessage,
} from '@earshot/shared';

/**
 * Both directions of the wire format on the dashboard's side: the controller's microphone (8 kHz float
 * frames from the capture worklet) to `audio:talk` frames, and `audio:frame` messages to float samples per
 * side for the playback worklet.
 */

/** The channel the controller's voice travels on in a mode; null when the mode does not talk. */
export function talkChannel(mode: MonitorMode): ControllerAudioChannel | null {
  if (mode === 'whisper') return 'to_agent';
  if (mode === 'barge') return 'to_both';
  return null;
}

/** Float samples (−1..1) to 16-bit, clamped and rounded. */
export function floatToInt16(samples: Float32Array, out = new Int16Array(samples.length)): Int16Array {
  for (let i = 0; i < samples.length; i++) {
    const clamped = Math.max(-1, Math.min(1, samples[i] as number));
    out[i] = Math.round(clamped * 32767);
  }
  return out;
}

export function int16ToFloat(samples: Int16Array, out = new Float32Array(samples.length)): Float32Array {
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] as number) / 32768;
  return out;
}

/** One 20 ms frame of the controller's voice, µ-law, ready for `audio:talk`. */
export function encodeTalkFrame(frame: {
  callId: string;
  seq: number;
  channel: ControllerAudioChannel;
  samples: Float32Array;
}): Uint8Array {
  if (frame.samples.length !== AUDIO_SAMPLES_PER_FRAME) {
    throw new Error(`a talk frame holds ${AUDIO_SAMPLES_PER_FRAME} samples, not ${frame.samples.length}`);
  }
  return encodeAudioFrame({
    callId: frame.callId,
    seq: frame.seq,
    codec: 'pcmu',
    channel: frame.channel,
    payload: encodeMulaw(floatToInt16(frame.samples)),
  });
}

/** One side of one frame of the call's audio, as the playback worklet takes it. */
export interface DecodedSideFrame {
  seq: number;
  agent: Float32Array | null;
  caller: Float32Array | null;
}

/**
 * The frames of `callId` in an `audio:frame` message, decoded per side. Frames of other calls (a stale
 * session's last frames) and controller channels are left out; broken ones are counted, not thrown.
 */
export function decodeCallFrames(
  message: Uint8Array,
  callId: string,
): { frames: DecodedSideFrame[]; rejected: number } {
  const parsed = parseAudioMessage(message);
  const frames: DecodedSideFrame[] = [];
  let rejected = parsed.errors.length;
  for (const frame of parsed.frames) {
    if (frame.callId !== callId) continue;
    if (frame.channel !== 'agent' && frame.channel !== 'caller' && frame.channel !== 'both') {
      rejected += 1;
      continue;
    }
    const pcm = decodeFramePcm(frame);
    const first = int16ToFloat(pcm.first);
    if (frame.channel === 'both') {
      frames.push({ seq: frame.seq, agent: first, caller: pcm.second ? int16ToFloat(pcm.second) : null });
    } else if (frame.channel === 'agent') {
      frames.push({ seq: frame.seq, agent: first, caller: null });
    } else {
      frames.push({ seq: frame.seq, agent: null, caller: first });
    }
  }
  return { frames, rejected };
}
