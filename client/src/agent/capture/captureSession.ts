import { SCREENSHOT_MAX_BYTES, type ScreenshotUploadResult } from '@earshot/shared';
import { errorMessage, sendBlob } from '../../lib/http.js';
import { CaptureScheduler, CHANGE_CHECK_INTERVAL_MS } from './captureScheduler.js';
import { DIFF_HEIGHT_PX, DIFF_WIDTH_PX, ENCODE_QUALITIES, meanAbsDifference, toGrayscale } from './frameDiff.js';
import { failedUploadOutcome, type UploadOutcome, UploadQueue } from './uploadQueue.js';

/**
 * The browser side of screen capture: the shared screen's stream, a hidden <video> playing it, and canvases
 * to sample and encode frames. The decisions (when to take a frame, what to retry) are in the pure
 * modules beside this one; this class only wires them to the DOM and the network.
 */

/** After a network failure, how long to wait before trying the waiting frames again. */
const UPLOAD_RETRY_DELAY_MS = 3_000;

export type ShareStatus = 'not_shared' | 'starting' | 'sharing' | 'ended' | 'denied' | 'unsupported';

export interface CaptureSnapshot {
  status: ShareStatus;
  /** Why sharing failed or stopped, in a sentence; null when all is well. */
  problem: string | null;
  uploaded: number;
  /** Frames waiting for the network. */
  queued: number;
  /** Frames dropped because the network was down too long and the queue was full. */
  dropped: number;
  /** Frames the server refused (not retried), and its last reason. */
  rejected: number;
  lastRejection: string | null;
  lastUploadAt: number | null;
  /** True while uploads fail for want of a network (frames are being kept). */
  offline: boolean;
  /** The shared screen's size, once known. */
  width: number;
  height: number;
}

interface PendingFrame {
  blob: Blob;
  callId: string;
  capturedAt: number;
}

const INITIAL: CaptureSnapshot = {
  status: 'not_shared',
  problem: null,
  uploaded: 0,
  queued: 0,
  dropped: 0,
  rejected: 0,
  lastRejection: null,
  lastUploadAt: null,
  offline: false,
  width: 0,
  height: 0,
};

export class CaptureSession {
  private snapshot: CaptureSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private readonly scheduler = new CaptureScheduler();
  private readonly queue = new UploadQueue<PendingFrame>();
  private stream: MediaStream | null = null;
  private video: HTMLVideoElement | null = null;
  private readonly sampleCanvas = document.createElement('canvas');
  private readonly frameCanvas = document.createElement('canvas');
  private reference: Uint8Array | null = null;
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private capturing = false;
  private callId: string | null = null;
  private intervalMs = 2_000;

  constructor() {
    this.sampleCanvas.width = DIFF_WIDTH_PX;
    this.sampleCanvas.height = DIFF_HEIGHT_PX;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getSnapshot = (): CaptureSnapshot => this.snapshot;

  /** What the server says: the agent's live call (null when idle) and the interval between frames. */
  setCall(callId: string | null, intervalMs: number): void {
    this.callId = callId;
    this.intervalMs = intervalMs;
    if (callId === null) this.reference = null;
  }

  /** Asks to share the screen; must run inside a user gesture (a click). */
  async start(): Promise<void> {
    if (!navigator.mediaDevices?.getDisplayMedia) {
      this.update({
        status: 'unsupported',
        problem: 'This browser cannot share a screen. Use a current Chrome, Edge or Firefox.',
      });
      return;
    }
    this.update({ status: 'starting', problem: null });
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 5 }, audio: false });
    } catch (error) {
      const denied = error instanceof DOMException && error.name === 'NotAllowedError';
      this.update({
        status: 'denied',
        problem: denied ? 'Screen sharing was not allowed.' : `Could not share the screen: ${errorMessage(error)}`,
      });
      return;
    }
    this.stopStream();
    this.stream = stream;
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    this.video = video;
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => {
        if (this.stream !== stream) return;
        this.stopStream();
        this.update({ status: 'ended', problem: 'You stopped sharing your screen.' });
      });
    }
    try {
      await video.play();
    } catch (error) {
      this.stopStream();
      this.update({ status: 'ended', problem: `Could not show the shared screen: ${errorMessage(error)}` });
      return;
    }
    this.scheduler.reset();
    this.reference = null;
    this.update({ status: 'sharing', problem: null, width: video.videoWidth, height: video.videoHeight });
    this.checkTimer = setInterval(() => void this.check(), CHANGE_CHECK_INTERVAL_MS);
  }

  /** Stops sharing and forgets the waiting frames' timer (they stay queued until the page closes). */
  dispose(): void {
    this.stopStream();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.listeners.clear();
  }

  private stopStream(): void {
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    if (this.video) this.video.srcObject = null;
    this.video = null;
  }

  private update(patch: Partial<CaptureSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Every CHANGE_CHECK_INTERVAL_MS: sample the screen and let the scheduler decide. */
  private async check(): Promise<void> {
    const video = this.video;
    if (!video || this.capturing || video.videoWidth === 0) return;
    const callId = this.callId;
    if (callId === null) {
      this.scheduler.check({ callId, now: Date.now(), intervalMs: this.intervalMs, changeScore: null });
      return;
    }
    const sample = this.sample(video);
    const changeScore = this.reference && sample ? meanAbsDifference(this.reference, sample) : null;
    const reason = this.scheduler.check({ callId, now: Date.now(), intervalMs: this.intervalMs, changeScore });
    if (reason === null) return;
    this.capturing = true;
    try {
      const capturedAt = Date.now();
      const blob = await this.encode(video);
      if (sample) this.reference = sample;
      if (!blob) return;
      this.queue.enqueue({ blob, callId, capturedAt });
      this.update({ queued: this.queue.size, dropped: this.queue.dropped });
      void this.flush();
    } finally {
      this.capturing = false;
    }
  }

  private sample(video: HTMLVideoElement): Uint8Array | null {
    const context = this.sampleCanvas.getContext('2d', { willReadFrequently: true });
    if (!context) return null;
    context.drawImage(video, 0, 0, DIFF_WIDTH_PX, DIFF_HEIGHT_PX);
    return toGrayscale(context.getImageData(0, 0, DIFF_WIDTH_PX, DIFF_HEIGHT_PX).data);
  }

  /** The frame at full size as WebP (JPEG where the browser cannot write WebP), small enough to upload. */
  private async encode(video: HTMLVideoElement): Promise<Blob | null> {
    const canvas = this.frameCanvas;
    if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      this.update({ width: canvas.width, height: canvas.height });
    }
    canvas.getContext('2d')?.drawImage(video, 0, 0);
    let type = 'image/webp';
    for (const quality of ENCODE_QUALITIES) {
      let blob = await toBlob(canvas, type, quality);
      // Browsers that cannot write WebP hand back PNG (or nothing): far too big for a screenshot stream.
      if (type === 'image/webp' && blob?.type !== 'image/webp') {
        type = 'image/jpeg';
        blob = await toBlob(canvas, type, quality);
      }
      if (blob && blob.size <= SCREENSHOT_MAX_BYTES) return blob;
    }
    this.update({
      rejected: this.snapshot.rejected + 1,
      lastRejection: 'a frame was too large to upload even at low quality',
    });
    return null;
  }

  private async flush(): Promise<void> {
    const result = await this.queue.flush(
      (frame) => uploadFrame(frame),
      (outcome) => {
        if (outcome.kind === 'uploaded') {
          this.update({ uploaded: this.snapshot.uploaded + 1, lastUploadAt: Date.now(), offline: false });
        } else if (outcome.kind === 'rejected') {
          this.update({ rejected: this.snapshot.rejected + 1, lastRejection: outcome.message, offline: false });
        } else {
          this.update({ offline: true });
        }
      },
    );
    this.update({ queued: this.queue.size, dropped: this.queue.dropped });
    if (result.stalled && this.retryTimer === null) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.flush();
      }, UPLOAD_RETRY_DELAY_MS);
    }
  }
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/** One upload; a server error (5xx) counts as a network problem, worth retrying; a refusal (4xx) does not. */
async function uploadFrame(frame: PendingFrame): Promise<UploadOutcome> {
  const query = new URLSearchParams({ callId: frame.callId, capturedAt: String(frame.capturedAt) });
  try {
    await sendBlob<ScreenshotUploadResult>(`/api/screens?${query}`, frame.blob);
    return { kind: 'uploaded' };
  } catch (error) {
    return failedUploadOutcome(error);
  }
}
