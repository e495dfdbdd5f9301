import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GameLoop } from '../../src/services/game/loop';

const clock = { now: () => Date.now() };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the game loop', () => {
  it('ticks at the exact rate on average, though every tick makes the next timer late', () => {
    let ticks = 0;
    const loop = new GameLoop(
      30,
      () => {
        ticks++;
        // Each tick takes 7 ms of "work": a loop that scheduled from the end of a tick would drift.
        vi.setSystemTime(Date.now() + 7);
      },
      clock,
    );
    const startedAt = Date.now();
    loop.start();
    vi.advanceTimersByTime(10_000);
    loop.stop();
    // The work itself took time (7 ms a tick), but ticks kept to the wall clock: 30 per second of it.
    const due = ((Date.now() - startedAt) / 1000) * 30;
    expect(Date.now() - startedAt).toBeGreaterThan(12_000);
    expect(Math.abs(ticks - due)).toBeLessThanOrEqual(1);
  });

  it('runs the ticks that fell due while the timer was late, up to five, and skips the rest', () => {
    let ticks = 0;
    const loop = new GameLoop(30, () => ticks++, clock);
    loop.start();
    vi.advanceTimersByTime(1001);
    expect(ticks).toBe(30);
    // The event loop stalls for a second: no timer fires, time moves on.
    vi.setSystemTime(Date.now() + 1000);
    // The pending timer fires and finds 30-odd ticks overdue.
    vi.advanceTimersToNextTimer();
    expect(ticks).toBe(35);
    expect(loop.skipped).toBeGreaterThanOrEqual(25);
    expect(loop.skipped).toBeLessThanOrEqual(27);
    // Then it carries on at the rate, without fast-forwarding the rest.
    vi.advanceTimersByTime(1000);
    expect(ticks).toBeGreaterThanOrEqual(64);
    expect(ticks).toBeLessThanOrEqual(66);
    loop.stop();
  });

  it('stops ticking when stopped', () => {
    let ticks = 0;
    const loop = new GameLoop(30, () => ticks++, clock);
    loop.start();
    vi.advanceTimersByTime(100);
    loop.stop();
    const stoppedAt = ticks;
    vi.advanceTimersByTime(1000);
    expect(ticks).toBe(stoppedAt);
    expect(loop.running).toBe(false);
  });
});
