/** Smoothing for noisy measurements such as round-trip times. */

/** An exponentially weighted moving average, as TCP smooths its round-trip estimate (RFC 6298). */
export class Smoothed {
  private current: number | undefined;

  constructor(private readonly weight = 1 / 8) {}

  get value(): number | undefined {
    return this.current;
  }

  add(sample: number): number {
    this.current = this.current === undefined ? sample : this.current + (sample - this.current) * this.weight;
    return this.current;
  }

  reset(): void {
    this.current = undefined;
  }
}
