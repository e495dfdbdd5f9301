/**
 * The seeded pseudo-random source of the simulation. The generator is `pure-rand`'s
 * `congruential32` (the library fast-check draws from): its whole state is one 32-bit integer, so
 * it lives in `GameState.rng` and a game can be replayed, saved or sent as data; and it is made of
 * `Math.imul`, additions and shifts only, exact 32-bit integer operations, so every JavaScript
 * engine draws the same sequence from the same seed. This class adds the draws the arena needs.
 *
 * `Math.random()` would make the step impure: two runs with the same inputs would differ, and the
 * client could not reproduce the server's world.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { congruential32 } from 'pure-rand/generator/congruential32';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export class Random {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = congruential32(seed | 0);
  }

  /** The current state: store it, and `new Random(seed)` continues the same sequence. */
  get seed(): number {
    return this.generator.getState()[0] ?? 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return uniformFloat64(this.generator);
  }

  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** A whole number in [0, count). */
  int(count: number): number {
    return uniformInt(this.generator, 0, count - 1);
  }
}
