import { performance } from 'node:perf_hooks';
import { CAPTURE_INTERVAL_MS, INGEST_KEY_HEADER, type IngestEvent, type Topic } from '@earshot/shared';
import type { ScreenActivity } from './audio/simulatedAudio.js';
import { renderScreen, type ScreenScene } from './screenRenderer.js';

/** Overall cap on screenshot uploads, whatever the number of calls: rendering and thumbnails cost CPU. */
export const DEFAULT_SCREEN_UPLOADS_PER_SECOND = 10;
/** How often the uploader looks for calls due a frame. */
const TICK_MS = 200;
/** Uploads in flight at once. */
const MAX_IN_FLIGHT = 2;

export interface ScreenUploaderOptions {
  serverUrl: string;
  ingestKey: string;
  seed: number;
  /** Simulated seconds per real second: how fast a call's notes grow per real second. */
  speed: number;
  maxUploadsPerSecond: number;
  log: (line: string) => void;
  /**
   * What the agent does in a hanging question's silence (from the call's dialogue): working in the CRM (the
   * screen changes) or stuck (the same frame again, byte for byte, so the server sees no new content).
   */
  activity?: (callId: string) => ScreenActivity | null;
}

interface TrackedCall {
  callId: string;
  callerNumber: string;
  topic: Topic;
  agentId: string | null;
  agentName: string;
  /** performance.now() when answered. */
  answeredAtPerf: number | null;
  onHold: boolean;
  /** performance.now() of the last upload (or 0: never). */
  lastUploadPerf: number;
  /** The scene last captured: a stuck agent's screen shows it again. */
  lastScene: ScreenScene | null;
}

/**
 * What the agent's screen shows at a capture: the call's ordinary scene, or in a hanging question's silence
 * the knowledge-base search under way (working) or exactly the last frame again (stuck: nothing moves, so
 * the server's duplicate check sees no new content).
 */
export function captureScene(
  scene: ScreenScene,
  activity: ScreenActivity | null,
  previous: ScreenScene | null,
): ScreenScene {
  if (activity?.kind === 'stuck' && previous) return previous;
  if (activity?.kind === 'working') return { ...scene, searchingMs: activity.elapsedMs };
  return scene;
}

/**
 * The simulated agents' capture pages: while an agent is on a call, a frame of their desktop every
 * CAPTURE_INTERVAL_MS of real time (what a real capture page does, whatever the simulation speed; a faster
 * simulation only makes the notes grow faster), uploaded to POST /api/screens with the ingest key. At most
 * `maxUploadsPerSecond` overall: with many calls, the calls waiting longest go first and frames get rarer.
 */
export class ScreenUploader {
  private readonly calls = new Map<string, TrackedCall>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private tokens = 0;
  private lastRefill = performance.now();
  private uploaded = 0;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: ScreenUploaderOptions) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): { uploaded: number; failures: number } {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return { uploaded: this.uploaded, failures: this.failures };
  }

  /** Feeds an event the server accepted: the uploader follows who holds which call. */
  observe(event: IngestEvent): void {
    switch (event.type) {
      case 'call.offered':
        this.calls.set(event.callId, {
          callId: event.callId,
          callerNumber: event.callerNumber,
          topic: event.topic,
          agentId: null,
          agentName: '',
          answeredAtPerf: null,
          onHold: false,
          lastUploadPerf: 0,
          lastScene: null,
        });
        return;
      case 'call.answered':
      case 'call.transferred': {
        const call = this.calls.get(event.callId);
        if (!call) return;
        call.agentId = event.type === 'call.answered' ? event.agentId : event.toAgentId;
        call.agentName = event.type === 'call.answered' ? event.agentName : event.toAgentName;
        call.answeredAtPerf ??= performance.now();
        return;
      }
      case 'call.held':
      case 'call.resumed': {
        const call = this.calls.get(event.callId);
        if (call) call.onHold = event.type === 'call.held';
        return;
      }
      case 'call.ended':
        this.calls.delete(event.callId);
        return;
    }
  }

  private tick(): void {
    const now = performance.now();
    const { maxUploadsPerSecond } = this.options;
    this.tokens = Math.min(maxUploadsPerSecond, this.tokens + ((now - this.lastRefill) / 1000) * maxUploadsPerSecond);
    this.lastRefill = now;
    const due = [...this.calls.values()]
      .filter((c) => c.agentId !== null && c.answeredAtPerf !== null && now - c.lastUploadPerf >= CAPTURE_INTERVAL_MS)
      .sort((a, b) => a.lastUploadPerf - b.lastUploadPerf);
    for (const call of due) {
      if (this.tokens < 1 || this.inFlight >= MAX_IN_FLIGHT) break;
      this.tokens -= 1;
      call.lastUploadPerf = now;
      this.inFlight += 1;
      void this.upload(call, now).finally(() => {
        this.inFlight -= 1;
      });
    }
  }

  private async upload(call: TrackedCall, now: number): Promise<void> {
    const agentId = call.agentId;
    if (agentId === null || call.answeredAtPerf === null) return;
    const capturedAt = Date.now();
    try {
      const activity = call.onHold ? null : (this.options.activity?.(call.callId) ?? null);
      const scene = captureScene(
        {
          seed: this.options.seed,
          callId: call.callId,
          agentName: call.agentName,
          callerNumber: call.callerNumber,
          topic: call.topic,
          talkMs: (now - call.answeredAtPerf) * this.options.speed,
          onHold: call.onHold,
          clockAt: capturedAt,
        },
        activity,
        call.lastScene,
      );
      call.lastScene = scene;
      const { webp } = await renderScreen(scene);
      if (this.stopped) return;
      const query = new URLSearchParams({ callId: call.callId, capturedAt: String(capturedAt), agentId });
      const response = await fetch(`${this.options.serverUrl.replace(/\/+$/, '')}/api/screens?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'image/webp', [INGEST_KEY_HEADER]: this.options.ingestKey },
        body: new Uint8Array(webp),
      });
      // 404/409: the call ended or moved on between the tick and the upload; the next event says so.
      if (response.ok || response.status === 404 || response.status === 409) {
        if (response.ok) this.uploaded += 1;
        await response.body?.cancel();
        return;
      }
      this.fail(`server answered ${response.status}: ${await response.text()}`);
    } catch (error) {
      if (!this.stopped) this.fail((error as Error).message);
    }
  }

  private fail(reason: string): void {
    this.failures += 1;
    // The first failure and then every hundredth: a server that is away must not flood the log.
    if (this.failures === 1 || this.failures % 100 === 0) {
      this.options.log(`screenshot upload failed (${this.failures} so far): ${reason}`);
    }
  }
}
