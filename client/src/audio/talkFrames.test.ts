import {
  AUDIO_SAMPLES_PER_FRAME,
  decodeFramePcm,
  encodeAudioFrame,
  encodeAudioMessage,
  encodeMulaw,
  parseAudioMessage,
} from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { Downsampler, FrameChunker } from './resampler.js';
import { decodeCallFrames, encodeTalkFrame, floatToInt16, talkChannel } from './talkFrames.js';

function tone(length: number, rateHz: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / rateHz));
}

describe('microphone frames for audio:talk', () => {
  it('maps modes to the channel they talk on', () => {
    expect(talkChannel('whisper')).toBe('to_agent');
    expect(talkChannel('barge')).toBe('to_both');
    expect(talkChannel('listen')).toBeNull();
  });

  it('encodes 160 samples as one µ-law frame the server parser accepts', () => {
    const samples = tone(AUDIO_SAMPLES_PER_FRAME, 8000);
    const encoded = encodeTalkFrame({ callId: 'call-1', seq: 7, channel: 'to_both', samples });
    const { frames, errors } = parseAudioMessage(encoded);
    expect(errors).toEqual([]);
    expect(frames).toHaveLength(1);
    const frame = frames[0]!;
    expect(frame).toMatchObject({ callId: 'call-1', seq: 7, codec: 'pcmu', channel: 'to_both' });
    expect(frame.payload.length).toBe(160);
    // µ-law keeps about 2 % of the value (at this level); the tone comes back within that.
    const back = decodeFramePcm(frame).first;
    for (let i = 0; i < 160; i++) {
      const expected = (samples[i] as number) * 32767;
      expect(Math.abs((back[i] as number) - expected)).toBeLessThanOrEqual(Math.abs(expected) * 0.04 + 16);
    }
  });

  it('clamps samples beyond full scale instead of wrapping', () => {
    const loud = Float32Array.from([1.5, -1.5, 1, -1, 0]);
    expect(Array.from(floatToInt16(loud))).toEqual([32767, -32767, 32767, -32767, 0]);
  });

  it('refuses a frame of the wrong length', () => {
    expect(() => encodeTalkFrame({ callId: 'c', seq: 0, channel: 'to_agent', samples: new Float32Array(128) })).toThrow(
      /160 samples/,
    );
  });

  it('takes 48 kHz microphone audio to consecutive 20 ms frames (capture pipeline end to end)', () => {
    const down = new Downsampler(48000, 8000);
    const chunker = new FrameChunker(AUDIO_SAMPLES_PER_FRAME);
    const mic = tone(48000, 48000);
    const encoded: Uint8Array[] = [];
    let seq = 0;
    for (let i = 0; i < mic.length; i += 128) {
      for (const samples of chunker.push(down.push(mic.subarray(i, i + 128)))) {
        encoded.push(encodeTalkFrame({ callId: 'call-2', seq: seq++, channel: 'to_agent', samples }));
      }
    }
    // One second of microphone is 50 frames.
    expect(encoded).toHaveLength(50);
    const parsed = parseAudioMessage(encodeAudioMessage(encoded.map((e) => parseAudioMessage(e).frames[0]!)));
    expect(parsed.frames.map((f) => f.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const last = decodeFramePcm(parsed.frames[49]!).first;
    expect(Math.max(...Array.from(last, Math.abs))).toBeGreaterThan(0.45 * 32767);
  });
});

describe('call frames from audio:frame', () => {
  const pcm = floatToInt16(tone(160, 8000));

  it('splits an interleaved frame into agent and caller', () => {
    const interleaved = new Int16Array(320);
    for (let i = 0; i < 160; i++) {
      interleaved[i * 2] = pcm[i] as number;
      interleaved[i * 2 + 1] = -(pcm[i] as number);
    }
    const message = encodeAudioFrame({
      callId: 'c1',
      seq: 3,
      codec: 'pcmu',
      channel: 'both',
      payload: encodeMulaw(interleaved),
    });
    const { frames, rejected } = decodeCallFrames(message, 'c1');
    expect(rejected).toBe(0);
    expect(frames).toHaveLength(1);
    const [frame] = frames;
    expect(frame?.seq).toBe(3);
    expect(frame?.agent?.[40]).toBeCloseTo((pcm[40] as number) / 32768, 1);
    expect(frame?.caller?.[40]).toBeCloseTo(-(pcm[40] as number) / 32768, 1);
  });

  it('keeps single-side frames apart, leaves out other calls and counts broken frames', () => {
    const agent = encodeAudioFrame({
      callId: 'c1',
      seq: 1,
      codec: 'pcmu',
      channel: 'agent',
      payload: encodeMulaw(pcm),
    });
    const other = encodeAudioFrame({
      callId: 'c2',
      seq: 1,
      codec: 'pcmu',
      channel: 'caller',
      payload: encodeMulaw(pcm),
    });
    const caller = encodeAudioFrame({
      callId: 'c1',
      seq: 1,
      codec: 'pcmu',
      channel: 'caller',
      payload: encodeMulaw(pcm),
    });
    const joined = new Uint8Array([...agent, ...other, ...caller]);
    const { frames } = decodeCallFrames(joined, 'c1');
    expect(frames.map((f) => [f.seq, f.agent !== null, f.caller !== null])).toEqual([
      [1, true, false],
      [1, false, true],
    ]);
    const broken = agent.slice(0, agent.length - 5);
    expect(decodeCallFrames(broken, 'c1')).toMatchObject({ frames: [], rejected: 1 });
  });
});
