/**
 * Test fixture for tests/integration/recordings.test.ts (not part of the server): a process that records one
 * call and is then killed with SIGKILL, to check that start-up repair recovers what reached the disk.
 *
 *   node --import tsx server/src/recordings/crashChild.ts
 *   env: RECORDING_CRASH_STORE (a StoreLocation as JSON), RECORDING_CRASH_DATA_DIR, RECORDING_CRASH_CALL_ID,
 *        RECORDING_CRASH_FRAMES (frames to push before the flush)
 *
 * Pushes the frames (agent side filled with crashFrameValue(seq), caller with its negative), waits for the
 * service's own flush timer, prints `FLUSHED <frames>`, then keeps pushing a frame every 20 ms until killed.
 */
import { AUDIO_FRAME_MS, AUDIO_SAMPLES_PER_FRAME } from '@earshot/shared';
import { createConsoleLogger } from '../logger.js';
import { openStore, type StoreLocation } from '../store/openStore.js';
import { RecordingRepository } from './recordingRepository.js';
import { RecordingService } from './recordingService.js';

/** Every agent sample of frame `seq` (the caller side carries its negative); the test expects the same. */
const crashFrameValue = (seq: number) => (seq % 30_000) + 1;
const FLUSH_INTERVAL_MS = 50;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

async function main(): Promise<void> {
  const location = JSON.parse(required('RECORDING_CRASH_STORE')) as StoreLocation;
  const dataDir = required('RECORDING_CRASH_DATA_DIR');
  const callId = required('RECORDING_CRASH_CALL_ID');
  const frames = Number(required('RECORDING_CRASH_FRAMES'));
  const store = await openStore(location);
  const service = new RecordingService({
    repository: new RecordingRepository(store.db),
    dataDir,
    now: () => Date.now(),
    logger: createConsoleLogger(),
    flushIntervalMs: FLUSH_INTERVAL_MS,
  });
  const push = (seq: number) => {
    const value = crashFrameValue(seq);
    service.pushCallAudio(
      callId,
      seq,
      {
        agent: new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(value),
        caller: new Int16Array(AUDIO_SAMPLES_PER_FRAME).fill(-value),
      },
      Date.now(),
      'l16',
    );
  };
  for (let seq = 0; seq < frames; seq++) push(seq);
  // Several flush periods: the row insert, the file and the appends all happen on the service's timer.
  await new Promise((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS * 6));
  process.stdout.write(`FLUSHED ${frames}\n`);
  let seq = frames;
  setInterval(() => push(seq++), AUDIO_FRAME_MS);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
