// The Silero model in a worker thread: onnxruntime-node's run() is synchronous on the calling thread (its
// promise only defers the call), so on the main thread a batch of a thousand windows would hold the event
// loop (ingest, sockets, listeners' audio) for tens of milliseconds. Plain JavaScript so that it starts the
// same under tsx, vitest and node. Protocol (sileroModel.ts): workerData { modelPath, threads }; posts
// { type: 'ready' } or { type: 'error', message } once; then per request { id, windows, batch, h, c } (the
// model's own layouts, Float32Array) answers { id, output, hn, cn } or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';

const port = parentPort;
if (!port) throw new Error('sileroWorker.mjs runs as a worker thread');

let session;
try {
  session = await InferenceSession.create(workerData.modelPath, {
    intraOpNumThreads: workerData.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  port.postMessage({ type: 'ready' });
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

const sampleRate = new Tensor('int64', BigInt64Array.from([8000n]), []);

port.on('message', (request) => {
  if (!session) return;
  const { id, windows, batch, h, c } = request;
  Promise.resolve()
    .then(() =>
      session.run({
        input: new Tensor('float32', windows, [batch, windows.length / batch]),
        sr: sampleRate,
        h: new Tensor('float32', h, [2, batch, 64]),
        c: new Tensor('float32', c, [2, batch, 64]),
      }),
    )
    .then(
      (out) => {
        const output = Float32Array.from(out.output.data);
        const hn = Float32Array.from(out.hn.data);
        const cn = Float32Array.from(out.cn.data);
        port.postMessage({ id, output, hn, cn }, [output.buffer, hn.buffer, cn.buffer]);
      },
      (error) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
    );
});
