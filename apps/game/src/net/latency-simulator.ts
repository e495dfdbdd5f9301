/**
 * A latency and jitter simulator that keeps order.
 *
 * On a real connection every message takes a while to arrive, and that while varies (jitter). A
 * WebSocket runs over TCP, so messages never overtake each other: when one is late, the ones behind
 * it wait (head-of-line blocking) and then arrive in a burst. This queue models exactly that. Each
 * message draws a delay of `latency ± jitter`, but is released no earlier than the message before
 * it:
 *
 *   releaseAt = max(previous releaseAt, now + latency + random(−jitter, +jitter))
 *
 * One queue per direction: the page's outgoing frames wait before they reach the socket, incoming
 * frames wait before the STOMP client sees them. Turn the jitter up past the interpolation delay
 * and watch remote players stutter; turn the latency up and watch prediction earn its keep.
 */

export interface LatencySettings {
  /** The one-way delay added to every message, in milliseconds. */
  readonly latencyMs: number;
  /** Each message's delay varies uniformly within ± this many milliseconds (never below zero). */
  readonly jitterMs: number;
}

export const NO_LATENCY: LatencySettings = { latencyMs: 0, jitterMs: 0 };

/** Time and timers, injectable so tests can drive the clock by hand. */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Pending<T> {
  readonly releaseAt: number;
  readonly item: T;
}

export interface OrderedDelayQueueOptions<T> {
  /** Called with each item once its delay is over, in the order the items were pushed. */
  readonly deliver: (item: T) => void;
  /** Read at each push, so a change applies to the next message. */
  readonly settings: () => LatencySettings;
  readonly scheduler?: Scheduler;
  /** A number in [0, 1); `Math.random` unless a test pins it. */
  readonly random?: () => number;
}

export class OrderedDelayQueue<T> {
  private readonly pending: Pending<T>[] = [];
  private lastReleaseAt = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private readonly deliver: (item: T) => void;
  private readonly settings: () => LatencySettings;
  private readonly scheduler: Scheduler;
  private readonly random: () => number;

  constructor(options: OrderedDelayQueueOptions<T>) {
    this.deliver = options.deliver;
    this.settings = options.settings;
    this.scheduler = options.scheduler ?? browserScheduler;
    this.random = options.random ?? Math.random;
  }

  /** Messages waiting to be released. */
  get size(): number {
    return this.pending.length;
  }

  /** The delay this message will see, drawn from the current settings. */
  private drawDelay(): number {
    const { latencyMs, jitterMs } = this.settings();
    return Math.max(0, latencyMs + (this.random() * 2 - 1) * jitterMs);
  }

  push(item: T): void {
    const now = this.scheduler.now();
    const delay = this.drawDelay();
    // With nothing to wait for and no delay, hand it over at once: the simulator switched off
    // behaves exactly like no simulator at all.
    if (delay === 0 && this.pending.length === 0) {
      this.lastReleaseAt = now;
      this.deliver(item);
      return;
    }
    // The ordering rule: never before the message ahead of it.
    const releaseAt = Math.max(this.lastReleaseAt, now + delay);
    this.lastReleaseAt = releaseAt;
    this.pending.push({ releaseAt, item });
    if (this.pending.length === 1) this.arm();
  }

  /** Drops everything still waiting (the socket closed under it). */
  clear(): void {
    this.pending.length = 0;
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Releases every message that is due, then waits for the next one. */
  private release(): void {
    this.timer = undefined;
    const now = this.scheduler.now();
    while (this.pending.length > 0 && this.pending[0]!.releaseAt <= now) {
      const { item } = this.pending.shift()!;
      this.deliver(item);
    }
    if (this.pending.length > 0) this.arm();
  }

  private arm(): void {
    const head = this.pending[0];
    if (head === undefined || this.timer !== undefined) return;
    const wait = Math.max(0, head.releaseAt - this.scheduler.now());
    this.timer = this.scheduler.setTimeout(() => this.release(), wait);
  }
}
