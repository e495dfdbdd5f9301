/**
 * The server's clock, as seen from the page.
 *
 * Each snapshot says which tick it was taken at, so its server time is `tick × 1000 / tickRate`.
 * `serverTime − arrivalTime` is the offset between the two clocks, less that message's travel
 * time. Averaged over recent snapshots (an exponentially weighted mean) it says what server time
 * it is "now", as of a typical message's arrival: a message that travels faster or slower than
 * usual does not move it much, so jitter is absorbed by the interpolation delay rather than by the
 * clock.
 *
 * The estimate is not applied in one jump. The page's idea of "server now" drifts towards it by at
 * most `maxDriftRate` (5%: time runs a little faster or slower), so the interpolated world never
 * jumps or runs backwards when latency changes. A difference of more than `snapMs` (a latency
 * slider dragged across its range) is taken at once.
 */

export interface ServerClockOptions {
  /** How much each new sample moves the mean (0.1: the last ten or so count). */
  readonly weight?: number;
  readonly maxDriftRate?: number;
  readonly snapMs?: number;
}

export class ServerClock {
  private target: number | undefined;
  private offset: number | undefined;
  private lastNow: number | undefined;
  private readonly weight: number;
  private readonly maxDriftRate: number;
  private readonly snapMs: number;

  constructor(options: ServerClockOptions = {}) {
    this.weight = options.weight ?? 0.1;
    this.maxDriftRate = options.maxDriftRate ?? 0.05;
    this.snapMs = options.snapMs ?? 250;
  }

  get synced(): boolean {
    return this.offset !== undefined;
  }

  /** A snapshot stamped `serverTime` arrived at the page's `localTime`. */
  observe(serverTime: number, localTime: number): void {
    const sample = serverTime - localTime;
    this.target = this.target === undefined ? sample : this.target + (sample - this.target) * this.weight;
    if (this.offset === undefined || Math.abs(this.target - this.offset) > this.snapMs) {
      this.target = sample;
      this.offset = sample;
    }
  }

  /** The estimated server time at the page's `localTime`. */
  now(localTime: number): number {
    if (this.offset === undefined || this.target === undefined) return localTime;
    const elapsed = this.lastNow === undefined ? 0 : Math.max(0, localTime - this.lastNow);
    this.lastNow = localTime;
    const step = this.maxDriftRate * elapsed;
    this.offset += Math.min(step, Math.max(-step, this.target - this.offset));
    return localTime + this.offset;
  }

  reset(): void {
    this.target = undefined;
    this.offset = undefined;
    this.lastNow = undefined;
  }
}
