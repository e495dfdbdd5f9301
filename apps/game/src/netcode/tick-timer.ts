/**
 * Sends the page's inputs once per simulation tick, on the server's rhythm.
 *
 * `setInterval(send, 1000 / 30)` drifts: browsers round the period and run each callback a little
 * late, so the page sends a shade slower or faster than the server ticks. Slower, and the server
 * sometimes ticks with no new input (it repeats the held keys: a step the page did not predict);
 * faster, and inputs pile up. Here, as in the server's game loop, tick n is due at
 * `start + n × period` and each timeout aims at the next due time, so the average rate is exact.
 *
 * A timer that fires late (a busy main thread, a background tab) sends one input for every tick
 * that fell due, up to `maxCatchUp`: the server merges a burst into one step, having repeated the
 * held keys for the ticks that had nothing, so the player takes as many steps on the server as the
 * page predicted. After a longer stall the clock jumps ahead instead of sending a flood.
 */

export interface TickTimerOptions {
  readonly now?: () => number;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  /** Ticks sent at once after a late timer, at most. Default 4 (the server's slack). */
  readonly maxCatchUp?: number;
}

export class TickTimer {
  private readonly now: () => number;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly maxCatchUp: number;
  private handle: unknown;
  private epoch = 0;
  private ticks = 0;
  /** Ticks not sent because the timer was later than `maxCatchUp` ticks. */
  skipped = 0;

  constructor(
    private readonly periodMs: number,
    private readonly tick: () => void,
    options: TickTimerOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer =
      options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.maxCatchUp = options.maxCatchUp ?? 4;
  }

  get running(): boolean {
    return this.handle !== undefined;
  }

  /** Sends the first tick at once, then one per period. */
  start(): void {
    this.stop();
    this.epoch = this.now();
    this.ticks = 0;
    this.run();
  }

  stop(): void {
    if (this.handle !== undefined) this.clearTimer(this.handle);
    this.handle = undefined;
  }

  private readonly run = (): void => {
    // Ticks due so far: tick 0 at the epoch, tick n at epoch + n × period.
    const due = Math.floor((this.now() - this.epoch) / this.periodMs) + 1 - this.ticks;
    if (due > this.maxCatchUp) {
      this.skipped += due - this.maxCatchUp;
      this.ticks += due - this.maxCatchUp;
    }
    for (let i = Math.min(due, this.maxCatchUp); i > 0; i--) {
      this.ticks++;
      this.tick();
    }
    const next = this.epoch + this.ticks * this.periodMs;
    this.handle = this.setTimer(this.run, Math.max(0, next - this.now()));
  };
}
