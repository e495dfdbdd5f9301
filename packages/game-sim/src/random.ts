/**
 * A seeded pseudo-random generator (mulberry32): 32 bits of state, a few integer operations per
 * draw, the same sequence on every JavaScript engine. Its state is a plain number, so it lives in
 * `GameState.rng` and a game can be replayed, saved or sent as data.
 *
 * `Math.random()` would make the step impure: two runs with the same inputs would differ, and the
 * client could not reproduce the server's world.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The current state: store it, and `new Random(seed)` continues the same sequence. */
  get seed(): number {
    return this.state;
  }

  /** A float in [0, 1). */
  next(): number {
    // Math.imul and the shifts are exact 32-bit integer operations: no float rounding anywhere.
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let r = Math.imul(this.state ^ (this.state >>> 15), this.state | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  }

  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** A whole number in [0, count). */
  int(count: number): number {
    return Math.floor(this.next() * count);
  }
}
