import { SILENCE_BADGE_MIN_MS } from '@earshot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBoundaries, median } from '../../server/src/speech/boundaryAccuracy.js';
import { detectSpeech, type SpeechInterval } from '../../server/src/speech/offline.js';
import { loadSileroModel, type SileroModel } from '../../server/src/speech/sileroModel.js';
import { VadEngine } from '../../server/src/speech/vadEngine.js';
import { loadVadFixtures, type VadFixture } from '../fixtures/speech/fixtures.js';

/** The detector (Silero through onnxruntime, energy gate, state machine) on real speech with known boundaries. */
describe('voice-activity detector on the speech fixtures', () => {
  let model: SileroModel;
  let fixtures: VadFixture[];
  const detected = new Map<string, SpeechInterval[]>();

  beforeAll(async () => {
    model = await loadSileroModel();
    fixtures = loadVadFixtures();
    for (const fixture of fixtures) {
      const engine = new VadEngine({ model });
      detected.set(fixture.file, await detectSpeech(engine, fixture.samples));
      await engine.stop();
    }
  });
  afterAll(async () => {
    await model?.release();
  });

  it('has fixtures with long silences, noise and a quiet talker', () => {
    expect(fixtures.map((f) => f.file)).toEqual(['agent_clean.wav', 'caller_noisy.wav', 'quiet_mixed.wav']);
    const long = fixtures.flatMap((f) => f.silences).filter((s) => s.endMs - s.startMs >= SILENCE_BADGE_MIN_MS);
    expect(long.length).toBeGreaterThanOrEqual(5);
  });

  it('finds every phrase, no noise as speech, boundaries within 100 ms, every long silence', () => {
    const errors: number[] = [];
    for (const fixture of fixtures) {
      const report = compareBoundaries(fixture, detected.get(fixture.file) ?? []);
      expect(report, fixture.file).toMatchObject({
        missedSpeech: 0,
        falseSpeech: 0,
        splitSpeech: 0,
        missedLongSilences: 0,
        detectedSegments: fixture.speech.length,
      });
      errors.push(...report.boundaryErrorsMs);
      expect(Math.max(...report.boundaryErrorsMs), `${fixture.file}: worst boundary error`).toBeLessThanOrEqual(100);
    }
    // Snapped to 20 ms frames: typically a frame or less.
    expect(median(errors)).toBeLessThanOrEqual(20);
  });

  it('gives each channel the same answer when channels share the model runs (batched, own states)', async () => {
    const engine = new VadEngine({ model });
    const together = await Promise.all(fixtures.map((fixture) => detectSpeech(engine, fixture.samples)));
    await engine.stop();
    fixtures.forEach((fixture, i) => {
      const alone = detected.get(fixture.file) ?? [];
      const shared = together[i] ?? [];
      expect(shared.length, fixture.file).toBe(alone.length);
      shared.forEach((segment, j) => {
        expect(Math.abs(segment.startMs - (alone[j]?.startMs ?? -1)), fixture.file).toBeLessThanOrEqual(40);
        expect(Math.abs(segment.endMs - (alone[j]?.endMs ?? -1)), fixture.file).toBeLessThanOrEqual(40);
      });
    });
    expect(engine.stats().runs).toBeLessThan(engine.stats().inferredBlocks);
  });

  it('keeps quiet blocks from the model (energy gate)', async () => {
    const engine = new VadEngine({ model });
    const clean = fixtures.find((f) => f.file === 'agent_clean.wav');
    if (!clean) throw new Error('agent_clean.wav is missing');
    await detectSpeech(engine, clean.samples);
    await engine.stop();
    const { blocks, gatedBlocks, inferredBlocks } = engine.stats();
    // Over half of this file is silence; the gate keeps it from the model.
    expect(gatedBlocks / blocks).toBeGreaterThan(0.4);
    expect(gatedBlocks + inferredBlocks).toBe(blocks);
  });
});
