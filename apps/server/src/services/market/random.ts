/**
 * A seeded pseudo-random source, so that a simulation can be replayed exactly in a test: the same
 * seed gives the same prices, orders and trades. The generator is `pure-rand`'s `congruential32`,
 * the one the arena's simulation draws from too (`@stomping-ground/game-sim`'s `Random`): a 32-bit
 * state, exact integer arithmetic, plenty random for a market simulation (not for anything secret).
 * This class adds the draws the market needs.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { congruential32 } from 'pure-rand/generator/congruential32';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export class SeededRandom {
  private generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = congruential32(seed | 0);
  }

  /** A fresh seed from the platform's generator, for when nothing needs replaying. */
  static seed(): number {
    return Math.floor(Math.random() * 2 ** 32);
  }

  /** The generator's position: `restore` it (or pass it to the constructor) to go on from here. */
  toState(): number {
    return this.generator.getState()[0] ?? 0;
  }

  restore(state: number): void {
    this.generator = congruential32(state | 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform whole number from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return uniformInt(this.generator, min, max);
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
