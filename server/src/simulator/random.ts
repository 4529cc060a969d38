/**
 * A small seeded random source for the simulator. mulberry32 (Tommy Ettinger's 32-bit generator) is tiny,
 * fast and good enough for simulation; what matters here is that the same seed gives the same sequence on
 * every machine, which Math.random cannot promise.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Derives independent sub-seeds from one seed, so separate concerns draw from separate streams. */
export function deriveSeed(seed: number, stream: number): number {
  // One round of a 32-bit integer hash (from the "lowbias32" family) over seed and stream number.
  let x = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Distributions over a seeded uniform source. */
export class Rng {
  private readonly uniform01: () => number;

  constructor(seed: number) {
    this.uniform01 = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform01();
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.uniform01();
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.uniform01());
  }

  chance(probability: number): boolean {
    return this.uniform01() < probability;
  }

  /** Exponential with the given mean: the gap between events of a Poisson process. */
  exponential(mean: number): number {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    return -mean * Math.log(1 - this.uniform01());
  }

  /** Standard normal by Box-Muller (one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u1 = 1 - this.uniform01();
    const u2 = this.uniform01();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal given its median and the standard deviation of its logarithm (sigma); long right tail. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[Math.floor(items.length * this.uniform01())] as T;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let threshold = this.uniform01() * total;
    for (const [key, weight] of entries) {
      threshold -= weight;
      if (threshold < 0) return key;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('cannot pick from empty weights');
    return last[0];
  }
}
