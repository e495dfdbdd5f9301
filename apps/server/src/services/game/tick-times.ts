/** How long recent ticks took: a fixed ring of durations, summarised on demand (never on the hot path). */

export interface TickTimesSummary {
  /** Ticks measured since the start (the summary covers the most recent of them). */
  readonly count: number;
  readonly meanMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export class TickTimes {
  private readonly durations: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.durations = new Float64Array(capacity);
  }

  add(durationMs: number): void {
    this.durations[this.count % this.durations.length] = durationMs;
    this.count++;
  }

  summary(): TickTimesSummary {
    const recent = this.durations.slice(0, Math.min(this.count, this.durations.length)).sort();
    if (recent.length === 0) return { count: 0, meanMs: 0, p99Ms: 0, maxMs: 0 };
    let sum = 0;
    for (const duration of recent) sum += duration;
    return {
      count: this.count,
      meanMs: sum / recent.length,
      p99Ms: recent[Math.min(recent.length - 1, Math.floor(recent.length * 0.99))]!,
      maxMs: recent[recent.length - 1]!,
    };
  }
}
