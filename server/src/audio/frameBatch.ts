import { AUDIO_CHANNELS, AUDIO_CODECS, type AudioChannel, type AudioCodec, type AudioFrame } from '@earshot/shared';

/**
 * Frames on their way from the main thread to an audio worker (recording, speech), many per message: one
 * postMessage per batch (every BATCH_INTERVAL_MS), not one per frame. A batch is written into a slot of
 * shared memory (SharedSlots) and the message names the slot, so nothing is copied or allocated per batch.
 * A record is a 20-byte header and the payload as it came (µ-law or L16, decoded in the worker):
 *
 *   u8 kind, u8 codec (AUDIO_CODECS index), u8 channel (AUDIO_CHANNELS index), u8 0,
 *   i32 a, i32 b (the worker's handles: a recording, a speech channel; -1 for none), u32 seq,
 *   u16 payload bytes, u16 0, payload, zero-padded to 4 bytes.
 */
export const FRAME_BATCH_HEADER_BYTES = 20;
/** How often the main thread hands its batch to the worker: one 20 ms tick of audio. */
export const BATCH_INTERVAL_MS = 20;
/** One slot holds a batch: 1,000 calls' frames of one tick are about 340 kB; a fuller slot is posted early. */
const BATCH_SLOT_BYTES = 1024 * 1024;

/** What a record carries: a call's frame, or a controller's voice to mix into a recording. */
export const RECORD_KIND = { frame: 1, controller: 2 } as const;
export type RecordKind = (typeof RECORD_KIND)[keyof typeof RECORD_KIND];

/** A batch as posted: its slot, and where in it the batch's records are. */
export interface FrameBatchMessage extends SlotRef {
  type: 'frames';
  start: number;
  end: number;
}

/**
 * Names a slot of shared memory; `buffer` comes along the first time a slot is sent, and the receiver keeps
 * it (SlotCache). Fresh buffers posted 50 times a second per worker (transferred ArrayBuffers, hundreds of kB
 * each) made V8 run a full garbage collection several times a second for the external memory alone.
 */
export interface SlotRef {
  slot: number;
  buffer?: SharedArrayBuffer;
}

/** The sender's side: slots of `bytes` bytes, made as needed, lent out one at a time and given back. */
export class SharedSlots {
  private readonly buffers: SharedArrayBuffer[] = [];
  private readonly sent = new Set<number>();
  private readonly free: number[] = [];

  constructor(readonly bytes: number) {}

  /** A free slot (a new one when all are out). */
  take(): number {
    const free = this.free.pop();
    if (free !== undefined) return free;
    this.buffers.push(new SharedArrayBuffer(this.bytes));
    return this.buffers.length - 1;
  }

  buffer(slot: number): SharedArrayBuffer {
    const buffer = this.buffers[slot];
    if (!buffer) throw new Error(`no shared slot ${slot}`);
    return buffer;
  }

  /** The reference to post: the buffer itself only the first time. */
  ref(slot: number): SlotRef {
    if (this.sent.has(slot)) return { slot };
    this.sent.add(slot);
    return { slot, buffer: this.buffer(slot) };
  }

  /** The receiver is done with the slot. */
  give(slot: number): void {
    if (slot >= 0 && slot < this.buffers.length && !this.free.includes(slot)) this.free.push(slot);
  }
}

/** The receiver's side: the slots' buffers, kept from their first message. */
export class SlotCache {
  private readonly buffers: SharedArrayBuffer[] = [];

  get(ref: SlotRef): SharedArrayBuffer {
    if (ref.buffer) this.buffers[ref.slot] = ref.buffer;
    const buffer = this.buffers[ref.slot];
    if (!buffer) throw new Error(`shared slot ${ref.slot} was never sent`);
    return buffer;
  }
}

/** One record as the worker reads it; `payload` is a view into the batch, valid during the callback only. */
export interface FrameRecord {
  kind: number;
  codec: AudioCodec;
  channel: AudioChannel;
  a: number;
  b: number;
  seq: number;
  payload: Uint8Array;
}

/**
 * The main thread's side: records appended to the current slot. Each batch posted (take) is the slot's next
 * region, so a control message, which posts the batch before it, does not cost a slot; a slot is sealed when
 * full and goes back to the pool once the worker has read its last region (recycle). `onFull` is called when
 * a record does not fit: its owner posts the batch.
 */
export class FrameBatchWriter {
  private readonly slots = new SharedSlots(BATCH_SLOT_BYTES);
  private slot = this.slots.take();
  private bytes = new Uint8Array(this.slots.buffer(this.slot));
  private view = new DataView(this.slots.buffer(this.slot));
  private used = 0;
  /** Where the batch being filled starts in the slot. */
  private batchStart = 0;
  /** Sealed slots still being read: where their last region ends. */
  private readonly sealedEnds = new Map<number, number>();
  /** Records in the batch being filled. */
  count = 0;
  onFull: () => void = () => {
    throw new Error('a frame batch is full and nothing posts it');
  };

  /** A frame as it came from the platform (payload copied). */
  pushFrame(kind: RecordKind, a: number, b: number, frame: Pick<AudioFrame, 'seq' | 'codec' | 'channel' | 'payload'>) {
    const at = this.header(kind, frame.codec, frame.channel, a, b, frame.seq, frame.payload.length);
    this.bytes.set(frame.payload, at);
  }

  /** Decoded samples (one side, or both interleaved for channel `both`), sent as L16, little-endian. */
  pushSamples(kind: RecordKind, a: number, b: number, seq: number, channel: AudioChannel, samples: Int16Array) {
    const at = this.header(kind, 'l16', channel, a, b, seq, samples.length * 2);
    const view = this.view;
    for (let i = 0; i < samples.length; i++) view.setInt16(at + i * 2, samples[i] as number, true);
  }

  /** The batch so far as a message (its slot is the worker's until recycled), or null when empty; a new batch starts. */
  take(): FrameBatchMessage | null {
    if (this.used === this.batchStart) return null;
    const message: FrameBatchMessage = {
      type: 'frames',
      ...this.slots.ref(this.slot),
      start: this.batchStart,
      end: this.used,
    };
    this.batchStart = this.used;
    this.count = 0;
    return message;
  }

  /** The worker has read the region of `slot` that ends at `end`. */
  recycle(slot: number, end: number): void {
    if (this.sealedEnds.get(slot) !== end) return;
    this.sealedEnds.delete(slot);
    this.slots.give(slot);
  }

  /** The slot is full (its last batch posted): the next records go to another. */
  private seal(): void {
    this.sealedEnds.set(this.slot, this.used);
    this.slot = this.slots.take();
    this.bytes = new Uint8Array(this.slots.buffer(this.slot));
    this.view = new DataView(this.slots.buffer(this.slot));
    this.used = 0;
    this.batchStart = 0;
  }

  /** Writes a header and makes room for the payload; answers where the payload goes. */
  private header(
    kind: RecordKind,
    codec: AudioCodec,
    channel: AudioChannel,
    a: number,
    b: number,
    seq: number,
    payloadBytes: number,
  ): number {
    const recordBytes = FRAME_BATCH_HEADER_BYTES + ((payloadBytes + 3) & ~3);
    if (this.used + recordBytes > this.bytes.length) {
      this.onFull();
      this.seal();
    }
    const view = this.view;
    const at = this.used;
    view.setUint8(at, kind);
    view.setUint8(at + 1, AUDIO_CODECS.indexOf(codec));
    view.setUint8(at + 2, AUDIO_CHANNELS.indexOf(channel));
    view.setUint8(at + 3, 0);
    view.setInt32(at + 4, a, true);
    view.setInt32(at + 8, b, true);
    view.setUint32(at + 12, seq, true);
    view.setUint16(at + 16, payloadBytes, true);
    view.setUint16(at + 18, 0, true);
    this.used += recordBytes;
    this.count += 1;
    return at + FRAME_BATCH_HEADER_BYTES;
  }
}

/** The worker's side: every record of a batch, in order. One record object is reused for all of them. */
export function readFrameBatch(
  buffer: SharedArrayBuffer,
  message: FrameBatchMessage,
  onRecord: (record: FrameRecord) => void,
): void {
  const bytes = new Uint8Array(buffer, 0, message.end);
  const view = new DataView(buffer, 0, message.end);
  const record: FrameRecord = { kind: 0, codec: 'pcmu', channel: 'both', a: -1, b: -1, seq: 0, payload: bytes };
  let at = message.start;
  while (at + FRAME_BATCH_HEADER_BYTES <= message.end) {
    const payloadBytes = view.getUint16(at + 16, true);
    const codec = AUDIO_CODECS[view.getUint8(at + 1)];
    const channel = AUDIO_CHANNELS[view.getUint8(at + 2)];
    if (codec === undefined || channel === undefined)
      throw new Error('a frame batch record names no known codec or channel');
    record.kind = view.getUint8(at);
    record.codec = codec;
    record.channel = channel;
    record.a = view.getInt32(at + 4, true);
    record.b = view.getInt32(at + 8, true);
    record.seq = view.getUint32(at + 12, true);
    const payloadAt = at + FRAME_BATCH_HEADER_BYTES;
    record.payload = bytes.subarray(payloadAt, payloadAt + payloadBytes);
    onRecord(record);
    at = payloadAt + ((payloadBytes + 3) & ~3);
  }
}
