import { describe, expect, it } from 'vitest';
import { meanAbsDifference, toGrayscale } from './frameDiff.js';

describe('frame difference', () => {
  it('turns RGBA into luma', () => {
    expect([...toGrayscale([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255])]).toEqual([255, 0, 76]);
  });

  it('is zero for identical frames and 255 for black against white', () => {
    const black = new Uint8Array(64 * 36);
    const white = new Uint8Array(64 * 36).fill(255);
    expect(meanAbsDifference(black, black)).toBe(0);
    expect(meanAbsDifference(black, white)).toBe(255);
  });

  it('keeps a small local change (a blinking cursor) small', () => {
    const before = new Uint8Array(64 * 36).fill(200);
    const after = before.slice();
    after[100] = 0;
    expect(meanAbsDifference(before, after)).toBeLessThan(1);
  });

  it('refuses frames of different sizes', () => {
    expect(() => meanAbsDifference(new Uint8Array(4), new Uint8Array(5))).toThrow(/4 and 5/);
  });
});
