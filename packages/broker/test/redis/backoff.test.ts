import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/redis/node';

describe('reconnection backoff', () => {
  it('doubles from 50 ms, within a quarter either way', () => {
    for (const [attempt, base] of [
      [1, 50],
      [2, 100],
      [3, 200],
      [5, 800],
    ] as const) {
      for (let i = 0; i < 50; i++) {
        const wait = backoffMs(attempt, 10_000);
        expect(wait).toBeGreaterThanOrEqual(base * 0.75);
        expect(wait).toBeLessThanOrEqual(base * 1.25);
      }
    }
  });

  it('never waits longer than the cap (plus jitter), however many attempts failed', () => {
    for (const attempt of [7, 20, 1000]) {
      const wait = backoffMs(attempt, 2000);
      expect(wait).toBeGreaterThanOrEqual(1500);
      expect(wait).toBeLessThanOrEqual(2500);
    }
  });

  it('spreads the nodes out: attempts of the same number do not all wait the same', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffMs(4, 2000)));
    expect(waits.size).toBeGreaterThan(1);
  });
});
