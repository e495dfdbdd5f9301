/**
 * Market data derived from trades: each symbol's last price, change since the open and volume,
 * its candles, and the recent tape. Fed one trade at a time; read when publishing and for snapshots.
 */
import type { CandleInterval, Cents, Quote, Trade, TradeTape } from '@stomping-ground/contracts';
import { CANDLE_INTERVALS, type CandleRow, CandleSeries } from './candles';
import type { InstrumentSpec } from './instruments';

export interface MarketDataOptions {
  /** Trades kept for the tape's snapshot. */
  readonly tapeLength: number;
  /** Candles kept per symbol and interval. */
  readonly candleCapacity: Readonly<Record<CandleInterval, number>>;
}

/** Market data as plain data, for saving and restoring (see `state.ts`). */
export interface MarketDataState {
  readonly symbols: readonly SymbolDataState[];
  /** The recent trades, oldest first. */
  readonly tape: readonly Trade[];
}

export interface SymbolDataState {
  readonly symbol: string;
  readonly open: Cents;
  readonly last: Cents;
  readonly volume: number;
  /** Oldest first. Absent: the candles are kept as they are (they may be saved apart, see `state.ts`). */
  readonly candles?: Readonly<Record<CandleInterval, readonly CandleRow[]>>;
}

interface SymbolStats {
  /** The session's open: `change` is measured from it. Set once, or by `restore`. */
  open: Cents;
  last: Cents;
  volume: number;
  readonly candles: Readonly<Record<CandleInterval, CandleSeries>>;
}

export class MarketData {
  private readonly symbols = new Map<string, SymbolStats>();
  private readonly tapeLength: number;
  private readonly tape: Trade[] = [];

  constructor(instruments: readonly InstrumentSpec[], options: MarketDataOptions) {
    this.tapeLength = options.tapeLength;
    for (const { symbol, referencePrice } of instruments) {
      const candles = {} as Record<CandleInterval, CandleSeries>;
      for (const interval of CANDLE_INTERVALS) {
        candles[interval] = new CandleSeries(symbol, interval, options.candleCapacity[interval]);
      }
      this.symbols.set(symbol, { open: referencePrice, last: referencePrice, volume: 0, candles });
    }
  }

  record(trade: Trade): void {
    const stats = this.symbols.get(trade.symbol);
    if (stats === undefined) throw new RangeError(`no instrument ${trade.symbol}`);
    stats.last = trade.price;
    stats.volume += trade.quantity;
    for (const interval of CANDLE_INTERVALS) {
      stats.candles[interval].record(trade.price, trade.quantity, trade.time);
    }
    this.tape.push(trade);
    if (this.tape.length > this.tapeLength) this.tape.shift();
  }

  /** The last trade price, or the reference price before the first trade. */
  lastPrice(symbol: string): Cents | undefined {
    return this.symbols.get(symbol)?.last;
  }

  /** A quote from the book's best prices (0 for an empty side) and the trade statistics. */
  quote(symbol: string, bid: Cents | undefined, ask: Cents | undefined, time: number): Quote | undefined {
    const stats = this.symbols.get(symbol);
    if (stats === undefined) return undefined;
    return {
      symbol,
      bid: bid ?? 0,
      ask: ask ?? 0,
      last: stats.last,
      change: stats.last - stats.open,
      volume: stats.volume,
      time,
    };
  }

  candles(symbol: string, interval: CandleInterval): CandleSeries | undefined {
    return this.symbols.get(symbol)?.candles[interval];
  }

  recentTrades(): TradeTape {
    return { trades: [...this.tape] };
  }

  /** As plain data; without the candles when `withCandles` is false (they are most of it). */
  toState(withCandles = true): MarketDataState {
    const symbols = [...this.symbols].map(([symbol, { open, last, volume, candles }]) => ({
      symbol,
      open,
      last,
      volume,
      ...(withCandles ? { candles: { '1s': candles['1s'].toState(), '1m': candles['1m'].toState() } } : {}),
    }));
    return { symbols, tape: [...this.tape] };
  }

  /** Replaces the statistics, candles and tape of every symbol `state` lists. */
  restore(state: MarketDataState): void {
    for (const saved of state.symbols) {
      const stats = this.symbols.get(saved.symbol);
      if (stats === undefined) throw new RangeError(`no instrument ${saved.symbol}`);
      stats.open = saved.open;
      stats.last = saved.last;
      stats.volume = saved.volume;
      const candles = saved.candles;
      if (candles === undefined) continue;
      for (const interval of CANDLE_INTERVALS) stats.candles[interval].restore(candles[interval]);
    }
    this.tape.splice(0, this.tape.length, ...state.tape.slice(-this.tapeLength));
  }
}
