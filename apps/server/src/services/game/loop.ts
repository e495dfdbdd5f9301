/**
 * One timer for every room: the authoritative clock of the game.
 *
 * `setInterval(fn, 33)` drifts: each callback runs a little late, the lateness adds up, and the
 * game runs slow. Here every tick is due at `start + n × period`, and the next timeout is set for
 * the next due time, whatever the last one's lateness, so the average rate is exact. A late timer
 * runs the ticks that fell due (a room never skips a step that clients have sent inputs for), but
 * at most `MAX_CATCH_UP` at once: after a long stall (a debugger, a suspended laptop) the clock
 * jumps ahead instead of fast-forwarding the world.
 *
 * One timer for all rooms rather than one per room: rooms tick in the same turn of the event loop,
 * their sockets are flushed together, and a hundred rooms cost one wake-up per tick, not a hundred.
 */

const MAX_CATCH_UP = 5;

export interface LoopClock {
  now(): number;
}

export class GameLoop {
  private readonly period: number;
  private readonly tick: () => void;
  private readonly clock: LoopClock;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private epoch = 0;
  private ticks = 0;
  /** Ticks dropped after stalls, for the curious. */
  skipped = 0;

  constructor(tickRate: number, tick: () => void, clock: LoopClock = performance) {
    this.period = 1000 / tickRate;
    this.tick = tick;
    this.clock = clock;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.epoch = this.clock.now();
    this.ticks = 0;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const due = this.epoch + (this.ticks + 1) * this.period;
    this.timer = setTimeout(this.run, Math.max(0, due - this.clock.now()));
    // The loop never keeps the process alive on its own: the listeners do.
    this.timer.unref?.();
  }

  private readonly run = (): void => {
    const elapsed = Math.floor((this.clock.now() - this.epoch) / this.period);
    let due = elapsed - this.ticks;
    if (due > MAX_CATCH_UP) {
      this.skipped += due - MAX_CATCH_UP;
      this.ticks += due - MAX_CATCH_UP;
      due = MAX_CATCH_UP;
    }
    for (let i = 0; i < due && this.timer !== undefined; i++) {
      this.ticks++;
      this.tick();
    }
    if (this.timer !== undefined) this.schedule();
  };
}
