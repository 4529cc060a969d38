import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderScreen, renderScreenSvg, screenKindOf } from './screenRenderer.js';
import { captureScene } from './screenUploader.js';

const scene = {
  seed: 7,
  callId: 'call-1',
  agentName: 'Алена Ковалева',
  callerNumber: '+375 29 123-45-67',
  topic: 'billing' as const,
  talkMs: 5_000,
  onHold: false,
  clockAt: Date.UTC(2026, 10, 24, 15, 4),
};

describe('simulated agent screens', () => {
  it('moves from the customer card to the ticket, and to the knowledge base while on hold', () => {
    expect(screenKindOf({ talkMs: 5_000, onHold: false })).toBe('crm');
    expect(screenKindOf({ talkMs: 90_000, onHold: false })).toBe('ticket');
    expect(screenKindOf({ talkMs: 90_000, onHold: true })).toBe('knowledge');
    expect(renderScreenSvg(scene)).toContain('+375 29 123-45-67');
    expect(renderScreenSvg({ ...scene, onHold: true })).toContain('База знаний');
  });

  it('is the same for the same seed and call, different for another call, and its notes grow with the call', () => {
    expect(renderScreenSvg(scene)).toBe(renderScreenSvg(scene));
    expect(renderScreenSvg({ ...scene, callId: 'call-2' })).not.toBe(renderScreenSvg(scene));
    const early = renderScreenSvg({ ...scene, talkMs: 30_000 });
    const later = renderScreenSvg({ ...scene, talkMs: 150_000 });
    expect(later.length).toBeGreaterThan(early.length);
    // Within the same minute and note, frames are identical (so the server stores them once).
    expect(renderScreenSvg({ ...scene, talkMs: 30_000, clockAt: scene.clockAt + 10_000 })).toBe(early);
  });

  it('renders a 1280×720 WebP (and 1920×1080 on request)', async () => {
    const { webp, kind } = await renderScreen({ ...scene, talkMs: 60_000 });
    expect(kind).toBe('ticket');
    const meta = await sharp(webp).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1280, 720]);
    const big = await sharp((await renderScreen({ ...scene, width: 1920, height: 1080 })).webp).metadata();
    expect([big.width, big.height]).toEqual([1920, 1080]);
  });
});

describe('screens in a hanging question’s silence', () => {
  const ordinary = { ...scene, talkMs: 60_000 };

  it('show the agent searching the knowledge base, a different picture every second', async () => {
    expect(screenKindOf({ talkMs: 60_000, onHold: false, searchingMs: 0 })).toBe('knowledge');
    const frames = await Promise.all(
      [0, 1_000, 2_000, 4_000, 9_000].map(async (elapsedMs) => {
        const shown = captureScene(ordinary, { kind: 'working', elapsedMs, silenceStartMs: 30_000 }, ordinary);
        return (await renderScreen(shown)).webp.toString('base64');
      }),
    );
    frames.push((await renderScreen(ordinary)).webp.toString('base64'));
    expect(new Set(frames).size).toBe(frames.length);
  });

  it('stand still when the agent is stuck: the last frame again, byte for byte (the server sees a duplicate)', async () => {
    const before = await renderScreen(ordinary);
    const later = { ...ordinary, talkMs: 90_000, clockAt: ordinary.clockAt + 120_000 };
    const stuck = captureScene(later, { kind: 'stuck', elapsedMs: 12_000, silenceStartMs: 30_000 }, ordinary);
    expect(stuck).toBe(ordinary);
    expect((await renderScreen(stuck)).webp.equals(before.webp)).toBe(true);
    // Out of the silence, the screen moves on as before.
    expect(captureScene(later, null, ordinary)).toBe(later);
    // Stuck on the first capture (nothing shown yet): the current screen, which later captures then repeat.
    expect(captureScene(later, { kind: 'stuck', elapsedMs: 0, silenceStartMs: 30_000 }, null)).toBe(later);
  });
});
