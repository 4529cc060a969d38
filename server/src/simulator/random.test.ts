import { describe, expect, it } from 'vitest';
import { deriveSeed, mulberry32, Rng } from './random.js';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(first);
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const next = mulberry32(7);
    const buckets = Array.from({ length: 10 }, () => 0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = next();
      min = Math.min(min, value);
      max = Math.max(max, value);
      buckets[Math.floor(value * 10)]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe('deriveSeed', () => {
  it('gives distinct stable sub-seeds', () => {
    expect(deriveSeed(42, 1)).toBe(deriveSeed(42, 1));
    expect(new Set([deriveSeed(42, 1), deriveSeed(42, 2), deriveSeed(43, 1)]).size).toBe(3);
  });
});

describe('Rng distributions', () => {
  const rng = new Rng(2024);
  const sample = (draw: () => number, count = 50_000) => Array.from({ length: count }, draw);

  it('exponential has the requested mean', () => {
    const values = sample(() => rng.exponential(30));
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(29);
    expect(mean).toBeLessThan(31);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
  });

  it('log-normal has the requested median and a long right tail', () => {
    const values = sample(() => rng.logNormal(200, 0.8)).sort((a, b) => a - b);
    const median = values[values.length / 2]!;
    expect(median).toBeGreaterThan(192);
    expect(median).toBeLessThan(208);
    // P(X > 3 × median) = P(Z > ln 3 / 0.8) ≈ 8.5%.
    const beyondThreeMedians = values.filter((v) => v > 600).length / values.length;
    expect(beyondThreeMedians).toBeGreaterThan(0.07);
    expect(beyondThreeMedians).toBeLessThan(0.1);
  });

  it('weighted picks follow the weights', () => {
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[rng.weighted({ a: 1, b: 3, c: 0 })] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it('int covers both ends', () => {
    const values = new Set(sample(() => rng.int(1, 3), 1_000));
    expect(values).toEqual(new Set([1, 2, 3]));
  });
});
