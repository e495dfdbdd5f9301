import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGame, Random, step } from '../src/index';
import { gameWith, play, scriptArbitrary } from './helpers';

/** Freezes a value and everything in it, so a step that wrote to its input would throw. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

describe('determinism', () => {
  it('gives the same states for the same seed and the same inputs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), scriptArbitrary(4, 60), (seed, script) => {
        const first = play(gameWith(4, { seed, orbCount: 12 }), script);
        const second = play(gameWith(4, { seed, orbCount: 12 }), script);
        expect(second).toEqual(first);
      }),
      { numRuns: 60 },
    );
  });

  it('never changes the state it is given', () => {
    fc.assert(
      fc.property(scriptArbitrary(3, 30), (script) => {
        const start = deepFreeze(gameWith(3, { orbCount: 8 }));
        const snapshot = JSON.parse(JSON.stringify(start));
        play(start, script);
        expect(start).toEqual(snapshot);
      }),
      { numRuns: 120 },
    );
  });

  it('continues identically from a state that went through JSON, as one sent over the wire does', () => {
    fc.assert(
      fc.property(scriptArbitrary(3, 40), scriptArbitrary(3, 40), (before, after) => {
        const middle = play(gameWith(3, { orbCount: 10 }), before).at(-1)!;
        const copy = JSON.parse(JSON.stringify(middle));
        expect(play(copy, after)).toEqual(play(middle, after));
      }),
      { numRuns: 30 },
    );
  });

  it('draws from the seeded generator kept in the state, not from Math.random', () => {
    const state = createGame({ seed: 42, arena: { width: 800, height: 600, orbCount: 5 } });
    expect(createGame({ seed: 42, arena: { width: 800, height: 600, orbCount: 5 } })).toEqual(state);
    expect(createGame({ seed: 43, arena: { width: 800, height: 600, orbCount: 5 } }).orbs).not.toEqual(
      state.orbs,
    );
    expect(step(state, new Map()).rng).toBe(state.rng);
  });

  it('repeats a generator sequence from a stored seed', () => {
    const random = new Random(99);
    random.next();
    const resumed = new Random(random.seed);
    const draws = [random.next(), random.next(), random.next()];
    expect([resumed.next(), resumed.next(), resumed.next()]).toEqual(draws);
    for (const draw of draws) expect(draw >= 0 && draw < 1).toBe(true);
  });
});
