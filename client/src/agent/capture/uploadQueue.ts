import { errorMessage, HttpError } from '../../lib/http.js';

/**
 * The capture page's outbox: frames wait here until they are uploaded, in the order they were taken.
 * While the network is down the queue holds at most `capacity` frames; a newer frame pushes out the
 * oldest one, and every frame pushed out is counted so the page can say so.
 */

/** How many frames wait for the network to return before the oldest are dropped. */
export const UPLOAD_QUEUE_CAPACITY = 30;

/** What one upload attempt came to: only a network failure (or a server error) is worth another try. */
export type UploadOutcome =
  | { kind: 'uploaded' }
  | { kind: 'network_error'; message: string }
  | { kind: 'rejected'; status: number; message: string };

/**
 * What a failed upload came to: the server refusing the frame (4xx, with its sentence) is final; no answer
 * or a server error (5xx) is a network problem, worth another try later.
 */
export function failedUploadOutcome(error: unknown): UploadOutcome {
  if (error instanceof HttpError && error.status < 500) {
    return { kind: 'rejected', status: error.status, message: error.message };
  }
  return { kind: 'network_error', message: errorMessage(error) };
}

export interface FlushResult {
  uploaded: number;
  rejected: number;
  /** True when the flush stopped on a network failure with frames still waiting. */
  stalled: boolean;
}

export class UploadQueue<Frame> {
  private readonly frames: Frame[] = [];
  private droppedCount = 0;
  private flushing: Promise<FlushResult> | null = null;

  constructor(readonly capacity = UPLOAD_QUEUE_CAPACITY) {
    if (capacity < 1) throw new Error('an upload queue holds at least one frame');
  }

  /** Frames waiting now. */
  get size(): number {
    return this.frames.length;
  }

  /** Frames dropped so far because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  enqueue(frame: Frame): void {
    this.frames.push(frame);
    while (this.frames.length > this.capacity) {
      this.frames.shift();
      this.droppedCount += 1;
    }
  }

  /**
   * Uploads waiting frames oldest first until the queue is empty or the network fails (then the frame
   * stays at the head for the next flush). A refused frame is discarded: asking again gets the same no.
   * Only one flush runs at a time; a second caller shares the running one.
   */
  flush(
    upload: (frame: Frame) => Promise<UploadOutcome>,
    onOutcome?: (outcome: UploadOutcome) => void,
  ): Promise<FlushResult> {
    this.flushing ??= this.runFlush(upload, onOutcome).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async runFlush(
    upload: (frame: Frame) => Promise<UploadOutcome>,
    onOutcome?: (outcome: UploadOutcome) => void,
  ): Promise<FlushResult> {
    const result: FlushResult = { uploaded: 0, rejected: 0, stalled: false };
    while (this.frames.length > 0) {
      const frame = this.frames[0] as Frame;
      const outcome = await upload(frame);
      onOutcome?.(outcome);
      if (outcome.kind === 'network_error') {
        result.stalled = true;
        return result;
      }
      // The head may have been pushed out by overflow while the upload was in flight.
      if (this.frames[0] === frame) this.frames.shift();
      if (outcome.kind === 'uploaded') result.uploaded += 1;
      else result.rejected += 1;
    }
    return result;
  }
}
