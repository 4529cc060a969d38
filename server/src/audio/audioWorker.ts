import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import { BATCH_INTERVAL_MS, FrameBatchWriter } from './frameBatch.js';

/**
 * Live audio's heavy per-frame work (decoding, recording, the voice detector's levels) runs in worker threads,
 * so the main thread's event loop only parses frames and relays them to listeners: at 1,000 calls that work
 * held the loop in busy stretches of 60-100 ms, and every listened frame waited behind them (bench:audio).
 *
 * Protocol between an AudioWorkerClient (main thread) and serveAudioWorker (audioWorkerHost.ts, the worker):
 * - main → worker: FrameBatchMessage (records, see frameBatch.ts), and control messages `{ type, ... }`;
 *   a request carries `requestId` and is answered by `{ type: 'reply', requestId, result | error }`.
 * - worker → main: replies, and the worker's own messages (passed to `onMessage`).
 * One port, so everything arrives in the order it was posted: a control message is posted after the frames
 * batched before it.
 */

/**
 * esbuild, as tsx (a dependency of the server, which runs it) ships it: a worker is started from its module
 * bundled into one script, which starts in tens of milliseconds, where loading the TypeScript through tsx's
 * loader in each worker took 200-600 ms (a recording opened by the first frames would wait for it).
 */
const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild') as typeof import('esbuild');
/** Bundles by entry, made once per process (a test run starts many servers). */
const bundles = new Map<string, string>();

function workerScript(entry: URL): string {
  let script = bundles.get(entry.href);
  if (script === undefined) {
    const result = esbuild.buildSync({
      entryPoints: [fileURLToPath(entry)],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: `node${process.versions.node}`,
      write: false,
      logLevel: 'silent',
    });
    script = result.outputFiles[0]?.text ?? '';
    bundles.set(entry.href, script);
  }
  return script;
}

/** A control message: its type and whatever it carries (structured-cloned). */
export type ControlMessage = { type: string } & Record<string, unknown>;

interface ReplyMessage {
  type: 'reply';
  requestId: number;
  result?: unknown;
  error?: string;
}

/** A frame batch read by the worker: the region of its slot ending at `end`. */
export interface SpareBatchMessage {
  type: 'spareBatch';
  slot: number;
  end: number;
}

export interface AudioWorkerOptions<Message> {
  /** The worker's module (TypeScript, bundled with what it imports), which calls serveAudioWorker. */
  entry: URL;
  /** What the module finds in workerData.options. */
  options?: unknown;
  /** Named in logs. */
  name: string;
  logger: Logger;
  onMessage: (message: Message) => void;
}

/** The main thread's end of an audio worker: batches frames, posts control messages and requests. */
export class AudioWorkerClient<Message extends { type: string }> {
  /** Records go here; they reach the worker with the next batch (every BATCH_INTERVAL_MS, or before a control message). */
  readonly batch = new FrameBatchWriter();
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private nextRequestId = 1;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  private failure: Error | undefined;
  private terminated = false;

  constructor(private readonly options: AudioWorkerOptions<Message>) {
    this.worker = new Worker(workerScript(options.entry), { eval: true, workerData: { options: options.options } });
    // Neither the worker nor its timer keeps the process alive: their owner closes them.
    this.worker.unref();
    this.worker.on('message', (message: Message | ReplyMessage | SpareBatchMessage) => {
      if (message.type === 'reply') this.settle(message as ReplyMessage);
      else if (message.type === 'spareBatch') {
        const spare = message as SpareBatchMessage;
        this.batch.recycle(spare.slot, spare.end);
      } else options.onMessage(message as Message);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.terminated) this.fail(new Error(`the ${options.name} worker exited (code ${code})`));
    });
    this.batch.onFull = () => this.flush();
    this.timer = setInterval(() => this.flush(), BATCH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Set once the worker died: nothing posted reaches it any more. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Hands the batch so far to the worker. */
  flush(): void {
    const message = this.batch.take();
    if (message && !this.failure) this.worker.postMessage(message);
  }

  /** A control message, after the frames batched before it; `transfer` lists buffers moved, not copied. */
  post(message: ControlMessage, transfer: ArrayBuffer[] = []): void {
    this.flush();
    if (!this.failure) this.worker.postMessage(message, transfer);
  }

  /** A control message the worker answers; rejects if the worker dies first. */
  request<Result>(message: ControlMessage): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    const requestId = this.nextRequestId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (result: unknown) => void, reject });
      this.post({ ...message, requestId });
    });
  }

  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    clearInterval(this.timer);
    await this.worker.terminate();
    this.rejectPending(new Error(`the ${this.options.name} worker was stopped`));
  }

  private settle(reply: ReplyMessage): void {
    const waiting = this.pending.get(reply.requestId);
    if (!waiting) return;
    this.pending.delete(reply.requestId);
    if (reply.error !== undefined) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.result);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.options.logger.error(`audio: the ${this.options.name} worker failed; its audio is lost until restart`, {
      error,
    });
    clearInterval(this.timer);
    this.rejectPending(error);
  }

  private rejectPending(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
