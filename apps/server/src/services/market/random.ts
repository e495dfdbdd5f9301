/**
 * A seeded pseudo-random source, so that a simulation can be replayed exactly in a test: the same
 * seed gives the same prices, orders and trades. Mulberry32: a 32-bit state, fast, and plenty
 * random for a market simulation (not for anything secret).
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A fresh seed from the platform's generator, for when nothing needs replaying. */
  static seed(): number {
    return Math.floor(Math.random() * 2 ** 32);
  }

  /** The generator's position: `restore` it (or pass it to the constructor) to go on from here. */
  toState(): number {
    return this.state;
  }

  restore(state: number): void {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** Uniform whole number from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (mean 0, deviation 1), by the Box-Muller transform. */
  gaussian(): number {
    const u = 1 - this.next(); // (0, 1]: the logarithm stays finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** One of `weights`' indexes, each with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const weight of weights) total += weight;
    let point = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      point -= weights[i]!;
      if (point < 0) return i;
    }
    return weights.length - 1;
  }
}
