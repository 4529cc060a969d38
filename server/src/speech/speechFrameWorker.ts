/**
 * The speech worker thread (started by SpeechService through AudioWorkerClient): the voice detector's
 * per-frame work for every live channel, off the main thread. Each channel's frames are decoded, put in order
 * (FrameSequencer, gaps as silence) and cut into blocks (VadFrameCutter: each frame's level, the model's
 * window); the blocks go back to the main thread, whose VadChannel gates them, queues them for the model and
 * decides. Messages:
 * - in: frame batches (frameBatch.ts; record `a` = the agent side's channel, `b` = the caller's, -1 for none),
 *   `{ type: 'open', handle, originSeq }`, `{ type: 'finish', handle }` (a request: the channel's last frames
 *   and partial block reach the main thread before the reply), `{ type: 'spareBlocks', slot }` (a message's
 *   slot given back once read);
 * - out: SpeechBlocksMessage, after every batch.
 */
import { AUDIO_SAMPLES_PER_FRAME, type AudioChannel, type AudioCodec, decodeMulaw } from '@earshot/shared';
import { audioWorkerData, serveAudioWorker } from '../audio/audioWorkerHost.js';
import { type FrameRecord, readFrameBatch, SharedSlots } from '../audio/frameBatch.js';
import { FrameSequencer } from './frameSequencer.js';
import { type SpeechBlocksMessage, type SpeechWorkerOptions, speechBlockViews } from './speechBlocks.js';
import { VadFrameCutter } from './vadFrameCutter.js';

interface WorkerChannel {
  sequencer: FrameSequencer;
  cutter: VadFrameCutter;
}

const options = (audioWorkerData as { options: SpeechWorkerOptions }).options;
const stride = 2 + options.blockFrames;
const channels = new Map<number, WorkerChannel>();
/** Blocks per message at most: 1,000 calls cut about 400 blocks per 20 ms batch; a full slot is posted early. */
const SLOT_BLOCKS = 512;
const slots = new SharedSlots(SLOT_BLOCKS * (stride * 8 + options.windowSamples * 4));

/** The slot being filled for the next message. */
let out = newOutput();
let postScheduled = false;

function newOutput() {
  const slot = slots.take();
  return {
    slot,
    blocks: 0,
    ...speechBlockViews(slots.buffer(slot), SLOT_BLOCKS, options.blockFrames, options.windowSamples),
  };
}

function addBlock(handle: number, levels: Float64Array, cutter: VadFrameCutter): void {
  if (out.blocks === SLOT_BLOCKS) post();
  const at = out.blocks * stride;
  out.meta[at] = handle;
  out.meta[at + 1] = levels.length;
  out.meta.set(levels, at + 2);
  cutter.windowInto(out.windows, out.blocks * options.windowSamples);
  out.blocks += 1;
}

const host = serveAudioWorker({
  onFrames(buffer, message) {
    readFrameBatch(buffer, message, onRecord);
    schedulePost();
  },
  onControl(message) {
    const control = message as { type: string; handle: number; originSeq?: number };
    if (control.type === 'open') {
      const handle = control.handle;
      const cutter = new VadFrameCutter(options.blockFrames, options.windowSamples, (levels, c) =>
        addBlock(handle, levels, c),
      );
      channels.set(handle, { sequencer: new FrameSequencer(control.originSeq ?? 0, cutter), cutter });
      return;
    }
    if (control.type === 'spareBlocks') {
      slots.give(message.slot as number);
      return;
    }
    if (control.type === 'finish') {
      const channel = channels.get(control.handle);
      channels.delete(control.handle);
      if (channel) {
        channel.sequencer.finish();
        channel.cutter.flush();
      }
      // Posted now, so the main thread has the channel's last blocks before the reply to this request.
      post();
      return;
    }
    throw new Error(`unknown speech worker message ${control.type}`);
  },
});

const agentSamples = new Int16Array(AUDIO_SAMPLES_PER_FRAME);
const callerSamples = new Int16Array(AUDIO_SAMPLES_PER_FRAME);
const stereoSamples = new Int16Array(AUDIO_SAMPLES_PER_FRAME * 2);

function onRecord(record: FrameRecord): void {
  const agent = record.a >= 0 ? channels.get(record.a) : undefined;
  const caller = record.b >= 0 ? channels.get(record.b) : undefined;
  if (record.channel === 'both') {
    decodeSamples(record.codec, record.payload, stereoSamples);
    for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) {
      agentSamples[i] = stereoSamples[2 * i] as number;
      callerSamples[i] = stereoSamples[2 * i + 1] as number;
    }
    agent?.sequencer.push(record.seq, agentSamples);
    caller?.sequencer.push(record.seq, callerSamples);
    return;
  }
  const target = sideChannel(record.channel, agent, caller);
  if (!target) return;
  decodeSamples(record.codec, record.payload, agentSamples);
  target.sequencer.push(record.seq, agentSamples);
}

function sideChannel(channel: AudioChannel, agent?: WorkerChannel, caller?: WorkerChannel): WorkerChannel | undefined {
  if (channel === 'agent') return agent;
  if (channel === 'caller') return caller;
  return undefined;
}

/** µ-law or L16 (little-endian) bytes to samples, filling `out`. */
function decodeSamples(codec: AudioCodec, payload: Uint8Array, out: Int16Array<ArrayBuffer>): void {
  if (codec === 'pcmu') {
    decodeMulaw(payload.subarray(0, out.length), out);
    return;
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
}

function schedulePost(): void {
  if (postScheduled) return;
  postScheduled = true;
  setImmediate(post);
}

function post(): void {
  postScheduled = false;
  if (out.blocks === 0) return;
  const message: SpeechBlocksMessage = {
    type: 'blocks',
    ...slots.ref(out.slot),
    blocks: out.blocks,
    capacity: SLOT_BLOCKS,
  };
  host.post(message);
  out = newOutput();
}
