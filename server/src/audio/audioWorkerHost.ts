import { parentPort } from 'node:worker_threads';
import type { ControlMessage, SpareBatchMessage } from './audioWorker.js';
import { type FrameBatchMessage, SlotCache } from './frameBatch.js';

/** Runs in the worker: frame batches go to `onFrames`, control messages to `onControl` (answered when asked). */
export function serveAudioWorker(handlers: {
  /** A batch of frames: `buffer` is its slot's shared memory, read it before returning. */
  onFrames(buffer: SharedArrayBuffer, message: FrameBatchMessage): void;
  onControl(message: ControlMessage): unknown;
}): { post<Message extends { type: string }>(message: Message, transfer?: ArrayBuffer[]): void } {
  const port = parentPort;
  if (!port) throw new Error('an audio worker module runs as a worker thread');
  const batchSlots = new SlotCache();
  port.on('message', (received: FrameBatchMessage | ControlMessage) => {
    if (received.type === 'frames') {
      const batch = received as FrameBatchMessage;
      handlers.onFrames(batchSlots.get(batch), batch);
      // The region was read (no record is kept): the main thread may reuse the slot once its last region is.
      port.postMessage({ type: 'spareBatch', slot: batch.slot, end: batch.end } satisfies SpareBatchMessage);
      return;
    }
    const message = received as ControlMessage;
    const requestId = typeof message.requestId === 'number' ? message.requestId : undefined;
    const answer = (reply: { result?: unknown; error?: string }) => {
      if (requestId !== undefined) port.postMessage({ type: 'reply', requestId, ...reply });
    };
    const refused = (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) });
    // Called at once, not in a later task: what a control message changes holds for the frames after it.
    let result: unknown;
    try {
      result = handlers.onControl(message);
    } catch (error) {
      refused(error);
      return;
    }
    Promise.resolve(result).then((value) => answer({ result: value }), refused);
  });
  return { post: (message, transfer) => port.postMessage(message, transfer ?? []) };
}

/** The worker's options (AudioWorkerOptions.options), as its module reads them. */
export { workerData as audioWorkerData } from 'node:worker_threads';
