/**
 * Candles (open, high, low, close and volume per interval) built from trades, with a bounded
 * history: what a chart shows, and what a new subscriber to a candle topic gets as its snapshot.
 */
import type { Candle, CandleHistory, CandleInterval, Cents } from '@stomping-ground/contracts';

export const CANDLE_INTERVALS: readonly CandleInterval[] = ['1s', '1m'];

export const INTERVAL_SECONDS: Readonly<Record<CandleInterval, number>> = { '1s': 1, '1m': 60 };

/** The start, in seconds since the epoch, of the candle that `timeMs` falls in. */
export function candleStart(timeMs: number, interval: CandleInterval): number {
  const seconds = INTERVAL_SECONDS[interval];
  return Math.floor(timeMs / 1000 / seconds) * seconds;
}

/**
 * A candle as saved state: `[time, open, high, low, close, volume]`. Symbol and interval are the
 * series' own, so a few hundred candles per series stay a few kilobytes of JSON.
 */
export type CandleRow = readonly [
  time: number,
  open: Cents,
  high: Cents,
  low: Cents,
  close: Cents,
  volume: number,
];

export class CandleSeries {
  readonly symbol: string;
  readonly interval: CandleInterval;
  private readonly capacity: number;
  /** Oldest first; the last one is the current candle. */
  private candles: Candle[] = [];

  constructor(symbol: string, interval: CandleInterval, capacity: number) {
    this.symbol = symbol;
    this.interval = interval;
    this.capacity = capacity;
  }

  /** Adds a trade: to the current candle, or to a new one when its interval has begun. Returns that candle. */
  record(price: Cents, quantity: number, timeMs: number): Candle {
    const time = candleStart(timeMs, this.interval);
    const last = this.candles.at(-1);
    if (last !== undefined && last.time === time) {
      const updated: Candle = {
        ...last,
        high: Math.max(last.high, price),
        low: Math.min(last.low, price),
        close: price,
        volume: last.volume + quantity,
      };
      this.candles[this.candles.length - 1] = updated;
      return updated;
    }
    // A trade stamped before the current candle (a clock step back) joins the current one rather
    // than reorder history.
    if (last !== undefined && time < last.time) return this.record(price, quantity, last.time * 1000);
    const candle: Candle = {
      symbol: this.symbol,
      interval: this.interval,
      time,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: quantity,
    };
    this.candles.push(candle);
    if (this.candles.length > this.capacity) this.candles.splice(0, this.candles.length - this.capacity);
    return candle;
  }

  /** Replaces the history (oldest first), keeping the newest `capacity`. */
  seed(candles: readonly Candle[]): void {
    this.candles = candles.slice(-this.capacity);
  }

  /** The history as rows, oldest first. */
  toState(): CandleRow[] {
    return this.candles.map(({ time, open, high, low, close, volume }) => [
      time,
      open,
      high,
      low,
      close,
      volume,
    ]);
  }

  /** Replaces the history with saved rows (oldest first), keeping the newest `capacity`. */
  restore(rows: readonly CandleRow[]): void {
    const { symbol, interval } = this;
    this.seed(
      rows.map(([time, open, high, low, close, volume]) => ({
        symbol,
        interval,
        time,
        open,
        high,
        low,
        close,
        volume,
      })),
    );
  }

  current(): Candle | undefined {
    return this.candles.at(-1);
  }

  history(): CandleHistory {
    return { symbol: this.symbol, interval: this.interval, candles: [...this.candles] };
  }
}
