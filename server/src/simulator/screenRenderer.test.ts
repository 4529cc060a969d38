import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderScreen, renderScreenSvg, screenKindOf } from './screenRenderer.js';

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
