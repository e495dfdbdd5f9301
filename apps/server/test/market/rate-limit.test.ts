import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/services/market/rate-limit';

describe('a rate limiter', () => {
  it('lets a burst through, then one request per earned token', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 20, burst: 40 }, () => now);
    let granted = 0;
    while (limiter.take('s1')) granted++;
    expect(granted).toBe(40);
    now += 100; // two tokens earned
    expect([limiter.take('s1'), limiter.take('s1'), limiter.take('s1')]).toEqual([true, true, false]);
    // Another key has a bucket of its own.
    expect(limiter.take('s2')).toBe(true);
  });

  it('takes a cost of several tokens all at once or not at all', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 10, burst: 5 }, () => now);
    expect(limiter.take('s', 4)).toBe(true);
    expect(limiter.take('s', 2)).toBe(false);
    expect(limiter.take('s', 1)).toBe(true);
    now += 10_000;
    expect(limiter.take('s', 5)).toBe(true);
    expect(limiter.take('s', 6)).toBe(false);
  });

  it('forgets buckets that have refilled, so idle sessions cost no memory', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 10, burst: 5 }, () => now);
    for (let i = 0; i < 1100; i++) limiter.take(`session-${i}`);
    expect(limiter.size).toBe(1100);
    now += 1000;
    limiter.take('fresh');
    expect(limiter.size).toBe(1);
  });
});
