import { describe, expect, it } from 'vitest';
import { TickTimer } from '../src/netcode/tick-timer';

/** A clock and a timer queue the test moves by hand. */
function fakeTime() {
  let now = 0;
  let pending: { run: () => void; at: number } | undefined;
  return {
    options: {
      now: () => now,
      setTimer: (run: () => void, ms: number) => {
        pending = { run, at: now + ms };
        return pending;
      },
      clearTimer: () => {
        pending = undefined;
      },
    },
    /** Moves the clock to `at` and fires the timer if it is due (late by whatever `at` says). */
    fireAt(at: number) {
      now = at;
      const due = pending;
      if (due !== undefined && due.at <= now) {
        pending = undefined;
        due.run();
      }
    },
    get nextAt() {
      return pending?.at;
    },
  };
}

describe('TickTimer', () => {
  it('aims each timeout at start + n × period, so lateness does not add up', () => {
    const time = fakeTime();
    let ticks = 0;
    const timer = new TickTimer(100 / 3, () => ticks++, time.options);
    timer.start();
    expect(ticks).toBe(1);
    expect(time.nextAt).toBeCloseTo(33.33, 1);
    time.fireAt(40); // 6.7 ms late
    expect(ticks).toBe(2);
    expect(time.nextAt).toBeCloseTo(66.67, 1); // not 40 + 33.3
    time.fireAt(70);
    time.fireAt(101);
    expect(ticks).toBe(4);
  });

  it('sends one input for every tick a late timer missed, up to its catch-up bound', () => {
    const time = fakeTime();
    let ticks = 0;
    const timer = new TickTimer(10, () => ticks++, { ...time.options, maxCatchUp: 4 });
    timer.start();
    time.fireAt(30); // ticks 1, 2, 3 fell due
    expect(ticks).toBe(4);
    time.fireAt(200); // 17 due: 4 sent, the rest skipped
    expect(ticks).toBe(8);
    expect(timer.skipped).toBe(13);
    expect(time.nextAt).toBe(210);
  });

  it('stops', () => {
    const time = fakeTime();
    let ticks = 0;
    const timer = new TickTimer(10, () => ticks++, time.options);
    timer.start();
    timer.stop();
    expect(timer.running).toBe(false);
    time.fireAt(50);
    expect(ticks).toBe(1);
  });
});
