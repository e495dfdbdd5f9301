/**
 * The median of the last few samples: what the net-stats panel shows for round trips and
 * input→ack times.
 *
 * A fresh figure, not a long memory: an exponentially weighted mean with a small weight (TCP's
 * 1/8) keeps a slow start-up sample in the figure for many seconds, and one stall moves it a lot.
 * The median of the last `size` samples follows a real change once half the window has seen it,
 * and ignores a lone outlier.
 */
export class RecentMedian {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(private readonly size = 5) {}

  get value(): number | undefined {
    const count = this.samples.length;
    if (count === 0) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const middle = count >> 1;
    return count % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  add(sample: number): void {
    if (this.samples.length < this.size) this.samples.push(sample);
    else this.samples[this.next] = sample;
    this.next = (this.next + 1) % this.size;
  }

  reset(): void {
    this.samples.length = 0;
    this.next = 0;
  }
}
